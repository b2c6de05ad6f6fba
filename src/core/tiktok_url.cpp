#include "core/tiktok_url.h"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <vector>

#include "core/utf8.h"

namespace goatherd {
namespace {

constexpr std::size_t kMaxUrlBytes = 2048;
constexpr std::size_t kMaxEchoBytes = 200;
constexpr std::size_t kMaxIdDigits = 20;  // TikTok ids are 64-bit: at most 20 decimal digits
constexpr std::size_t kMaxHandle = 30;    // the creator handle rule of spec/resources.md

const char kExpected[] =
    "expected a TikTok video or photo link such as https://www.tiktok.com/@handle/video/<id>";

// The input, shortened for an error message without splitting a UTF-8 sequence.
std::string Echo(std::string_view text) {
  if (text.size() <= kMaxEchoBytes) return RepairUtf8(text);
  std::size_t cut = kMaxEchoBytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return RepairUtf8(text.substr(0, cut)) + "...";
}

Error Invalid(const std::string& what) { return Error::InvalidBody("Field 'url' " + what); }

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool IsHandle(std::string_view s) {
  if (s.empty() || s.size() > kMaxHandle) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool IsShortCode(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Result<TikTokUrl> Post(std::string_view id, bool is_photo, std::optional<std::string> handle) {
  if (!IsDigits(id) || id.size() > kMaxIdDigits) {
    return Invalid("has a post id that is not a number of at most 20 digits: '" + Echo(id) + "'");
  }
  if (handle && !IsHandle(*handle)) {
    return Invalid("has an invalid handle '@" + Echo(*handle) +
                   "' (1 to 30 letters, digits, '.', '_' or '-')");
  }
  TikTokUrl out;
  out.kind = TikTokUrl::kPost;
  out.post.tiktok_video_id = std::string(id);
  out.post.is_photo = is_photo;
  out.post.author_handle = std::move(handle);
  return out;
}

Result<TikTokUrl> ShortLink(std::string_view code, const std::string& url) {
  if (!IsShortCode(code)) return Invalid("is not a valid TikTok short link: '" + Echo(url) + "'");
  TikTokUrl out;
  out.kind = TikTokUrl::kShortLink;
  out.short_link = url;
  return out;
}

}  // namespace

Result<TikTokUrl> ParseTikTokUrl(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\n' ||
                           text.front() == '\r')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' ||
                           text.back() == '\r')) {
    text.remove_suffix(1);
  }
  if (text.empty()) return Invalid("must not be empty");
  if (text.size() > kMaxUrlBytes) return Invalid("is longer than 2048 characters");
  // People paste "www.tiktok.com/@a/video/1" without a scheme; https is what TikTok serves.
  // Only a TikTok host gets one, so "javascript:..." is still refused for its scheme.
  std::string url;
  if (text.substr(0, 2) == "//") {
    url = "https:";
  } else {
    std::string head = Lower(text.substr(0, 16));
    for (std::string_view host :
         {"tiktok.com", "www.tiktok.com", "m.tiktok.com", "vm.tiktok.com", "vt.tiktok.com"}) {
      if (head.size() > host.size() && head.compare(0, host.size(), host) == 0 &&
          (head[host.size()] == '/' || head[host.size()] == ':' || head[host.size()] == '?')) {
        url = "https://";
      }
    }
  }
  url.append(text);

  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return Invalid("is not a valid URL: '" + Echo(text) + "'");
  const boost::urls::url_view& u = *parsed;
  const auto scheme = u.scheme_id();
  if (scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https) {
    return Invalid("must be an http or https link, got '" + Echo(text) + "'");
  }
  if (u.has_userinfo()) return Invalid("must not carry a user name or password");
  if (u.has_port()) {
    std::string_view port = u.port();
    bool default_port = (scheme == boost::urls::scheme::https && port == "443") ||
                        (scheme == boost::urls::scheme::http && port == "80") || port.empty();
    if (!default_port) return Invalid("must not name a port, got '" + Echo(text) + "'");
  }
  std::string host = Lower(u.encoded_host());
  if (!host.empty() && host.back() == '.') host.pop_back();
  const bool web = host == "tiktok.com" || host == "www.tiktok.com" || host == "m.tiktok.com";
  const bool short_host = host == "vm.tiktok.com" || host == "vt.tiktok.com";
  if (!web && !short_host) {
    return Invalid("must be a TikTok link (tiktok.com), got host '" + Echo(host) + "'");
  }

  std::vector<std::string> segs;
  for (auto seg : u.segments()) segs.push_back(seg);
  while (!segs.empty() && segs.back().empty()) segs.pop_back();  // a trailing slash

  if (short_host) {
    if (segs.size() == 1) return ShortLink(segs[0], url);
    return Invalid("is not a valid TikTok short link: '" + Echo(text) + "'");
  }
  const std::size_t n = segs.size();
  if (n == 0) return Invalid("is TikTok's home page, not a post; " + std::string(kExpected));
  const std::string& first = segs[0];
  if (first.size() > 1 && first[0] == '@') {
    std::string handle = first.substr(1);
    if (n == 3 && (segs[1] == "video" || segs[1] == "photo")) {
      return Post(segs[2], segs[1] == "photo", std::move(handle));
    }
    if (n == 1) {
      return Invalid(
          "is a creator's profile, not a post; track creators with POST "
          "/api/v1/projects/{projectId}/creators");
    }
  } else if (n == 2 && (first == "video" || first == "photo")) {
    return Post(segs[1], first == "photo", std::nullopt);
  } else if (n == 2 && first == "v") {
    // m.tiktok.com/v/<id>.html, the old mobile share form.
    std::string_view id = segs[1];
    if (id.size() > 5 && id.substr(id.size() - 5) == ".html") id.remove_suffix(5);
    return Post(id, false, std::nullopt);
  } else if (first == "embed" && (n == 2 || (n == 3 && segs[1] == "v2"))) {
    return Post(segs[n - 1], false, std::nullopt);
  } else if (n == 3 && first == "player" && segs[1] == "v1") {
    return Post(segs[2], false, std::nullopt);
  } else if (n == 2 && first == "t") {
    return ShortLink(segs[1], url);
  }
  return Invalid("is not a TikTok post link: '" + Echo(text) + "'; " + kExpected);
}

std::string TikTokPostUrl(const std::optional<std::string>& handle, bool is_photo,
                          const std::string& tiktok_video_id) {
  std::string kind = is_photo ? "/photo/" : "/video/";
  if (!handle) return "https://www.tiktok.com" + kind + tiktok_video_id;
  return "https://www.tiktok.com/@" + *handle + kind + tiktok_video_id;
}

}  // namespace goatherd
