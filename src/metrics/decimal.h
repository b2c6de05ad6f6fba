// Exact decimal results of the metrics engine. Every derived value of the API (rates, averages)
// is a ratio of integers rounded half away from zero to a fixed number of decimals; doing that in
// floating point gets the halfway cases wrong (1.005 is 1.00499999... as a double), so the
// rounding here is done on integers only, and the result is kept as a scaled integer until it is
// printed the way JavaScript prints numbers.
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <string>

namespace goatherd::metrics {

// The value scaled / 10^decimals. Equality compares the representation, not the value:
// {65, 1} and {650, 2} are both 6.5 but compare unequal.
struct Decimal {
  std::int64_t scaled = 0;
  int decimals = 0;

  friend bool operator==(const Decimal&, const Decimal&) = default;
};

// numerator / denominator rounded half away from zero to `decimals` (0..18) decimals, computed
// exactly. Requires denominator != 0, |numerator| * 10^decimals < 2^127, and a result that fits
// in int64 (all metric inputs are int64 counts scaled by at most 100 * 10^4, far below both).
Decimal RoundRatio(__int128 numerator, __int128 denominator, int decimals);

// The shortest text of the value, as JavaScript prints a number: "6.5", "3800", "0.13",
// "-0.0313"; never "3800.0", "6.5E0" or "-0" (zero prints "0"); below 1e-6 the exponent form
// "1.5e-7", as JavaScript does. Values needing more than 17 significant digits keep all their
// digits, which a JSON parser rounds to the same double JavaScript would have printed.
std::string ToJsonNumber(Decimal value);
// Same text, appended to *out (no allocation when *out has room).
void AppendJsonNumber(Decimal value, std::string* out);

}  // namespace goatherd::metrics
