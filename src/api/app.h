// App: the request pipeline, independent of the network. It matches the route, authenticates,
// checks the organization, scope, content type and path parameters in the order of
// api-conventions.md ("when several errors apply, the first in this order wins"), then calls the
// handler. It never throws and never answers outside the envelope.
// Thread-safety: Handle may be called from any number of threads at once.
#pragma once

#include <memory>
#include <mutex>
#include <unordered_map>

#include "api/auth.h"
#include "api/http_types.h"
#include "api/pagination.h"
#include "api/plan_limits.h"
#include "api/rate_limiter.h"
#include "api/router.h"
#include "api/stats_cache.h"
#include "core/clock.h"
#include "store/store.h"

namespace goatherd::api {

struct AppOptions {
  int requests_per_minute = 60;  // per API key; 0 disables the window
  bool daily_quota = true;       // the plan's max_api_requests_per_day
};

class App {
 public:
  // Builds the route table. `cursor_secret` signs pagination cursors.
  App(Store& store, const Clock& clock, std::string cursor_secret, AppOptions options = {});

  Response Handle(const Request& request);
  const Router& router() const { return router_; }

 private:
  Response Dispatch(const Request& request);
  // 429 when the key's window or the organization's daily quota is used up; else counts it.
  std::optional<Response> CheckRateLimits(const Principal& who);
  // Runs the handler under the Idempotency-Key rules of api-conventions.md.
  Response RunIdempotent(const Route& route, RequestContext& ctx, const std::string& key);

  Store& store_;
  const Clock& clock_;
  CursorCodec cursors_;
  Router router_;
  StatsCache stats_cache_{64 << 20};
  Authenticator auth_;
  Services services_;
  AppOptions options_;
  SlidingWindowLimiter window_;
  std::unique_ptr<DailyQuota> daily_;
  PlanLimitCache plan_limits_;
};

// Registration of each resource's routes (one file each under routes/).
void RegisterDiscoveryRoutes(Router& router);
void RegisterProjectRoutes(Router& router);
void RegisterVideoRoutes(Router& router);
void RegisterOrgRoutes(Router& router);
void RegisterRemovedRoutes(Router& router);
void RegisterScrapeRoutes(Router& router);
void RegisterGoalRoutes(Router& router);
void RegisterAnnotationRoutes(Router& router);
void RegisterAggregateRoutes(Router& router);
void RegisterCreatorRoutes(Router& router);
void RegisterCampaignRoutes(Router& router);
void RegisterAnalyticsRoutes(Router& router);

}  // namespace goatherd::api
