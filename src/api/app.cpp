#include "api/app.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "api/envelope.h"
#include "api/json_body.h"
#include "core/crypto.h"
#include "core/uuid.h"

namespace goatherd::api {
namespace {

bool IsJsonContentType(const std::string* value) {
  if (!value) return false;
  std::string_view v(*value);
  auto semi = v.find(';');
  std::string_view media = v.substr(0, semi);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  if (media.size() != 16) return false;
  static constexpr std::string_view kJson = "application/json";
  for (std::size_t i = 0; i < media.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(media[i])) != kJson[i]) return false;
  }
  return true;
}

// The answer with `data.key` removed: a secret is shown once and never stored, so a replay of
// a key creation returns the key's record without it.
std::string WithoutSecret(const std::string& body) {
  auto parsed = ParseStrictJson(body);
  if (!parsed || !parsed->is_object()) return body;
  auto* data = parsed->as_object().if_contains("data");
  if (data && data->is_object()) data->as_object().erase("key");
  return SerializeJson(*parsed);
}

}  // namespace

App::App(Store& store, const Clock& clock, std::string cursor_secret, AppOptions options)
    : store_(store),
      clock_(clock),
      cursors_(std::move(cursor_secret)),
      auth_(store, clock),
      options_(options),
      window_(options.requests_per_minute, 60'000),
      plan_limits_(store, clock) {
  if (options_.daily_quota) daily_ = std::make_unique<DailyQuota>(store_, clock_);
  services_.store = &store_;
  services_.clock = &clock_;
  services_.cursors = &cursors_;
  services_.router = &router_;
  services_.stats_cache = &stats_cache_;
  services_.plan_limits = &plan_limits_;
  RegisterDiscoveryRoutes(router_);
  RegisterProjectRoutes(router_);
  RegisterVideoRoutes(router_);
  RegisterOrgRoutes(router_);
  RegisterRemovedRoutes(router_);
  RegisterScrapeRoutes(router_);
  RegisterGoalRoutes(router_);
  RegisterAnnotationRoutes(router_);
  RegisterAggregateRoutes(router_);
  RegisterCreatorRoutes(router_);
  RegisterCampaignRoutes(router_);
  RegisterAnalyticsRoutes(router_);
}

Response App::Handle(const Request& request) {
  try {
    return Dispatch(request);
  } catch (const std::exception& e) {
    spdlog::error("request {} {} failed: {}", request.method, request.path, e.what());
  } catch (...) {
    spdlog::error("request {} {} failed with an unknown exception", request.method, request.path);
  }
  return ErrorResponse(Error::Internal());
}

Response App::Dispatch(const Request& request) {
  Router::Match match = router_.Find(request.method, request.path);
  if (!match.route) {
    if (!match.allowed.empty()) {
      std::string allow;
      for (const auto& m : match.allowed) allow += (allow.empty() ? "" : ", ") + m;
      Response r = ErrorResponse({405, "method_not_allowed",
                                  "Method " + request.method + " is not allowed on " +
                                      request.path + "; allowed: " + allow});
      r.headers.emplace_back("Allow", allow);
      return r;
    }
    return ErrorResponse(
        Error::NotFound("No such endpoint: " + request.method + " " + request.path));
  }
  const Route& route = *match.route;
  if (route.gone) return ErrorResponse({410, "gone", route.gone_message});

  // A GET only reads: its key lookup and its answer share one read of the database (a public
  // route has no key to look up, so nothing to share).
  std::unique_ptr<Store::SharedRead> shared_read;
  if (request.method == "GET" && !route.is_public) shared_read = store_.ShareReads();
  std::optional<Principal> principal;
  if (!route.is_public) {
    auto who = auth_.Authenticate(request.Header("authorization"));
    if (!who) return ErrorResponse(who.error());
    principal = std::move(*who);
    if (principal->org.banned) {
      return ErrorResponse({403, "org_banned", "This organization is suspended"});
    }
    if (auto refused = CheckRateLimits(*principal)) return *refused;
    if (Status st = Authenticator::RequireScope(principal->key, route.scope); !st) {
      return ErrorResponse(st.error());
    }
  }
  if (!route.doc.request_body.empty() && !IsJsonContentType(request.Header("content-type"))) {
    return ErrorResponse({415, "unsupported_media_type",
                          "Send the body as JSON with 'Content-Type: application/json'"});
  }
  for (auto& [name, value] : match.params) {
    auto id = NormalizeUuid(value);
    if (!id) {
      return ErrorResponse(Error::InvalidParams("Path parameter '" + name +
                                                "' must be a UUID, got '" + value + "'"));
    }
    value = *id;
  }
  auto query = Query::Parse(request.raw_query);
  if (!query) return ErrorResponse(query.error());
  RequestContext ctx{request,
                     *query,
                     std::move(match.params),
                     principal ? &principal->org : nullptr,
                     principal ? &principal->key : nullptr,
                     services_};
  if (request.method == "POST" && principal) {
    if (const std::string* key = request.Header("idempotency-key")) {
      return RunIdempotent(route, ctx, *key);
    }
  }
  return route.handler(ctx);
}

std::optional<Response> App::CheckRateLimits(const Principal& who) {
  auto refuse = [](std::int64_t retry_after) {
    return ErrorResponse(
        {429, "rate_limit_exceeded", "Rate limit exceeded", {{"retryAfter", retry_after}}});
  };
  std::int64_t now_ms = clock_.NowMs();
  bool windowed = options_.requests_per_minute > 0;
  if (windowed) {
    if (auto wait = window_.Admit(who.key.id, now_ms)) return refuse(*wait);
  }
  if (daily_) {
    auto limit = plan_limits_.Get(who.org.plan, "max_api_requests_per_day");
    if (!limit) return ErrorResponse(limit.error());
    if (auto wait = daily_->Consume(who.org.id, *limit)) {
      if (windowed) window_.Undo(who.key.id, now_ms);
      return refuse(*wait);
    }
  }
  return std::nullopt;
}

Response App::RunIdempotent(const Route& route, RequestContext& ctx, const std::string& key) {
  bool printable = !key.empty() && key.size() <= 255;
  for (char c : key) printable = printable && c >= 0x20 && c <= 0x7e;
  if (!printable) {
    return ErrorResponse(
        Error::InvalidBody("Idempotency-Key must be 1 to 255 printable ASCII characters"));
  }
  const Request& req = ctx.request;
  std::string fingerprint =
      HexEncode(Sha256(req.method + " " + req.target + "\n" + HexEncode(Sha256(req.body))));
  const std::string& org = ctx.org->id;
  constexpr int kWaitStepMs = 50;
  constexpr int kMaxWaitMs = 10'000;
  for (int waited = 0;; waited += kWaitStepMs) {
    auto claim = store_.BeginIdempotent(org, key, fingerprint, clock_.NowSeconds());
    if (!claim) return ErrorResponse(claim.error());
    switch (claim->kind) {
      case IdempotencyClaim::kConflict:
        return ErrorResponse(Error::Conflict(
            "idempotency_conflict",
            "This Idempotency-Key was used for a different request (method, path or body)"));
      case IdempotencyClaim::kReplay: {
        Response r;
        r.status = claim->status;
        r.body = std::move(claim->body);
        r.headers.emplace_back("Idempotency-Replayed", "true");
        return r;
      }
      case IdempotencyClaim::kRunning:
        if (waited >= kMaxWaitMs) {
          return ErrorResponse(Error::Conflict(
              "idempotency_conflict", "A request with this Idempotency-Key is still running"));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(kWaitStepMs));
        continue;
      case IdempotencyClaim::kNew: {
        Response r;
        try {
          r = route.handler(ctx);
        } catch (...) {
          (void)store_.AbandonIdempotent(org, key);
          throw;
        }
        if (r.status >= 500 || r.status == 429) {
          (void)store_.AbandonIdempotent(org, key);
        } else {
          (void)store_.FinishIdempotent(org, key, r.status,
                                        route.response_has_secret ? WithoutSecret(r.body) : r.body);
        }
        return r;
      }
    }
  }
}

}  // namespace goatherd::api
