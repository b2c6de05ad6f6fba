#include "api/envelope.h"

#include <type_traits>

namespace goatherd::api {

Response DataResponse(int status, const PayloadWriter& data, const PayloadWriter& meta) {
  JsonWriter w;
  w.StartObject().Key("data");
  data(w);
  w.Key("error").Null().Key("meta");
  if (meta) {
    meta(w);
  } else {
    w.Null();
  }
  w.EndObject();
  Response r;
  r.status = status;
  r.body = w.Take();
  return r;
}

Response PageResponse(const PayloadWriter& items, const std::optional<std::string>& next_cursor) {
  return DataResponse(200, items, [&](JsonWriter& w) {
    w.StartObject().Key("nextCursor").OptString(next_cursor);
    w.Key("hasMore").Bool(next_cursor.has_value()).EndObject();
  });
}

Response ErrorResponse(const Error& error) {
  JsonWriter w;
  w.StartObject().Key("data").Null().Key("error").String(error.message);
  w.Key("meta").StartObject().Key("code").String(error.code);
  Response r;
  for (const MetaField& f : error.extra) {
    w.Key(f.key);
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::int64_t>) {
            w.Int(v);
          } else if constexpr (std::is_same_v<T, std::string>) {
            w.String(v);
          } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
            w.StartArray();
            for (const auto& s : v) w.String(s);
            w.EndArray();
          } else {
            w.Null();
          }
        },
        f.value);
    if (f.key == "retryAfter") {
      if (auto* secs = std::get_if<std::int64_t>(&f.value)) {
        r.headers.emplace_back("Retry-After", std::to_string(*secs));
      }
    }
  }
  w.EndObject().EndObject();
  r.status = error.status;
  r.body = w.Take();
  return r;
}

Response DeletedResponse(const std::string& id) {
  return DataResponse(200, [&](JsonWriter& w) {
    w.StartObject().Key("id").String(id).Key("deleted").Bool(true).EndObject();
  });
}

Response CachedDataResponse(const std::string& payload, bool cached) {
  Response r;
  r.status = 200;
  r.body.reserve(payload.size() + 64);
  r.body.append(R"({"data":)").append(payload);
  r.body.append(cached ? R"(,"error":null,"meta":{"cached":true}})"
                       : R"(,"error":null,"meta":{"cached":false}})");
  return r;
}

}  // namespace goatherd::api
