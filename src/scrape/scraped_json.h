// Defensive readers of scraped JSON (vendor items, TikTok's hydration data): a missing or
// mistyped field is "absent", never an exception, and text is repaired to valid UTF-8. Shared
// by the network sources, whose inputs change shape without notice.
// Thread-safety: pure functions.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

namespace goatherd::scrape {

// The value at `path` (object keys) below `v`, or nullptr.
const boost::json::value* JsonAt(const boost::json::value* v,
                                 std::initializer_list<const char*> path);
// An integer written as a number or as a digit string (TikTok uses both).
std::optional<std::int64_t> JsonInt(const boost::json::value* v);
// A string, repaired to valid UTF-8.
std::optional<std::string> JsonStr(const boost::json::value* v);
bool JsonTrue(const boost::json::value* v);
// A post id: a non-empty string, or an integer (ids that JSON rounded as doubles are unusable).
std::optional<std::string> JsonId(const boost::json::value* v);

}  // namespace goatherd::scrape
