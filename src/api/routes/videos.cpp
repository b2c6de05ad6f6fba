// Videos: list, get, PATCH (spec/videos.md) and the registration of the stats route.
#include "api/routes/videos.h"

#include "api/app.h"
#include "api/envelope.h"
#include "api/json_body.h"

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

std::string VideoUrl(const VideoView& view) {
  const Video& v = view.video;
  std::string kind = v.is_photo ? "/photo/" : "/video/";
  if (!view.handle) return "https://www.tiktok.com" + kind + v.tiktok_video_id;
  return "https://www.tiktok.com/@" + *view.handle + kind + v.tiktok_video_id;
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

}  // namespace

void WriteVideo(JsonWriter& w, const VideoView& view, Timestamp now) {
  const Video& v = view.video;
  w.StartObject();
  w.Key("id").String(v.id);
  w.Key("project_id").String(v.project_id);
  w.Key("creator_id").OptString(v.creator_id);
  w.Key("tiktok_video_id").String(v.tiktok_video_id);
  w.Key("url").String(VideoUrl(view));
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
  w.EndObject();
}

void RegisterVideoRoutes(Router& router) {
  router.AddEntity(
      {"video",
       "One TikTok post (video or photo carousel) tracked in a project",
       {
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
       },
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
  RegisterVideoStatsRoute(router);
}

}  // namespace goatherd::api
