#include "api/openapi.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "api/envelope.h"
#include "api/json_writer.h"

namespace goatherd::api {
namespace {

// The JSON Schema of one documented type.
void WriteTypeSchema(JsonWriter& w, const std::string& type, bool nullable) {
  auto type_name = [&](const char* t) {
    if (nullable) {
      w.Key("type").StartArray().String(t).String("null").EndArray();
    } else {
      w.Key("type").String(t);
    }
  };
  w.StartObject();
  if (type == "uuid") {
    type_name("string");
    w.Key("format").String("uuid");
  } else if (type == "timestamp") {
    type_name("string");
    w.Key("format").String("date-time");
  } else if (type == "date") {
    type_name("string");
    w.Key("format").String("date");
  } else if (type == "integer" || type == "number" || type == "boolean" || type == "object" ||
             type == "string") {
    type_name(type.c_str());
  } else if (type.rfind("array<", 0) == 0) {
    type_name("array");
    w.Key("items");
    WriteTypeSchema(w, type.substr(6, type.size() - 7), false);
  } else {
    type_name("string");
  }
  w.EndObject();
}

void WriteFieldsSchema(JsonWriter& w, const std::vector<FieldDoc>& fields, bool all_required) {
  w.StartObject().Key("type").String("object").Key("properties").StartObject();
  for (const auto& f : fields) {
    w.Key(f.name);
    WriteTypeSchema(w, f.type, f.nullable);
  }
  w.EndObject();
  w.Key("required").StartArray();
  for (const auto& f : fields) {
    if (all_required || f.required) w.String(f.name);
  }
  w.EndArray();
  w.EndObject();
}

std::string ComponentName(const std::string& entity) {
  std::string out;
  bool upper = true;
  for (char c : entity) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out.push_back(upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
    upper = false;
  }
  return out;
}

std::string OperationId(const Route& r) {
  std::string id = r.method;
  std::transform(id.begin(), id.end(), id.begin(), [](unsigned char c) { return std::tolower(c); });
  for (char c : r.pattern.substr(sizeof("/api/v1") - 1)) {
    id.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  }
  return id;
}

const char* StatusText(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 400:
      return "Bad request (invalid_query, invalid_body or invalid_params)";
    case 401:
      return "Missing or invalid API key";
    case 402:
      return "Plan limit reached or range past retention";
    case 403:
      return "Insufficient scope or organization suspended";
    case 404:
      return "Not found in the key's organization";
    case 409:
      return "Conflict";
    case 410:
      return "Endpoint removed";
    case 413:
      return "Body over 1 MiB";
    case 415:
      return "Body is not application/json";
    case 429:
      return "Rate limit exceeded";
    case 500:
      return "Internal error";
    case 503:
      return "Unavailable";
  }
  return "Response";
}

// /healthz and this document answer outside the envelope (api-conventions.md), so their bodies
// get their own schemas; RouteDoc has no field for that, hence the match on the pattern (the
// black-box check in tests/openapi validates real answers against these). Returns false for
// every other (route, status).
bool WriteUnenvelopedSchema(JsonWriter& w, const Route& r, int status) {
  if (r.pattern == "/healthz" && (status == 200 || status == 503)) {
    w.StartObject().Key("type").String("object").Key("properties").StartObject();
    w.Key("status").StartObject().Key("const").String(status == 200 ? "ok" : "unavailable");
    w.EndObject().EndObject();
    w.Key("required").StartArray().String("status").EndArray().EndObject();
    return true;
  }
  if (r.pattern == "/api/v1/openapi.json" && status == 200) {
    w.StartObject().Key("type").String("object").Key("properties").StartObject();
    w.Key("openapi").StartObject().Key("type").String("string");
    w.Key("pattern").String("^3\\.1\\.[0-9]+$").EndObject();
    w.Key("info").StartObject().Key("type").String("object").EndObject();
    w.Key("paths").StartObject().Key("type").String("object").EndObject();
    w.EndObject().Key("required").StartArray().String("openapi").String("info").String("paths");
    w.EndArray().EndObject();
    return true;
  }
  return false;
}

}  // namespace

std::string BuildOpenApiDocument(const Router& router) {
  JsonWriter w;
  w.StartObject();
  w.Key("openapi").String("3.1.0");
  w.Key("info").StartObject();
  w.Key("title").String("goatherd API");
  w.Key("version").String("1.0.0");
  w.Key("description")
      .String(
          "Self-hosted TikTok creator-program tracking; serves the trackagoat v1 API. Every "
          "response is the envelope {data, error, meta}.");
  w.EndObject();
  w.Key("servers").StartArray().StartObject().Key("url").String("/").EndObject().EndArray();
  w.Key("security").StartArray().StartObject().Key("bearerAuth").StartArray().EndArray();
  w.EndObject().EndArray();

  // Paths, grouped by pattern in the order routes were registered.
  std::vector<std::string> patterns;
  std::map<std::string, std::vector<const Route*>> by_pattern;
  for (const Route& r : router.routes()) {
    if (!by_pattern.count(r.pattern)) patterns.push_back(r.pattern);
    by_pattern[r.pattern].push_back(&r);
  }
  w.Key("paths").StartObject();
  for (const auto& pattern : patterns) {
    w.Key(pattern).StartObject();
    for (const Route* r : by_pattern[pattern]) {
      std::string method = r->method;
      std::transform(method.begin(), method.end(), method.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      w.Key(method).StartObject();
      w.Key("operationId").String(OperationId(*r));
      w.Key("summary").String(r->doc.summary.empty() ? r->pattern : r->doc.summary);
      if (!r->doc.tag.empty()) w.Key("tags").StartArray().String(r->doc.tag).EndArray();
      if (r->is_public || r->gone) w.Key("security").StartArray().EndArray();
      if (r->gone) w.Key("deprecated").Bool(true);
      w.Key("parameters").StartArray();
      for (const auto& seg : r->segments) {
        if (seg.size() < 3 || seg.front() != '{') continue;
        w.StartObject().Key("name").String(seg.substr(1, seg.size() - 2));
        w.Key("in").String("path").Key("required").Bool(true).Key("schema");
        WriteTypeSchema(w, "uuid", false);
        w.EndObject();
      }
      for (const auto& q : r->doc.query) {
        w.StartObject().Key("name").String(q.name).Key("in").String("query");
        w.Key("required").Bool(false).Key("description").String(q.description).Key("schema");
        WriteTypeSchema(w, q.type, false);
        w.EndObject();
      }
      w.EndArray();
      if (!r->doc.request_body.empty()) {
        w.Key("requestBody").StartObject().Key("required").Bool(true);
        w.Key("content").StartObject().Key("application/json").StartObject().Key("schema");
        WriteFieldsSchema(w, r->doc.request_body, false);
        w.EndObject().EndObject().EndObject();
      }
      w.Key("responses").StartObject();
      int ok_status = r->gone ? 410 : r->doc.success_status;
      if (!r->gone) {
        w.Key(std::to_string(ok_status)).StartObject();
        w.Key("description").String(StatusText(ok_status));
        w.Key("content").StartObject().Key("application/json").StartObject().Key("schema");
        if (WriteUnenvelopedSchema(w, *r, ok_status)) {
          // Written above.
        } else if (!r->doc.response_entity.empty()) {
          std::string ref = "#/components/schemas/" + ComponentName(r->doc.response_entity);
          w.StartObject().Key("type").String("object").Key("properties").StartObject();
          w.Key("data");
          if (r->doc.list) {
            w.StartObject().Key("type").String("array").Key("items").StartObject();
            w.Key("$ref").String(ref).EndObject().EndObject();
          } else {
            w.StartObject().Key("$ref").String(ref).EndObject();
          }
          w.Key("error").StartObject().Key("type").String("null").EndObject();
          w.Key("meta");
          if (r->doc.list) {
            w.StartObject().Key("$ref").String("#/components/schemas/PageMeta").EndObject();
          } else {
            w.StartObject().Key("type").StartArray().String("object").String("null");
            w.EndArray().EndObject();
          }
          w.EndObject().EndObject();
        } else {
          w.StartObject().Key("$ref").String("#/components/schemas/Envelope").EndObject();
        }
        w.EndObject().EndObject().EndObject();
      }
      std::set<int> errors(r->doc.errors.begin(), r->doc.errors.end());
      errors.insert(500);
      if (r->gone) errors = {410};
      if (!r->is_public && !r->gone) errors.insert({400, 401, 403, 429});
      if (!r->doc.request_body.empty()) errors.insert({413, 415});
      for (int status : errors) {
        w.Key(std::to_string(status)).StartObject();
        w.Key("description").String(StatusText(status));
        w.Key("content").StartObject().Key("application/json").StartObject().Key("schema");
        if (!WriteUnenvelopedSchema(w, *r, status)) {
          w.StartObject().Key("$ref").String("#/components/schemas/ErrorEnvelope").EndObject();
        }
        w.EndObject().EndObject().EndObject();
      }
      w.EndObject();  // responses
      w.EndObject();  // operation
    }
    w.EndObject();
  }
  w.EndObject();

  w.Key("components").StartObject();
  w.Key("securitySchemes").StartObject().Key("bearerAuth").StartObject();
  w.Key("type").String("http").Key("scheme").String("bearer");
  w.Key("description").String("An API key: tga_ followed by 64 lowercase hex digits");
  w.EndObject().EndObject();
  w.Key("schemas").StartObject();
  w.Key("Envelope").StartObject().Key("type").String("object");
  w.Key("properties").StartObject();
  w.Key("data").StartObject().EndObject();
  w.Key("error").StartObject().Key("type").StartArray().String("string").String("null");
  w.EndArray().EndObject();
  w.Key("meta").StartObject().Key("type").StartArray().String("object").String("null");
  w.EndArray().EndObject();
  w.EndObject().Key("required").StartArray().String("data").String("error").String("meta");
  w.EndArray().EndObject();
  w.Key("ErrorEnvelope").StartObject().Key("type").String("object");
  w.Key("properties").StartObject();
  w.Key("data").StartObject().Key("type").String("null").EndObject();
  w.Key("error").StartObject().Key("type").String("string").EndObject();
  w.Key("meta").StartObject().Key("type").String("object");
  w.Key("properties").StartObject().Key("code").StartObject().Key("type").String("string");
  w.EndObject().EndObject().Key("required").StartArray().String("code").EndArray().EndObject();
  w.EndObject().Key("required").StartArray().String("data").String("error").String("meta");
  w.EndArray().EndObject();
  w.Key("PageMeta").StartObject().Key("type").String("object");
  w.Key("properties").StartObject();
  w.Key("nextCursor").StartObject().Key("type").StartArray().String("string").String("null");
  w.EndArray().EndObject();
  w.Key("hasMore").StartObject().Key("type").String("boolean").EndObject();
  w.EndObject().Key("required").StartArray().String("nextCursor").String("hasMore").EndArray();
  w.EndObject();
  for (const EntityDoc& e : router.entities()) {
    w.Key(ComponentName(e.name));
    WriteFieldsSchema(w, e.fields, true);
  }
  w.EndObject();
  w.EndObject();  // components
  w.EndObject();
  return w.Take();
}

std::string BuildSchemaDocument(const Router& router) {
  JsonWriter w;
  w.StartObject().Key("entities").StartObject();
  for (const EntityDoc& e : router.entities()) {
    w.Key(e.name).StartObject();
    w.Key("description").String(e.description);
    w.Key("fields").StartObject();
    for (const auto& f : e.fields) {
      w.Key(f.name).StartObject();
      w.Key("type").String(f.nullable ? f.type + " | null" : f.type);
      w.Key("description").String(f.description);
      w.EndObject();
    }
    w.EndObject();
    w.Key("relationships").StartObject();
    for (const auto& [name, target] : e.relationships) w.Key(name).String(target);
    w.EndObject();
    w.EndObject();
  }
  w.EndObject().EndObject();
  return w.Take();
}

}  // namespace goatherd::api
