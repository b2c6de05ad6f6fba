// TikTok handles: the rule a handle must follow (1..30 letters, digits, '.', '_', '-') and how
// the forms people paste — "@name", "name", a profile URL — reduce to the stored handle (kept
// without the '@'). URL parsing itself belongs to Boost.URL in the API layer; this unit decides
// only what a parsed URL's host and path mean, so it stays free of dependencies and testable.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace goatherd {

inline constexpr std::size_t kMaxHandleLength = 30;

// True when `handle` (without '@') follows the rule above.
bool IsValidHandle(std::string_view handle);

// True when the input is meant as a URL rather than a handle: it has a scheme, or names a TikTok
// host ("tiktok.com/@name", "www.tiktok.com/@name"). Handles never contain '/' or ':'.
bool LooksLikeUrl(std::string_view input);

// The input with one leading '@' removed and surrounding ASCII spaces trimmed (not validated).
std::string_view StripHandlePrefix(std::string_view input);

// Why a profile URL was refused, for the 400 message.
struct ProfileUrlResult {
  std::optional<std::string> handle;  // set on success (not yet validated against the rule)
  std::string problem;                // set on failure
};

// The handle of a TikTok profile URL given its scheme, host and percent-decoded path: http(s),
// host tiktok.com, www.tiktok.com or m.tiktok.com (any case), path "/@name" with an optional
// trailing '/'. The query and fragment do not matter and are not passed.
ProfileUrlResult HandleFromProfileUrl(std::string_view scheme, std::string_view host,
                                      std::string_view path);

}  // namespace goatherd
