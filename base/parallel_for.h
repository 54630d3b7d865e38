// ForEachInParallel: work(i) for every i in [0, count), on up to `max_threads` threads (the
// caller's among them), each taking the next index when it is done with one. For work that waits
// more than it computes (network transfers): it starts plain threads, no pool.
//
// Returns when every call has returned. An exception thrown by work(i) is rethrown in the caller
// after all threads ended (the first one thrown; the others are dropped).
#pragma once

#include <cstddef>
#include <functional>

namespace xstilts {

void ForEachInParallel(size_t count, size_t max_threads, const std::function<void(size_t)>& work);

}  // namespace xstilts
