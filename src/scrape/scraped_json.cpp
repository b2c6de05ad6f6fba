#include "scrape/scraped_json.h"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <cstdint>

#include "core/utf8.h"

namespace goatherd::scrape {

namespace json = boost::json;

const json::value* JsonAt(const json::value* v, std::initializer_list<const char*> path) {
  for (const char* key : path) {
    if (!v || !v->is_object()) return nullptr;
    v = v->as_object().if_contains(key);
  }
  return v;
}

std::optional<std::int64_t> JsonInt(const json::value* v) {
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) {
    return static_cast<std::int64_t>(std::min<std::uint64_t>(v->as_uint64(), INT64_MAX));
  }
  if (v->is_double() && std::isfinite(v->as_double()) && std::abs(v->as_double()) < 9e18) {
    return static_cast<std::int64_t>(v->as_double());
  }
  if (v->is_string()) {
    const auto& s = v->as_string();
    if (s.empty() || s.size() > 18) return std::nullopt;
    std::int64_t n = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + (c - '0');
    }
    return n;
  }
  return std::nullopt;
}

std::optional<std::string> JsonStr(const json::value* v) {
  if (!v || !v->is_string()) return std::nullopt;
  return RepairUtf8(std::string_view(v->as_string().data(), v->as_string().size()));
}

bool JsonTrue(const json::value* v) { return v && v->is_bool() && v->as_bool(); }

std::optional<std::string> JsonId(const json::value* v) {
  if (v && v->is_string() && !v->as_string().empty()) return JsonStr(v);
  if (v && (v->is_int64() || v->is_uint64())) return json::serialize(*v);
  return std::nullopt;
}

}  // namespace goatherd::scrape
