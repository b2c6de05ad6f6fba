// Black-box tests of the platform rules against the real binary: the per-key sliding window and
// the daily quota (spec/api-conventions.md "Rate limits"), Idempotency-Key on POST, plan
// retention of date ranges, scopes, and the organization and API-key administration of
// spec/resources.md. Expected values are worked out by hand from those two files: plan values
// from the table of plans, dates and seconds to midnight by calendar arithmetic on the instant
// the server's clock is started at (--fake-now).
#include <algorithm>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <functional>
#include <iterator>
#include <latch>
#include <map>
#include <set>
#include <thread>

#include "harness.h"

namespace goatherd::blackbox {
namespace {

namespace json = boost::json;
using SteadyClock = std::chrono::steady_clock;
using Headers = std::vector<std::pair<std::string, std::string>>;

const json::object& DataObject(const HttpResult& r) {
  return r.json.as_object().at("data").as_object();
}
const json::value& MetaValue(const HttpResult& r) { return r.json.as_object().at("meta"); }
std::string Str(const json::object& o, std::string_view key) {
  return std::string(o.at(key).as_string());
}
std::set<std::string> KeysOf(const json::object& o) {
  std::set<std::string> out;
  for (const auto& kv : o) out.emplace(kv.key());
  return out;
}

HttpRequest Request(const std::string& method, const std::string& target, const std::string& key,
                    const std::optional<std::string>& body = std::nullopt, Headers extra = {}) {
  HttpRequest req;
  req.method = method;
  req.target = target;
  if (!key.empty()) req.headers.emplace_back("Authorization", "Bearer " + key);
  if (body) {
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = *body;
  }
  for (auto& h : extra) req.headers.push_back(std::move(h));
  return req;
}

// Every request on its own connection and thread, all released at once.
std::vector<HttpResult> SendConcurrently(std::uint16_t port,
                                         const std::vector<HttpRequest>& requests) {
  std::vector<HttpResult> results(requests.size());
  std::latch start(static_cast<std::ptrdiff_t>(requests.size()));
  std::vector<std::thread> threads;
  threads.reserve(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    threads.emplace_back([&, i] {
      HttpClient client(port, std::chrono::milliseconds(20000));
      start.arrive_and_wait();
      results[i] = client.Send(requests[i]);
    });
  }
  for (auto& t : threads) t.join();
  return results;
}

// The body api-conventions.md gives for a 429, with `retry_after` seconds.
std::string RateLimitedBody(std::int64_t retry_after) {
  return R"({"data":null,"error":"Rate limit exceeded","meta":{"code":"rate_limit_exceeded",)"
         R"("retryAfter":)" +
         std::to_string(retry_after) + "}}";
}

// A 429 of either limit: one Retry-After header of whole seconds and exactly the body above with
// the same number. The number goes to `*retry_after`.
::testing::AssertionResult IsRateLimited(const HttpResult& r, std::int64_t* retry_after) {
  *retry_after = -1;
  if (r.status != 429) {
    return ::testing::AssertionFailure()
           << "status " << r.status << " instead of 429: " << r.body << r.transport_error;
  }
  if (auto env = IsEnvelope(r); !env) return env;
  if (r.HeaderCount("retry-after") != 1) {
    return ::testing::AssertionFailure() << r.HeaderCount("retry-after") << " Retry-After headers";
  }
  std::string header = *r.Header("retry-after");
  if (header.empty() || header.size() > 9 ||
      !std::all_of(header.begin(), header.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return ::testing::AssertionFailure() << "Retry-After is not whole seconds: '" << header << "'";
  }
  std::int64_t n = std::stoll(header);
  if (r.body != RateLimitedBody(n)) {
    return ::testing::AssertionFailure()
           << "body is not the documented 429 with retryAfter " << n << ": " << r.body;
  }
  *retry_after = n;
  return ::testing::AssertionSuccess();
}

// The fixture of this file: rate limits and the server's clock chosen per suite, and a restart
// that keeps the database.
class PlatformTest : public BlackBoxTest {
 protected:
  void Configure(ServerProcess::Options& o) override {
    o.no_rate_limits = no_rate_limits_;
    o.fake_now = fake_now_;
    o.rate_limit_per_minute = per_minute_;
    options_ = o;
    started_ = SteadyClock::now();
  }

  // Stops the server and starts it again on the same database, after `change` (if any) edits
  // the options. Callers wrap it in ASSERT_NO_FATAL_FAILURE.
  void Restart(const std::function<void(ServerProcess::Options&)>& change = nullptr) {
    client_.reset();
    server_->Stop();
    server_.reset();
    if (change) change(options_);
    started_ = SteadyClock::now();
    server_ = std::make_unique<ServerProcess>(options_);
    ASSERT_TRUE(server_->ok()) << server_->failure();
    client_ = std::make_unique<HttpClient>(server_->port());
  }

  // Whole seconds, rounded up, since the server's clock started: the server's "now" lies between
  // --fake-now and --fake-now plus this.
  std::int64_t SecondsSinceStart() const {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - started_);
    return (ms.count() + 999) / 1000;
  }

  // An operator's plan: a copy of `ultra` with another daily request quota.
  void MakeDailyPlan(const std::string& plan, int per_day) {
    Sql("INSERT INTO plan_limits (plan, limit_key, value) SELECT '" + plan +
        "', limit_key, value FROM plan_limits WHERE plan = 'ultra'; UPDATE plan_limits SET value "
        "= " +
        std::to_string(per_day) + " WHERE plan = '" + plan +
        "' AND limit_key = 'max_api_requests_per_day';");
  }

  bool no_rate_limits_ = true;
  std::string fake_now_;
  std::optional<int> per_minute_;
  ServerProcess::Options options_;
  SteadyClock::time_point started_;
};

// =============================================================================================
// The per-key sliding window

class RateWindowTest : public PlatformTest {
 protected:
  RateWindowTest() { no_rate_limits_ = false; }
  void SetUp() override {
    PlatformTest::SetUp();
    if (HasFatalFailure()) return;
    org_ = CreateOrg();
    key_a_ = CreateKey(org_);
    key_b_ = CreateKey(org_);
  }
  std::string org_;
  ApiKey key_a_, key_b_;
};

TEST_F(RateWindowTest, BurstOf200WithOneKeyAdmitsExactly60) {
  std::vector<HttpRequest> burst(200, Request("GET", "/api/v1/projects", key_a_.secret));
  auto burst_start = SteadyClock::now();
  auto results = SendConcurrently(server_->port(), burst);
  auto burst_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - burst_start)
          .count();
  // Every admitted request entered the window after the burst started, so none leaves it before
  // burst start + 60 s: a refusal at most `burst_ms` later waits at least 60 s minus that.
  const std::int64_t min_wait = std::max<std::int64_t>(1, 60 - (burst_ms + 999) / 1000);
  int ok = 0, limited = 0;
  std::set<std::int64_t> waits;
  for (const auto& r : results) {
    if (r.status >= 200 && r.status < 300) {
      ++ok;
      EXPECT_FALSE(r.Header("retry-after").has_value());
      continue;
    }
    std::int64_t n = -1;
    EXPECT_TRUE(IsRateLimited(r, &n));
    if (n < 0) continue;
    ++limited;
    waits.insert(n);
    EXPECT_GE(n, min_wait);
    EXPECT_LE(n, 60);
  }
  EXPECT_EQ(ok, 60);
  EXPECT_EQ(limited, 140);
  RecordProperty("burst_ms", static_cast<int>(burst_ms));
  RecordProperty("distinct_retry_after_values", static_cast<int>(waits.size()));

  // The window is still full: the next request of this key, on any endpoint, is refused.
  std::int64_t n = -1;
  EXPECT_TRUE(IsRateLimited(Get("/api/v1/org", key_a_.secret), &n));
  // The window is per key: another key of the same organization has all 60 of its own.
  for (int i = 0; i < 60; ++i) {
    auto r = Get("/api/v1/projects", key_b_.secret);
    ASSERT_EQ(r.status, 200) << "request " << i + 1 << " of the second key: " << r.body;
  }
  EXPECT_TRUE(IsRateLimited(Get("/api/v1/projects", key_b_.secret), &n));
}

TEST_F(RateWindowTest, KeysThatFailAuthenticationNeverSeeA429) {
  ApiKey revoked = CreateKey(org_);
  ASSERT_EQ(Cli({"keys", "revoke", revoked.id}).exit_code, 0);
  ApiKey expired = CreateKey(org_, "read,write", "2020-01-01T00:00:00Z");
  const std::string unknown = "tga_" + std::string(64, '7');
  // 61 each: one past the window, had they been counted under any key.
  for (const std::string& secret : {unknown, revoked.secret, expired.secret}) {
    for (int i = 0; i < 61; ++i) {
      auto r = Get("/api/v1/projects", secret);
      ASSERT_TRUE(IsError(r, 401, "invalid_api_key")) << "request " << i + 1;
    }
  }
  // ... and they took nothing from the organization's keys.
  for (int i = 0; i < 60; ++i) {
    auto r = Get("/api/v1/projects", key_a_.secret);
    ASSERT_EQ(r.status, 200) << "request " << i + 1 << ": " << r.body;
  }
  std::int64_t n = -1;
  EXPECT_TRUE(IsRateLimited(Get("/api/v1/projects", key_a_.secret), &n));
}

TEST_F(RateWindowTest, The429TakesItsPlaceInTheOrderOfErrors) {
  for (int i = 0; i < 60; ++i) ASSERT_EQ(Get("/api/v1/org", key_a_.secret).status, 200);
  std::int64_t n = -1;
  ASSERT_TRUE(IsRateLimited(Get("/api/v1/org", key_a_.secret), &n));
  // 404 unknown path and 405 come first ...
  EXPECT_TRUE(IsError(Get("/api/v1/nope", key_a_.secret), 404, "not_found"));
  EXPECT_TRUE(IsError(Call("DELETE", "/api/v1/org", key_a_.secret), 405, "method_not_allowed"));
  // ... then 403 org_banned ...
  ASSERT_EQ(Cli({"orgs", "suspend", org_}).exit_code, 0);
  EXPECT_TRUE(IsError(Get("/api/v1/org", key_a_.secret), 403, "org_banned"));
  ASSERT_EQ(Cli({"orgs", "resume", org_}).exit_code, 0);
  // ... then 429, before insufficient_scope (PATCH /org needs admin, this key lacks it), a bad
  // body and a missing resource.
  EXPECT_TRUE(IsRateLimited(Call("PATCH", "/api/v1/org", key_a_.secret, R"({"name":"x"})"), &n));
  EXPECT_TRUE(IsRateLimited(Call("POST", "/api/v1/projects", key_a_.secret, "{"), &n));
  EXPECT_TRUE(IsRateLimited(
      Get("/api/v1/projects/0190d2a4-5b6c-7d8e-9f00-112233445566", key_a_.secret), &n));
}

class SmallWindowTest : public PlatformTest {
 protected:
  SmallWindowTest() {
    no_rate_limits_ = false;
    per_minute_ = 5;
  }
};

TEST_F(SmallWindowTest, TheOperatorChoosesTheWindowSize) {
  std::string org = CreateOrg();
  std::string key = CreateKey(org).secret;
  for (int i = 0; i < 5; ++i) ASSERT_EQ(Get("/api/v1/projects", key).status, 200);
  std::int64_t n = -1;
  EXPECT_TRUE(IsRateLimited(Get("/api/v1/projects", key), &n));
  EXPECT_GE(n, 60 - SecondsSinceStart());
  EXPECT_LE(n, 60);
}

class NoWindowTest : public PlatformTest {
 protected:
  NoWindowTest() {
    no_rate_limits_ = false;
    per_minute_ = 0;
  }
};

TEST_F(NoWindowTest, ZeroPerMinuteLeavesOnlyTheDailyQuota) {
  std::string ultra = CreateOrg();
  std::string key = CreateKey(ultra).secret;
  for (int i = 0; i < 100; ++i) {
    auto r = Get("/api/v1/projects", key);
    ASSERT_EQ(r.status, 200) << "request " << i + 1 << ": " << r.body;
  }
  // The daily quota still holds: `free` allows none.
  std::string free_key = CreateKey(CreateOrg("free", "Small")).secret;
  std::int64_t n = -1;
  EXPECT_TRUE(IsRateLimited(Get("/api/v1/projects", free_key), &n));
}

// =============================================================================================
// The daily quota

class DailyQuotaTest : public PlatformTest {
 protected:
  // One hour before the end of the UTC day 2026-03-01.
  static constexpr std::int64_t kSecondsToMidnight = 3600;
  DailyQuotaTest() {
    no_rate_limits_ = false;
    fake_now_ = "2026-03-01T23:00:00Z";
  }
  void SetUp() override {
    PlatformTest::SetUp();
    if (HasFatalFailure()) return;
    MakeDailyPlan("five_a_day", 5);
    org_ = CreateOrg("five_a_day", "Quota");
    key_a_ = CreateKey(org_);
    key_b_ = CreateKey(org_);
  }
  // The server's answer to a used-up quota, `seconds_to_midnight` after --fake-now.
  void ExpectQuotaRefusal(const HttpResult& r, std::int64_t seconds_to_midnight) {
    std::int64_t n = -1;
    ASSERT_TRUE(IsRateLimited(r, &n));
    EXPECT_LE(n, seconds_to_midnight);
    EXPECT_GE(n, seconds_to_midnight - SecondsSinceStart());
  }
  std::string org_;
  ApiKey key_a_, key_b_;
};

TEST_F(DailyQuotaTest, FiveAdmittedThenTheSixthWaitsForUtcMidnight) {
  // Nothing that is not admitted counts: unknown, revoked and expired keys (the last two belong
  // to this organization) and requests of the organization while it is suspended.
  ApiKey revoked = CreateKey(org_);
  ASSERT_EQ(Cli({"keys", "revoke", revoked.id}).exit_code, 0);
  ApiKey expired = CreateKey(org_, "read,write", "2020-01-01T00:00:00Z");
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(
        IsError(Get("/api/v1/projects", "tga_" + std::string(64, '3')), 401, "invalid_api_key"));
    ASSERT_TRUE(IsError(Get("/api/v1/projects", revoked.secret), 401, "invalid_api_key"));
    ASSERT_TRUE(IsError(Get("/api/v1/projects", expired.secret), 401, "invalid_api_key"));
  }
  ASSERT_EQ(Cli({"orgs", "suspend", org_}).exit_code, 0);
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(IsError(Get("/api/v1/projects", key_a_.secret), 403, "org_banned"));
  }
  ASSERT_EQ(Cli({"orgs", "resume", org_}).exit_code, 0);

  // The quota is the organization's: its two keys share the five.
  for (int i = 0; i < 3; ++i) {
    auto r = Get("/api/v1/projects", key_a_.secret);
    ASSERT_EQ(r.status, 200) << "request " << i + 1 << ": " << r.body;
  }
  for (int i = 0; i < 2; ++i) {
    auto r = Get("/api/v1/org", key_b_.secret);
    ASSERT_EQ(r.status, 200) << "request " << i + 4 << ": " << r.body;
  }
  ExpectQuotaRefusal(Get("/api/v1/projects", key_a_.secret), kSecondsToMidnight);
  ExpectQuotaRefusal(Get("/api/v1/org", key_b_.secret), kSecondsToMidnight);
  ExpectQuotaRefusal(Call("POST", "/api/v1/projects", key_b_.secret, R"({"name":"x"})"),
                     kSecondsToMidnight);
  // Another organization is unaffected.
  std::string other = CreateKey(CreateOrg("ultra", "Other")).secret;
  EXPECT_EQ(Get("/api/v1/projects", other).status, 200);
}

TEST_F(DailyQuotaTest, TheCountSurvivesARestartAndResetsAtMidnight) {
  for (int i = 0; i < 5; ++i) {
    auto r = Get("/api/v1/projects", key_a_.secret);
    ASSERT_EQ(r.status, 200) << "request " << i + 1 << ": " << r.body;
  }
  // A refused POST with an Idempotency-Key: a 429 is not a final answer and must not be stored.
  const Headers idempotent = {{"Idempotency-Key", "after-midnight"}};
  ExpectQuotaRefusal(
      Call("POST", "/api/v1/projects", key_a_.secret, R"({"name":"Tomorrow"})", idempotent),
      kSecondsToMidnight);
  // The counts are written once a second.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  ASSERT_NO_FATAL_FAILURE(Restart());
  // Same instant, same UTC day: the sixth request is still refused (and the window, which lives
  // in memory, has nothing to do with it: five is far below 60).
  ExpectQuotaRefusal(Get("/api/v1/projects", key_a_.secret), kSecondsToMidnight);
  ExpectQuotaRefusal(Get("/api/v1/projects", key_b_.secret), kSecondsToMidnight);

  // Five seconds into the next UTC day the quota is whole again.
  ASSERT_NO_FATAL_FAILURE(Restart([](auto& o) { o.fake_now = "2026-03-02T00:00:05Z"; }));
  auto tomorrow =
      Call("POST", "/api/v1/projects", key_a_.secret, R"({"name":"Tomorrow"})", idempotent);
  EXPECT_EQ(tomorrow.status, 201) << tomorrow.body;
  EXPECT_FALSE(tomorrow.Header("idempotency-replayed").has_value());
  for (int i = 0; i < 4; ++i) {
    auto r = Get("/api/v1/projects", key_b_.secret);
    ASSERT_EQ(r.status, 200) << "request " << i + 2 << " of the new day: " << r.body;
  }
  ExpectQuotaRefusal(Get("/api/v1/projects", key_a_.secret), 86400 - 5);

  // A graceful stop writes what the once-a-second flush has not: restarted at once, the
  // organization is still at its five.
  ASSERT_NO_FATAL_FAILURE(Restart());
  ExpectQuotaRefusal(Get("/api/v1/projects", key_b_.secret), 86400 - 5);
}

TEST_F(DailyQuotaTest, ConcurrentRequestsNeverPassTheQuota) {
  std::vector<HttpRequest> requests;
  for (int i = 0; i < 30; ++i) {
    requests.push_back(
        Request("GET", "/api/v1/projects", i % 2 == 0 ? key_a_.secret : key_b_.secret));
  }
  auto results = SendConcurrently(server_->port(), requests);
  int ok = 0;
  for (const auto& r : results) {
    if (r.status == 200) {
      ++ok;
    } else {
      ExpectQuotaRefusal(r, kSecondsToMidnight);
    }
  }
  EXPECT_EQ(ok, 5);
}

TEST_F(DailyQuotaTest, FreePlanAllowsNoRequestAtAll) {
  std::string key = CreateKey(CreateOrg("free", "Small")).secret;
  ExpectQuotaRefusal(Get("/api/v1/projects", key), kSecondsToMidnight);
  ExpectQuotaRefusal(Get("/api/v1/org", key), kSecondsToMidnight);
}

// Window 2 per minute, quota 4 per day, started 3 s before midnight: a refusal by either limit
// must not count toward the other.
class LimitInterplayTest : public PlatformTest {
 protected:
  LimitInterplayTest() {
    no_rate_limits_ = false;
    per_minute_ = 2;
  }
};

TEST_F(LimitInterplayTest, ARefusalByOneLimitCountsTowardNeither) {
  MakeDailyPlan("four_a_day", 4);
  std::string org = CreateOrg("four_a_day", "Interplay");
  std::string a = CreateKey(org).secret, b = CreateKey(org).secret, c = CreateKey(org).secret;
  // The data is in place: now start the clock close to midnight.
  ASSERT_NO_FATAL_FAILURE(Restart([](auto& o) { o.fake_now = "2026-03-01T23:59:57Z"; }));

  std::int64_t n = -1;
  ASSERT_EQ(Get("/api/v1/projects", a).status, 200);
  ASSERT_EQ(Get("/api/v1/projects", a).status, 200);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(IsRateLimited(Get("/api/v1/projects", a), &n));
    // The window (a minute from a's first request, which came after the start), not the day.
    EXPECT_GE(n, 60 - SecondsSinceStart());
  }
  // Had a's three refusals counted toward the day, b would get only one of these two.
  ASSERT_EQ(Get("/api/v1/projects", b).status, 200);
  ASSERT_EQ(Get("/api/v1/projects", b).status, 200);
  // The day is used up: c is refused by the quota, with the seconds left until midnight.
  std::int64_t to_midnight = -1;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(IsRateLimited(Get("/api/v1/projects", c), &n));
    ASSERT_LE(n, 3) << "the quota's refusal waits for midnight, 23:59:57 + a little";
    to_midnight = n;
  }
  ASSERT_GE(to_midnight, 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(to_midnight * 1000 + 300));

  // A new day. Had c's three quota refusals entered its window (size 2), it would still be
  // refused for a minute; they did not, so c has its two.
  auto new_day = SteadyClock::now();
  EXPECT_EQ(Get("/api/v1/projects", c).status, 200);
  EXPECT_EQ(Get("/api/v1/projects", c).status, 200);
  ASSERT_TRUE(IsRateLimited(Get("/api/v1/projects", c), &n));
  auto since_new_day =
      std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - new_day).count();
  EXPECT_GE(n, 60 - (since_new_day + 999) / 1000);
  // a's window did not care about midnight.
  ASSERT_TRUE(IsRateLimited(Get("/api/v1/projects", a), &n));
  EXPECT_LE(n, 60 - to_midnight + 1);
}

// =============================================================================================
// --no-rate-limits (the harness's default)

using NoRateLimitsTest = PlatformTest;

TEST_F(NoRateLimitsTest, BothLimitsAreOff) {
  std::string free_key = CreateKey(CreateOrg("free", "Small")).secret;
  MakeDailyPlan("five_a_day", 5);
  std::string quota_key = CreateKey(CreateOrg("five_a_day", "Quota")).secret;
  for (int i = 0; i < 100; ++i) {
    auto r = Get("/api/v1/projects", free_key);
    ASSERT_EQ(r.status, 200) << "request " << i + 1 << " of the free organization: " << r.body;
  }
  for (int i = 0; i < 10; ++i) {
    auto r = Get("/api/v1/projects", quota_key);
    ASSERT_EQ(r.status, 200) << "request " << i + 1 << " of the 5-a-day organization: " << r.body;
  }
}

// =============================================================================================
// Idempotency

class IdempotencyTest : public PlatformTest {
 protected:
  void SetUp() override {
    PlatformTest::SetUp();
    if (HasFatalFailure()) return;
    org_ = CreateOrg();
    key_ = CreateKey(org_, "read,write,admin").secret;
  }
  HttpResult Post(const std::string& target, const std::string& body,
                  const std::optional<std::string>& idempotency_key, const std::string& key = "") {
    Headers h;
    if (idempotency_key) h.emplace_back("Idempotency-Key", *idempotency_key);
    return Call("POST", target, key.empty() ? key_ : key, body, h);
  }
  std::size_t ProjectCount(const std::string& key = "") {
    auto r = Get("/api/v1/projects?limit=100", key.empty() ? key_ : key);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return 0;
    return r.json.as_object().at("data").as_array().size();
  }
  std::string org_;
  std::string key_;
};

TEST_F(IdempotencyTest, AReplayReturnsTheStoredAnswerAndCreatesNothing) {
  auto first = Post("/api/v1/projects", R"({"name":"Once"})", "create-once-1");
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_FALSE(first.Header("idempotency-replayed").has_value());
  std::string id = Str(DataObject(first), "id");

  auto replay = Post("/api/v1/projects", R"({"name":"Once"})", "create-once-1");
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.body, first.body);  // byte for byte
  EXPECT_EQ(replay.Header("idempotency-replayed"), "true");
  EXPECT_EQ(replay.HeaderCount("idempotency-replayed"), 1u);
  EXPECT_TRUE(IsEnvelope(replay));
  EXPECT_EQ(ProjectCount(), 1u);
  // The replayed project is the one that exists.
  EXPECT_EQ(Get("/api/v1/projects/" + id, key_).status, 200);

  // Without the header, the same body creates another project: the key is what deduplicates.
  ASSERT_EQ(Post("/api/v1/projects", R"({"name":"Once"})", std::nullopt).status, 201);
  EXPECT_EQ(ProjectCount(), 2u);
}

TEST_F(IdempotencyTest, TheSameKeyForAnotherRequestIs409) {
  ASSERT_EQ(Post("/api/v1/projects", R"({"name":"First"})", "k-409").status, 201);
  // Another body (even one byte: the fingerprint is the body's hash, not its meaning).
  EXPECT_TRUE(IsError(Post("/api/v1/projects", R"({"name":"Second"})", "k-409"), 409,
                      "idempotency_conflict"));
  EXPECT_TRUE(IsError(Post("/api/v1/projects", R"({"name": "First"})", "k-409"), 409,
                      "idempotency_conflict"));
  // Another path, and the same path with a query string.
  EXPECT_TRUE(IsError(Post("/api/v1/api-keys", R"({"name":"First"})", "k-409"), 409,
                      "idempotency_conflict"));
  EXPECT_TRUE(IsError(Post("/api/v1/projects?x=1", R"({"name":"First"})", "k-409"), 409,
                      "idempotency_conflict"));
  EXPECT_EQ(ProjectCount(), 1u);
  // The stored answer is untouched by the conflicts.
  auto replay = Post("/api/v1/projects", R"({"name":"First"})", "k-409");
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.Header("idempotency-replayed"), "true");
}

TEST_F(IdempotencyTest, KeysAreScopedToTheOrganization) {
  auto mine = Post("/api/v1/projects", R"({"name":"Shared key"})", "same-key-everywhere");
  ASSERT_EQ(mine.status, 201);
  std::string other_key = CreateKey(CreateOrg("ultra", "Other")).secret;
  auto theirs =
      Post("/api/v1/projects", R"({"name":"Shared key"})", "same-key-everywhere", other_key);
  ASSERT_EQ(theirs.status, 201) << theirs.body;
  EXPECT_FALSE(theirs.Header("idempotency-replayed").has_value());
  EXPECT_NE(Str(DataObject(theirs), "id"), Str(DataObject(mine), "id"));
  EXPECT_EQ(ProjectCount(other_key), 1u);
  // Another key of the same organization shares its Idempotency-Keys.
  std::string sibling = CreateKey(org_).secret;
  auto replay =
      Post("/api/v1/projects", R"({"name":"Shared key"})", "same-key-everywhere", sibling);
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.body, mine.body);
  EXPECT_EQ(replay.Header("idempotency-replayed"), "true");
}

TEST_F(IdempotencyTest, FiftyConcurrentIdenticalRequestsCreateOneProject) {
  std::vector<HttpRequest> storm(50,
                                 Request("POST", "/api/v1/projects", key_, R"({"name":"Storm"})",
                                         {{"Idempotency-Key", "storm-7f3a"}}));
  auto results = SendConcurrently(server_->port(), storm);
  int fresh = 0, replayed = 0;
  std::set<std::string> bodies;
  for (const auto& r : results) {
    ASSERT_EQ(r.status, 201) << r.body << r.transport_error;
    bodies.insert(r.body);
    if (r.Header("idempotency-replayed") == "true") {
      ++replayed;
    } else {
      ++fresh;
    }
  }
  EXPECT_EQ(fresh, 1);
  EXPECT_EQ(replayed, 49);
  EXPECT_EQ(bodies.size(), 1u);
  EXPECT_EQ(ProjectCount(), 1u);
}

TEST_F(IdempotencyTest, AMalformedKeyIs400AndCreatesNothing) {
  std::vector<std::pair<std::string, std::string>> bad = {
      {"256 characters", std::string(256, 'k')},
      {"empty", ""},
      {"not ASCII", "caf\xc3\xa9"},
      {"a control character", "a\x01z"},
  };
  for (const auto& [what, value] : bad) {
    SCOPED_TRACE(what);
    auto r = Post("/api/v1/projects", R"({"name":"Bad key"})", value);
    ASSERT_EQ(r.status, 400) << r.body;
    ASSERT_TRUE(IsEnvelope(r));
    EXPECT_TRUE(IsDocumentedErrorCode(MetaValue(r).as_object().at("code").as_string()));
  }
  EXPECT_EQ(ProjectCount(), 0u);
  // The bounds: 255 printable characters, and a single one.
  std::string longest;
  for (int i = 0; i < 255; ++i) longest += static_cast<char>(0x20 + 1 + i % 94);
  EXPECT_EQ(Post("/api/v1/projects", R"({"name":"Longest key"})", longest).status, 201);
  EXPECT_EQ(Post("/api/v1/projects", R"({"name":"Shortest key"})", "x").status, 201);
  EXPECT_EQ(ProjectCount(), 2u);
}

TEST_F(IdempotencyTest, AFinal4xxIsStoredAndReplayed) {
  std::string free_key = CreateKey(CreateOrg("free", "Small")).secret;
  std::string only = CreateProject(free_key, "The one allowed");
  ASSERT_FALSE(only.empty());
  const std::string expected_402 =
      R"({"data":null,"error":"Limit reached: max_projects_per_org",)"
      R"("meta":{"code":"limit_reached","limitKey":"max_projects_per_org","current":1,"max":1}})";
  auto refused = Post("/api/v1/projects", R"({"name":"Second"})", "cap-1", free_key);
  ASSERT_EQ(refused.status, 402);
  EXPECT_EQ(refused.body, expected_402);
  // Room again; a replay still gives the stored 402 and creates nothing.
  ASSERT_EQ(Call("DELETE", "/api/v1/projects/" + only, free_key).status, 200);
  auto replay = Post("/api/v1/projects", R"({"name":"Second"})", "cap-1", free_key);
  EXPECT_EQ(replay.status, 402);
  EXPECT_EQ(replay.body, expected_402);
  EXPECT_EQ(replay.Header("idempotency-replayed"), "true");
  EXPECT_EQ(ProjectCount(free_key), 0u);
  // A fresh key runs the request.
  EXPECT_EQ(Post("/api/v1/projects", R"({"name":"Second"})", "cap-2", free_key).status, 201);

  // A 400 is final too.
  auto bad = Post("/api/v1/projects", R"({"name":""})", "bad-body-1");
  ASSERT_TRUE(IsError(bad, 400, "invalid_body"));
  auto bad_again = Post("/api/v1/projects", R"({"name":""})", "bad-body-1");
  EXPECT_EQ(bad_again.status, 400);
  EXPECT_EQ(bad_again.body, bad.body);
  EXPECT_EQ(bad_again.Header("idempotency-replayed"), "true");
}

TEST_F(IdempotencyTest, ARequestRefusedBeforeItRunsIsNotStored) {
  // 403 org_banned and insufficient_scope come before the request runs: the key stays unused.
  std::string reader = CreateKey(org_, "read").secret;
  EXPECT_TRUE(IsError(Post("/api/v1/projects", R"({"name":"Later"})", "not-yet", reader), 403,
                      "insufficient_scope"));
  ASSERT_EQ(Cli({"orgs", "suspend", org_}).exit_code, 0);
  EXPECT_TRUE(
      IsError(Post("/api/v1/projects", R"({"name":"Later"})", "not-yet"), 403, "org_banned"));
  ASSERT_EQ(Cli({"orgs", "resume", org_}).exit_code, 0);
  auto run = Post("/api/v1/projects", R"({"name":"Later"})", "not-yet");
  EXPECT_EQ(run.status, 201) << run.body;
  EXPECT_FALSE(run.Header("idempotency-replayed").has_value());
  EXPECT_EQ(ProjectCount(), 1u);
}

// A key's stored answer lasts 24 hours, across restarts.
class IdempotencyExpiryTest : public IdempotencyTest {
 protected:
  IdempotencyExpiryTest() { fake_now_ = "2026-03-01T00:00:00Z"; }
};

TEST_F(IdempotencyExpiryTest, TheStoredAnswerLasts24Hours) {
  auto first = Post("/api/v1/projects", R"({"name":"Daily"})", "daily-run");
  ASSERT_EQ(first.status, 201) << first.body;
  // Ten seconds short of 24 hours later, after a restart: still replayed.
  ASSERT_NO_FATAL_FAILURE(Restart([](auto& o) { o.fake_now = "2026-03-01T23:59:50Z"; }));
  auto replay = Post("/api/v1/projects", R"({"name":"Daily"})", "daily-run");
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.body, first.body);
  EXPECT_EQ(replay.Header("idempotency-replayed"), "true");
  EXPECT_TRUE(IsError(Post("/api/v1/projects", R"({"name":"Other"})", "daily-run"), 409,
                      "idempotency_conflict"));
  EXPECT_EQ(ProjectCount(), 1u);
  // A minute past: the key is free again and the request runs.
  ASSERT_NO_FATAL_FAILURE(Restart([](auto& o) { o.fake_now = "2026-03-02T00:01:00Z"; }));
  auto again = Post("/api/v1/projects", R"({"name":"Daily"})", "daily-run");
  EXPECT_EQ(again.status, 201) << again.body;
  EXPECT_FALSE(again.Header("idempotency-replayed").has_value());
  EXPECT_NE(again.body, first.body);
  EXPECT_EQ(ProjectCount(), 2u);
}

// Every byte the server keeps on disk for this test's database (the main file and its WAL).
std::string DatabaseBytes(const std::string& db_path) {
  std::string all;
  for (const std::string& path : {db_path, db_path + "-wal"}) {
    std::ifstream in(path, std::ios::binary);
    all.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return all;
}

TEST_F(IdempotencyTest, AnIdempotentKeyCreationStoresNoSecret) {
  // api-conventions.md: a key is shown once and the server stores only its SHA-256. The
  // idempotency record of a POST /api/v1/api-keys must not become a plaintext copy of it.
  auto plain = Call("POST", "/api/v1/api-keys", key_, R"({"name":"scan-control-5d1e"})");
  ASSERT_EQ(plain.status, 201) << plain.body;
  auto created = Post("/api/v1/api-keys", R"({"name":"scan-idem-9b2c"})", "new-key-1");
  ASSERT_EQ(created.status, 201) << created.body;
  std::string secret = Str(DataObject(created), "key");
  std::string bytes = DatabaseBytes(DbPath());
  // The scan sees the rows written (control: both names are there) ...
  ASSERT_NE(bytes.find("scan-control-5d1e"), std::string::npos);
  ASSERT_NE(bytes.find("scan-idem-9b2c"), std::string::npos);
  // ... and neither secret.
  EXPECT_EQ(bytes.find(Str(DataObject(plain), "key").substr(12)), std::string::npos);
  EXPECT_EQ(bytes.find(secret.substr(12)), std::string::npos);
  // Replayed, the request still creates no second key.
  auto replay = Post("/api/v1/api-keys", R"({"name":"scan-idem-9b2c"})", "new-key-1");
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.Header("idempotency-replayed"), "true");
  // The replay shows the key's record, not the secret a second time.
  EXPECT_FALSE(DataObject(replay).contains("key"));
  EXPECT_EQ(Str(DataObject(replay), "id"), Str(DataObject(created), "id"));
  auto list = Get("/api/v1/api-keys", key_);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json.as_object().at("data").as_array().size(), 3u);
}

// =============================================================================================
// Plan retention of date ranges

// The server's clock starts at 2026-03-01T03:00:00Z: the UTC date is 2026-03-01, while in New
// York (UTC-5 in winter) it is still 2026-02-28, 22:00.
class RetentionTest : public PlatformTest {
 protected:
  RetentionTest() { fake_now_ = "2026-03-01T03:00:00Z"; }
  static constexpr const char* kFreeOrg = "0195a000-0000-7000-8000-000000000001";
  static constexpr const char* kStarterOrg = "0195a000-0000-7000-8000-000000000002";
  static constexpr const char* kUltraOrg = "0195a000-0000-7000-8000-000000000003";
  static std::string VideoOf(int org) {
    return "0195a000-0000-7000-8000-00000000030" + std::to_string(org);
  }
  void SetUp() override {
    PlatformTest::SetUp();
    if (HasFatalFailure()) return;
    std::string lines;
    const char* orgs[] = {kFreeOrg, kStarterOrg, kUltraOrg};
    const char* plans[] = {"free", "starter", "ultra"};
    for (int i = 1; i <= 3; ++i) {
      std::string n = std::to_string(i);
      std::string project = "0195a000-0000-7000-8000-00000000020" + n;
      lines += R"({"type":"org","id":")" + std::string(orgs[i - 1]) + R"(","name":"Org )" + n +
               R"(","timezone":"UTC","plan":")" + plans[i - 1] + "\"}\n";
      lines += R"({"type":"project","id":")" + project + R"(","org_id":")" + orgs[i - 1] +
               R"(","name":"P","readme":null})" + "\n";
      lines +=
          R"({"type":"video","id":")" + VideoOf(i) + R"(","project_id":")" + project +
          R"(","creator_id":null,"tiktok_video_id":"730123456789012345)" + n +
          R"(","title":"V","tracking_status":"direct_add","posted_at":"2026-02-20T15:00:00Z"})" +
          "\n";
      lines += R"({"type":"video_snapshot","video_id":")" + VideoOf(i) +
               R"(","snapshot_at":"2026-02-20T16:00:00Z","view_count":120,"like_count":9,)"
               R"("comment_count":1,"share_count":0,"save_count":2})" +
               "\n";
    }
    std::string file = dir_->File("seed.jsonl");
    std::ofstream(file) << lines;
    auto imported = Cli({"import", file});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    free_key_ = CreateKey(kFreeOrg).secret;
    starter_key_ = CreateKey(kStarterOrg).secret;
    ultra_key_ = CreateKey(kUltraOrg).secret;
  }
  HttpResult Stats(int org, const std::string& key, const std::string& query) {
    return Get("/api/v1/videos/" + VideoOf(org) + "/stats" + query, key);
  }
  static std::string RetentionBody(int days, const std::string& earliest) {
    return R"({"data":null,"error":"Requested range starts before your plan's )" +
           std::to_string(days) +
           R"(-day history","meta":{"code":"retention_exceeded","tier_retention_days":)" +
           std::to_string(days) + R"(,"earliest_allowed":")" + earliest + R"("}})";
  }
  std::string free_key_, starter_key_, ultra_key_;
};

TEST_F(RetentionTest, ThirtyDayPlanAllowsFromTodayMinus29) {
  // Today (UTC) 2026-03-01; minus 29 days is 2026-01-31 (February 2026 has 28 days).
  auto too_early = Stats(1, free_key_, "?from=2026-01-30");
  EXPECT_EQ(too_early.status, 402);
  EXPECT_EQ(too_early.body, RetentionBody(30, "2026-01-31"));
  EXPECT_TRUE(IsEnvelope(too_early));
  auto much_too_early = Stats(1, free_key_, "?from=2025-06-01&to=2026-01-15");
  EXPECT_EQ(much_too_early.status, 402);
  EXPECT_EQ(much_too_early.body, RetentionBody(30, "2026-01-31"));

  auto earliest = Stats(1, free_key_, "?from=2026-01-31");
  EXPECT_EQ(earliest.status, 200) << earliest.body;
  EXPECT_TRUE(IsEnvelope(earliest));
  // The default range is exactly the thirty days.
  EXPECT_EQ(Stats(1, free_key_, "").status, 200);
  EXPECT_EQ(Stats(1, free_key_, "?metric=engagement_rate_by_views").status, 200);
  EXPECT_EQ(Stats(1, free_key_, "?metric=engagement_rate_by_views&from=2026-01-30").status, 402);
  // The range's own errors come first (400), and a missing video is a 404 before the 402.
  EXPECT_TRUE(IsError(Stats(1, free_key_, "?from=2026-13-01"), 400, "invalid_query"));
  EXPECT_TRUE(IsError(
      Get("/api/v1/videos/0195a000-0000-7000-8000-0000000003ff/stats?from=2026-01-01", free_key_),
      404, "not_found"));
}

TEST_F(RetentionTest, TodayIsTheRequestsTimeZonesToday) {
  // In New York it is still 2026-02-28: the earliest allowed day is 2026-01-30.
  EXPECT_EQ(Stats(1, free_key_, "?tz=America/New_York&from=2026-01-30").status, 200);
  auto r = Stats(1, free_key_, "?tz=America/New_York&from=2026-01-29");
  EXPECT_EQ(r.status, 402);
  EXPECT_EQ(r.body, RetentionBody(30, "2026-01-30"));
  // In Tokyo (UTC+9) it is noon on 2026-03-01, the UTC date: earliest 2026-01-31.
  auto east = Stats(1, free_key_, "?tz=Asia/Tokyo&from=2026-01-30");
  EXPECT_EQ(east.status, 402);
  EXPECT_EQ(east.body, RetentionBody(30, "2026-01-31"));
  EXPECT_EQ(Stats(1, free_key_, "?tz=Asia/Tokyo&from=2026-01-31").status, 200);
  // The organization's own timezone is the default: moved to New York, it gets New York's day.
  std::string admin = CreateKey(kFreeOrg, "read,write,admin").secret;
  ASSERT_EQ(Call("PATCH", "/api/v1/org", admin, R"({"timezone":"America/New_York"})").status, 200);
  EXPECT_EQ(Stats(1, free_key_, "?from=2026-01-30").status, 200);
  EXPECT_EQ(Stats(1, free_key_, "?from=2026-01-29").body, RetentionBody(30, "2026-01-30"));
}

TEST_F(RetentionTest, OtherPlansHaveTheirOwnHistory) {
  // starter: 365 days back from 2026-03-01 inclusive starts at 2025-03-02.
  auto r = Stats(2, starter_key_, "?from=2025-03-01");
  EXPECT_EQ(r.status, 402);
  EXPECT_EQ(r.body, RetentionBody(365, "2025-03-02"));
  EXPECT_EQ(Stats(2, starter_key_, "?from=2025-03-02").status, 200);
  // ultra: unlimited; only the 366-day bound of a range applies (2025-03-01..2026-03-01).
  EXPECT_EQ(Stats(3, ultra_key_, "?from=2025-03-01").status, 200);
  EXPECT_EQ(Stats(3, ultra_key_, "?from=2019-01-01&to=2019-12-31").status, 200);
  EXPECT_TRUE(IsError(Stats(3, ultra_key_, "?from=2025-02-28"), 400, "invalid_query"));
}

// =============================================================================================
// The organization

class OrgTest : public PlatformTest {
 protected:
  void SetUp() override {
    PlatformTest::SetUp();
    if (HasFatalFailure()) return;
    org_ = CreateOrg("ultra", "Acme");
    admin_ = CreateKey(org_, "read,write,admin").secret;
    writer_ = CreateKey(org_, "read,write").secret;
  }
  std::string org_;
  std::string admin_;
  std::string writer_;
};

TEST_F(OrgTest, GetOrgShowsTheOrganizationAndItsPlansLimits) {
  auto r = Get("/api/v1/org", writer_);  // `read` is enough
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(IsEnvelope(r));
  EXPECT_TRUE(MetaValue(r).is_null());
  const auto& org = DataObject(r);
  EXPECT_EQ(KeysOf(org), (std::set<std::string>{"id", "name", "timezone", "plan", "settings",
                                                "limits", "created_at", "updated_at"}));
  EXPECT_EQ(Str(org, "id"), org_);
  EXPECT_EQ(Str(org, "name"), "Acme");
  EXPECT_EQ(Str(org, "timezone"), "UTC");
  EXPECT_EQ(Str(org, "plan"), "ultra");
  EXPECT_TRUE(IsRfc3339Seconds(Str(org, "created_at")));
  EXPECT_TRUE(IsRfc3339Seconds(Str(org, "updated_at")));

  // The `ultra` column of the table of plans in api-conventions.md.
  const std::map<std::string, std::optional<std::int64_t>> ultra = {
      {"max_creators_per_org", 300},
      {"max_tracked_videos_per_org", 100000},
      {"max_projects_per_org", 10},
      {"max_members_per_org", 50},
      {"max_campaigns_per_project", std::nullopt},
      {"max_campaign_items_per_campaign", std::nullopt},
      {"max_api_keys_per_org", 50},
      {"max_api_requests_per_day", 50000},
      {"max_manual_scrape_triggers_per_day", 100},
      {"max_payout_methods_per_org", std::nullopt},
      {"max_payout_structures_per_project", std::nullopt},
      {"min_video_stats_hours", 1},
      {"min_discover_videos_hours", 1},
      {"min_creator_profiles_hours", 6},
      {"stats_history_retention_days", std::nullopt},
  };
  const auto& limits = org.at("limits").as_object();
  EXPECT_EQ(limits.size(), ultra.size()) << json::serialize(limits);
  for (const auto& [key, value] : ultra) {
    SCOPED_TRACE(key);
    ASSERT_TRUE(limits.contains(key));
    if (value) {
      ASSERT_TRUE(limits.at(key).is_int64()) << json::serialize(limits.at(key));
      EXPECT_EQ(limits.at(key).as_int64(), *value);
    } else {
      EXPECT_TRUE(limits.at(key).is_null()) << json::serialize(limits.at(key));
    }
  }

  // Settings: an interval per job kind, never below the plan's floor, and the 90-day default of
  // video tracking (scraping.md).
  const auto& settings = org.at("settings").as_object();
  EXPECT_EQ(KeysOf(settings),
            (std::set<std::string>{"creator_profiles_hours", "discover_videos_hours",
                                   "video_stats_hours", "video_tracking_days"}));
  auto hours = [&](const char* k) { return settings.at(k).to_number<double>(); };
  EXPECT_GE(hours("creator_profiles_hours"), 6);
  EXPECT_GE(hours("discover_videos_hours"), 1);
  EXPECT_GE(hours("video_stats_hours"), 1);
  EXPECT_EQ(settings.at("video_tracking_days"), json::value(90));

  // `write` alone cannot read it.
  std::string write_only = CreateKey(org_, "write").secret;
  EXPECT_EQ(Get("/api/v1/org", write_only).body,
            R"({"data":null,"error":"This action requires the 'read' scope. Granted: [write]",)"
            R"("meta":{"code":"insufficient_scope","required":"read","granted":["write"]}})");
}

TEST_F(OrgTest, PatchOrgNeedsTheAdminScope) {
  auto r = Call("PATCH", "/api/v1/org", writer_, R"({"name":"Taken over"})");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(
      r.body,
      R"({"data":null,"error":"This action requires the 'admin' scope. Granted: [read, write]",)"
      R"("meta":{"code":"insufficient_scope","required":"admin","granted":["read","write"]}})");
  EXPECT_EQ(Str(DataObject(Get("/api/v1/org", writer_)), "name"), "Acme");

  auto ok = Call("PATCH", "/api/v1/org", admin_, R"({"name":"Acme Renamed"})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Str(DataObject(ok), "name"), "Acme Renamed");
  EXPECT_EQ(Str(DataObject(Get("/api/v1/org", writer_)), "name"), "Acme Renamed");
}

TEST_F(OrgTest, TimezoneMustBeAnIanaZone) {
  for (const char* body : {R"({"timezone":"Mars/Olympus_Mons"})", R"({"timezone":""})",
                           R"({"timezone":42})", R"({"timezone":"utc+2"})"}) {
    SCOPED_TRACE(body);
    EXPECT_TRUE(IsError(Call("PATCH", "/api/v1/org", admin_, body), 400, "invalid_body"));
  }
  EXPECT_EQ(Str(DataObject(Get("/api/v1/org", admin_)), "timezone"), "UTC");
  auto ok = Call("PATCH", "/api/v1/org", admin_, R"({"timezone":"America/New_York"})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Str(DataObject(ok), "timezone"), "America/New_York");
  EXPECT_EQ(Str(DataObject(Get("/api/v1/org", admin_)), "timezone"), "America/New_York");
}

TEST_F(OrgTest, AnIntervalBelowThePlanFloorIsClampedUpAndReported) {
  // ultra's floors: creator profiles 6 h, video stats 1 h.
  auto r =
      Call("PATCH", "/api/v1/org", admin_, R"({"creator_profiles_hours":2,"video_stats_hours":3})");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(IsEnvelope(r));
  const auto& settings = DataObject(r).at("settings").as_object();
  EXPECT_EQ(settings.at("creator_profiles_hours").to_number<double>(), 6);
  EXPECT_EQ(settings.at("video_stats_hours").to_number<double>(), 3);
  const std::string clamped_meta =
      R"("meta":{"clamped":{"creator_profiles_hours":{"requested":2,"applied":6}}}})";
  EXPECT_TRUE(r.body.ends_with(clamped_meta)) << r.body;
  auto reread = Get("/api/v1/org", admin_);
  ASSERT_EQ(reread.status, 200) << reread.body;
  const auto& stored = DataObject(reread).at("settings").as_object();
  EXPECT_EQ(stored.at("creator_profiles_hours").to_number<double>(), 6);
  EXPECT_EQ(stored.at("video_stats_hours").to_number<double>(), 3);

  // At or above the floor nothing is clamped and meta is null.
  auto above = Call("PATCH", "/api/v1/org", admin_, R"({"creator_profiles_hours":6})");
  ASSERT_EQ(above.status, 200) << above.body;
  EXPECT_TRUE(MetaValue(above).is_null()) << above.body;

  // free's floors are a day; a fraction of an hour is clamped too.
  std::string free_org = CreateOrg("free", "Small");
  std::string free_admin = CreateKey(free_org, "read,write,admin").secret;
  auto f = Call("PATCH", "/api/v1/org", free_admin, R"({"video_stats_hours":0.5})");
  ASSERT_EQ(f.status, 200) << f.body;
  EXPECT_EQ(DataObject(f).at("settings").as_object().at("video_stats_hours").to_number<double>(),
            24);
  EXPECT_TRUE(f.body.ends_with(
      R"("meta":{"clamped":{"video_stats_hours":{"requested":0.5,"applied":24}}}})"))
      << f.body;

  for (const char* body : {R"({"video_stats_hours":0})", R"({"video_stats_hours":-1})",
                           R"({"video_stats_hours":"6"})", R"({"video_tracking_days":0})"}) {
    SCOPED_TRACE(body);
    EXPECT_TRUE(IsError(Call("PATCH", "/api/v1/org", admin_, body), 400, "invalid_body"));
  }
}

// =============================================================================================
// API keys

bool IsKeySecret(std::string_view s) {
  if (s.size() != 68 || s.substr(0, 4) != "tga_") return false;
  return std::all_of(s.begin() + 4, s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

TEST_F(OrgTest, AKeyIsShownOnceWorksAtOnceAndIsRevokedAtOnce) {
  auto created = Call("POST", "/api/v1/api-keys", admin_, R"({"name":"ci"})");
  ASSERT_EQ(created.status, 201) << created.body;
  ASSERT_TRUE(IsEnvelope(created));
  const auto& k = DataObject(created);
  std::string secret = Str(k, "key");
  std::string id = Str(k, "id");
  EXPECT_TRUE(IsKeySecret(secret)) << secret;
  EXPECT_TRUE(IsLowercaseUuid(id));
  EXPECT_EQ(Str(k, "name"), "ci");
  EXPECT_EQ(json::serialize(k.at("scopes")), R"(["read","write"])");  // the default
  EXPECT_TRUE(k.at("expires_at").is_null());
  EXPECT_TRUE(k.at("revoked_at").is_null());
  // The displayed prefix is the start of the secret, never more than a sliver of it.
  std::string prefix = Str(k, "prefix");
  EXPECT_EQ(secret.rfind(prefix, 0), 0u);
  EXPECT_LT(prefix.size(), 20u);

  // Listed, without the secret.
  auto list = Get("/api/v1/api-keys", admin_);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.body.find(secret.substr(prefix.size())), std::string::npos);
  EXPECT_EQ(list.body.find(admin_.substr(prefix.size())), std::string::npos);
  bool listed = false;
  for (const auto& item : list.json.as_object().at("data").as_array()) {
    EXPECT_FALSE(item.as_object().contains("key"));
    listed = listed || item.as_object().at("id").as_string() == id;
  }
  EXPECT_TRUE(listed);
  EXPECT_EQ(list.json.as_object().at("data").as_array().size(), 3u);  // admin_, writer_, ci

  // It works at once, with its scopes.
  EXPECT_EQ(Get("/api/v1/projects", secret).status, 200);
  EXPECT_EQ(CreateProject(secret, "Made by the new key").empty(), false);
  EXPECT_TRUE(IsError(Get("/api/v1/api-keys", secret), 403, "insufficient_scope"));

  // Revoked: the very next request is a 401.
  auto revoked = Call("DELETE", "/api/v1/api-keys/" + id, admin_);
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(revoked.body,
            R"({"data":{"id":")" + id + R"(","deleted":true},"error":null,"meta":null})");
  EXPECT_TRUE(IsError(Get("/api/v1/projects", secret), 401, "invalid_api_key"));

  // Another organization's key is not ours to revoke.
  ApiKey foreign = CreateKey(CreateOrg("ultra", "Other"));
  EXPECT_TRUE(IsError(Call("DELETE", "/api/v1/api-keys/" + foreign.id, admin_), 404, "not_found"));
  EXPECT_EQ(Get("/api/v1/projects", foreign.secret).status, 200);

  // A future expiry is kept; a past one is refused.
  auto expiring = Call("POST", "/api/v1/api-keys", admin_,
                       R"({"name":"temp","scopes":["read"],"expires_at":"2999-01-01T00:00:00Z"})");
  ASSERT_EQ(expiring.status, 201) << expiring.body;
  EXPECT_EQ(Str(DataObject(expiring), "expires_at"), "2999-01-01T00:00:00Z");
  EXPECT_EQ(json::serialize(DataObject(expiring).at("scopes")), R"(["read"])");
  EXPECT_TRUE(IsError(Call("POST", "/api/v1/api-keys", admin_,
                           R"({"name":"old","expires_at":"2020-01-01T00:00:00Z"})"),
                      400, "invalid_body"));
}

TEST_F(OrgTest, TheKeyListIsPaginatedNewestFirst) {
  std::vector<std::string> ids;  // oldest first: the two of SetUp's keys are older still
  for (int i = 0; i < 3; ++i) {
    auto r = Call("POST", "/api/v1/api-keys", admin_, R"({"name":"k)" + std::to_string(i) + "\"}");
    ASSERT_EQ(r.status, 201) << r.body;
    ids.push_back(Str(DataObject(r), "id"));
    // Keys created within one second: their uuid v7 ids still order them.
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  auto page1 = Get("/api/v1/api-keys?limit=2", admin_);
  ASSERT_EQ(page1.status, 200) << page1.body;
  const auto& items1 = page1.json.as_object().at("data").as_array();
  ASSERT_EQ(items1.size(), 2u);
  EXPECT_EQ(items1[0].as_object().at("id").as_string(), ids[2]);
  EXPECT_EQ(items1[1].as_object().at("id").as_string(), ids[1]);
  const auto& meta = MetaValue(page1).as_object();
  ASSERT_TRUE(meta.at("hasMore").as_bool());
  std::string cursor(meta.at("nextCursor").as_string());
  auto page2 = Get("/api/v1/api-keys?limit=2&cursor=" + cursor, admin_);
  ASSERT_EQ(page2.status, 200) << page2.body;
  const auto& items2 = page2.json.as_object().at("data").as_array();
  ASSERT_EQ(items2.size(), 2u);
  EXPECT_EQ(items2[0].as_object().at("id").as_string(), ids[0]);
  auto page3 = Get("/api/v1/api-keys?limit=2&cursor=" +
                       std::string(MetaValue(page2).as_object().at("nextCursor").as_string()),
                   admin_);
  ASSERT_EQ(page3.status, 200) << page3.body;
  EXPECT_EQ(page3.json.as_object().at("data").as_array().size(), 1u);  // 5 keys in all
  EXPECT_FALSE(MetaValue(page3).as_object().at("hasMore").as_bool());
  EXPECT_TRUE(MetaValue(page3).as_object().at("nextCursor").is_null());
}

TEST_F(OrgTest, KeysNeedAdminAndNeverGrantMoreThanTheCallerHolds) {
  const std::string needs_admin =
      R"({"data":null,"error":"This action requires the 'admin' scope. Granted: [read, write]",)"
      R"("meta":{"code":"insufficient_scope","required":"admin","granted":["read","write"]}})";
  EXPECT_EQ(Get("/api/v1/api-keys", writer_).body, needs_admin);
  EXPECT_EQ(Call("POST", "/api/v1/api-keys", writer_, R"({"name":"x"})").body, needs_admin);
  EXPECT_EQ(Call("DELETE", "/api/v1/api-keys/0190d2a4-5b6c-7d8e-9f00-112233445566", writer_).body,
            needs_admin);

  // A key holding only `admin` may create an admin key, not one that reads or writes.
  std::string admin_only = CreateKey(org_, "admin").secret;
  auto escalate = Call("POST", "/api/v1/api-keys", admin_only, R"({"name":"x","scopes":["read"]})");
  EXPECT_EQ(escalate.status, 403);
  EXPECT_EQ(escalate.body,
            R"({"data":null,"error":"This action requires the 'read' scope. Granted: [admin]",)"
            R"("meta":{"code":"insufficient_scope","required":"read","granted":["admin"]}})");
  auto defaults = Call("POST", "/api/v1/api-keys", admin_only, R"({"name":"x"})");
  EXPECT_TRUE(IsError(defaults, 403, "insufficient_scope"));  // the default is read,write
  auto same = Call("POST", "/api/v1/api-keys", admin_only, R"({"name":"x","scopes":["admin"]})");
  EXPECT_EQ(same.status, 201) << same.body;
  EXPECT_TRUE(IsError(Call("POST", "/api/v1/api-keys", admin_, R"({"name":"x","scopes":["root"]})"),
                      400, "invalid_body"));
}

TEST_F(OrgTest, FreePlanHoldsTwoActiveKeys) {
  std::string free_org = CreateOrg("free", "Small");
  std::string free_admin = CreateKey(free_org, "read,write,admin").secret;
  auto second = Call("POST", "/api/v1/api-keys", free_admin, R"({"name":"second"})");
  ASSERT_EQ(second.status, 201) << second.body;
  auto third = Call("POST", "/api/v1/api-keys", free_admin, R"({"name":"third"})");
  EXPECT_EQ(third.status, 402);
  EXPECT_EQ(
      third.body,
      R"({"data":null,"error":"Limit reached: max_api_keys_per_org",)"
      R"("meta":{"code":"limit_reached","limitKey":"max_api_keys_per_org","current":2,"max":2}})");
  // A revoked key does not count.
  ASSERT_EQ(Call("DELETE", "/api/v1/api-keys/" + Str(DataObject(second), "id"), free_admin).status,
            200);
  EXPECT_EQ(Call("POST", "/api/v1/api-keys", free_admin, R"({"name":"third"})").status, 201);
}

TEST_F(OrgTest, ASuspendedOrganizationIsRefusedEverywhereUntilResumed) {
  std::string other = CreateKey(CreateOrg("ultra", "Other"), "read,write,admin").secret;
  ASSERT_EQ(Cli({"orgs", "suspend", org_}).exit_code, 0);
  struct Case {
    std::string method, target;
    std::optional<std::string> body;
  };
  const std::vector<Case> cases = {
      {"GET", "/api/v1/org", std::nullopt},
      {"PATCH", "/api/v1/org", R"({"name":"x"})"},
      {"GET", "/api/v1/api-keys", std::nullopt},
      {"POST", "/api/v1/api-keys", R"({"name":"x"})"},
      {"GET", "/api/v1/projects", std::nullopt},
      {"POST", "/api/v1/projects", R"({"name":"x"})"},
      {"GET", "/api/v1/videos/0190d2a4-5b6c-7d8e-9f00-112233445566/stats", std::nullopt},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.method + " " + c.target);
    for (const std::string* key : {&admin_, &writer_}) {
      EXPECT_TRUE(IsError(Call(c.method, c.target, *key, c.body), 403, "org_banned"));
    }
    auto unaffected = Call(c.method, c.target, other, c.body);
    EXPECT_NE(unaffected.status, 403) << unaffected.body;
  }
  ASSERT_EQ(Cli({"orgs", "resume", org_}).exit_code, 0);
  EXPECT_EQ(Get("/api/v1/org", admin_).status, 200);
  EXPECT_EQ(Get("/api/v1/api-keys", admin_).status, 200);
  EXPECT_EQ(Call("POST", "/api/v1/projects", writer_, R"({"name":"Back"})").status, 201);
}

}  // namespace
}  // namespace goatherd::blackbox
