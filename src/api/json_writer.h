// JsonWriter: streams a response body with RapidJSON's Writer, without building a tree.
// Integers are written as int64; fractional values are written by the caller as exact decimal
// text (see metrics/decimal.h) or by `Double`, which prints the shortest round-trip form the way
// JavaScript does (`6.5`, `3800`, never `3800.0` or `-0`).
// Thread-safety: one writer per response.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/types.h"

namespace goatherd::api {

class JsonWriter {
 public:
  JsonWriter() : writer_(buffer_) {}

  JsonWriter& StartObject() { return Did(writer_.StartObject()); }
  JsonWriter& EndObject() { return Did(writer_.EndObject()); }
  JsonWriter& StartArray() { return Did(writer_.StartArray()); }
  JsonWriter& EndArray() { return Did(writer_.EndArray()); }
  // Keys are the API's own names or members of JSON the strict parser accepted, so always valid
  // UTF-8: no check on this hot path.
  JsonWriter& Key(std::string_view k) {
    return Did(writer_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())));
  }
  // Invalid UTF-8 is repaired (U+FFFD) so that every response stays valid JSON.
  JsonWriter& String(std::string_view v);
  JsonWriter& Int(std::int64_t v) { return Did(writer_.Int64(v)); }
  JsonWriter& Bool(bool v) { return Did(writer_.Bool(v)); }
  JsonWriter& Null() { return Did(writer_.Null()); }
  JsonWriter& Double(double v);
  // Already-serialized JSON (a stored `metadata` object, a decimal number's text).
  JsonWriter& Raw(std::string_view json) {
    return Did(writer_.RawValue(json.data(), json.size(), rapidjson::kObjectType));
  }
  JsonWriter& OptString(const std::optional<std::string>& v) { return v ? String(*v) : Null(); }
  JsonWriter& OptInt(const std::optional<std::int64_t>& v) { return v ? Int(*v) : Null(); }
  // RFC 3339, UTC, seconds precision.
  JsonWriter& Time(Timestamp t);
  JsonWriter& OptTime(const std::optional<Timestamp>& t) { return t ? Time(*t) : Null(); }

  std::string Take() { return std::string(buffer_.GetString(), buffer_.GetSize()); }

 private:
  JsonWriter& Did(bool) { return *this; }
  rapidjson::StringBuffer buffer_;
  rapidjson::Writer<rapidjson::StringBuffer> writer_;
};

}  // namespace goatherd::api
