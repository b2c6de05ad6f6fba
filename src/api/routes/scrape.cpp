// Manual scrape triggers (scraping.md "Scheduler"): POST /api/v1/creators/{id}/scrape and
// POST /api/v1/videos/{id}/scrape queue the target's jobs now, ignoring the plan floors.
#include "api/app.h"
#include "api/envelope.h"

namespace goatherd::api {
namespace {

Response Trigger(RequestContext& ctx, const char* target_kind) {
  auto jobs = ctx.services.store->QueueManualScrape(ctx.org->id, target_kind, ctx.Param("id"),
                                                    ctx.services.clock->NowSeconds());
  if (!jobs) return ErrorResponse(jobs.error());
  return DataResponse(202, [&](JsonWriter& w) {
    w.StartObject().Key("queued").StartArray();
    for (const ScrapeJob& j : *jobs) {
      w.StartObject().Key("job_id").Int(j.id).Key("kind").String(j.kind);
      w.Key("target_id").String(j.target_id).Key("due_at").Time(j.due_at).EndObject();
    }
    w.EndArray().EndObject();
  });
}

Response TriggerCreator(RequestContext& ctx) { return Trigger(ctx, "creator"); }
Response TriggerVideo(RequestContext& ctx) { return Trigger(ctx, "video"); }

}  // namespace

void RegisterScrapeRoutes(Router& router) {
  router.Add({"POST",
              "/api/v1/creators/{id}/scrape",
              kScopeWrite,
              TriggerCreator,
              {"Refresh a creator's profile and discover its posts now (ignores the plan floors; "
               "counts against max_manual_scrape_triggers_per_day)",
               "Scraping",
               {},
               {},
               "",
               false,
               202,
               {404, 409}}});
  router.Add({"POST",
              "/api/v1/videos/{id}/scrape",
              kScopeWrite,
              TriggerVideo,
              {"Refresh a video's stats now (ignores the plan floors; counts against "
               "max_manual_scrape_triggers_per_day)",
               "Scraping",
               {},
               {},
               "",
               false,
               202,
               {404, 409}}});
}

}  // namespace goatherd::api
