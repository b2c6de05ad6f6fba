// What the request limits add to a request: SlidingWindowLimiter::Admit (per key) and
// DailyQuota::Consume (per organization), alone and together, single-threaded and with two
// threads contending. Target (issue: platform rules): under 2 µs per request.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>
#include <vector>

#include "api/rate_limiter.h"
#include "core/clock.h"
#include "store/store.h"

namespace {

using goatherd::api::DailyQuota;
using goatherd::api::SlidingWindowLimiter;

std::vector<std::string> Keys(int n) {
  std::vector<std::string> keys;
  for (int i = 0; i < n; ++i)
    keys.push_back("01a21809-2aef-7e6f-af26-ea2767" + std::to_string(100000 + i));
  return keys;
}

// A window so large it never refuses: the cost measured is that of an admission.
void BM_WindowAdmit(benchmark::State& state) {
  static SlidingWindowLimiter limiter(1 << 30, 60'000);
  auto keys = Keys(1000);
  std::int64_t now = 1'800'000'000'000;
  std::size_t i = state.thread_index() * 7;
  for (auto _ : state) {
    benchmark::DoNotOptimize(limiter.Admit(keys[i++ % keys.size()], now++));
  }
}
BENCHMARK(BM_WindowAdmit)->Threads(1)->Threads(2)->UseRealTime();

// The default window, 60 per minute, at steady state: each admission also evicts one.
void BM_WindowAdmitAtLimit(benchmark::State& state) {
  SlidingWindowLimiter limiter(60, 60'000);
  std::int64_t now = 1'800'000'000'000;
  for (auto _ : state) {
    benchmark::DoNotOptimize(limiter.Admit("key", now));
    now += 1000;  // one request a second: always admitted, the deque stays at 60
  }
}
BENCHMARK(BM_WindowAdmitAtLimit);

struct QuotaFixture {
  QuotaFixture() {
    path = std::filesystem::temp_directory_path() /
           ("goatherd-bench-" + std::to_string(::getpid()) + ".db");
    store = std::move(*goatherd::OpenStore(path.string(), 2));
    (void)store->Migrate();
    quota = std::make_unique<DailyQuota>(*store, clock);
  }
  ~QuotaFixture() {
    quota.reset();
    store.reset();
    std::filesystem::remove(path);
    std::filesystem::remove(path.string() + "-wal");
    std::filesystem::remove(path.string() + "-shm");
  }
  std::filesystem::path path;
  goatherd::SystemClock clock;
  std::unique_ptr<goatherd::Store> store;
  std::unique_ptr<DailyQuota> quota;
};

void BM_DailyQuotaConsume(benchmark::State& state) {
  static QuotaFixture fixture;
  auto orgs = Keys(100);
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(fixture.quota->Consume(orgs[i++ % orgs.size()], 1LL << 40));
  }
}
BENCHMARK(BM_DailyQuotaConsume)->Threads(1)->Threads(2)->UseRealTime();

void BM_BothLimits(benchmark::State& state) {
  static QuotaFixture fixture;
  static SlidingWindowLimiter limiter(1 << 30, 60'000);
  auto keys = Keys(1000);
  std::int64_t now = 1'800'000'000'000;
  std::size_t i = 0;
  for (auto _ : state) {
    const std::string& k = keys[i++ % keys.size()];
    benchmark::DoNotOptimize(limiter.Admit(k, now++));
    benchmark::DoNotOptimize(fixture.quota->Consume(k, 1LL << 40));
  }
}
BENCHMARK(BM_BothLimits)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
