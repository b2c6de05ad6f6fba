#include "api/auth.h"

#include "core/crypto.h"
#include "core/uuid.h"

namespace goatherd::api {
namespace {

constexpr std::string_view kPrefix = "tga_";
// last_used_at is written at most this often per key, to keep reads off the write path.
constexpr Timestamp kTouchIntervalSeconds = 60;

Error Unauthorized(std::string message) { return {401, "invalid_api_key", std::move(message)}; }

bool IsWellFormedKey(std::string_view key) {
  if (key.size() != kPrefix.size() + 64 || key.substr(0, kPrefix.size()) != kPrefix) return false;
  for (char c : key.substr(kPrefix.size())) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::optional<unsigned> ParseScopes(std::string_view text) {
  unsigned scopes = 0;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view name = text.substr(start, comma - start);
    if (name == "read") {
      scopes |= kScopeRead;
    } else if (name == "write") {
      scopes |= kScopeWrite;
    } else if (name == "admin") {
      scopes |= kScopeAdmin;
    } else {
      return std::nullopt;
    }
    start = comma + 1;
  }
  return scopes;
}

std::vector<std::string> ScopeNames(unsigned scopes) {
  std::vector<std::string> names;
  if (scopes & kScopeRead) names.emplace_back("read");
  if (scopes & kScopeWrite) names.emplace_back("write");
  if (scopes & kScopeAdmin) names.emplace_back("admin");
  return names;
}

MintedKey MintApiKey(const std::string& org_id, const std::string& name, unsigned scopes,
                     std::optional<Timestamp> expires_at, Timestamp now_ms) {
  MintedKey minted;
  minted.secret = std::string(kPrefix) + HexEncode(RandomBytes(32));
  ApiKey& k = minted.row;
  k.id = NewUuidV7(now_ms);
  k.org_id = org_id;
  k.name = name;
  k.prefix = minted.secret.substr(0, kPrefix.size() + 8);
  k.hash = Sha256(minted.secret);
  k.scopes = scopes;
  k.expires_at = expires_at;
  k.created_at = now_ms / 1000;
  return minted;
}

Result<Principal> Authenticator::Authenticate(const std::string* header) {
  if (!header || header->empty()) {
    return Unauthorized("Missing API key: send the header 'Authorization: Bearer tga_...'");
  }
  std::string_view value(*header);
  constexpr std::string_view kBearer = "Bearer ";
  if (value.size() < kBearer.size() || value.substr(0, kBearer.size()) != kBearer) {
    return Unauthorized("The Authorization header must use the Bearer scheme: 'Bearer tga_...'");
  }
  std::string_view secret = value.substr(kBearer.size());
  if (!IsWellFormedKey(secret)) {
    return Unauthorized("Malformed API key: expected 'tga_' followed by 64 lowercase hex digits");
  }
  std::string hash = Sha256(secret);
  auto found = store_.FindKeyAndOrganization(hash);
  if (!found) return found.error();
  // The lookup is by hash; the comparison of the stored hash is constant-time regardless.
  if (!found->has_value() || !ConstantTimeEquals((*found)->first.hash, hash)) {
    return Unauthorized("Invalid API key");
  }
  ApiKey key = std::move((*found)->first);
  Organization org = std::move((*found)->second);
  Timestamp now = clock_.NowSeconds();
  if (key.revoked_at) return Unauthorized("This API key has been revoked");
  if (key.expires_at && *key.expires_at <= now) return Unauthorized("This API key has expired");
  NoteUse(key, now);
  return Principal{std::move(key), std::move(org)};
}

void Authenticator::NoteUse(const ApiKey& key, Timestamp now) {
  {
    std::lock_guard lock(mu_);
    Timestamp& last = last_touched_[key.id];
    if (last == 0 && key.last_used_at) last = *key.last_used_at;
    if (now - last < kTouchIntervalSeconds) return;
    last = now;
  }
  (void)store_.TouchApiKey(key.id, now);
}

Status Authenticator::RequireScope(const ApiKey& key, unsigned scope) {
  if (key.scopes & scope) return Status::Ok();
  std::string required = ScopeNames(scope).front();
  std::vector<std::string> granted = ScopeNames(key.scopes);
  std::string list;
  for (const auto& g : granted) list += (list.empty() ? "" : ", ") + g;
  return Error(403, "insufficient_scope",
               "This action requires the '" + required + "' scope. Granted: [" + list + "]",
               {{"required", required}, {"granted", granted}});
}

}  // namespace goatherd::api
