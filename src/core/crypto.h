// Hashing and randomness over OpenSSL 3's EVP interface: SHA-256 of API keys and request bodies,
// HMAC-SHA256 for tamper-evident cursors and signed URLs, constant-time comparison, random
// bytes, and base64url for putting bytes into URLs. Thread-safety: all functions are safe to
// call concurrently.
#pragma once

#include <string>
#include <string_view>

namespace goatherd {

// Raw 32-byte digests.
std::string Sha256(std::string_view data);
std::string HmacSha256(std::string_view key, std::string_view data);

std::string HexEncode(std::string_view bytes);
bool ConstantTimeEquals(std::string_view a, std::string_view b);
std::string RandomBytes(std::size_t n);

// Base64url without padding (RFC 4648 §5); decoding rejects anything else.
std::string Base64UrlEncode(std::string_view bytes);
bool Base64UrlDecode(std::string_view text, std::string* out);

}  // namespace goatherd
