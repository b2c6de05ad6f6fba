// The route table: every endpoint of the API with its method, path pattern, required scope,
// handler and documentation. The server dispatches on it and the OpenAPI document and
// `/api/v1/schema` are generated from it, so neither can drift from the code.
// Thread-safety: built once at start-up, then read-only.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_types.h"
#include "api/query.h"
#include "core/types.h"

namespace goatherd {
class Store;
class Clock;
}  // namespace goatherd

namespace goatherd::api {

class CursorCodec;
class Router;
class StatsCache;
class PlanLimitCache;

// A field of an entity or a request body, as documented in /schema and OpenAPI.
// `type`: uuid, string, integer, number, boolean, timestamp, date, object, array<...>.
struct FieldDoc {
  std::string name{};
  std::string type{};
  bool nullable = false;
  std::string description{};
  bool required = false;  // for request bodies
};

struct EntityDoc {
  std::string name{};
  std::string description{};
  std::vector<FieldDoc> fields{};
  std::map<std::string, std::string> relationships{};  // field or name -> what it refers to
};

struct QueryParamDoc {
  std::string name{};
  std::string type{};
  std::string description{};
};

struct RouteDoc {
  std::string summary{};
  std::string tag{};
  std::vector<QueryParamDoc> query{};
  std::vector<FieldDoc> request_body{};  // empty: the route takes no body
  std::string response_entity{};         // EntityDoc name of `data`, empty for ad-hoc payloads
  bool list = false;                     // `data` is an array of response_entity, paginated
  int success_status = 200;
  std::vector<int> errors{};  // statuses the route can answer besides the common ones
};

// Everything a handler may use; owned by the server for its whole life.
struct Services {
  Store* store = nullptr;
  const Clock* clock = nullptr;
  const CursorCodec* cursors = nullptr;
  const Router* router = nullptr;
  StatsCache* stats_cache = nullptr;
  PlanLimitCache* plan_limits = nullptr;
};

struct RequestContext {
  const Request& request;
  const Query& query;
  std::map<std::string, std::string> path{};  // path parameters, UUIDs normalized
  const Organization* org = nullptr;          // null on public routes
  const ApiKey* key = nullptr;
  const Services& services;

  const std::string& Param(const std::string& name) const { return path.at(name); }
};

using Handler = std::function<Response(RequestContext&)>;

struct Route {
  std::string method{};
  std::string pattern{};  // "/api/v1/projects/{id}"; every {param} is a UUID
  unsigned scope = kScopeRead;
  Handler handler{};
  RouteDoc doc{};
  bool is_public = false;  // no API key (healthz, openapi)
  bool gone = false;       // removed endpoint: 410 before authentication
  // The answer carries a secret shown once (`data.key`): an idempotency record keeps the
  // answer without it.
  bool response_has_secret = false;
  std::string gone_message{};

  std::vector<std::string> segments{};  // filled by Router::Add
};

class Router {
 public:
  void Add(Route route);
  void AddEntity(EntityDoc entity) { entities_.push_back(std::move(entity)); }

  struct Match {
    const Route* route = nullptr;      // set when method and path match
    std::vector<std::string> allowed;  // set when only the path matches (405)
    std::map<std::string, std::string> params{};
  };
  Match Find(std::string_view method, std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }
  const std::vector<EntityDoc>& entities() const { return entities_; }

 private:
  std::vector<Route> routes_{};
  std::vector<EntityDoc> entities_{};
};

}  // namespace goatherd::api
