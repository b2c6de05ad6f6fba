// Strict parsing of untrusted JSON request bodies with Boost.JSON. Beyond the grammar it refuses
// what Boost.JSON 1.81 would otherwise accept silently: duplicate keys (it keeps the last),
// numbers that overflow to infinity (`1e400`), integers beyond int64 (turned into doubles), and
// nesting deeper than kMaxJsonDepth. Also the typed field readers the handlers use, whose error
// messages name the field.
// Thread-safety: pure functions.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace goatherd::api {

inline constexpr int kMaxJsonDepth = 32;

// Parses any JSON text under the rules above; errors are 400 invalid_body.
Result<boost::json::value> ParseStrictJson(std::string_view text);

// A body that must be a JSON object.
Result<boost::json::object> ParseJsonObjectBody(std::string_view body);

// Rejects members other than `allowed` (400 invalid_body naming the first unknown one).
Status RejectUnknownFields(const boost::json::object& body,
                           std::initializer_list<std::string_view> allowed);

// Field readers. A missing field gives nullopt; a present field of the wrong type is a 400.
Result<std::optional<std::string>> ReadString(const boost::json::object& body,
                                              std::string_view field);
// For fields where null means "clear": the outer optional says whether the field is present.
// A string field whose value must be one of `allowed` (400 invalid_body naming the choices).
Result<std::optional<std::string>> ReadEnum(const boost::json::object& body, std::string_view field,
                                            std::initializer_list<std::string_view> allowed);
Result<std::optional<std::optional<std::string>>> ReadNullableString(
    const boost::json::object& body, std::string_view field);
// An object member serialized back to compact JSON text, limited to `max_bytes` as received.
Result<std::optional<std::string>> ReadObjectAsJson(const boost::json::object& body,
                                                    std::string_view field, std::size_t max_bytes);

// The `readme` (markdown notes, at most 100,000 code points; null clears) and `metadata` (an
// object, at most 65,536 bytes) fields that every resource with notes accepts.
Result<std::optional<std::optional<std::string>>> ReadReadme(const boost::json::object& body);
Result<std::optional<std::string>> ReadMetadata(const boost::json::object& body);

// Compact JSON text of a value, numbers printed as JsonWriter prints them (Boost.JSON's own
// serializer would write 6.5 as 6.5E0).
std::string SerializeJson(const boost::json::value& v);

// Number of Unicode code points of valid UTF-8 text.
std::size_t CodePointCount(std::string_view utf8);

}  // namespace goatherd::api
