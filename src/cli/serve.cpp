// `goatherd serve` and `goatherd migrate`.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <thread>

#include "cli/commands.h"
#include "cli/open.h"
#include "cli/server_runner.h"
#include "core/time.h"

namespace goatherd::cli {
namespace {

int Serve(const ServeOptions& o) {
  // Checked before anything is opened, so a typo creates no database file.
  if (auto address = ParseListen(o.listen); !address) return Fail(address.error().message, 2);
  auto clock = MakeClock(o.fake_now);
  if (!clock) return Fail(clock.error().message, 2);
  auto store = OpenMigrated(o.db.db, StorePoolSize(o));
  if (!store) return Fail(store.error().message);
  return RunServer(**store, **clock, o, nullptr);
}

}  // namespace

void AddServeCommand(CLI::App& app, Run* run) {
  auto o = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand("serve", "Run the HTTP API (migrates the database first)");
  AddServeOptions(*cmd, *o);
  cmd->callback([o, run] { *run = [o] { return Serve(*o); }; });
}

void AddServeOptions(CLI::App& cmd_ref, ServeOptions& opts) {
  auto* cmd = &cmd_ref;
  auto* o = &opts;
  AddDbOption(*cmd, o->db);
  cmd->add_option("--listen", o->listen, "HOST:PORT to listen on (port 0 picks a free one)")
      ->envname("GOATHERD_LISTEN")
      ->capture_default_str();
  cmd->add_option("--threads", o->threads, "worker threads for requests (default: cores)")
      ->envname("GOATHERD_THREADS")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cmd->add_option("--source", o->source,
                  "where scrapes come from: none, simulated, apify or tiktok-web")
      ->envname("GOATHERD_SOURCE")
      ->check(CLI::IsMember(SourceNames()))
      ->capture_default_str();
  AddSourceOptions(*cmd, *o);
  cmd->add_option("--seed", o->seed, "seed of the simulated TikTok world")
      ->envname("GOATHERD_SEED")
      ->capture_default_str();
  cmd->add_option("--scrape-threads", o->scrape_threads, "threads running scrape jobs")
      ->envname("GOATHERD_SCRAPE_THREADS")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  cmd->add_flag("--no-rate-limits", o->no_rate_limits,
                "disable the per-key window and the plans' daily request quotas")
      ->envname("GOATHERD_NO_RATE_LIMITS");
  cmd->add_option("--rate-limit-per-minute", o->requests_per_minute,
                  "requests each API key may make in any 60 s (0: no per-key limit)")
      ->envname("GOATHERD_RATE_LIMIT_PER_MINUTE")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  cmd->add_option("--fake-now", o->fake_now,
                  "testing: start the clock at this RFC 3339 instant (it then advances)")
      ->envname("GOATHERD_FAKE_NOW")
      ->group("Testing");
}

void AddMigrateCommand(CLI::App& app, Run* run) {
  auto o = std::make_shared<DbOptions>();
  auto* cmd = app.add_subcommand(
      "migrate",
      "Bring the database schema to the current version, and compute the figures a new "
      "version derives from the snapshots (otherwise serve does it before it listens)");
  AddDbOption(*cmd, *o);
  cmd->callback([o, run] {
    *run = [o] {
      auto store = OpenStore(o->db, 1);
      if (!store) return Fail(store.error().message);
      auto version = (*store)->Migrate();
      if (!version) return Fail("migration failed (see the log above)");
      auto synced = (*store)->SyncDeferredWork();
      if (!synced)
        return Fail("cannot bring the running aggregates up to date: " + synced.error().message);
      if (*synced > 0) {
        spdlog::info("brought the running aggregates of {} videos up to date", *synced);
      }
      std::printf("schema at version %d\n", *version);
      return 0;
    };
  });
}

}  // namespace goatherd::cli
