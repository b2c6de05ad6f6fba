#include "api/pagination.h"

#include <charconv>

#include "core/crypto.h"
#include "core/uuid.h"

namespace goatherd::api {
namespace {
constexpr std::size_t kMacBytes = 16;
Error BadCursor() {
  return Error::InvalidQuery(
      "Invalid cursor: pass meta.nextCursor unchanged, with the same filters as the first page");
}
}  // namespace

std::string CursorCodec::Fingerprint(std::string_view list_identity) const {
  return HexEncode(Sha256(list_identity).substr(0, 8));
}

std::string CursorCodec::Encode(std::string_view list_identity,
                                const KeysetPosition& position) const {
  std::string payload =
      Fingerprint(list_identity) + "|" + std::to_string(position.created_at) + "|" + position.id;
  std::string mac = HmacSha256(secret_, payload).substr(0, kMacBytes);
  return Base64UrlEncode(payload) + "." + Base64UrlEncode(mac);
}

Result<KeysetPosition> CursorCodec::Decode(std::string_view list_identity,
                                           std::string_view cursor) const {
  auto dot = cursor.find('.');
  if (dot == std::string_view::npos || cursor.size() > 512) return BadCursor();
  std::string payload, mac;
  if (!Base64UrlDecode(cursor.substr(0, dot), &payload) ||
      !Base64UrlDecode(cursor.substr(dot + 1), &mac)) {
    return BadCursor();
  }
  if (!ConstantTimeEquals(mac, HmacSha256(secret_, payload).substr(0, kMacBytes))) {
    return BadCursor();
  }
  auto bar1 = payload.find('|');
  auto bar2 = payload.find('|', bar1 == std::string::npos ? bar1 : bar1 + 1);
  if (bar1 == std::string::npos || bar2 == std::string::npos ||
      payload.substr(0, bar1) != Fingerprint(list_identity)) {
    return BadCursor();
  }
  KeysetPosition pos;
  const char* first = payload.data() + bar1 + 1;
  const char* last = payload.data() + bar2;
  auto [end, ec] = std::from_chars(first, last, pos.created_at);
  auto id = NormalizeUuid(std::string_view(payload).substr(bar2 + 1));
  if (ec != std::errc() || end != last || !id) return BadCursor();
  pos.id = *id;
  return pos;
}

Result<PageRequest> CursorCodec::ReadPageRequest(const Query& query,
                                                 std::string_view list_identity) const {
  PageRequest page;
  auto limit = query.GetLimit();
  if (!limit) return limit.error();
  page.limit = *limit;
  auto cursor = query.GetRequiredValue("cursor");
  if (!cursor) return cursor.error();
  if (cursor->has_value()) {
    auto pos = Decode(list_identity, **cursor);
    if (!pos) return pos.error();
    page.after = *pos;
  }
  return page;
}

}  // namespace goatherd::api
