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

// A version 7 UUID from the caller's random bits: for identifiers that need to be unique, not
// unguessable (request ids), where a CSPRNG call per request is not worth its cost.
std::string UuidV7FromBits(std::int64_t unix_ms, std::uint64_t random_high,
                           std::uint64_t random_low);

// The canonical lowercase form of `text` when it is a UUID (any version, either case, the
// 8-4-4-4-12 form), else nullopt.
std::optional<std::string> NormalizeUuid(std::string_view text);

}  // namespace goatherd
