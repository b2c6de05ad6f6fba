// Clock: where "now" comes from. Injected everywhere so that tests fix it; nothing in the tree
// reads the system time directly. Thread-safety: implementations are safe to share.
#pragma once

#include <atomic>
#include <cstdint>

namespace goatherd {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual std::int64_t NowMs() const = 0;
  std::int64_t NowSeconds() const { return NowMs() / 1000; }
};

class SystemClock final : public Clock {
 public:
  std::int64_t NowMs() const override;
};

// A clock that starts at a fixed instant and moves only when told (or, when `advancing`, moves
// with real time from that instant on: black-box tests fix "now" this way without freezing it).
class FixedClock final : public Clock {
 public:
  explicit FixedClock(std::int64_t start_ms, bool advancing = false);
  std::int64_t NowMs() const override;
  void Set(std::int64_t ms);

 private:
  std::int64_t start_real_ms_;
  bool advancing_;
  std::atomic<std::int64_t> offset_ms_;
};

}  // namespace goatherd
