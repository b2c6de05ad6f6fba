#include "api/app.h"

#include <spdlog/spdlog.h>

#include "api/envelope.h"
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

}  // namespace

App::App(Store& store, const Clock& clock, std::string cursor_secret)
    : store_(store), clock_(clock), cursors_(std::move(cursor_secret)), auth_(store, clock) {
  services_.store = &store_;
  services_.clock = &clock_;
  services_.cursors = &cursors_;
  services_.router = &router_;
  services_.stats_cache = &stats_cache_;
  RegisterDiscoveryRoutes(router_);
  RegisterProjectRoutes(router_);
  RegisterVideoRoutes(router_);
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

  std::optional<Principal> principal;
  if (!route.is_public) {
    auto who = auth_.Authenticate(request.Header("authorization"));
    if (!who) return ErrorResponse(who.error());
    principal = std::move(*who);
    if (principal->org.banned) {
      return ErrorResponse({403, "org_banned", "This organization is suspended"});
    }
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
  return route.handler(ctx);
}

}  // namespace goatherd::api
