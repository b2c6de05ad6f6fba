// `goatherd demo`: the newcomer's first command. It creates (or reuses) a demo organization on
// the `demo` plan, a project and a dozen creators on the simulated TikTok, backfills 30 days of
// their history through the real scrape pipeline, prints an API key and curl lines that work,
// and serves, with new snapshots arriving every minute.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>

#include "api/auth.h"
#include "cli/commands.h"
#include "cli/open.h"
#include "cli/server_runner.h"
#include "core/time.h"
#include "scrape/scheduler.h"
#include "scrape/simulated_source.h"

namespace goatherd::cli {
namespace {

// Fixed ids, so that a second run finds and reuses what the first one made.
constexpr const char* kDemoOrgId = "0190d000-0000-7000-8000-00000000de01";
constexpr const char* kDemoProjectId = "0190d000-0000-7000-8000-00000000de02";
constexpr const char* kHandles[] = {"goat.daily",   "sunny.kitchen", "trail.runner", "pixel.paws",
                                    "tiny.gardens", "bass.lines",    "morning.lift", "city.sketch",
                                    "retro.games",  "salt.and.sea",  "paper.crafts", "late.shift"};
constexpr int kBackfillDays = 30;
constexpr Timestamp kBackfillStepSeconds = 6 * 3600;

std::string CreatorId(int i) {
  char id[40];
  std::snprintf(id, sizeof id, "0190d000-0000-7000-8000-0000000dc%03d", i);
  return id;
}

Status CreateDemoWorld(Store& store, Timestamp now) {
  auto session = store.BeginImport(now);
  if (Status st = session->BeginBatch(); !st) return st;
  Organization org;
  org.id = kDemoOrgId;
  org.name = "goatherd demo";
  org.timezone = "UTC";
  org.plan = "demo";
  org.created_at = now;
  Project project;
  project.id = kDemoProjectId;
  project.org_id = org.id;
  project.name = "Demo program";
  project.description = "A dozen creators on a simulated TikTok; stats refresh every minute.";
  project.created_at = now;
  std::string start = FormatDate(static_cast<DayNumber>(now / 86400) - kBackfillDays);
  Status st = session->PutOrganization(org, true);
  if (st) st = session->PutProject(project, true);
  for (int i = 0; st && i < static_cast<int>(std::size(kHandles)); ++i) {
    Creator c;
    c.id = CreatorId(i);
    c.project_id = project.id;
    c.tiktok_handle = kHandles[i];
    c.tracking_mode = i % 4 == 3 ? "selective" : "auto";
    c.tracking_start_date = start;
    c.created_at = now - kBackfillDays * 86400;
    st = session->PutCreator(c, true);
  }
  if (!st) {
    session->RollbackBatch();
    return st;
  }
  return session->CommitBatch();
}

// Replays the last 30 days through the scheduler with a clock that steps through them.
void Backfill(Store& store, scrape::Source& source, Timestamp now) {
  FixedClock clock((now - kBackfillDays * 86400) * 1000);
  scrape::SchedulerOptions options;
  options.claim_batch = 64;
  scrape::Scheduler scheduler(store, source, clock, options);
  int steps = static_cast<int>(kBackfillDays * 86400 / kBackfillStepSeconds);
  for (int step = 0; step <= steps; ++step) {
    clock.Set((now - kBackfillDays * 86400 + step * kBackfillStepSeconds) * 1000);
    scheduler.RunDueOnce();
    if (step % 8 == 0 || step == steps) {
      std::fprintf(stderr, "\rbackfilling 30 days of simulated history: %3d%%", step * 100 / steps);
      std::fflush(stderr);
    }
  }
  std::fprintf(stderr, "\n");
}

int Demo(const ServeOptions& options) {
  ServeOptions o = options;
  o.source = "simulated";
  // Checked before anything is opened, so a typo creates no database file.
  if (auto address = ParseListen(o.listen); !address) return Fail(address.error().message, 2);
  SystemClock clock;
  auto store = OpenMigrated(o.db.db, StorePoolSize(o));
  if (!store) return Fail(store.error().message);
  Timestamp now = clock.NowSeconds();
  bool fresh = !(*store)->GetOrganization(kDemoOrgId).ok();
  if (fresh) {
    if (Status st = CreateDemoWorld(**store, now); !st) {
      return Fail("cannot create the demo organization: " + st.error().message);
    }
    scrape::SimulatedSource source(o.seed);
    Backfill(**store, source, now);
  } else {
    std::fprintf(stderr, "reusing the demo organization in %s\n", o.db.db.c_str());
  }
  auto minted = api::MintApiKey(kDemoOrgId, "demo", kScopeRead | kScopeWrite | kScopeAdmin,
                                std::nullopt, clock.NowMs());
  auto key = (*store)->CreateApiKey(minted.row, /*enforce_limit=*/false);
  if (!key) return Fail("cannot create the demo API key");
  PageRequest first;
  first.limit = 1;
  auto videos = (*store)->ListVideos(kDemoOrgId, {}, first);
  std::string video_id =
      videos && !videos->items.empty() ? videos->items.front().video.id : "<video id>";
  std::string secret = minted.secret;
  return RunServer(**store, clock, o, [&](const std::string& base) {
    std::string auth = "-H \"Authorization: Bearer " + secret + "\"";
    std::printf(
        "\ngoatherd demo is running: 12 simulated creators, new snapshots every minute.\n\n"
        "API key (admin, shown once): %s\n\nTry:\n"
        "  curl -s %s %s/api/v1/projects\n"
        "  curl -s %s '%s/api/v1/videos?limit=5'\n"
        "  curl -s %s '%s/api/v1/videos/%s/stats?cohort=1'\n\n"
        "The API's description: %s/api/v1/openapi.json — stop with Ctrl-C.\n\n",
        secret.c_str(), auth.c_str(), base.c_str(), auth.c_str(), base.c_str(), auth.c_str(),
        base.c_str(), video_id.c_str(), base.c_str());
    std::fflush(stdout);
  });
}

}  // namespace

void AddDemoCommand(CLI::App& app, Run* run) {
  auto o = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand(
      "demo",
      "Create (or reuse) a demo organization on a simulated TikTok, print an API key, and serve");
  AddServeOptions(*cmd, *o);
  cmd->callback([o, run] { *run = [o] { return Demo(*o); }; });
}

}  // namespace goatherd::cli
