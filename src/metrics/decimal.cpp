#include "metrics/decimal.h"

#include <cassert>
#include <cstdint>
#include <string>

namespace goatherd::metrics {

Decimal RoundRatio(__int128 numerator, __int128 denominator, int decimals) {
  assert(denominator != 0);
  assert(decimals >= 0 && decimals <= 18);
  const bool negative = (numerator < 0) != (denominator < 0);
  unsigned __int128 num = numerator < 0 ? -static_cast<unsigned __int128>(numerator)
                                        : static_cast<unsigned __int128>(numerator);
  const unsigned __int128 den = denominator < 0 ? -static_cast<unsigned __int128>(denominator)
                                                : static_cast<unsigned __int128>(denominator);
  for (int i = 0; i < decimals; ++i) num *= 10;
  unsigned __int128 quotient = 0;
  unsigned __int128 remainder = 0;
  if ((num >> 64) == 0 && (den >> 64) == 0) {
    // Nearly always: one 64-bit division instead of two calls to the 128-bit routines.
    const auto num64 = static_cast<std::uint64_t>(num);
    const auto den64 = static_cast<std::uint64_t>(den);
    quotient = num64 / den64;
    remainder = num64 % den64;
  } else {
    quotient = num / den;
    remainder = num % den;
  }
  // Half away from zero on magnitudes: round up when the remainder is at least half the divisor.
  // remainder < den, so `den - remainder` cannot wrap, and comparing remainder >= den - remainder
  // avoids doubling a value near 2^128.
  if (remainder >= den - remainder) ++quotient;
  const auto magnitude = static_cast<std::int64_t>(quotient);
  return Decimal{negative ? -magnitude : magnitude, decimals};
}

void AppendJsonNumber(Decimal value, std::string* out) {
  if (value.scaled == 0) {
    out->push_back('0');
    return;
  }
  // Unsigned arithmetic so that INT64_MIN has a magnitude.
  std::uint64_t magnitude = value.scaled < 0 ? 0 - static_cast<std::uint64_t>(value.scaled)
                                             : static_cast<std::uint64_t>(value.scaled);
  int decimals = value.decimals;
  // Trailing zeros of the fraction are not part of the shortest form.
  while (decimals > 0 && magnitude % 10 == 0) {
    magnitude /= 10;
    --decimals;
  }
  char digits[20];  // 2^64 has 20 decimal digits
  int count = 0;
  do {
    digits[count++] = static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  // Written into a buffer and appended once: a series appends hundreds of numbers.
  char text[48];  // sign, "0." or a point, up to 18 zeros, 20 digits
  char* p = text;
  if (value.scaled < 0) *p++ = '-';
  const int leading_zeros = decimals - count;  // zeros between the point and the first digit
  if (leading_zeros >= 6) {
    // Below 1e-6 JavaScript switches to exponent form: 1.5e-7.
    *p++ = digits[--count];
    if (count > 0) *p++ = '.';
    while (count > 0) *p++ = digits[--count];
    out->append(text, p);
    out->append("e-");
    out->append(std::to_string(leading_zeros + 1));
    return;
  }
  if (count <= decimals) {
    // A pure fraction: "0." then the zeros the digits do not cover.
    *p++ = '0';
    *p++ = '.';
    for (int i = 0; i < decimals - count; ++i) *p++ = '0';
  } else {
    while (count > decimals) *p++ = digits[--count];
    if (decimals > 0) *p++ = '.';
  }
  while (count > 0) *p++ = digits[--count];
  out->append(text, p);
}

std::string ToJsonNumber(Decimal value) {
  std::string text;
  AppendJsonNumber(value, &text);
  return text;
}

}  // namespace goatherd::metrics
