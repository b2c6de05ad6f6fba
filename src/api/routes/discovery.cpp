// Discovery and health: /healthz, /api/v1/schema, /api/v1/openapi.json.
#include "api/app.h"
#include "api/envelope.h"
#include "api/openapi.h"

namespace goatherd::api {
namespace {

Response Healthz(RequestContext& ctx) {
  Response r;
  if (ctx.services.store->Ping().ok()) {
    r.body = R"({"status":"ok"})";
  } else {
    r.status = 503;
    r.body = R"({"status":"unavailable"})";
  }
  return r;
}

Response Schema(RequestContext& ctx) {
  std::string doc = BuildSchemaDocument(*ctx.services.router);
  return DataResponse(200, [&](JsonWriter& w) { w.Raw(doc); });
}

Response OpenApi(RequestContext& ctx) {
  Response r;
  r.body = BuildOpenApiDocument(*ctx.services.router);
  return r;
}

}  // namespace

void RegisterDiscoveryRoutes(Router& router) {
  Route health{"GET",
               "/healthz",
               kScopeRead,
               Healthz,
               {"Liveness: 200 {\"status\":\"ok\"} when the database answers, else 503",
                "Meta",
                {},
                {},
                "",
                false,
                200,
                {503}}};
  health.is_public = true;
  router.Add(std::move(health));
  router.Add({"GET",
              "/api/v1/schema",
              kScopeRead,
              Schema,
              {"The data model: every entity, its fields and relationships", "Meta"}});
  Route openapi{"GET",
                "/api/v1/openapi.json",
                kScopeRead,
                OpenApi,
                {"This OpenAPI 3.1 document (not enveloped: it is the document itself)", "Meta"}};
  openapi.is_public = true;
  router.Add(std::move(openapi));
}

}  // namespace goatherd::api
