#include "core/tiktok_handle.h"

#include <algorithm>
#include <cctype>

namespace goatherd {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

bool IsTikTokHost(std::string_view host) {
  return EqualsIgnoreCase(host, "tiktok.com") || EqualsIgnoreCase(host, "www.tiktok.com") ||
         EqualsIgnoreCase(host, "m.tiktok.com");
}

}  // namespace

bool IsValidHandle(std::string_view handle) {
  if (handle.empty() || handle.size() > kMaxHandleLength) return false;
  return std::all_of(handle.begin(), handle.end(), [](char c) {
    unsigned char u = static_cast<unsigned char>(c);
    // ASCII only: std::isalnum would depend on the locale.
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

bool LooksLikeUrl(std::string_view input) {
  input = StripHandlePrefix(input);
  if (input.find("://") != std::string_view::npos) return true;
  for (std::string_view host : {"tiktok.com/", "www.tiktok.com/", "m.tiktok.com/"}) {
    if (StartsWithIgnoreCase(input, host)) return true;
  }
  return false;
}

std::string_view StripHandlePrefix(std::string_view input) {
  while (!input.empty() && input.front() == ' ') input.remove_prefix(1);
  while (!input.empty() && input.back() == ' ') input.remove_suffix(1);
  if (!input.empty() && input.front() == '@') input.remove_prefix(1);
  return input;
}

ProfileUrlResult HandleFromProfileUrl(std::string_view scheme, std::string_view host,
                                      std::string_view path) {
  ProfileUrlResult out;
  if (!EqualsIgnoreCase(scheme, "https") && !EqualsIgnoreCase(scheme, "http")) {
    out.problem = "only http(s) TikTok profile URLs are accepted";
    return out;
  }
  if (!IsTikTokHost(host)) {
    out.problem = "the URL's host must be tiktok.com or www.tiktok.com";
    return out;
  }
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.size() < 2 || path.substr(0, 2) != "/@" || path.find('/', 1) != std::string_view::npos) {
    out.problem = "a profile URL has the form https://www.tiktok.com/@name";
    return out;
  }
  out.handle = std::string(path.substr(2));
  return out;
}

}  // namespace goatherd
