// Shared by the video routes: the video object writer and the stats route's registration.
// Thread-safety: pure functions.
#pragma once

#include "api/json_writer.h"
#include "api/router.h"
#include "store/store.h"

namespace goatherd::api {

// The video object of spec/videos.md; `now` decides whether tracking has expired.
void WriteVideo(JsonWriter& w, const VideoView& view, Timestamp now);
void RegisterVideoStatsRoute(Router& router);

}  // namespace goatherd::api
