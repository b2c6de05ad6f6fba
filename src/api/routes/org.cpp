// The organization and its API keys (resources.md "Organizations, members, keys").
#include <boost/json/value.hpp>
#include <cmath>

#include "api/app.h"
#include "api/auth.h"
#include "api/envelope.h"
#include "api/json_body.h"
#include "core/time.h"
#include "store/org_settings.h"

namespace goatherd::api {
namespace {

namespace json = boost::json;

// The scrape interval settings and the plan floor each is clamped up to.
struct IntervalSetting {
  const char* kind;
  const char* name;
  const char* floor_key;
};
constexpr IntervalSetting kIntervals[] = {
    {"creator_profiles", "creator_profiles_hours", "min_creator_profiles_hours"},
    {"discover_videos", "discover_videos_hours", "min_discover_videos_hours"},
    {"video_stats", "video_stats_hours", "min_video_stats_hours"},
};

json::object StoredSettings(const Organization& org) {
  auto parsed = ParseStrictJson(org.settings);
  if (parsed && parsed->is_object()) return parsed->as_object();
  return {};
}

Result<std::optional<std::int64_t>> Floor(Store& store, const std::string& plan, const char* key) {
  return store.PlanLimit(plan, key);
}

Response OrgResponse(Store& store, const Organization& org, const PayloadWriter& meta = nullptr) {
  auto limits = store.PlanLimits(org.plan);
  if (!limits) return ErrorResponse(limits.error());
  return DataResponse(
      200,
      [&](JsonWriter& w) {
        w.StartObject();
        w.Key("id").String(org.id).Key("name").String(org.name);
        w.Key("timezone").String(org.timezone).Key("plan").String(org.plan);
        w.Key("settings").StartObject();
        for (const auto& interval : kIntervals) {
          std::optional<std::int64_t> floor;
          for (const auto& l : *limits) {
            if (l.key == interval.floor_key) floor = l.value;
          }
          w.Key(interval.name).Double(ScrapeIntervalHours(org.settings, interval.kind, floor));
        }
        w.Key("video_tracking_days").Int(VideoTrackingDays(org.settings));
        w.EndObject();
        w.Key("limits").StartObject();
        for (const auto& l : *limits) w.Key(l.key).OptInt(l.value);
        w.EndObject();
        w.Key("created_at").Time(org.created_at).Key("updated_at").Time(org.updated_at);
        w.EndObject();
      },
      meta);
}

Response GetOrg(RequestContext& ctx) { return OrgResponse(*ctx.services.store, *ctx.org); }

Response PatchOrg(RequestContext& ctx) {
  auto parsed = ParseJsonObjectBody(ctx.request.body);
  if (!parsed) return ErrorResponse(parsed.error());
  const json::object& body = *parsed;
  if (Status st = RejectUnknownFields(
          body, {"name", "timezone", "creator_profiles_hours", "discover_videos_hours",
                 "video_stats_hours", "video_tracking_days"});
      !st) {
    return ErrorResponse(st.error());
  }
  if (body.empty()) {
    return ErrorResponse(Error::InvalidBody("Body must set at least one organization field"));
  }
  OrganizationPatch patch;
  auto name = ReadString(body, "name");
  if (!name) return ErrorResponse(name.error());
  if (name->has_value()) {
    std::size_t n = CodePointCount(**name);
    if (n == 0 || n > 200) {
      return ErrorResponse(Error::InvalidBody("Field 'name' must be 1 to 200 characters"));
    }
    patch.name = **name;
  }
  auto tz = ReadString(body, "timezone");
  if (!tz) return ErrorResponse(tz.error());
  if (tz->has_value()) {
    if (!FindTimeZone(**tz)) {
      return ErrorResponse(
          Error::InvalidBody("Field 'timezone' must be an IANA time zone such as "
                             "America/New_York, got '" +
                             **tz + "'"));
    }
    patch.timezone = **tz;
  }
  json::object settings = StoredSettings(*ctx.org);
  struct Clamp {
    std::string name;
    double requested, applied;
  };
  std::vector<Clamp> clamped;
  for (const auto& interval : kIntervals) {
    auto it = body.find(interval.name);
    if (it == body.end()) continue;
    const json::value& v = it->value();
    double hours = v.is_int64()    ? static_cast<double>(v.get_int64())
                   : v.is_double() ? v.get_double()
                                   : -1;
    if (!(v.is_int64() || v.is_double()) || !(hours > 0) || hours > 24 * 365) {
      return ErrorResponse(Error::InvalidBody(std::string("Field '") + interval.name +
                                              "' must be a number of hours above 0"));
    }
    auto floor = Floor(*ctx.services.store, ctx.org->plan, interval.floor_key);
    if (!floor) return ErrorResponse(floor.error());
    double applied = hours;
    if (floor->has_value() && hours < static_cast<double>(**floor)) {
      applied = static_cast<double>(**floor);
      clamped.push_back({interval.name, hours, applied});
    }
    if (applied == std::floor(applied)) {
      settings[interval.name] = static_cast<std::int64_t>(applied);
    } else {
      settings[interval.name] = applied;
    }
  }
  if (auto it = body.find("video_tracking_days"); it != body.end()) {
    if (!it->value().is_int64() || it->value().get_int64() < 1 || it->value().get_int64() > 3650) {
      return ErrorResponse(
          Error::InvalidBody("Field 'video_tracking_days' must be an integer from 1 to 3650"));
    }
    settings["video_tracking_days"] = it->value().get_int64();
  }
  patch.settings = SerializeJson(settings);
  auto updated =
      ctx.services.store->UpdateOrganization(ctx.org->id, patch, ctx.services.clock->NowSeconds());
  if (!updated) return ErrorResponse(updated.error());
  PayloadWriter meta;
  if (!clamped.empty()) {
    meta = [&](JsonWriter& w) {
      w.StartObject().Key("clamped").StartObject();
      for (const auto& c : clamped) {
        w.Key(c.name).StartObject().Key("requested").Double(c.requested);
        w.Key("applied").Double(c.applied).EndObject();
      }
      w.EndObject().EndObject();
    };
  }
  return OrgResponse(*ctx.services.store, *updated, meta);
}

void WriteKey(JsonWriter& w, const ApiKey& k, const std::string* secret) {
  w.StartObject();
  w.Key("id").String(k.id).Key("name").String(k.name).Key("prefix").String(k.prefix);
  w.Key("scopes").StartArray();
  for (const auto& s : ScopeNames(k.scopes)) w.String(s);
  w.EndArray();
  w.Key("created_at").Time(k.created_at).Key("expires_at").OptTime(k.expires_at);
  w.Key("last_used_at").OptTime(k.last_used_at).Key("revoked_at").OptTime(k.revoked_at);
  if (secret) w.Key("key").String(*secret);
  w.EndObject();
}

Response ListKeys(RequestContext& ctx) {
  std::string identity = "api-keys|" + ctx.org->id;
  auto page_request = ctx.services.cursors->ReadPageRequest(ctx.query, identity);
  if (!page_request) return ErrorResponse(page_request.error());
  auto keys = ctx.services.store->ListApiKeys(ctx.org->id);
  if (!keys) return ErrorResponse(keys.error());
  // Keys are few: order newest first and apply the keyset position in memory.
  std::sort(keys->begin(), keys->end(), [](const ApiKey& a, const ApiKey& b) {
    return std::tie(a.created_at, a.id) > std::tie(b.created_at, b.id);
  });
  Page<ApiKey> page;
  for (const ApiKey& k : *keys) {
    if (page_request->after &&
        std::tie(k.created_at, k.id) >=
            std::tie(page_request->after->created_at, page_request->after->id)) {
      continue;
    }
    if (static_cast<int>(page.items.size()) == page_request->limit) {
      page.has_more = true;
      break;
    }
    page.items.push_back(k);
  }
  return PageResponse(
      [&](JsonWriter& w) {
        w.StartArray();
        for (const ApiKey& k : page.items) WriteKey(w, k, nullptr);
        w.EndArray();
      },
      ctx.services.cursors->NextCursor(identity, page));
}

Response CreateKey(RequestContext& ctx) {
  auto parsed = ParseJsonObjectBody(ctx.request.body);
  if (!parsed) return ErrorResponse(parsed.error());
  const json::object& body = *parsed;
  if (Status st = RejectUnknownFields(body, {"name", "scopes", "expires_at"}); !st) {
    return ErrorResponse(st.error());
  }
  auto name = ReadString(body, "name");
  if (!name) return ErrorResponse(name.error());
  if (!name->has_value() || (*name)->empty() || CodePointCount(**name) > 200) {
    return ErrorResponse(Error::InvalidBody("Field 'name' is required, 1 to 200 characters"));
  }
  unsigned scopes = kScopeRead | kScopeWrite;
  if (auto it = body.find("scopes"); it != body.end()) {
    if (!it->value().is_array() || it->value().get_array().empty()) {
      return ErrorResponse(Error::InvalidBody(
          "Field 'scopes' must be a non-empty array of 'read', 'write', 'admin'"));
    }
    scopes = 0;
    for (const auto& s : it->value().get_array()) {
      auto bit = s.is_string() ? ParseScopes(std::string(s.get_string())) : std::nullopt;
      if (!bit) {
        return ErrorResponse(Error::InvalidBody(
            "Field 'scopes' must be a non-empty array of 'read', 'write', 'admin'"));
      }
      scopes |= *bit;
    }
  }
  std::optional<Timestamp> expires_at;
  auto expires = ReadNullableString(body, "expires_at");
  if (!expires) return ErrorResponse(expires.error());
  if (expires->has_value() && (*expires)->has_value()) {
    expires_at = ParseTimestamp(***expires);
    if (!expires_at || *expires_at <= ctx.services.clock->NowSeconds()) {
      return ErrorResponse(Error::InvalidBody("Field 'expires_at' must be a future RFC 3339 time"));
    }
  }
  // A key never hands out a scope it does not hold.
  for (unsigned bit : {kScopeRead, kScopeWrite, kScopeAdmin}) {
    if ((scopes & bit) && !(ctx.key->scopes & bit)) {
      if (Status st = Authenticator::RequireScope(*ctx.key, bit); !st) {
        return ErrorResponse(st.error());
      }
    }
  }
  auto minted = MintApiKey(ctx.org->id, **name, scopes, expires_at, ctx.services.clock->NowMs());
  auto created = ctx.services.store->CreateApiKey(minted.row, /*enforce_limit=*/true);
  if (!created) return ErrorResponse(created.error());
  return DataResponse(201, [&](JsonWriter& w) { WriteKey(w, *created, &minted.secret); });
}

Response RevokeKey(RequestContext& ctx) {
  auto revoked = ctx.services.store->RevokeOrgApiKey(ctx.org->id, ctx.Param("id"),
                                                     ctx.services.clock->NowSeconds());
  if (!revoked) return ErrorResponse(revoked.error());
  return DeletedResponse(revoked->id);
}

}  // namespace

void RegisterOrgRoutes(Router& router) {
  router.AddEntity({"organization",
                    "The workspace every API key belongs to; its timezone defines its days",
                    {{"id", "uuid", false, "Organization id"},
                     {"name", "string", false, "Name"},
                     {"timezone", "string", false, "IANA time zone of its days"},
                     {"plan", "string", false, "free, starter, ultra or an operator's plan"},
                     {"settings", "object", false,
                      "Scrape intervals in hours per job kind and video_tracking_days"},
                     {"limits", "object", false, "The plan's limits (null = unlimited)"},
                     {"created_at", "timestamp", false, "Creation time"},
                     {"updated_at", "timestamp", false, "Last change"}},
                    {{"projects", "project.org_id"}}});
  router.AddEntity({"api_key",
                    "A bearer credential of one organization; the secret is shown once",
                    {{"id", "uuid", false, "Key id"},
                     {"name", "string", false, "Label"},
                     {"prefix", "string", false, "First characters of the secret, for display"},
                     {"scopes", "array<string>", false, "read, write, admin"},
                     {"created_at", "timestamp", false, "Creation time"},
                     {"expires_at", "timestamp", true, "Expiry, if any"},
                     {"last_used_at", "timestamp", true, "Last use (to the minute)"},
                     {"revoked_at", "timestamp", true, "Revocation time"}},
                    {}});

  router.Add({"GET",
              "/api/v1/org",
              kScopeRead,
              GetOrg,
              {"The key's organization: settings and plan limits",
               "Organization",
               {},
               {},
               "organization"}});
  router.Add({"PATCH",
              "/api/v1/org",
              kScopeAdmin,
              PatchOrg,
              {"Change name, timezone, scrape intervals (clamped up to plan floors) or "
               "video_tracking_days",
               "Organization",
               {},
               {{"name", "string", false, "1 to 200 characters"},
                {"timezone", "string", false, "IANA time zone"},
                {"creator_profiles_hours", "number", false, "Hours between profile refreshes"},
                {"discover_videos_hours", "number", false, "Hours between discovery runs"},
                {"video_stats_hours", "number", false, "Hours between stats refreshes"},
                {"video_tracking_days", "integer", false, "Days a video keeps refreshing"}},
               "organization"}});
  router.Add({"GET",
              "/api/v1/api-keys",
              kScopeAdmin,
              ListKeys,
              {"List the organization's API keys (never the secrets)",
               "Organization",
               {{"limit", "integer", "Items per page, 1..100 (default 50)"},
                {"cursor", "string", "Opaque cursor from meta.nextCursor"}},
               {},
               "api_key",
               true}});
  Route create{"POST",
               "/api/v1/api-keys",
               kScopeAdmin,
               CreateKey,
               {"Create an API key; the secret (`key`) is in this response only",
                "Organization",
                {},
                {{"name", "string", false, "Label", true},
                 {"scopes", "array<string>", false, "Default [read, write]; never more than yours"},
                 {"expires_at", "timestamp", true, "Optional expiry"}},
                "api_key",
                false,
                201,
                {402}}};
  create.response_has_secret = true;
  router.Add(std::move(create));
  router.Add({"DELETE",
              "/api/v1/api-keys/{id}",
              kScopeAdmin,
              RevokeKey,
              {"Revoke an API key, immediately", "Organization", {}, {}, "", false, 200, {404}}});
}

}  // namespace goatherd::api
