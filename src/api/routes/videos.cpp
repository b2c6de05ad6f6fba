// Videos: list, get, PATCH (spec/videos.md); add by URL, delete, the tracking switches
// (resources.md "Videos"); and the registration of the stats and Tracking Inbox routes.
#include "api/routes/videos.h"

#include <set>

#include "api/app.h"
#include "api/envelope.h"
#include "api/json_body.h"
#include "core/tiktok_url.h"
#include "core/uuid.h"

namespace goatherd::api {
namespace {

std::optional<std::string> StoppedReason(const VideoView& view, Timestamp now) {
  const Video& v = view.video;
  if (v.tracking_stopped_reason) return v.tracking_stopped_reason;  // e.g. deleted_on_tiktok
  if (v.tracking_disabled) return "disabled";
  if (view.creator_status == "removed") return "creator_removed";
  if (view.creator_status == "disabled") return "creator_disabled";
  Timestamp start = v.posted_at.value_or(v.created_at);
  if (now >= start + view.tracking_days * 86400) return "expired";
  return std::nullopt;
}

std::string ListIdentity(const RequestContext& ctx, const VideoFilter& f) {
  return "videos|" + ctx.org->id + "|" + f.project_id.value_or("") + "|" +
         f.creator_id.value_or("");
}

Response ListVideos(RequestContext& ctx) {
  VideoFilter filter;
  auto project = ctx.query.GetUuid("project_id");
  if (!project) return ErrorResponse(project.error());
  auto creator = ctx.query.GetUuid("creator_id");
  if (!creator) return ErrorResponse(creator.error());
  filter.project_id = *project;
  filter.creator_id = *creator;
  std::string identity = ListIdentity(ctx, filter);
  auto page_request = ctx.services.cursors->ReadPageRequest(ctx.query, identity);
  if (!page_request) return ErrorResponse(page_request.error());
  auto page = ctx.services.store->ListVideos(ctx.org->id, filter, *page_request);
  if (!page) return ErrorResponse(page.error());
  std::optional<std::string> next;
  if (page->has_more && !page->items.empty()) {
    const Video& last = page->items.back().video;
    next = ctx.services.cursors->Encode(identity, {last.created_at, last.id});
  }
  Timestamp now = ctx.services.clock->NowSeconds();
  return PageResponse(
      [&](JsonWriter& w) {
        w.StartArray();
        for (const VideoView& v : page->items) WriteVideo(w, v, now);
        w.EndArray();
      },
      next);
}

Response GetVideo(RequestContext& ctx) {
  auto v = ctx.services.store->GetVideo(ctx.org->id, ctx.Param("id"));
  if (!v) return ErrorResponse(v.error());
  Timestamp now = ctx.services.clock->NowSeconds();
  return DataResponse(200, [&](JsonWriter& w) { WriteVideo(w, *v, now); });
}

Result<VideoPatch> ReadVideoPatch(const std::string& body) {
  auto parsed = ParseJsonObjectBody(body);
  if (!parsed) return parsed.error();
  const auto& obj = *parsed;
  if (Status st = RejectUnknownFields(obj, {"readme", "metadata", "tracking_status"}); !st) {
    return st.error();
  }
  if (obj.empty()) {
    return Error::InvalidBody(
        "Body must set at least one of 'readme', 'metadata', 'tracking_status'");
  }
  VideoPatch patch;
  auto readme = ReadReadme(obj);
  if (!readme) return readme.error();
  patch.readme = *readme;
  auto metadata = ReadMetadata(obj);
  if (!metadata) return metadata.error();
  patch.metadata = *metadata;
  auto status = ReadString(obj, "tracking_status");
  if (!status) return status.error();
  if (status->has_value()) {
    if (**status != "included" && **status != "excluded") {
      return Error::InvalidBody("Field 'tracking_status' must be 'included' or 'excluded', got '" +
                                **status + "'");
    }
    patch.tracking_status = **status;
  }
  return patch;
}

Response PatchVideo(RequestContext& ctx) {
  auto patch = ReadVideoPatch(ctx.request.body);
  if (!patch) return ErrorResponse(patch.error());
  auto v = ctx.services.store->UpdateVideo(ctx.org->id, ctx.Param("id"), *patch,
                                           ctx.services.clock->NowSeconds());
  if (!v) return ErrorResponse(v.error());
  Timestamp now = ctx.services.clock->NowSeconds();
  return DataResponse(200, [&](JsonWriter& w) { WriteVideo(w, *v, now); });
}

// The TikTok post of a create body `{"url": "..."}`.
Result<TikTokPostRef> ReadPostUrl(const std::string& body) {
  auto parsed = ParseJsonObjectBody(body);
  if (!parsed) return parsed.error();
  if (Status st = RejectUnknownFields(*parsed, {"url"}); !st) return st.error();
  auto url = ReadString(*parsed, "url");
  if (!url) return url.error();
  if (!url->has_value()) return Error::InvalidBody("Field 'url' is required");
  auto link = ParseTikTokUrl(**url);
  if (!link) return link.error();
  if (link->kind == TikTokUrl::kShortLink) {
    // No scrape source that follows redirects is wired into the API, so nothing can resolve it.
    return Error::InvalidBody(
        "Field 'url' is a TikTok short link, which only a scrape source can resolve, and this "
        "server has none that does; open it in a browser and send the full link it leads to "
        "(https://www.tiktok.com/@handle/video/<id>)");
  }
  return link->post;
}

Response CreateVideo(RequestContext& ctx) {
  auto post = ReadPostUrl(ctx.request.body);
  if (!post) return ErrorResponse(post.error());
  std::int64_t now_ms = ctx.services.clock->NowMs();
  Video v;
  v.id = NewUuidV7(now_ms);
  v.org_id = ctx.org->id;
  v.project_id = ctx.Param("projectId");
  v.tiktok_video_id = post->tiktok_video_id;
  v.is_photo = post->is_photo;
  v.author_handle = post->author_handle;
  v.tracking_status = "direct_add";
  v.created_at = v.updated_at = now_ms / 1000;
  auto created = ctx.services.store->CreateDirectVideo(v, v.created_at);
  if (!created) return ErrorResponse(created.error());
  return DataResponse(201, [&](JsonWriter& w) { WriteVideo(w, *created, v.created_at); });
}

Response DeleteVideo(RequestContext& ctx) {
  const std::string& id = ctx.Param("id");
  if (Status st = ctx.services.store->DeleteVideo(ctx.org->id, id); !st) {
    return ErrorResponse(st.error());
  }
  return DeletedResponse(id);
}

Response SetTracking(RequestContext& ctx, bool enabled) {
  Timestamp now = ctx.services.clock->NowSeconds();
  auto v = ctx.services.store->SetVideoTracking(ctx.org->id, ctx.Param("id"), enabled, now);
  if (!v) return ErrorResponse(v.error());
  return DataResponse(200, [&](JsonWriter& w) { WriteVideo(w, *v, now); });
}

Response DisableTracking(RequestContext& ctx) { return SetTracking(ctx, false); }
Response EnableTracking(RequestContext& ctx) { return SetTracking(ctx, true); }

constexpr std::size_t kMaxBulkTracking = 100;

Response BulkDisableTracking(RequestContext& ctx) {
  auto parsed = ParseJsonObjectBody(ctx.request.body);
  if (!parsed) return ErrorResponse(parsed.error());
  if (Status st = RejectUnknownFields(*parsed, {"video_ids"}); !st) {
    return ErrorResponse(st.error());
  }
  auto ids = ReadVideoIds(*parsed, kMaxBulkTracking);
  if (!ids) return ErrorResponse(ids.error());
  Timestamp now = ctx.services.clock->NowSeconds();
  auto results =
      ctx.services.store->DisableVideosTracking(ctx.org->id, ctx.Param("projectId"), *ids, now);
  if (!results) return ErrorResponse(results.error());
  return DataResponse(200, [&](JsonWriter& w) {
    w.StartObject().Key("results").StartArray();
    for (std::size_t i = 0; i < results->size(); ++i) {
      const Result<VideoView>& r = (*results)[i];
      w.StartObject();
      w.Key("index").Int(static_cast<std::int64_t>(i));
      w.Key("id").String((*ids)[i]);
      w.Key("status").Int(r.ok() ? 200 : r.error().status);
      w.Key("video");
      if (r.ok()) {
        WriteVideo(w, *r, now);
      } else {
        w.Null();
      }
      w.Key("error");
      if (r.ok()) {
        w.Null();
      } else {
        w.StartObject().Key("code").String(r.error().code);
        w.Key("message").String(r.error().message).EndObject();
      }
      w.EndObject();
    }
    w.EndArray().EndObject();
  });
}

}  // namespace

Result<std::vector<std::string>> ReadVideoIds(const boost::json::object& body,
                                              std::size_t max_ids) {
  const auto* field = body.if_contains("video_ids");
  if (!field) return Error::InvalidBody("Field 'video_ids' is required");
  const auto* array = field->if_array();
  const std::string range = "1 to " + std::to_string(max_ids);
  if (!array) return Error::InvalidBody("Field 'video_ids' must be an array of " + range + " ids");
  if (array->empty() || array->size() > max_ids) {
    return Error::InvalidBody("Field 'video_ids' must hold " + range + " ids, got " +
                              std::to_string(array->size()));
  }
  std::vector<std::string> ids;
  ids.reserve(array->size());
  std::set<std::string> seen;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const std::string where = "Field 'video_ids[" + std::to_string(i) + "]'";
    const auto* text = (*array)[i].if_string();
    if (!text) return Error::InvalidBody(where + " must be a string");
    auto id = NormalizeUuid(std::string_view(text->data(), text->size()));
    if (!id) return Error::InvalidBody(where + " must be a UUID");
    // A repeated id is almost always a client's bug; saying so beats a silent second answer.
    if (!seen.insert(*id).second) return Error::InvalidBody(where + " repeats " + *id);
    ids.push_back(std::move(*id));
  }
  return ids;
}

void WriteVideo(JsonWriter& w, const VideoView& view, Timestamp now) {
  w.StartObject();
  WriteVideoFields(w, view, now);
  w.EndObject();
}

void WriteVideoFields(JsonWriter& w, const VideoView& view, Timestamp now) {
  const Video& v = view.video;
  w.Key("id").String(v.id);
  w.Key("project_id").String(v.project_id);
  w.Key("creator_id").OptString(v.creator_id);
  w.Key("tiktok_video_id").String(v.tiktok_video_id);
  w.Key("url").String(TikTokPostUrl(view.handle, view.video.is_photo, view.video.tiktok_video_id));
  w.Key("title").OptString(v.title);
  w.Key("description").OptString(v.description);
  w.Key("metadata").Raw(v.metadata);
  // Covers are proxied through signed /thumbnails URLs once a scrape source records them.
  w.Key("thumbnail_url").Null();
  w.Key("view_count").Int(v.counts[kViews]);
  w.Key("like_count").Int(v.counts[kLikes]);
  w.Key("comment_count").Int(v.counts[kComments]);
  w.Key("share_count").Int(v.counts[kShares]);
  w.Key("save_count").Int(v.counts[kSaves]);
  w.Key("tracking_status").String(v.tracking_status);
  w.Key("tracking_disabled").Bool(v.tracking_disabled);
  w.Key("tracking_stopped_reason").OptString(StoppedReason(view, now));
  w.Key("posted_at").OptTime(v.posted_at);
  w.Key("last_scraped_at").OptTime(v.last_scraped_at);
  w.Key("created_at").Time(v.created_at);
  w.Key("updated_at").Time(v.updated_at);
}

std::vector<FieldDoc> VideoFieldDocs() {
  return {
      {"id", "uuid", false, "Video id"},
      {"project_id", "uuid", false, "Owning project"},
      {"creator_id", "uuid", true, "Owning creator; null for a video added directly by URL"},
      {"tiktok_video_id", "string", false, "TikTok's numeric id, as a string"},
      {"url", "string", false, "Canonical TikTok URL from the current handle"},
      {"title", "string", true, "Caption, when TikTok provides one"},
      {"description", "string", true, "Team notes / agent context (written as readme)"},
      {"metadata", "object", false, "Agent-writable structured data"},
      {"thumbnail_url", "string", true, "Signed proxied thumbnail URL, null when no cover"},
      {"view_count", "integer", false, "Views at the latest snapshot"},
      {"like_count", "integer", false, "Likes at the latest snapshot"},
      {"comment_count", "integer", false, "Comments at the latest snapshot"},
      {"share_count", "integer", false, "Shares at the latest snapshot"},
      {"save_count", "integer", false, "Saves at the latest snapshot"},
      {"tracking_status", "string", false,
       "auto_tracked, pending_review, included, excluded or direct_add"},
      {"tracking_disabled", "boolean", false, "Stats refresh switched off"},
      {"tracking_stopped_reason", "string", true,
       "disabled, expired, deleted_on_tiktok, creator_removed or creator_disabled"},
      {"posted_at", "timestamp", true, "When TikTok says it was posted"},
      {"last_scraped_at", "timestamp", true, "Time of the latest snapshot"},
      {"created_at", "timestamp", false, "When the video was added"},
      {"updated_at", "timestamp", false, "Last change"},
  };
}

void RegisterVideoRoutes(Router& router) {
  router.AddEntity({"video",
                    "One TikTok post (video or photo carousel) tracked in a project",
                    VideoFieldDocs(),
                    {{"project_id", "project"}, {"creator_id", "creator"}}});

  router.Add({"GET",
              "/api/v1/videos",
              kScopeRead,
              ListVideos,
              {"List tracked videos (never excluded ones), newest first",
               "Videos",
               {{"project_id", "uuid", "Only this project"},
                {"creator_id", "uuid", "Only this creator"},
                {"limit", "integer", "Items per page, 1..100 (default 50)"},
                {"cursor", "string", "Opaque cursor from meta.nextCursor"}},
               {},
               "video",
               true}});
  router.Add({"GET",
              "/api/v1/videos/{id}",
              kScopeRead,
              GetVideo,
              {"Get one video (any status)", "Videos", {}, {}, "video", false, 200, {404}}});
  router.Add(
      {"PATCH",
       "/api/v1/videos/{id}",
       kScopeWrite,
       PatchVideo,
       {"Update a video's readme or metadata, or decide it in the Tracking Inbox",
        "Videos",
        {},
        {{"readme", "string", true, "Markdown notes (read back as description); null clears"},
         {"metadata", "object", false, "Replaces the stored object"},
         {"tracking_status", "string", false, "included or excluded"}},
        "video",
        false,
        200,
        {404, 409}}});
  router.Add({"POST",
              "/api/v1/projects/{projectId}/videos",
              kScopeWrite,
              CreateVideo,
              {"Add a video to the project by its TikTok URL (a direct add); its stats are "
               "fetched at once",
               "Videos",
               {},
               {{"url", "string", false,
                 "Any TikTok video or photo URL (web, mobile, embed); short links need a source "
                 "to resolve them",
                 true}},
               "video",
               false,
               201,
               {402, 404, 409}}});
  router.Add({"DELETE",
              "/api/v1/videos/{id}",
              kScopeWrite,
              DeleteVideo,
              {"Delete a video with its snapshots and campaign memberships (cannot be undone)",
               "Videos",
               {},
               {},
               "",
               false,
               200,
               {404}}});
  router.Add({"POST",
              "/api/v1/videos/{id}/tracking-disable",
              kScopeWrite,
              DisableTracking,
              {"Stop refreshing a video's stats (its history stays; it still counts)",
               "Videos",
               {},
               {},
               "video",
               false,
               200,
               {404}}});
  router.Add({"POST",
              "/api/v1/videos/{id}/tracking-enable",
              kScopeWrite,
              EnableTracking,
              {"Resume refreshing a video's stats: the next snapshot is a tracking_resumed "
               "baseline, and the refresh is queued now",
               "Videos",
               {},
               {},
               "video",
               false,
               200,
               {404}}});
  router.Add(
      {"POST",
       "/api/v1/projects/{projectId}/videos/bulk-tracking-disable",
       kScopeWrite,
       BulkDisableTracking,
       {"Stop refreshing several videos of a project: {results: [{index, id, status, video, "
        "error}]}, one per id, each standing alone",
        "Videos",
        {},
        {{"video_ids", "array<uuid>", false, "1 to 100 ids of videos in this project", true}},
        "",
        false,
        200,
        {404}}});
  RegisterVideoStatsRoute(router);
  RegisterInboxRoutes(router);
}

}  // namespace goatherd::api
