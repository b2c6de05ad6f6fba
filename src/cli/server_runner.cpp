#include "cli/server_runner.h"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>

#include "api/app.h"
#include "api/server.h"
#include "scrape/apify_source.h"
#include "scrape/http_client.h"
#include "scrape/maintenance.h"
#include "scrape/scheduler.h"
#include "scrape/simulated_source.h"
#include "scrape/tiktok_web_source.h"

namespace goatherd::cli {

Result<std::pair<std::string, std::uint16_t>> ParseListen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return Error(400, "invalid_params", "--listen must be HOST:PORT, got '" + listen + "'");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  int port = -1;
  try {
    std::size_t used = 0;
    port = std::stoi(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1) port = -1;
  } catch (const std::exception&) {
    port = -1;
  }
  if (host.empty() || port < 0 || port > 65535) {
    return Error(400, "invalid_params",
                 "--listen must be HOST:PORT with a port of 0..65535, got '" + listen + "'");
  }
  return std::make_pair(host, static_cast<std::uint16_t>(port));
}

std::vector<std::string> SourceNames() { return {"none", "simulated", "apify", "tiktok-web"}; }

void AddSourceOptions(CLI::App& cmd, ServeOptions& o) {
  const char* group = "Network sources";
  cmd.add_option("--apify-token", o.apify_token, "Apify API token (--source apify)")
      ->envname("GOATHERD_APIFY_TOKEN")
      ->group(group);
  cmd.add_option("--apify-actor", o.apify_actor,
                 "Apify actor with clockworks-style TikTok items (--source apify)")
      ->envname("GOATHERD_APIFY_ACTOR")
      ->group(group)
      ->capture_default_str();
  cmd.add_option("--apify-base-url", o.apify_base_url, "Apify API base URL (--source apify)")
      ->envname("GOATHERD_APIFY_BASE_URL")
      ->group(group)
      ->capture_default_str();
  cmd.add_option("--tiktok-base-url", o.tiktok_base_url,
                 "TikTok web base URL (--source tiktok-web)")
      ->envname("GOATHERD_TIKTOK_BASE_URL")
      ->group(group)
      ->capture_default_str();
  cmd.add_option("--http-proxy", o.http_proxy,
                 "proxy for scrape requests (http://host:port, socks5h://host:port)")
      ->envname("GOATHERD_HTTP_PROXY")
      ->group(group);
  cmd.add_option("--http-timeout-seconds", o.http_timeout_seconds,
                 "longest a scrape request may take, connection included (default: 300 for "
                 "apify, whose runs are synchronous, 30 for tiktok-web)")
      ->envname("GOATHERD_HTTP_TIMEOUT_SECONDS")
      ->check(CLI::Range(0.1, 3600.0))
      ->group(group);
  cmd.add_option("--http-max-per-host", o.http_max_per_host,
                 "scrape requests in flight at once against one host (also the requests "
                 "started per second)")
      ->envname("GOATHERD_HTTP_MAX_PER_HOST")
      ->check(CLI::Range(1, 256))
      ->group(group)
      ->capture_default_str();
}

int RunServer(Store& store, const Clock& clock, const ServeOptions& o,
              const OnListening& on_listening) {
  auto address = ParseListen(o.listen);
  if (!address) return Fail(address.error().message, 2);
  const auto& [host, port] = *address;
  if (auto synced = store.SyncDeferredWork(); synced && *synced > 0) {
    spdlog::info(
        "brought the running aggregates of {} videos up to date (left by an import or an upgrade)",
        *synced);
  }
  auto secret = store.ServerSecret("cursor");
  if (!secret) return Fail("cannot read the server secret from the database");

  std::unique_ptr<scrape::HttpClient> http;
  if (o.source == "apify" || o.source == "tiktok-web") {
    if (o.source == "apify" && o.apify_token.empty()) {
      return Fail("--source apify needs --apify-token (or GOATHERD_APIFY_TOKEN)", 2);
    }
    scrape::HttpClientOptions http_options;
    double seconds = o.http_timeout_seconds > 0 ? o.http_timeout_seconds
                     : o.source == "apify"      ? 300.0
                                                : 30.0;
    auto timeout_ms = static_cast<std::int64_t>(seconds * 1000);
    http_options.total_timeout = std::chrono::milliseconds(timeout_ms);
    http_options.connect_timeout =
        std::chrono::milliseconds(std::min<std::int64_t>(timeout_ms, 10000));
    http_options.proxy = o.http_proxy;
    http_options.max_per_host = o.http_max_per_host;
    http_options.requests_per_second_per_host = o.http_max_per_host;
    http = std::make_unique<scrape::HttpClient>(http_options);
  }
  std::unique_ptr<scrape::Source> source;
  if (o.source == "simulated") {
    source = std::make_unique<scrape::SimulatedSource>(o.seed);
  } else if (o.source == "apify") {
    scrape::ApifyOptions apify;
    apify.token = o.apify_token;
    apify.actor = o.apify_actor;
    apify.base_url = o.apify_base_url;
    source = std::make_unique<scrape::ApifySource>(*http, apify);
    spdlog::info("scraping through Apify actor {} at {}", o.apify_actor, o.apify_base_url);
  } else if (o.source == "tiktok-web") {
    scrape::TikTokWebOptions web;
    web.base_url = o.tiktok_base_url;
    source = std::make_unique<scrape::TikTokWebSource>(*http, web);
    spdlog::info("scraping TikTok's web pages at {}", o.tiktok_base_url);
  } else {
    spdlog::warn("no scrape source (--source none): nothing is scraped, data comes from imports");
  }
  if (o.no_rate_limits) spdlog::info("rate limits disabled (--no-rate-limits)");

  api::AppOptions app_options;
  app_options.requests_per_minute = o.no_rate_limits ? 0 : o.requests_per_minute;
  app_options.daily_quota = !o.no_rate_limits;
  api::App app(store, clock, *secret, app_options);
  api::ServerOptions options;
  options.host = host;
  options.port = static_cast<std::uint16_t>(port);
  options.worker_threads = o.threads;
  api::HttpServer server(app, options);
  auto bound = server.Listen();
  if (!bound) return Fail(bound.error().message);
  std::string shown_host = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  std::string base_url = "http://" + shown_host + ":" + std::to_string(*bound);
  // The first stdout line tells scripts (and the black-box tests) where to connect.
  std::printf("goatherd listening on %s\n", base_url.c_str());
  std::fflush(stdout);
  if (on_listening) on_listening(base_url);
  spdlog::info("serving {} on {} with {} worker threads", o.db.db, base_url, o.threads);

  std::unique_ptr<scrape::Scheduler> scheduler;
  if (source) {
    scrape::SchedulerOptions sched;
    sched.threads = o.scrape_threads;
    scheduler = std::make_unique<scrape::Scheduler>(store, *source, clock, sched);
    scheduler->Start();
  }
  scrape::MaintenanceRunner maintenance(store, clock);
  maintenance.Start();
  server.Run();
  maintenance.Stop();
  if (http) http->Cancel();  // a slow vendor must not hold up the shutdown
  if (scheduler) scheduler->Stop();
  return 0;
}

}  // namespace goatherd::cli
