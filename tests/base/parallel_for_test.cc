#include "base/parallel_for.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace xstilts {
namespace {

TEST(ForEachInParallel, CallsEveryIndexOnce) {
  std::vector<std::atomic<int>> calls(1000);
  ForEachInParallel(calls.size(), 4, [&](size_t i) { ++calls[i]; });
  for (size_t i = 0; i < calls.size(); ++i) ASSERT_EQ(calls[i].load(), 1) << i;
}

TEST(ForEachInParallel, RunsUpToMaxThreadsAtOnce) {
  std::atomic<int> running{0}, most{0};
  ForEachInParallel(12, 3, [&](size_t) {
    int now = ++running;
    for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    --running;
  });
  EXPECT_EQ(most.load(), 3);  // 12 calls of 30 ms on 3 threads overlap
}

TEST(ForEachInParallel, NothingToDoAndOneThread) {
  int calls = 0;
  ForEachInParallel(0, 4, [&](size_t) { ++calls; });
  EXPECT_EQ(calls, 0);
  std::set<std::thread::id> threads;
  ForEachInParallel(5, 0, [&](size_t) { threads.insert(std::this_thread::get_id()); ++calls; });
  EXPECT_EQ(calls, 5);
  EXPECT_EQ(threads, std::set<std::thread::id>{std::this_thread::get_id()});  // 0 threads means the caller's
}

TEST(ForEachInParallel, AnExceptionReachesTheCallerAfterTheOthersRan) {
  std::atomic<int> calls{0};
  EXPECT_THROW(ForEachInParallel(20, 4,
                                 [&](size_t i) {
                                   ++calls;
                                   if (i == 3) throw std::runtime_error("three");
                                 }),
               std::runtime_error);
  EXPECT_EQ(calls.load(), 20);
}

}  // namespace
}  // namespace xstilts
