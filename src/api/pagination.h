// Keyset cursors for every list endpoint. A cursor is a keyset position (created_at, id) plus a
// fingerprint of the list it belongs to (organization, endpoint, filters), signed with HMAC-SHA256
// under a server secret kept in the database: a forged, altered, or foreign cursor, or one reused
// with other filters, is a 400, never a look at other rows.
// Thread-safety: immutable after construction; safe to share.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api/query.h"
#include "core/error.h"
#include "store/store.h"

namespace goatherd::api {

class CursorCodec {
 public:
  explicit CursorCodec(std::string secret) : secret_(std::move(secret)) {}

  // `list_identity` names the list: organization, endpoint and every filter value.
  std::string Encode(std::string_view list_identity, const KeysetPosition& position) const;
  Result<KeysetPosition> Decode(std::string_view list_identity, std::string_view cursor) const;

  // `limit` and `cursor` of a list request, validated.
  Result<PageRequest> ReadPageRequest(const Query& query, std::string_view list_identity) const;

  // The cursor to the page after `last` when there is one.
  template <class T>
  std::optional<std::string> NextCursor(std::string_view list_identity, const Page<T>& page) const {
    if (!page.has_more || page.items.empty()) return std::nullopt;
    const T& last = page.items.back();
    return Encode(list_identity, KeysetPosition{last.created_at, last.id});
  }

 private:
  std::string Fingerprint(std::string_view list_identity) const;
  std::string secret_;
};

}  // namespace goatherd::api
