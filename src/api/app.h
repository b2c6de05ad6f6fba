// App: the request pipeline, independent of the network. It matches the route, authenticates,
// checks the organization, scope, content type and path parameters in the order of
// api-conventions.md ("when several errors apply, the first in this order wins"), then calls the
// handler. It never throws and never answers outside the envelope.
// Thread-safety: Handle may be called from any number of threads at once.
#pragma once

#include <memory>

#include "api/auth.h"
#include "api/http_types.h"
#include "api/pagination.h"
#include "api/router.h"
#include "api/stats_cache.h"
#include "core/clock.h"
#include "store/store.h"

namespace goatherd::api {

class App {
 public:
  // Builds the route table. `cursor_secret` signs pagination cursors.
  App(Store& store, const Clock& clock, std::string cursor_secret);

  Response Handle(const Request& request);
  const Router& router() const { return router_; }

 private:
  Response Dispatch(const Request& request);

  Store& store_;
  const Clock& clock_;
  CursorCodec cursors_;
  Router router_;
  StatsCache stats_cache_{10000};
  Authenticator auth_;
  Services services_;
};

// Registration of each resource's routes (one file each under routes/).
void RegisterDiscoveryRoutes(Router& router);
void RegisterProjectRoutes(Router& router);
void RegisterVideoRoutes(Router& router);

}  // namespace goatherd::api
