// Endpoints trackagoat removed: they answer 410 `gone` (before authentication, as a removed
// endpoint is a property of the path) with a pointer to what replaced them.
#include "api/app.h"

namespace goatherd::api {

void RegisterRemovedRoutes(Router& router) {
  struct Removed {
    const char* pattern;
    const char* entity;
  };
  for (const Removed& removed : {Removed{"/api/v1/creators/{id}/stats", "creator"},
                                 Removed{"/api/v1/campaigns/{id}/stats", "campaign"}}) {
    const char* pattern = removed.pattern;
    Route route{"GET",
                pattern,
                kScopeRead,
                nullptr,
                {"Removed: use GET /api/v1/analytics?entity=...&entity_id=...", "Removed"}};
    route.gone = true;
    route.gone_message = std::string("GET ") + pattern +
                         " was removed; use GET /api/v1/analytics?entity=" + removed.entity +
                         "&entity_id=<id>";
    router.Add(std::move(route));
  }
}

}  // namespace goatherd::api
