#include "api/router.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace goatherd::api {
namespace {

Response Tagged(const std::string& tag) {
  Response r;
  r.body = tag;
  return r;
}

Route MakeRoute(const std::string& method, const std::string& pattern) {
  Route r;
  r.method = method;
  r.pattern = pattern;
  r.handler = [tag = method + " " + pattern](RequestContext&) { return Tagged(tag); };
  return r;
}

// The pattern of the matched route, or "405 <allowed>" / "404".
std::string Resolve(const Router& router, const std::string& method, const std::string& path) {
  Router::Match m = router.Find(method, path);
  if (m.route) return m.route->method + " " + m.route->pattern;
  if (m.allowed.empty()) return "404";
  std::string out = "405";
  for (const auto& a : m.allowed) out += " " + a;
  return out;
}

Router ProjectRouter() {
  Router router;
  router.Add(MakeRoute("GET", "/api/v1/projects"));
  router.Add(MakeRoute("POST", "/api/v1/projects"));
  router.Add(MakeRoute("GET", "/api/v1/projects/{id}"));
  router.Add(MakeRoute("PATCH", "/api/v1/projects/{id}"));
  router.Add(MakeRoute("DELETE", "/api/v1/projects/{id}"));
  router.Add(MakeRoute("POST", "/api/v1/projects/{projectId}/creators"));
  router.Add(MakeRoute("GET", "/api/v1/creators/{id}/events"));
  return router;
}

TEST(RouterTest, StaticAndParamMatches) {
  Router router = ProjectRouter();
  EXPECT_EQ(Resolve(router, "GET", "/api/v1/projects"), "GET /api/v1/projects");
  EXPECT_EQ(Resolve(router, "POST", "/api/v1/projects"), "POST /api/v1/projects");
  EXPECT_EQ(Resolve(router, "GET", "/api/v1/projects/abc"), "GET /api/v1/projects/{id}");
  EXPECT_EQ(Resolve(router, "POST", "/api/v1/projects/abc/creators"),
            "POST /api/v1/projects/{projectId}/creators");
}

TEST(RouterTest, ParamsAreCapturedRaw) {
  // The router does not judge parameter values; App checks them as UUIDs (400 invalid_params).
  Router router = ProjectRouter();
  Router::Match m = router.Find("GET", "/api/v1/projects/ABC-not-a-uuid");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params.at("id"), "ABC-not-a-uuid");
  Router::Match nested = router.Find("POST", "/api/v1/projects/p1/creators");
  ASSERT_NE(nested.route, nullptr);
  EXPECT_EQ(nested.params.at("projectId"), "p1");
}

TEST(RouterTest, UnknownPathsAre404) {
  Router router = ProjectRouter();
  for (const char* path : {"/api/v1/project", "/api/v1/projects/", "/api/v1/projects//creators",
                           "/api/v1", "/api/v1/projects/a/b", "/API/V1/PROJECTS", "",
                           "api/v1/projects", "/", "/api/v1/projects/a/creators/extra"}) {
    EXPECT_EQ(Resolve(router, "GET", path), "404") << "'" << path << "'";
  }
  // An empty segment is not a parameter value.
  EXPECT_EQ(Resolve(router, "PATCH", "/api/v1/projects/"), "404");
}

TEST(RouterTest, KnownPathOtherMethodListsTheAllowedOnes) {
  Router router = ProjectRouter();
  EXPECT_EQ(Resolve(router, "PUT", "/api/v1/projects"), "405 GET POST");
  EXPECT_EQ(Resolve(router, "DELETE", "/api/v1/projects"), "405 GET POST");
  EXPECT_EQ(Resolve(router, "POST", "/api/v1/projects/abc"), "405 GET PATCH DELETE");
  EXPECT_EQ(Resolve(router, "GET", "/api/v1/projects/abc/creators"), "405 POST");
  // Methods are case-sensitive (RFC 9110).
  EXPECT_EQ(Resolve(router, "get", "/api/v1/projects"), "405 GET POST");
}

TEST(RouterTest, StaticSegmentWinsOverParamRegisteredLater) {
  Router router;
  router.Add(MakeRoute("GET", "/api/v1/analytics/schema"));
  router.Add(MakeRoute("GET", "/api/v1/analytics/{id}"));
  EXPECT_EQ(Resolve(router, "GET", "/api/v1/analytics/schema"), "GET /api/v1/analytics/schema");
  EXPECT_EQ(Resolve(router, "GET", "/api/v1/analytics/other"), "GET /api/v1/analytics/{id}");
}

TEST(RouterTest, StaticSegmentWinsOverParamRegisteredFirst) {
  // A literal path must not depend on the order resource files register their routes in.
  Router router;
  router.Add(MakeRoute("GET", "/api/v1/videos/{id}"));
  router.Add(MakeRoute("GET", "/api/v1/videos/export"));
  Router::Match m = router.Find("GET", "/api/v1/videos/export");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/api/v1/videos/export");
}

TEST(RouterTest, HandlersAreTheRegisteredOnes) {
  Router router = ProjectRouter();
  Router::Match m = router.Find("DELETE", "/api/v1/projects/x");
  ASSERT_NE(m.route, nullptr);
  Request req;
  Query q;
  Services services;
  RequestContext ctx{req, q, {}, nullptr, nullptr, services};
  EXPECT_EQ(m.route->handler(ctx).body, "DELETE /api/v1/projects/{id}");
  EXPECT_EQ(router.routes().size(), 7u);
}

}  // namespace
}  // namespace goatherd::api
