#include "api/json_writer.h"

#include <charconv>
#include <cmath>

#include "core/time.h"
#include "core/utf8.h"

namespace goatherd::api {

JsonWriter& JsonWriter::String(std::string_view v) {
  if (IsValidUtf8(v)) {
    return Did(writer_.String(v.data(), static_cast<rapidjson::SizeType>(v.size())));
  }
  std::string repaired = RepairUtf8(v);
  return Did(writer_.String(repaired.data(), static_cast<rapidjson::SizeType>(repaired.size())));
}

JsonWriter& JsonWriter::Double(double v) {
  if (!std::isfinite(v)) return Null();
  if (v == 0) return Raw("0");  // also folds -0 into 0
  // JavaScript's Number#toString (ECMA-262 Number::toString): the shortest round-trip digits,
  // placed by the decimal exponent n — plain digits for -6 < n <= 21, else d.ddde±x.
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string_view text(buf, static_cast<std::size_t>(end - buf));
  std::string out = v < 0 ? "-" : "";
  if (v < 0) text.remove_prefix(1);
  auto e = text.find('e');
  std::string digits;
  for (char c : text.substr(0, e)) {
    if (c != '.') digits.push_back(c);
  }
  int n = std::stoi(std::string(text.substr(e + 1))) + 1;
  int k = static_cast<int>(digits.size());
  // Appends only: GCC 12 warns falsely (-Wrestrict) on `"literal" + std::string` here.
  if (k <= n && n <= 21) {
    out.append(digits).append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, static_cast<std::size_t>(n))
        .append(".")
        .append(digits, static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out.append("0.").append(static_cast<std::size_t>(-n), '0').append(digits);
  } else {
    out.append(digits, 0, 1);
    if (k > 1) out.append(".").append(digits, 1);
    out.append(n - 1 < 0 ? "e-" : "e+").append(std::to_string(std::abs(n - 1)));
  }
  return Raw(out);
}

JsonWriter& JsonWriter::Time(Timestamp t) {
  char text[kTimestampLength];  // ASCII: nothing to validate
  PutTimestamp(text, t);
  return Did(writer_.String(text, static_cast<rapidjson::SizeType>(kTimestampLength)));
}

}  // namespace goatherd::api
