// The response envelope of api-conventions.md: `{"data": ..., "error": ..., "meta": ...}` for
// every answer, success or error. Handlers write only their payload; these helpers wrap it.
// Thread-safety: pure functions.
#pragma once

#include <functional>
#include <string>

#include "api/http_types.h"
#include "api/json_writer.h"
#include "core/error.h"

namespace goatherd::api {

using PayloadWriter = std::function<void(JsonWriter&)>;

// `{"data": <payload>, "error": null, "meta": <meta or null>}`.
Response DataResponse(int status, const PayloadWriter& data, const PayloadWriter& meta = nullptr);
// A 200 around an already-serialized `data` payload with `meta.cached`, by concatenation: cached
// answers can be tens of kilobytes and need no second pass through the writer.
Response CachedDataResponse(const std::string& payload, bool cached);

// A list page: meta = {"nextCursor": ..., "hasMore": ...}.
Response PageResponse(const PayloadWriter& items, const std::optional<std::string>& next_cursor);

// `{"data": null, "error": <message>, "meta": {"code": ..., <extra>...}}` (+ Retry-After when
// `meta.retryAfter` is set).
Response ErrorResponse(const Error& error);

// DELETE's answer: `{"data": {"id": ..., "deleted": true}, "error": null, "meta": null}`.
Response DeletedResponse(const std::string& id);

}  // namespace goatherd::api
