// Creators: list, get, add (single and bulk), PATCH with rename, soft remove, bulk remove and
// re-enable, and the change log (resources.md "Creators").
#include "api/routes/creators.h"

#include <boost/json/array.hpp>
#include <boost/url/parse.hpp>

#include "api/app.h"
#include "api/envelope.h"
#include "api/json_body.h"
#include "core/tiktok_handle.h"
#include "core/time.h"
#include "core/uuid.h"

namespace goatherd::api {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxBulkCreators = 50;
constexpr std::size_t kMaxBulkIds = 100;
constexpr std::size_t kMaxDisplayNameCodePoints = 200;

// The handle an input names ("@name", "name" or a profile URL), or why it names none; the
// message says which rule failed so that a person can fix the input.
// 'text' in single quotes. Appended rather than "'" + ...: GCC 12 warns falsely (-Wrestrict) on a
// literal plus a temporary string in Release builds.
std::string Quoted(std::string_view text) {
  std::string out = "'";
  out.append(text).push_back('\'');
  return out;
}

Result<std::string> ParseHandleInput(std::string_view input) {
  std::string_view text = StripHandlePrefix(input);
  std::string handle;
  if (LooksLikeUrl(text)) {
    std::string url(text);
    if (url.find("://") == std::string::npos) url = "https://" + url;
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed) {
      return Error::InvalidBody(Quoted(input) + " is not a valid URL");
    }
    ProfileUrlResult r = HandleFromProfileUrl(parsed->scheme(), parsed->host(), parsed->path());
    if (!r.handle) {
      return Error::InvalidBody(Quoted(input) + " is not a TikTok profile URL: " + r.problem);
    }
    handle = *r.handle;
  } else {
    handle = std::string(text);
  }
  if (!IsValidHandle(handle)) {
    return Error::InvalidBody("Invalid TikTok handle '" + std::string(input) +
                              "': a handle is 1 to 30 letters, digits, '.', '_' or '-'");
  }
  return handle;
}

Result<std::optional<std::string>> ReadTrackingMode(const json::object& obj) {
  auto mode = ReadString(obj, "tracking_mode");
  if (!mode) return mode.error();
  if (mode->has_value() && **mode != "auto" && **mode != "selective") {
    return Error::InvalidBody("Field 'tracking_mode' must be 'auto' or 'selective', got '" +
                              **mode + "'");
  }
  return *mode;
}

Result<std::optional<std::string>> ReadStartDate(const json::object& obj) {
  auto date = ReadString(obj, "tracking_start_date");
  if (!date) return date.error();
  if (date->has_value() && !ParseDate(**date)) {
    return Error::InvalidBody("Field 'tracking_start_date' must be a date YYYY-MM-DD, got '" +
                              **date + "'");
  }
  return *date;
}

// One creator of a create body (the single form, or one element of the bulk form).
Result<CreatorRequest> ReadCreatorRequest(const json::object& obj) {
  if (Status st =
          RejectUnknownFields(obj, {"tiktok_handle", "tracking_mode", "tracking_start_date"});
      !st) {
    return st.error();
  }
  auto handle = ReadString(obj, "tiktok_handle");
  if (!handle) return handle.error();
  if (!handle->has_value()) return Error::InvalidBody("Field 'tiktok_handle' is required");
  CreatorRequest req;
  auto parsed = ParseHandleInput(**handle);
  if (!parsed) return parsed.error();
  req.tiktok_handle = *parsed;
  auto mode = ReadTrackingMode(obj);
  if (!mode) return mode.error();
  req.tracking_mode = *mode;
  auto date = ReadStartDate(obj);
  if (!date) return date.error();
  req.tracking_start_date = *date;
  return req;
}

std::string Today(const RequestContext& ctx) {
  const date::time_zone* zone = FindTimeZone(ctx.org->timezone);
  if (!zone) zone = FindTimeZone("UTC");
  return FormatDate(LocalDay(ctx.services.clock->NowSeconds(), zone));
}

void WriteItemError(JsonWriter& w, const std::optional<Error>& e) {
  if (!e) {
    w.Null();
    return;
  }
  w.StartObject().Key("code").String(e->code).Key("message").String(e->message).EndObject();
}

void WriteItem(JsonWriter& w, std::size_t index, const std::optional<std::string>& id,
               const CreatorItemResult& r) {
  w.StartObject();
  w.Key("index").Int(static_cast<std::int64_t>(index));
  if (id) w.Key("id").String(*id);
  w.Key("status").Int(r.status);
  w.Key("creator");
  if (r.creator) {
    WriteCreator(w, *r.creator);
  } else {
    w.Null();
  }
  w.Key("error");
  WriteItemError(w, r.error);
  w.EndObject();
}

std::string ListIdentity(const RequestContext& ctx, const CreatorFilter& f) {
  return "creators|" + ctx.org->id + "|" + f.project_id.value_or("") + "|" + f.search.value_or("") +
         "|" + f.status;
}

Response ListCreators(RequestContext& ctx) {
  CreatorFilter filter;
  auto project = ctx.query.GetUuid("project_id");
  if (!project) return ErrorResponse(project.error());
  filter.project_id = *project;
  auto search = ctx.query.GetRequiredValue("search");
  if (!search) return ErrorResponse(search.error());
  filter.search = *search;
  auto status = ctx.query.GetRequiredValue("status");
  if (!status) return ErrorResponse(status.error());
  if (status->has_value()) {
    const std::string& s = **status;
    if (s != "active" && s != "disabled" && s != "removed" && s != "all") {
      return ErrorResponse(Error::InvalidQuery(
          "Parameter 'status' must be active, disabled, removed or all, got '" + s + "'"));
    }
    filter.status = s;
  }
  std::string identity = ListIdentity(ctx, filter);
  auto page_request = ctx.services.cursors->ReadPageRequest(ctx.query, identity);
  if (!page_request) return ErrorResponse(page_request.error());
  auto page = ctx.services.store->ListCreators(ctx.org->id, filter, *page_request);
  if (!page) return ErrorResponse(page.error());
  return PageResponse(
      [&](JsonWriter& w) {
        w.StartArray();
        for (const Creator& c : page->items) WriteCreator(w, c);
        w.EndArray();
      },
      ctx.services.cursors->NextCursor(identity, *page));
}

Response GetCreator(RequestContext& ctx) {
  auto c = ctx.services.store->GetCreator(ctx.org->id, ctx.Param("id"));
  if (!c) return ErrorResponse(c.error());
  return DataResponse(200, [&](JsonWriter& w) { WriteCreator(w, *c); });
}

Response AddCreators(RequestContext& ctx) {
  auto parsed = ParseJsonObjectBody(ctx.request.body);
  if (!parsed) return ErrorResponse(parsed.error());
  const json::object& obj = *parsed;
  std::int64_t now_ms = ctx.services.clock->NowMs();
  const std::string& project_id = ctx.Param("projectId");
  if (!obj.contains("creators")) {
    auto req = ReadCreatorRequest(obj);
    if (!req) return ErrorResponse(req.error());
    auto results =
        ctx.services.store->AddCreators(ctx.org->id, project_id, {*req}, Today(ctx), now_ms);
    if (!results) return ErrorResponse(results.error());
    const CreatorItemResult& r = results->front();
    if (r.error) return ErrorResponse(*r.error);
    return DataResponse(r.status, [&](JsonWriter& w) { WriteCreator(w, *r.creator); });
  }
  if (obj.size() != 1) {
    return ErrorResponse(Error::InvalidBody(
        "A bulk add has only the field 'creators'; put each creator's fields in its element"));
  }
  const json::value& list = obj.at("creators");
  if (!list.is_array() || list.as_array().empty() || list.as_array().size() > kMaxBulkCreators) {
    return ErrorResponse(
        Error::InvalidBody("Field 'creators' must be an array of 1 to 50 creator objects"));
  }
  const json::array& elements = list.as_array();
  // Items refused by validation keep their place; the others go to the store together.
  std::vector<CreatorItemResult> results(elements.size());
  std::vector<CreatorRequest> valid;
  std::vector<std::size_t> valid_index;
  for (std::size_t i = 0; i < elements.size(); ++i) {
    Result<CreatorRequest> req = elements[i].is_object()
                                     ? ReadCreatorRequest(elements[i].as_object())
                                     : Result<CreatorRequest>(Error::InvalidBody(
                                           "Each element of 'creators' must be an object"));
    if (!req) {
      results[i].status = req.error().status;
      results[i].error = req.error();
      continue;
    }
    valid.push_back(std::move(*req));
    valid_index.push_back(i);
  }
  if (!valid.empty()) {
    auto stored =
        ctx.services.store->AddCreators(ctx.org->id, project_id, valid, Today(ctx), now_ms);
    if (!stored) return ErrorResponse(stored.error());
    for (std::size_t k = 0; k < valid_index.size(); ++k) {
      results[valid_index[k]] = std::move((*stored)[k]);
    }
  } else {
    // Nothing to write, but an unknown project is still a 404 rather than 200 with errors.
    auto project = ctx.services.store->GetProject(ctx.org->id, project_id);
    if (!project) return ErrorResponse(project.error());
  }
  return DataResponse(200, [&](JsonWriter& w) {
    w.StartObject().Key("results").StartArray();
    for (std::size_t i = 0; i < results.size(); ++i) WriteItem(w, i, std::nullopt, results[i]);
    w.EndArray().EndObject();
  });
}

Result<CreatorPatch> ReadCreatorPatch(const std::string& body) {
  auto parsed = ParseJsonObjectBody(body);
  if (!parsed) return parsed.error();
  const auto& obj = *parsed;
  if (Status st =
          RejectUnknownFields(obj, {"readme", "metadata", "tracking_mode", "tracking_start_date",
                                    "display_name_override", "tiktok_handle"});
      !st) {
    return st.error();
  }
  if (obj.empty()) {
    return Error::InvalidBody(
        "Body must set at least one of 'readme', 'metadata', 'tracking_mode', "
        "'tracking_start_date', 'display_name_override', 'tiktok_handle'");
  }
  CreatorPatch patch;
  auto readme = ReadReadme(obj);
  if (!readme) return readme.error();
  patch.readme = *readme;
  auto metadata = ReadMetadata(obj);
  if (!metadata) return metadata.error();
  patch.metadata = *metadata;
  auto mode = ReadTrackingMode(obj);
  if (!mode) return mode.error();
  patch.tracking_mode = *mode;
  auto date = ReadStartDate(obj);
  if (!date) return date.error();
  patch.tracking_start_date = *date;
  auto override_name = ReadNullableString(obj, "display_name_override");
  if (!override_name) return override_name.error();
  if (override_name->has_value() && (*override_name)->has_value()) {
    std::size_t n = CodePointCount(***override_name);
    if (n == 0 || n > kMaxDisplayNameCodePoints) {
      return Error::InvalidBody(
          "Field 'display_name_override' must be 1 to 200 characters, or null to clear it");
    }
  }
  patch.display_name_override = *override_name;
  auto handle = ReadString(obj, "tiktok_handle");
  if (!handle) return handle.error();
  if (handle->has_value()) {
    // A handle that breaks the rule is upstream's 409 invalid_handle, decided once the creator
    // is known to exist (404 comes first).
    auto parsed_handle = ParseHandleInput(**handle);
    if (parsed_handle) {
      patch.tiktok_handle = *parsed_handle;
    } else {
      patch.handle_problem = parsed_handle.error().message;
    }
  }
  return patch;
}

Response PatchCreator(RequestContext& ctx) {
  auto patch = ReadCreatorPatch(ctx.request.body);
  if (!patch) return ErrorResponse(patch.error());
  auto c = ctx.services.store->UpdateCreator(ctx.org->id, ctx.Param("id"), *patch,
                                             ctx.services.clock->NowSeconds());
  if (!c) return ErrorResponse(c.error());
  return DataResponse(200, [&](JsonWriter& w) { WriteCreator(w, *c); });
}

Response DeleteCreator(RequestContext& ctx) {
  const std::string& id = ctx.Param("id");
  auto c = ctx.services.store->RemoveCreator(ctx.org->id, id, ctx.services.clock->NowSeconds());
  if (!c) return ErrorResponse(c.error());
  return DeletedResponse(id);
}

// The `creator_ids` of a bulk action: malformed ids become 400 items, the rest go to the store.
Response BulkCreatorAction(RequestContext& ctx, bool reenable) {
  auto parsed = ParseJsonObjectBody(ctx.request.body);
  if (!parsed) return ErrorResponse(parsed.error());
  if (Status st = RejectUnknownFields(*parsed, {"creator_ids"}); !st)
    return ErrorResponse(st.error());
  const json::value* list = parsed->if_contains("creator_ids");
  if (!list || !list->is_array() || list->as_array().empty() ||
      list->as_array().size() > kMaxBulkIds) {
    return ErrorResponse(
        Error::InvalidBody("Field 'creator_ids' must be an array of 1 to 100 creator ids"));
  }
  const json::array& elements = list->as_array();
  std::vector<std::optional<std::string>> ids(elements.size());
  std::vector<CreatorItemResult> results(elements.size());
  std::vector<std::string> valid;
  std::vector<std::size_t> valid_index;
  for (std::size_t i = 0; i < elements.size(); ++i) {
    std::optional<std::string> id;
    if (elements[i].is_string()) id = NormalizeUuid(elements[i].as_string());
    if (!id) {
      results[i].status = 400;
      results[i].error = Error::InvalidBody("Element " + std::to_string(i) +
                                            " of 'creator_ids' is not a creator id (a UUID)");
      if (elements[i].is_string()) ids[i] = std::string(elements[i].as_string());
      continue;
    }
    ids[i] = *id;
    valid.push_back(*id);
    valid_index.push_back(i);
  }
  const std::string& project_id = ctx.Param("projectId");
  Timestamp now = ctx.services.clock->NowSeconds();
  auto stored = reenable
                    ? ctx.services.store->BulkReenableCreators(ctx.org->id, project_id, valid, now)
                    : ctx.services.store->BulkRemoveCreators(ctx.org->id, project_id, valid, now);
  if (!stored) return ErrorResponse(stored.error());
  for (std::size_t k = 0; k < valid_index.size(); ++k) {
    results[valid_index[k]] = std::move((*stored)[k]);
  }
  return DataResponse(200, [&](JsonWriter& w) {
    w.StartObject().Key("results").StartArray();
    for (std::size_t i = 0; i < results.size(); ++i) WriteItem(w, i, ids[i], results[i]);
    w.EndArray().EndObject();
  });
}

Response BulkRemove(RequestContext& ctx) { return BulkCreatorAction(ctx, false); }
Response BulkReenable(RequestContext& ctx) { return BulkCreatorAction(ctx, true); }

Response ListEvents(RequestContext& ctx) {
  const std::string& id = ctx.Param("id");
  std::string identity = "creator_events|" + ctx.org->id + "|" + id;
  auto page_request = ctx.services.cursors->ReadPageRequest(ctx.query, identity);
  if (!page_request) return ErrorResponse(page_request.error());
  auto page = ctx.services.store->ListCreatorEvents(ctx.org->id, id, *page_request);
  if (!page) return ErrorResponse(page.error());
  return PageResponse(
      [&](JsonWriter& w) {
        w.StartArray();
        for (const CreatorEvent& e : page->items) {
          w.StartObject();
          w.Key("id").String(e.id);
          w.Key("creator_id").String(e.creator_id);
          w.Key("kind").String(e.kind);
          w.Key("details").Raw(e.details);
          w.Key("created_at").Time(e.created_at);
          w.EndObject();
        }
        w.EndArray();
      },
      ctx.services.cursors->NextCursor(identity, *page));
}

std::vector<FieldDoc> CreatorAddFields() {
  return {
      {"tiktok_handle", "string", false,
       "Single form: @name, name or https://www.tiktok.com/@name (1 to 30 letters, digits, '.', "
       "'_', '-')"},
      {"tracking_mode", "string", false, "Single form: auto (default) or selective"},
      {"tracking_start_date", "date", false,
       "Single form: start of the tracked window (default "
       "today in the organization's timezone)"},
      {"creators", "array<object>", false,
       "Bulk form instead of the fields above: 1 to 50 objects with the same fields"},
  };
}

std::vector<FieldDoc> CreatorIdsField() {
  return {{"creator_ids", "array<uuid>", false, "1 to 100 creator ids of the project", true}};
}

}  // namespace

void WriteCreator(JsonWriter& w, const Creator& c) {
  w.StartObject();
  w.Key("id").String(c.id);
  w.Key("project_id").String(c.project_id);
  w.Key("tiktok_handle").String(c.tiktok_handle);
  w.Key("display_name")
      .OptString(c.display_name_override ? c.display_name_override : c.display_name);
  w.Key("avatar_url").OptString(c.avatar_url);
  w.Key("description").OptString(c.description);
  w.Key("metadata").Raw(c.metadata);
  w.Key("tracking_mode").String(c.tracking_mode);
  w.Key("tracking_start_date").OptString(c.tracking_start_date);
  w.Key("follower_count").Int(c.follower_count);
  w.Key("following_count").Int(c.following_count);
  w.Key("like_count").Int(c.like_count);
  w.Key("video_count").Int(c.video_count);
  w.Key("status").String(c.status);
  w.Key("disabled_reason").OptString(c.disabled_reason);
  w.Key("last_scraped_at").OptTime(c.last_scraped_at);
  w.Key("created_at").Time(c.created_at);
  w.Key("updated_at").Time(c.updated_at);
  w.EndObject();
}

void RegisterCreatorRoutes(Router& router) {
  router.AddEntity(
      {"creator",
       "A TikTok account tracked in one project",
       {
           {"id", "uuid", false, "Creator id"},
           {"project_id", "uuid", false, "Owning project"},
           {"tiktok_handle", "string", false, "TikTok username, without the @"},
           {"display_name", "string", true,
            "The team's display-name override when set, else TikTok's name"},
           {"avatar_url", "string", true, "Profile picture URL as last scraped"},
           {"description", "string", true, "Team notes / agent context (written as readme)"},
           {"metadata", "object", false, "Agent-writable structured data"},
           {"tracking_mode", "string", false,
            "auto (new videos counted) or selective (new videos wait in the Tracking Inbox)"},
           {"tracking_start_date", "date", true, "Videos posted before this day are not tracked"},
           {"follower_count", "integer", false, "Followers at the latest profile scrape"},
           {"following_count", "integer", false, "Accounts followed at the latest profile scrape"},
           {"like_count", "integer", false, "Total likes at the latest profile scrape"},
           {"video_count", "integer", false, "Posts at the latest profile scrape"},
           {"status", "string", false, "active, disabled (by the system) or removed"},
           {"disabled_reason", "string", true, "Why the system disabled the creator"},
           {"last_scraped_at", "timestamp", true, "Time of the latest profile scrape"},
           {"created_at", "timestamp", false, "When the creator was first added"},
           {"updated_at", "timestamp", false, "Last change"},
       },
       {{"project_id", "project"}, {"videos", "video.creator_id"}}});
  router.AddEntity({"creator_event",
                    "One entry of a creator's change log",
                    {
                        {"id", "uuid", false, "Event id"},
                        {"creator_id", "uuid", false, "The creator"},
                        {"kind", "string", false,
                         "added, reactivated, renamed, tracking_mode_changed, auto_disabled, "
                         "re_enabled, removed, follower_milestone or video_cap_reached"},
                        {"details", "object", false,
                         "What changed, by kind: from/to, tiktok_handle, reason, milestone"},
                        {"created_at", "timestamp", false, "When it happened"},
                    },
                    {{"creator_id", "creator"}}});

  router.Add({"GET",
              "/api/v1/creators",
              kScopeRead,
              ListCreators,
              {"List creators, newest first",
               "Creators",
               {{"project_id", "uuid", "Only this project"},
                {"search", "string", "Case-insensitive substring of the handle"},
                {"status", "string", "active (default), disabled, removed or all"},
                {"limit", "integer", "Items per page, 1..100 (default 50)"},
                {"cursor", "string", "Opaque cursor from meta.nextCursor"}},
               {},
               "creator",
               true}});
  router.Add({"GET",
              "/api/v1/creators/{id}",
              kScopeRead,
              GetCreator,
              {"Get one creator (any status)", "Creators", {}, {}, "creator", false, 200, {404}}});
  router.Add({"POST",
              "/api/v1/projects/{projectId}/creators",
              kScopeWrite,
              AddCreators,
              {"Add a creator (201; 200 when it reactivates a removed one) or up to 50 "
               "({\"creators\": [...]}, 200 with per-item results)",
               "Creators",
               {},
               CreatorAddFields(),
               "creator",
               false,
               201,
               {402, 404, 409}}});
  router.Add(
      {"PATCH",
       "/api/v1/creators/{id}",
       kScopeWrite,
       PatchCreator,
       {"Update a creator's notes, metadata, tracking settings or display name, or rename it",
        "Creators",
        {},
        {{"readme", "string", true, "Markdown notes (read back as description); null clears"},
         {"metadata", "object", false, "Replaces the stored object"},
         {"tracking_mode", "string", false, "auto or selective"},
         {"tracking_start_date", "date", false, "Start of the tracked window"},
         {"display_name_override", "string", true, "Shown as display_name; null clears"},
         {"tiktok_handle", "string", false,
          "New handle; keeps the creator's id and history (409 handle_taken, creator_banned, "
          "invalid_handle, no_change)"}},
        "creator",
        false,
        200,
        {404, 409}}});
  router.Add({"DELETE",
              "/api/v1/creators/{id}",
              kScopeWrite,
              DeleteCreator,
              {"Remove a creator from its project (soft: re-adding the handle reactivates it)",
               "Creators",
               {},
               {},
               "",
               false,
               200,
               {404}}});
  router.Add({"POST",
              "/api/v1/projects/{projectId}/creators/bulk-remove",
              kScopeWrite,
              BulkRemove,
              {"Remove several creators of a project; per-id results",
               "Creators",
               {},
               CreatorIdsField(),
               "",
               false,
               200,
               {404}}});
  router.Add({"POST",
              "/api/v1/projects/{projectId}/creators/bulk-reenable",
              kScopeWrite,
              BulkReenable,
              {"Re-enable creators the system disabled; per-id results",
               "Creators",
               {},
               CreatorIdsField(),
               "",
               false,
               200,
               {404}}});
  router.Add({"GET",
              "/api/v1/creators/{id}/events",
              kScopeRead,
              ListEvents,
              {"A creator's change log, newest first",
               "Creators",
               {{"limit", "integer", "Items per page, 1..100 (default 50)"},
                {"cursor", "string", "Opaque cursor from meta.nextCursor"}},
               {},
               "creator_event",
               true,
               200,
               {404}}});
}

}  // namespace goatherd::api
