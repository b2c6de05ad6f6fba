// API-key authentication: `Authorization: Bearer tga_<64 lowercase hex>`, looked up by SHA-256
// (the secret itself is never stored or logged), checked for revocation and expiry, and the
// scope check with the exact 403 body of api-conventions.md. Also minting new keys.
// Thread-safety: safe to share (the last-used bookkeeping is internally locked).
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"
#include "core/error.h"
#include "core/types.h"
#include "store/store.h"

namespace goatherd::api {

struct Principal {
  ApiKey key;
  Organization org;
};

// Parses "read,write" into scope bits; nullopt on an unknown or empty scope name.
std::optional<unsigned> ParseScopes(std::string_view text);
std::vector<std::string> ScopeNames(unsigned scopes);

// A fresh key: the secret to show once and the row to store.
struct MintedKey {
  std::string secret;
  ApiKey row;
};
MintedKey MintApiKey(const std::string& org_id, const std::string& name, unsigned scopes,
                     std::optional<Timestamp> expires_at, Timestamp now_ms);

class Authenticator {
 public:
  Authenticator(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // 401 for anything but a valid, live key; the organization comes with it.
  Result<Principal> Authenticate(const std::string* authorization_header);

  // 403 insufficient_scope naming the first missing scope.
  static Status RequireScope(const ApiKey& key, unsigned scope);

 private:
  void NoteUse(const ApiKey& key, Timestamp now);

  Store& store_;
  const Clock& clock_;
  std::mutex mu_;
  std::unordered_map<std::string, Timestamp> last_touched_;
};

}  // namespace goatherd::api
