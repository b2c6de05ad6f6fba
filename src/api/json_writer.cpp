#include "api/json_writer.h"

#include <charconv>
#include <cmath>

#include "core/time.h"

namespace goatherd::api {

JsonWriter& JsonWriter::Double(double v) {
  if (!std::isfinite(v)) return Null();
  if (v == 0) v = 0;  // folds -0 into 0
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  std::string_view text(buf, static_cast<std::size_t>(end - buf));
  // std::to_chars may choose exponent form ("1e+21"); JavaScript prints the same for large and
  // tiny values, so it is kept as is.
  return Raw(text);
}

JsonWriter& JsonWriter::Time(Timestamp t) { return String(FormatTimestamp(t)); }

}  // namespace goatherd::api
