#include "api/json_body.h"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse.hpp>
#include <charconv>
#include <cmath>
#include <set>
#include <vector>

#include "api/json_writer.h"

namespace goatherd::api {
namespace {

namespace json = boost::json;

// A basic_parser handler that builds nothing and checks what Boost.JSON's own parser lets pass.
struct StrictCheck {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  std::vector<std::set<std::string>> keys;  // one set per open object
  int depth = 0;
  std::string key;
  std::string number;
  std::string problem;
  std::vector<std::string> double_texts;  // in document order

  bool Fail(std::string why, json::error_code& ec) {
    problem = std::move(why);
    ec = json::make_error_code(json::error::extra_data);
    return false;
  }
  bool Open(json::error_code& ec) {
    if (++depth > kMaxJsonDepth) {
      return Fail("nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels", ec);
    }
    return true;
  }

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_array_begin(json::error_code& ec) { return Open(ec); }
  bool on_array_end(std::size_t, json::error_code&) {
    --depth;
    return true;
  }
  bool on_object_begin(json::error_code& ec) {
    keys.emplace_back();
    return Open(ec);
  }
  bool on_object_end(std::size_t, json::error_code&) {
    keys.pop_back();
    --depth;
    return true;
  }
  bool on_string_part(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_string(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    key.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
    key.append(s.data(), s.size());
    bool fresh = keys.back().insert(key).second;
    std::string k = std::move(key);
    key.clear();
    if (!fresh) return Fail("duplicate key '" + k + "'", ec);
    return true;
  }
  bool on_number_part(json::string_view s, json::error_code&) {
    number.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t, json::string_view, json::error_code&) {
    number.clear();
    return true;
  }
  bool on_uint64(std::uint64_t, json::string_view s, json::error_code& ec) {
    number.append(s.data(), s.size());
    return Fail("integer " + std::exchange(number, {}) + " is out of range", ec);
  }
  bool on_double(double d, json::string_view s, json::error_code& ec) {
    number.append(s.data(), s.size());
    std::string text = std::exchange(number, {});
    if (!std::isfinite(d)) return Fail("number " + text + " is out of range", ec);
    if (text.find_first_of(".eE") == std::string::npos) {
      return Fail("integer " + text + " is out of range", ec);
    }
    double_texts.push_back(std::move(text));
    return true;
  }
  bool on_bool(bool, json::error_code&) { return true; }
  bool on_null(json::error_code&) { return true; }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }
};

const char* TypeName(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "a number";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return "an object";
  }
  return "a value";
}

// Boost.JSON 1.81 is not always correctly rounded (123456789012345680000.0 comes back one ULP
// low); std::from_chars is. Doubles are re-read from their text, in document order.
void ReplaceDoubles(json::value& v, const std::vector<std::string>& texts, std::size_t& next) {
  switch (v.kind()) {
    case json::kind::double_: {
      if (next < texts.size()) {
        const std::string& t = texts[next++];
        double d = 0;
        auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), d);
        if (ec == std::errc() && end == t.data() + t.size()) v = d;
      }
      break;
    }
    case json::kind::array:
      for (auto& e : v.get_array()) ReplaceDoubles(e, texts, next);
      break;
    case json::kind::object:
      for (auto& m : v.get_object()) ReplaceDoubles(m.value(), texts, next);
      break;
    default:
      break;
  }
}

}  // namespace

Result<json::value> ParseStrictJson(std::string_view text) {
  json::parse_options opts;
  opts.max_depth = kMaxJsonDepth + 1;
  json::basic_parser<StrictCheck> checker(opts);
  json::error_code ec;
  std::size_t used = checker.write_some(false, text.data(), text.size(), ec);
  if (ec) {
    if (!checker.handler().problem.empty()) {
      return Error::InvalidBody("Invalid JSON body: " + checker.handler().problem);
    }
    return Error::InvalidBody("Invalid JSON body: " + ec.message() + " at offset " +
                              std::to_string(used));
  }
  json::value v = json::parse(json::string_view(text.data(), text.size()), ec, {}, opts);
  if (ec) return Error::InvalidBody("Invalid JSON body: " + ec.message());
  if (!checker.handler().double_texts.empty()) {
    std::size_t next = 0;
    ReplaceDoubles(v, checker.handler().double_texts, next);
  }
  return v;
}

Result<json::object> ParseJsonObjectBody(std::string_view body) {
  if (body.empty()) return Error::InvalidBody("Request body is empty; expected a JSON object");
  auto v = ParseStrictJson(body);
  if (!v) return v.error();
  if (!v->is_object()) {
    return Error::InvalidBody(std::string("Request body must be a JSON object, got ") +
                              TypeName(*v));
  }
  return std::move(v->as_object());
}

Status RejectUnknownFields(const json::object& body,
                           std::initializer_list<std::string_view> allowed) {
  for (const auto& member : body) {
    bool known = false;
    for (auto a : allowed) known = known || member.key() == a;
    if (!known) {
      return Error::InvalidBody("Unknown field '" + std::string(member.key()) + "'");
    }
  }
  return Status::Ok();
}

Result<std::optional<std::string>> ReadString(const json::object& body, std::string_view field) {
  auto it = body.find(field);
  if (it == body.end()) return std::optional<std::string>();
  if (!it->value().is_string()) {
    return Error::InvalidBody("Field '" + std::string(field) + "' must be a string, got " +
                              TypeName(it->value()));
  }
  return std::optional<std::string>(std::string(it->value().as_string()));
}

Result<std::optional<std::optional<std::string>>> ReadNullableString(const json::object& body,
                                                                     std::string_view field) {
  using Out = std::optional<std::optional<std::string>>;
  auto it = body.find(field);
  if (it == body.end()) return Out();
  if (it->value().is_null()) return Out(std::optional<std::string>());
  if (!it->value().is_string()) {
    return Error::InvalidBody("Field '" + std::string(field) + "' must be a string or null, got " +
                              TypeName(it->value()));
  }
  return Out(std::string(it->value().as_string()));
}

Result<std::optional<std::string>> ReadObjectAsJson(const json::object& body,
                                                    std::string_view field, std::size_t max_bytes) {
  auto it = body.find(field);
  if (it == body.end()) return std::optional<std::string>();
  if (!it->value().is_object()) {
    return Error::InvalidBody("Field '" + std::string(field) + "' must be an object, got " +
                              TypeName(it->value()));
  }
  std::string text = SerializeJson(it->value());
  if (text.size() > max_bytes) {
    return Error::InvalidBody("Field '" + std::string(field) + "' exceeds " +
                              std::to_string(max_bytes) + " bytes");
  }
  return std::optional<std::string>(std::move(text));
}

Result<std::optional<std::optional<std::string>>> ReadReadme(const json::object& body) {
  constexpr std::size_t kMaxReadmeCodePoints = 100000;
  auto readme = ReadNullableString(body, "readme");
  if (readme && readme->has_value() && (*readme)->has_value() &&
      CodePointCount(***readme) > kMaxReadmeCodePoints) {
    return Error::InvalidBody("Field 'readme' exceeds 100000 characters");
  }
  return readme;
}

Result<std::optional<std::string>> ReadMetadata(const json::object& body) {
  constexpr std::size_t kMaxMetadataBytes = 65536;
  return ReadObjectAsJson(body, "metadata", kMaxMetadataBytes);
}

namespace {
void WriteValue(JsonWriter& w, const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      w.Null();
      break;
    case json::kind::bool_:
      w.Bool(v.get_bool());
      break;
    case json::kind::int64:
      w.Int(v.get_int64());
      break;
    case json::kind::uint64:
      w.Raw(std::to_string(v.get_uint64()));
      break;
    case json::kind::double_:
      w.Double(v.get_double());
      break;
    case json::kind::string:
      w.String(v.get_string());
      break;
    case json::kind::array:
      w.StartArray();
      for (const auto& e : v.get_array()) WriteValue(w, e);
      w.EndArray();
      break;
    case json::kind::object:
      w.StartObject();
      for (const auto& m : v.get_object()) {
        w.Key(m.key());
        WriteValue(w, m.value());
      }
      w.EndObject();
      break;
  }
}
}  // namespace

std::string SerializeJson(const json::value& v) {
  JsonWriter w;
  WriteValue(w, v);
  return w.Take();
}

std::size_t CodePointCount(std::string_view utf8) {
  std::size_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

Result<std::optional<std::string>> ReadEnum(const json::object& body, std::string_view field,
                                            std::initializer_list<std::string_view> allowed) {
  auto v = ReadString(body, field);
  if (!v) return v.error();
  if (!v->has_value()) return std::optional<std::string>();
  std::string list;
  for (auto a : allowed) {
    if (**v == a) return *v;
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  return Error::InvalidBody("Field '" + std::string(field) + "' must be one of " + list +
                            ", got '" + **v + "'");
}

}  // namespace goatherd::api
