// UUIDs: minting version 7 (time-ordered, so new rows sort by creation) and validating the text
// form. No packaged library makes version 7 yet; it is a dozen lines over OpenSSL's RAND_bytes.
// Thread-safety: all functions are safe to call concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace goatherd {

// A new version 7 UUID, lowercase, for the given unix time in milliseconds.
std::string NewUuidV7(std::int64_t unix_ms);

// The canonical lowercase form of `text` when it is a UUID (any version, either case, the
// 8-4-4-4-12 form), else nullopt.
std::optional<std::string> NormalizeUuid(std::string_view text);

}  // namespace goatherd
