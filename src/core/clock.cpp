#include "core/clock.h"

#include <chrono>

namespace goatherd {
namespace {
std::int64_t RealNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
}  // namespace

std::int64_t SystemClock::NowMs() const { return RealNowMs(); }

FixedClock::FixedClock(std::int64_t start_ms, bool advancing)
    : start_real_ms_(RealNowMs()), advancing_(advancing), offset_ms_(start_ms - start_real_ms_) {}

std::int64_t FixedClock::NowMs() const {
  return (advancing_ ? RealNowMs() : start_real_ms_) + offset_ms_.load();
}

void FixedClock::Set(std::int64_t ms) {
  offset_ms_.store(ms - (advancing_ ? RealNowMs() : start_real_ms_));
}

}  // namespace goatherd
