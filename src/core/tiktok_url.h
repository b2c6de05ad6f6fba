// Recognising the TikTok post URLs people paste: every web, mobile and embed form of a video or
// photo-carousel link becomes {TikTok id, photo or not, author handle when the URL names one};
// short links (vm.tiktok.com, vt.tiktok.com, tiktok.com/t/...) are told apart, because only a
// scrape source can resolve them. Anything else is refused with a message saying what is wrong,
// phrased for the API's 400 invalid_body answer.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace goatherd {

struct TikTokPostRef {
  std::string tiktok_video_id;  // decimal digits
  bool is_photo = false;
  std::optional<std::string> author_handle;  // without '@', as written in the URL
};

struct TikTokUrl {
  enum Kind { kPost, kShortLink } kind = kPost;
  TikTokPostRef post;      // kPost
  std::string short_link;  // kShortLink: the URL as given, for a source to resolve
};

// Parses `text` (surrounding whitespace ignored; a missing scheme means https). Errors are
// 400 invalid_body messages that start with "Field 'url'".
Result<TikTokUrl> ParseTikTokUrl(std::string_view text);

// The canonical web address of a post: https://www.tiktok.com/@handle/video/ID (or /photo/ for a
// photo set); without a known handle, https://www.tiktok.com/video/ID.
std::string TikTokPostUrl(const std::optional<std::string>& handle, bool is_photo,
                          const std::string& tiktok_video_id);

}  // namespace goatherd
