// Shared by the video routes: the video object writer, the reader of `video_ids` lists, and the
// registration of the stats and Tracking Inbox routes.
// Thread-safety: pure functions.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "api/json_writer.h"
#include "api/router.h"
#include "store/store.h"

namespace goatherd::api {

// The video object of spec/videos.md; `now` decides whether tracking has expired.
void WriteVideo(JsonWriter& w, const VideoView& view, Timestamp now);
// Its members without the braces, for objects that extend it (Tracking Inbox entries).
void WriteVideoFields(JsonWriter& w, const VideoView& view, Timestamp now);
// The fields of the video entity's documentation, for entities that extend it.
std::vector<FieldDoc> VideoFieldDocs();

// `video_ids` of a bulk body: required, 1..max_ids UUIDs (normalized), none repeated; 400
// invalid_body naming the offending element otherwise.
Result<std::vector<std::string>> ReadVideoIds(const boost::json::object& body, std::size_t max_ids);

void RegisterVideoStatsRoute(Router& router);
void RegisterInboxRoutes(Router& router);

}  // namespace goatherd::api
