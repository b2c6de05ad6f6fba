#include "core/uuid.h"

#include <openssl/rand.h>

#include <array>
#include <cctype>
#include <mutex>
#include <stdexcept>

namespace goatherd {

namespace {
std::string FormatV7(std::array<unsigned char, 16> b, std::int64_t unix_ms);
}  // namespace

std::string NewUuidV7(std::int64_t unix_ms) {
  std::array<unsigned char, 16> b{};
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  // Lists are newest first by (created_at, id): ids must sort in minting order even within one
  // millisecond, so the 12 bits after the time count up within a millisecond (RFC 9562 "fixed
  // bit-length dedicated counter"), from a random start below half their range.
  static std::mutex mu;
  static std::int64_t last_ms = -1;
  static unsigned counter = 0;
  {
    std::lock_guard lock(mu);
    if (unix_ms <= last_ms && unix_ms > last_ms - 1000 && counter < 0xfff) {
      // Also when a caller passes a millisecond just before the last one (a thread that read
      // the clock before another minted): the id takes the later time, so minting order is id
      // order. An explicitly older time (a second or more) starts afresh and keeps its prefix.
      unix_ms = last_ms;
      ++counter;
    } else {
      last_ms = unix_ms;
      counter = ((b[6] & 0x0fu) << 8 | b[7]) & 0x7ffu;
    }
    b[6] = static_cast<unsigned char>((b[6] & 0xf0) | (counter >> 8));
    b[7] = static_cast<unsigned char>(counter & 0xff);
  }
  return FormatV7(b, unix_ms);
}

std::string UuidV7FromBits(std::int64_t unix_ms, std::uint64_t random_high,
                           std::uint64_t random_low) {
  std::array<unsigned char, 16> b{};
  for (int i = 0; i < 8; ++i) {
    b[i] = static_cast<unsigned char>(random_high >> (8 * i));
    b[8 + i] = static_cast<unsigned char>(random_low >> (8 * i));
  }
  return FormatV7(b, unix_ms);
}

namespace {
std::string FormatV7(std::array<unsigned char, 16> b, std::int64_t unix_ms) {
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(unix_ms >> (8 * (5 - i)));
  b[6] = static_cast<unsigned char>(0x70 | (b[6] & 0x0f));
  b[8] = static_cast<unsigned char>(0x80 | (b[8] & 0x3f));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0xf]);
  }
  return out;
}
}  // namespace

std::optional<std::string> NormalizeUuid(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  std::string out(text);
  for (std::size_t i = 0; i < out.size(); ++i) {
    char c = out[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return std::nullopt;
      continue;
    }
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    out[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace goatherd
