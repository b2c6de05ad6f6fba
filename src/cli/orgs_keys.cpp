// `goatherd orgs ...` and `goatherd keys ...`: organization and API key administration from the
// command line, for operators (no key needed: whoever can read the database file is the operator).
#include <cstdio>

#include "api/auth.h"
#include "cli/commands.h"
#include "cli/open.h"
#include "core/time.h"
#include "core/uuid.h"

namespace goatherd::cli {
namespace {

std::string OptTime(const std::optional<Timestamp>& t) { return t ? FormatTimestamp(*t) : "-"; }

std::string JoinScopes(unsigned scopes) {
  std::string out;
  for (const auto& s : api::ScopeNames(scopes)) out += (out.empty() ? "" : ",") + s;
  return out;
}

Result<std::string> NormalizedId(const std::string& text, const char* what) {
  auto id = NormalizeUuid(text);
  if (!id)
    return Error(400, "invalid_params", std::string(what) + " must be a UUID, got '" + text + "'");
  return *id;
}

}  // namespace

void AddOrgsCommand(CLI::App& app, Run* run) {
  auto* orgs = app.add_subcommand("orgs", "Manage organizations");
  orgs->require_subcommand(1);

  struct CreateOptions {
    DbOptions db;
    std::string name, timezone = "UTC", plan = "ultra";
  };
  auto c = std::make_shared<CreateOptions>();
  auto* create = orgs->add_subcommand("create", "Create an organization and print its id");
  AddDbOption(*create, c->db);
  create->add_option("--name", c->name, "organization name")->required();
  create->add_option("--timezone", c->timezone, "IANA time zone of its days")
      ->capture_default_str();
  create->add_option("--plan", c->plan, "plan: free, starter, ultra or one an operator defined")
      ->capture_default_str();
  create->callback([c, run] {
    *run = [c] {
      if (c->name.empty() || c->name.size() > 200)
        return Fail("--name must be 1 to 200 characters", 2);
      if (!FindTimeZone(c->timezone)) {
        return Fail(
            "unknown time zone '" + c->timezone + "' (use an IANA name such as Europe/Berlin)", 2);
      }
      auto store = OpenMigrated(c->db.db, 1);
      if (!store) return Fail(store.error().message);
      auto plan_known = (*store)->PlanExists(c->plan);
      if (!plan_known) return Fail("cannot read plans");
      if (!*plan_known) return Fail("unknown plan '" + c->plan + "'", 2);
      SystemClock clock;
      Organization org;
      org.id = NewUuidV7(clock.NowMs());
      org.name = c->name;
      org.timezone = c->timezone;
      org.plan = c->plan;
      org.created_at = org.updated_at = clock.NowSeconds();
      auto created = (*store)->CreateOrganization(org);
      if (!created) return Fail("cannot create the organization");
      std::printf("%s\n", created->id.c_str());
      return 0;
    };
  });

  for (bool suspend : {true, false}) {
    struct BanOptions {
      DbOptions db;
      std::string id;
    };
    auto b = std::make_shared<BanOptions>();
    auto* cmd = orgs->add_subcommand(
        suspend ? "suspend" : "resume",
        suspend ? "Suspend an organization: every request of its keys gets 403 org_banned"
                : "Lift a suspension");
    AddDbOption(*cmd, b->db);
    cmd->add_option("id", b->id, "organization id")->required();
    cmd->callback([b, run, suspend] {
      *run = [b, suspend] {
        auto id = NormalizedId(b->id, "the organization id");
        if (!id) return Fail(id.error().message, 2);
        auto store = OpenMigrated(b->db.db, 1);
        if (!store) return Fail(store.error().message);
        Status st = (*store)->SetOrganizationBanned(*id, suspend);
        if (!st) return Fail(st.error().message);
        std::printf("%s %s\n", id->c_str(), suspend ? "suspended" : "resumed");
        return 0;
      };
    });
  }
}

void AddKeysCommand(CLI::App& app, Run* run) {
  auto* keys = app.add_subcommand("keys", "Manage API keys");
  keys->require_subcommand(1);

  struct CreateOptions {
    DbOptions db;
    std::string org, name, scopes = "read,write", expires_at;
  };
  auto c = std::make_shared<CreateOptions>();
  auto* create = keys->add_subcommand("create", "Create an API key and print it (shown only once)");
  AddDbOption(*create, c->db);
  create->add_option("--org", c->org, "organization id")->required()->envname("GOATHERD_ORG");
  create->add_option("--name", c->name, "a label for the key")->required();
  create->add_option("--scopes", c->scopes, "comma list of read, write, admin")
      ->capture_default_str();
  create->add_option("--expires-at", c->expires_at, "RFC 3339 expiry (default: never)");
  create->callback([c, run] {
    *run = [c] {
      auto org_id = NormalizedId(c->org, "--org");
      if (!org_id) return Fail(org_id.error().message, 2);
      auto scopes = api::ParseScopes(c->scopes);
      if (!scopes) return Fail("--scopes must be a comma list of read, write, admin", 2);
      std::optional<Timestamp> expires;
      if (!c->expires_at.empty()) {
        expires = ParseTimestamp(c->expires_at);
        if (!expires) return Fail("--expires-at must be an RFC 3339 time", 2);
      }
      auto store = OpenMigrated(c->db.db, 1);
      if (!store) return Fail(store.error().message);
      SystemClock clock;
      auto minted = api::MintApiKey(*org_id, c->name, *scopes, expires, clock.NowMs());
      auto created = (*store)->CreateApiKey(minted.row, /*enforce_limit=*/false);
      if (!created) return Fail(created.error().message);
      std::printf("%s\n", minted.secret.c_str());
      std::fprintf(stderr, "key %s (%s) created; the secret above is shown only once\n",
                   created->id.c_str(), JoinScopes(created->scopes).c_str());
      return 0;
    };
  });

  struct ListOptions {
    DbOptions db;
    std::string org;
  };
  auto l = std::make_shared<ListOptions>();
  auto* list = keys->add_subcommand("list", "List an organization's API keys (never the secrets)");
  AddDbOption(*list, l->db);
  list->add_option("--org", l->org, "organization id")->required()->envname("GOATHERD_ORG");
  list->callback([l, run] {
    *run = [l] {
      auto org_id = NormalizedId(l->org, "--org");
      if (!org_id) return Fail(org_id.error().message, 2);
      auto store = OpenMigrated(l->db.db, 1);
      if (!store) return Fail(store.error().message);
      auto org = (*store)->GetOrganization(*org_id);
      if (!org) return Fail("no organization " + *org_id);
      auto list = (*store)->ListApiKeys(*org_id);
      if (!list) return Fail("cannot list keys");
      std::printf("%-36s  %-16s  %-12s  %-16s  %-20s  %-20s  %s\n", "ID", "NAME", "PREFIX",
                  "SCOPES", "CREATED", "LAST USED", "REVOKED");
      for (const ApiKey& k : *list) {
        std::printf("%-36s  %-16s  %-12s  %-16s  %-20s  %-20s  %s\n", k.id.c_str(), k.name.c_str(),
                    k.prefix.c_str(), JoinScopes(k.scopes).c_str(),
                    FormatTimestamp(k.created_at).c_str(), OptTime(k.last_used_at).c_str(),
                    OptTime(k.revoked_at).c_str());
      }
      return 0;
    };
  });

  struct RevokeOptions {
    DbOptions db;
    std::string id;
  };
  auto r = std::make_shared<RevokeOptions>();
  auto* revoke = keys->add_subcommand("revoke", "Revoke an API key at once");
  AddDbOption(*revoke, r->db);
  revoke->add_option("id", r->id, "key id (from keys list)")->required();
  revoke->callback([r, run] {
    *run = [r] {
      auto id = NormalizedId(r->id, "the key id");
      if (!id) return Fail(id.error().message, 2);
      auto store = OpenMigrated(r->db.db, 1);
      if (!store) return Fail(store.error().message);
      SystemClock clock;
      auto revoked = (*store)->RevokeApiKey(*id, clock.NowSeconds());
      if (!revoked) return Fail(revoked.error().message);
      std::printf("%s revoked at %s\n", revoked->id.c_str(), OptTime(revoked->revoked_at).c_str());
      return 0;
    };
  });
}

}  // namespace goatherd::cli
