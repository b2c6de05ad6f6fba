// Campaigns: list, get, create (under a project), update, delete, and their items
// (resources.md "Campaigns", reference/03-campaigns.md).
#include <cmath>

#include "api/app.h"
#include "api/envelope.h"
#include "api/json_body.h"
#include "core/time.h"
#include "core/uuid.h"

namespace goatherd::api {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxNameCodePoints = 200;
constexpr std::size_t kMaxNotesCodePoints = 100000;
// Integral doubles (`1e6`) are accepted as counts up to where a double still holds every integer.
constexpr double kMaxExactDouble = 9007199254740992.0;

void WriteCampaign(JsonWriter& w, const Campaign& c) {
  w.StartObject();
  w.Key("id").String(c.id);
  w.Key("project_id").String(c.project_id);
  w.Key("name").String(c.name);
  // Upstream's API page says `readme`, its guide and data model `description`: both carry it.
  w.Key("description").OptString(c.description);
  w.Key("readme").OptString(c.description);
  w.Key("metadata").Raw(c.metadata);
  w.Key("target_views").OptInt(c.target_views);
  w.Key("target_at").OptTime(c.target_at);
  w.Key("item_count").Int(c.item_count);
  w.Key("created_at").Time(c.created_at);
  w.Key("updated_at").Time(c.updated_at);
  w.EndObject();
}

Response CampaignResponse(int status, const Campaign& c) {
  return DataResponse(status, [&](JsonWriter& w) { WriteCampaign(w, c); });
}

void WriteItem(JsonWriter& w, const CampaignItem& item) {
  w.StartObject();
  w.Key("campaign_id").String(item.campaign_id);
  w.Key("item_type").String(item.item_type);
  w.Key("item_id").String(item.item_id);
  w.Key("label").OptString(item.label);
  w.Key("added_at").Time(item.created_at);
  w.EndObject();
}

// `target_views`: a non-negative integer or null.
Result<std::optional<std::optional<std::int64_t>>> ReadTargetViews(const json::object& obj) {
  using Out = std::optional<std::optional<std::int64_t>>;
  auto it = obj.find("target_views");
  if (it == obj.end()) return Out();
  const json::value& v = it->value();
  if (v.is_null()) return Out(std::optional<std::int64_t>());
  if (v.is_int64() && v.get_int64() >= 0) return Out(v.get_int64());
  if (v.is_double()) {
    double d = v.get_double();
    if (d >= 0 && d <= kMaxExactDouble && std::floor(d) == d) {
      return Out(static_cast<std::int64_t>(d));
    }
  }
  return Error::InvalidBody("Field 'target_views' must be a non-negative integer or null");
}

// `target_at`: an RFC 3339 date-time (any offset, stored in UTC), a bare YYYY-MM-DD meaning
// its 00:00:00Z, or null.
Result<std::optional<std::optional<Timestamp>>> ReadTargetAt(const json::object& obj) {
  using Out = std::optional<std::optional<Timestamp>>;
  auto text = ReadNullableString(obj, "target_at");
  if (!text) return Error::InvalidBody("Field 'target_at' must be an ISO 8601 date-time or null");
  if (!text->has_value()) return Out();
  if (!(*text)->has_value()) return Out(std::optional<Timestamp>());
  const std::string& s = ***text;
  if (auto t = ParseTimestamp(s)) return Out(*t);
  if (auto day = ParseDate(s)) return Out(static_cast<Timestamp>(*day) * 86400);
  return Error::InvalidBody(
      "Field 'target_at' must be an ISO 8601 date-time such as "
      "2026-06-30T00:00:00Z (or a date YYYY-MM-DD), got '" +
      s + "'");
}

// The notes, written as `readme` or, since reads show it under both names, `description`.
Result<std::optional<std::optional<std::string>>> ReadNotes(const json::object& obj) {
  auto readme = ReadReadme(obj);
  if (!readme) return readme.error();
  auto description = ReadNullableString(obj, "description");
  if (!description) return description.error();
  if (description->has_value() && (*description)->has_value() &&
      CodePointCount(***description) > kMaxNotesCodePoints) {
    return Error::InvalidBody("Field 'description' exceeds 100000 characters");
  }
  if (readme->has_value() && description->has_value() && **readme != **description) {
    return Error::InvalidBody(
        "Fields 'readme' and 'description' are the same notes; send one, or both equal");
  }
  return readme->has_value() ? *readme : *description;
}

Result<CampaignPatch> ReadCampaignFields(const std::string& body, bool creating) {
  auto parsed = ParseJsonObjectBody(body);
  if (!parsed) return parsed.error();
  const auto& obj = *parsed;
  if (Status st = RejectUnknownFields(
          obj, {"name", "readme", "description", "metadata", "target_views", "target_at"});
      !st) {
    return st.error();
  }
  if (!creating && obj.empty()) {
    return Error::InvalidBody(
        "Body must set at least one of 'name', 'readme', 'metadata', 'target_views', "
        "'target_at'");
  }
  CampaignPatch patch;
  auto name = ReadString(obj, "name");
  if (!name) return name.error();
  if (creating && !name->has_value()) return Error::InvalidBody("Field 'name' is required");
  if (name->has_value()) {
    std::size_t n = CodePointCount(**name);
    if (n == 0 || n > kMaxNameCodePoints) {
      return Error::InvalidBody("Field 'name' must be 1 to 200 characters");
    }
    patch.name = **name;
  }
  auto notes = ReadNotes(obj);
  if (!notes) return notes.error();
  patch.readme = *notes;
  auto metadata = ReadMetadata(obj);
  if (!metadata) return metadata.error();
  patch.metadata = *metadata;
  auto views = ReadTargetViews(obj);
  if (!views) return views.error();
  patch.target_views = *views;
  auto at = ReadTargetAt(obj);
  if (!at) return at.error();
  patch.target_at = *at;
  return patch;
}

struct ItemRef {
  std::string type;
  std::string id;
};

Result<ItemRef> ReadItemRef(const std::string& body) {
  auto parsed = ParseJsonObjectBody(body);
  if (!parsed) return parsed.error();
  const auto& obj = *parsed;
  if (Status st = RejectUnknownFields(obj, {"item_type", "item_id"}); !st) return st.error();
  auto type = ReadString(obj, "item_type");
  if (!type) return type.error();
  if (!type->has_value()) return Error::InvalidBody("Field 'item_type' is required");
  if (**type != "creator" && **type != "video" && **type != "campaign") {
    return Error::InvalidBody("Field 'item_type' must be 'creator', 'video' or 'campaign', got '" +
                              **type + "'");
  }
  auto id = ReadString(obj, "item_id");
  if (!id) return id.error();
  if (!id->has_value()) return Error::InvalidBody("Field 'item_id' is required");
  auto normalized = NormalizeUuid(**id);
  if (!normalized) {
    return Error::InvalidBody("Field 'item_id' must be a UUID, got '" + **id + "'");
  }
  return ItemRef{**type, *normalized};
}

std::string ListIdentity(const RequestContext& ctx, const CampaignFilter& f) {
  return "campaigns|" + ctx.org->id + "|" + f.project_id.value_or("");
}

Response ListCampaigns(RequestContext& ctx) {
  CampaignFilter filter;
  auto project = ctx.query.GetUuid("project_id");
  if (!project) return ErrorResponse(project.error());
  filter.project_id = *project;
  std::string identity = ListIdentity(ctx, filter);
  auto page_request = ctx.services.cursors->ReadPageRequest(ctx.query, identity);
  if (!page_request) return ErrorResponse(page_request.error());
  auto page = ctx.services.store->ListCampaigns(ctx.org->id, filter, *page_request);
  if (!page) return ErrorResponse(page.error());
  return PageResponse(
      [&](JsonWriter& w) {
        w.StartArray();
        for (const Campaign& c : page->items) WriteCampaign(w, c);
        w.EndArray();
      },
      ctx.services.cursors->NextCursor(identity, *page));
}

Response GetCampaign(RequestContext& ctx) {
  auto c = ctx.services.store->GetCampaign(ctx.org->id, ctx.Param("id"));
  if (!c) return ErrorResponse(c.error());
  return CampaignResponse(200, *c);
}

Response CreateCampaign(RequestContext& ctx) {
  auto fields = ReadCampaignFields(ctx.request.body, /*creating=*/true);
  if (!fields) return ErrorResponse(fields.error());
  std::int64_t now_ms = ctx.services.clock->NowMs();
  Campaign c;
  c.id = NewUuidV7(now_ms);
  c.org_id = ctx.org->id;
  c.project_id = ctx.Param("projectId");
  c.name = *fields->name;
  if (fields->readme) c.description = *fields->readme;
  if (fields->metadata) c.metadata = *fields->metadata;
  if (fields->target_views) c.target_views = *fields->target_views;
  if (fields->target_at) c.target_at = *fields->target_at;
  c.created_at = c.updated_at = now_ms / 1000;
  auto created = ctx.services.store->CreateCampaign(c);
  if (!created) return ErrorResponse(created.error());
  return CampaignResponse(201, *created);
}

Response UpdateCampaign(RequestContext& ctx) {
  auto fields = ReadCampaignFields(ctx.request.body, /*creating=*/false);
  if (!fields) return ErrorResponse(fields.error());
  auto updated = ctx.services.store->UpdateCampaign(ctx.org->id, ctx.Param("id"), *fields,
                                                    ctx.services.clock->NowSeconds());
  if (!updated) return ErrorResponse(updated.error());
  return CampaignResponse(200, *updated);
}

Response DeleteCampaign(RequestContext& ctx) {
  const std::string& id = ctx.Param("id");
  if (Status st = ctx.services.store->DeleteCampaign(ctx.org->id, id); !st) {
    return ErrorResponse(st.error());
  }
  return DeletedResponse(id);
}

std::string ItemsIdentity(const RequestContext& ctx) {
  return "campaign_items|" + ctx.org->id + "|" + ctx.Param("id");
}

Response ListItems(RequestContext& ctx) {
  std::string identity = ItemsIdentity(ctx);
  auto page_request = ctx.services.cursors->ReadPageRequest(ctx.query, identity);
  if (!page_request) return ErrorResponse(page_request.error());
  auto page = ctx.services.store->ListCampaignItems(ctx.org->id, ctx.Param("id"), *page_request);
  if (!page) return ErrorResponse(page.error());
  std::optional<std::string> next;
  if (page->has_more && !page->items.empty()) {
    // Items are ordered by insertion; the item id rides along only to keep the cursor's form.
    const CampaignItem& last = page->items.back();
    next = ctx.services.cursors->Encode(identity, {last.seq, last.item_id});
  }
  return PageResponse(
      [&](JsonWriter& w) {
        w.StartArray();
        for (const CampaignItem& item : page->items) WriteItem(w, item);
        w.EndArray();
      },
      next);
}

Response AddItem(RequestContext& ctx) {
  auto ref = ReadItemRef(ctx.request.body);
  if (!ref) return ErrorResponse(ref.error());
  auto item = ctx.services.store->AddCampaignItem(ctx.org->id, ctx.Param("id"), ref->type, ref->id,
                                                  ctx.services.clock->NowSeconds());
  if (!item) return ErrorResponse(item.error());
  return DataResponse(201, [&](JsonWriter& w) { WriteItem(w, *item); });
}

Response RemoveItem(RequestContext& ctx) {
  auto ref = ReadItemRef(ctx.request.body);
  if (!ref) return ErrorResponse(ref.error());
  if (Status st =
          ctx.services.store->RemoveCampaignItem(ctx.org->id, ctx.Param("id"), ref->type, ref->id);
      !st) {
    return ErrorResponse(st.error());
  }
  return DeletedResponse(ref->id);
}

std::vector<FieldDoc> CampaignWriteFields(bool creating) {
  return {
      {"name", "string", false, "Campaign name, 1 to 200 characters", creating},
      {"readme", "string", true,
       "Markdown notes for the team and agents (read back as readme and description); null "
       "clears"},
      {"description", "string", true, "Same notes as readme, under the name reads also use"},
      {"metadata", "object", false, "Agent-writable structured data (replaces the stored object)"},
      {"target_views", "integer", true, "Total-views goal; null clears"},
      {"target_at", "timestamp", true,
       "Target completion time (RFC 3339, or YYYY-MM-DD for its 00:00:00Z); null clears"},
  };
}

std::vector<FieldDoc> ItemRefFields() {
  return {
      {"item_type", "string", false, "creator, video or campaign", true},
      {"item_id", "uuid", false, "Id of that creator, video or campaign (same project)", true},
  };
}

}  // namespace

void RegisterCampaignRoutes(Router& router) {
  router.AddEntity(
      {"campaign",
       "A named grouping of creators, videos and other campaigns within one project; its "
       "videos are the union of everything underneath, each once",
       {
           {"id", "uuid", false, "Campaign id"},
           {"project_id", "uuid", false, "Owning project"},
           {"name", "string", false, "Campaign name"},
           {"description", "string", true, "Markdown notes / agent context (same as readme)"},
           {"readme", "string", true, "Markdown notes / agent context (same as description)"},
           {"metadata", "object", false, "Agent-writable structured data"},
           {"target_views", "integer", true, "Total-views goal"},
           {"target_at", "timestamp", true, "Target completion time"},
           {"item_count", "integer", false, "Direct items (creators, videos, sub-campaigns)"},
           {"created_at", "timestamp", false, "Creation time"},
           {"updated_at", "timestamp", false, "Last change"},
       },
       {{"project_id", "project"}, {"items", "campaign_item.campaign_id"}}});
  router.AddEntity(
      {"campaign_item",
       "One member of a campaign: a creator (its counted videos while active), a video, or a "
       "sub-campaign (everything under it)",
       {
           {"campaign_id", "uuid", false, "The campaign it belongs to"},
           {"item_type", "string", false, "creator, video or campaign"},
           {"item_id", "uuid", false, "Id of the creator, video or campaign"},
           {"label", "string", true, "Creator handle, video title or campaign name"},
           {"added_at", "timestamp", false, "When it was added"},
       },
       {{"campaign_id", "campaign"}, {"item_id", "creator, video or campaign by item_type"}}});

  router.Add({"GET",
              "/api/v1/campaigns",
              kScopeRead,
              ListCampaigns,
              {"List the organization's campaigns, newest first",
               "Campaigns",
               {{"project_id", "uuid", "Only this project"},
                {"limit", "integer", "Items per page, 1..100 (default 50)"},
                {"cursor", "string", "Opaque cursor from meta.nextCursor"}},
               {},
               "campaign",
               true}});
  router.Add({"POST",
              "/api/v1/projects/{projectId}/campaigns",
              kScopeWrite,
              CreateCampaign,
              {"Create a campaign in a project",
               "Campaigns",
               {},
               CampaignWriteFields(true),
               "campaign",
               false,
               201,
               {402, 404}}});
  router.Add({"GET",
              "/api/v1/campaigns/{id}",
              kScopeRead,
              GetCampaign,
              {"Get one campaign", "Campaigns", {}, {}, "campaign", false, 200, {404}}});
  router.Add({"PATCH",
              "/api/v1/campaigns/{id}",
              kScopeWrite,
              UpdateCampaign,
              {"Update a campaign's name, notes, metadata or targets",
               "Campaigns",
               {},
               CampaignWriteFields(false),
               "campaign",
               false,
               200,
               {404}}});
  router.Add({"DELETE",
              "/api/v1/campaigns/{id}",
              kScopeWrite,
              DeleteCampaign,
              {"Delete a campaign with its memberships (its items, and it as an item of others)",
               "Campaigns",
               {},
               {},
               "",
               false,
               200,
               {404}}});
  router.Add({"GET",
              "/api/v1/campaigns/{id}/items",
              kScopeRead,
              ListItems,
              {"List a campaign's direct items, newest first",
               "Campaigns",
               {{"limit", "integer", "Items per page, 1..100 (default 50)"},
                {"cursor", "string", "Opaque cursor from meta.nextCursor"}},
               {},
               "campaign_item",
               true,
               200,
               {404}}});
  router.Add({"POST",
              "/api/v1/campaigns/{id}/items",
              kScopeWrite,
              AddItem,
              {"Add a creator, video or sub-campaign of the same project",
               "Campaigns",
               {},
               ItemRefFields(),
               "campaign_item",
               false,
               201,
               {402, 404, 409}}});
  router.Add({"DELETE",
              "/api/v1/campaigns/{id}/items",
              kScopeWrite,
              RemoveItem,
              {"Remove one item from a campaign",
               "Campaigns",
               {},
               ItemRefFields(),
               "",
               false,
               200,
               {404}}});
}

}  // namespace goatherd::api
