// Replaced as data/ grows.
