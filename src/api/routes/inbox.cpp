// The Tracking Inbox (resources.md): a project's pending_review videos, oldest first, and the
// all-or-nothing decision on many of them at once.
#include "api/app.h"
#include "api/envelope.h"
#include "api/json_body.h"
#include "api/routes/videos.h"

namespace goatherd::api {
namespace {

constexpr std::size_t kMaxDecide = 500;

std::string InboxIdentity(const RequestContext& ctx) {
  return "inbox|" + ctx.org->id + "|" + ctx.Param("projectId");
}

// A video awaiting a decision: the video object plus its creator's handle.
void WriteInboxEntry(JsonWriter& w, const VideoView& view, Timestamp now) {
  w.StartObject();
  WriteVideoFields(w, view, now);
  w.Key("creator_handle").OptString(view.handle);
  w.EndObject();
}

Response ListInbox(RequestContext& ctx) {
  std::string identity = InboxIdentity(ctx);
  auto page_request = ctx.services.cursors->ReadPageRequest(ctx.query, identity);
  if (!page_request) return ErrorResponse(page_request.error());
  auto page = ctx.services.store->ListInbox(ctx.org->id, ctx.Param("projectId"), *page_request);
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
        for (const VideoView& v : page->items) WriteInboxEntry(w, v, now);
        w.EndArray();
      },
      next);
}

Response Decide(RequestContext& ctx) {
  auto parsed = ParseJsonObjectBody(ctx.request.body);
  if (!parsed) return ErrorResponse(parsed.error());
  if (Status st = RejectUnknownFields(*parsed, {"video_ids", "decision"}); !st) {
    return ErrorResponse(st.error());
  }
  auto ids = ReadVideoIds(*parsed, kMaxDecide);
  if (!ids) return ErrorResponse(ids.error());
  auto decision = ReadString(*parsed, "decision");
  if (!decision) return ErrorResponse(decision.error());
  if (!decision->has_value())
    return ErrorResponse(Error::InvalidBody("Field 'decision' is required"));
  if (**decision != "included" && **decision != "excluded") {
    return ErrorResponse(Error::InvalidBody(
        "Field 'decision' must be 'included' or 'excluded', got '" + **decision + "'"));
  }
  Timestamp now = ctx.services.clock->NowSeconds();
  auto decided =
      ctx.services.store->DecideVideos(ctx.org->id, ctx.Param("projectId"), *ids, **decision, now);
  if (!decided) return ErrorResponse(decided.error());
  return DataResponse(200, [&](JsonWriter& w) {
    w.StartObject().Key("decision").String(**decision).Key("videos").StartArray();
    for (const VideoView& v : *decided) WriteVideo(w, v, now);
    w.EndArray().EndObject();
  });
}

}  // namespace

void RegisterInboxRoutes(Router& router) {
  std::vector<FieldDoc> fields = VideoFieldDocs();
  fields.push_back({"creator_handle", "string", true, "The creator's current TikTok handle"});
  router.AddEntity({"inbox_video",
                    "A pending_review video awaiting a decision in a project's Tracking Inbox: "
                    "the video object plus its creator's handle",
                    std::move(fields),
                    {{"project_id", "project"}, {"creator_id", "creator"}, {"id", "video"}}});
  router.Add({"GET",
              "/api/v1/projects/{projectId}/inbox",
              kScopeRead,
              ListInbox,
              {"The project's Tracking Inbox: its pending_review videos, oldest first",
               "Tracking Inbox",
               {{"limit", "integer", "Items per page, 1..100 (default 50)"},
                {"cursor", "string", "Opaque cursor from meta.nextCursor"}},
               {},
               "inbox_video",
               true,
               200,
               {404}}});
  router.Add({"POST",
              "/api/v1/projects/{projectId}/inbox/decide",
              kScopeWrite,
              Decide,
              {"Include or exclude many videos of the project at once, all or nothing: "
               "{decision, videos} in the order of video_ids",
               "Tracking Inbox",
               {},
               {{"video_ids", "array<uuid>", false, "1 to 500 ids of videos in this project", true},
                {"decision", "string", false, "included or excluded", true}},
               "",
               false,
               200,
               {404, 409}}});
}

}  // namespace goatherd::api
