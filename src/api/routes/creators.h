// Shared by the routes that show creators (the Creators API, the Tracking Inbox, ...): the
// creator object writer, so every endpoint shows the same fields.
// Thread-safety: pure functions.
#pragma once

#include "api/json_writer.h"
#include "core/types.h"

namespace goatherd::api {

// The creator object of resources.md "Creators"; display_name is the team's override when set,
// else TikTok's name.
void WriteCreator(JsonWriter& w, const Creator& c);

}  // namespace goatherd::api
