// Process-level settings that Torch training on few cores needs before any library starts threads.
//
// Torch's OpenMP workers and OpenBLAS's own pthreads both spin-wait after each parallel region.
// On a 2-core machine they steal each other's cores: a tiny-encoder training step measured 0.14 s
// with libgomp's default (spinning) wait policy and 0.085 s with OMP_WAIT_POLICY=PASSIVE (the
// base encoder 3.2 s -> 2.6 s). libgomp reads the variable only when it is loaded, before main(),
// so an executable that trains must set it and re-execute itself.
//
// Torch-free. Not thread-safe: call first thing in main().
#pragma once

namespace xstilts {

// When OMP_WAIT_POLICY is unset: sets it to PASSIVE and re-executes /proc/self/exe with the same
// arguments (does not return on success). Returns normally when the variable is already set
// (including by the re-executed process itself) or when exec fails.
void ReexecWithPassiveOpenMpWait(char** argv);

}  // namespace xstilts
