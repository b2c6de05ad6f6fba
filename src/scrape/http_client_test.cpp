// HttpClient against the suite's local imitation server (tests/fake_tiktok/fake_tiktok.py),
// whose utility endpoints answer slowly, with a status, big, gzipped, redirected or truncated.
#include "scrape/http_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <thread>

#include "core/test_temp_dir.h"
#include "fake_tiktok/fake_tiktok.h"

namespace goatherd::scrape {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(fake_.ok()) << "the fake server did not start"; }
  std::string Url(const std::string& path) const { return fake_.base_url() + path; }
  HttpOutcome Get(HttpClient& client, const std::string& path) {
    HttpRequest req;
    req.url = Url(path);
    return client.Fetch(req);
  }

  goatherd::testing::TempDir dir_;
  goatherd::testing::FakeTikTok fake_{dir_.File("")};
};

TEST_F(HttpClientTest, PostsBodyAndHeadersAndReadsTheAnswer) {
  HttpClient client;
  HttpRequest req;
  req.method = "POST";
  req.url = Url("/__echo");
  req.body = R"({"a":1})";
  req.headers = {{"Content-Type", "application/json"}, {"X-Test", "yes"}};
  auto got = client.Fetch(req);
  ASSERT_TRUE(got.ok()) << got.failure->message;
  EXPECT_EQ(got.response->status, 200);
  EXPECT_EQ(got.response->content_type, "application/json");
  auto echo = boost::json::parse(got.response->body).as_object();
  EXPECT_EQ(echo.at("method").as_string(), "POST");
  EXPECT_EQ(echo.at("body").as_string(), R"({"a":1})");
  EXPECT_EQ(echo.at("headers").as_object().at("X-Test").as_string(), "yes");
  // libcurl offers every encoding it can decode.
  std::string accept(echo.at("headers").as_object().at("Accept-Encoding").as_string());
  EXPECT_NE(accept.find("gzip"), std::string::npos) << accept;
}

TEST_F(HttpClientTest, DecodesGzip) {
  HttpClient client;
  auto got = Get(client, "/__gzip");
  ASSERT_TRUE(got.ok()) << got.failure->message;
  std::string expected;
  for (int i = 0; i < 1000; ++i) expected += "hello gzip ";
  EXPECT_EQ(got.response->body, expected);
}

TEST_F(HttpClientTest, TimeoutIsTransient) {
  HttpClientOptions o;
  o.total_timeout = milliseconds(300);
  HttpClient client(o);
  auto start = SteadyClock::now();
  auto got = Get(client, "/__slow?ms=3000");
  auto took = SteadyClock::now() - start;
  ASSERT_FALSE(got.ok());
  EXPECT_FALSE(got.failure->definitive);
  EXPECT_NE(got.failure->message.find("timed out after 300 ms"), std::string::npos)
      << got.failure->message;
  EXPECT_LT(took, milliseconds(2000));
}

TEST_F(HttpClientTest, TooManyRequestsCarriesRetryAfterSeconds) {
  HttpClient client;
  auto got = Get(client, "/__status?code=429&retry_after=7");
  ASSERT_FALSE(got.ok());
  EXPECT_FALSE(got.failure->definitive);
  EXPECT_EQ(got.failure->retry_after_seconds, 7);
  ASSERT_TRUE(got.response);
  EXPECT_EQ(got.response->status, 429);
}

TEST_F(HttpClientTest, ServerErrorsAreTransientOtherStatusesAreAnswers) {
  HttpClient client;
  auto e500 = Get(client, "/__status?code=500");
  ASSERT_FALSE(e500.ok());
  EXPECT_FALSE(e500.failure->definitive);
  EXPECT_NE(e500.failure->message.find("HTTP 500"), std::string::npos);
  auto e503 = Get(client, "/__status?code=503&retry_after=2");
  ASSERT_FALSE(e503.ok());
  EXPECT_EQ(e503.failure->retry_after_seconds, 2);
  auto e404 = Get(client, "/__status?code=404");
  ASSERT_TRUE(e404.ok());
  EXPECT_EQ(e404.response->status, 404);
  EXPECT_EQ(e404.response->body, "status 404");
}

TEST_F(HttpClientTest, BodyLargerThanTheLimitIsRefused) {
  HttpClientOptions o;
  o.max_body_bytes = 1000;
  HttpClient client(o);
  auto at_limit = Get(client, "/__big?bytes=1000");
  ASSERT_TRUE(at_limit.ok()) << at_limit.failure->message;
  EXPECT_EQ(at_limit.response->body.size(), 1000u);
  auto over = Get(client, "/__big?bytes=5000");
  ASSERT_FALSE(over.ok());
  EXPECT_NE(over.failure->message.find("larger than 1000 bytes"), std::string::npos)
      << over.failure->message;
}

TEST_F(HttpClientTest, FollowsRedirectsUpToTheLimit) {
  HttpClientOptions o;
  o.max_redirects = 3;
  HttpClient client(o);
  auto three = Get(client, "/__redirect?n=3");
  ASSERT_TRUE(three.ok()) << three.failure->message;
  EXPECT_EQ(three.response->body, "landed");
  auto four = Get(client, "/__redirect?n=4");
  ASSERT_FALSE(four.ok());
  EXPECT_NE(four.failure->message.find("more than 3 redirects"), std::string::npos)
      << four.failure->message;
}

TEST_F(HttpClientTest, TruncatedBodyAndRefusedConnectionAreTransient) {
  HttpClient client;
  auto cut = Get(client, "/__truncate");
  ASSERT_FALSE(cut.ok());
  EXPECT_FALSE(cut.failure->definitive);
  EXPECT_NE(cut.failure->message.find("truncated"), std::string::npos) << cut.failure->message;
  HttpRequest req;
  req.url = "http://127.0.0.1:1/";  // nothing listens on port 1
  auto refused = client.Fetch(req);
  ASSERT_FALSE(refused.ok());
  EXPECT_FALSE(refused.failure->definitive);
}

TEST_F(HttpClientTest, CapsRequestsInFlightPerHost) {
  HttpClientOptions o;
  o.max_per_host = 2;
  o.requests_per_second_per_host = 0;
  HttpClient client(o);
  auto start = SteadyClock::now();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] { ok += Get(client, "/__slow?ms=300").ok(); });
  }
  for (auto& t : threads) t.join();
  auto took = SteadyClock::now() - start;
  EXPECT_EQ(ok.load(), 6);
  // Six 300 ms requests, two at a time: three rounds.
  EXPECT_GE(took, milliseconds(900));
  auto stats = boost::json::parse(Get(client, "/__stats").response->body).as_object();
  EXPECT_EQ(stats.at("max_in_flight").as_int64(), 2);
}

TEST_F(HttpClientTest, CapsTheRateOfRequestsPerHost) {
  HttpClientOptions o;
  o.max_per_host = 50;
  o.requests_per_second_per_host = 5;  // a burst of 5, then one every 200 ms
  HttpClient client(o);
  auto start = SteadyClock::now();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(Get(client, "/__status?code=200").ok());
  auto took = SteadyClock::now() - start;
  // The 10th request starts 5 tokens after the burst: 5 * 200 ms.
  EXPECT_GE(took, milliseconds(950));
  EXPECT_LT(took, milliseconds(5000));
}

TEST_F(HttpClientTest, WaitingForASlotIsBounded) {
  HttpClientOptions o;
  o.max_per_host = 1;
  o.requests_per_second_per_host = 0;
  o.max_queue_wait = milliseconds(100);
  HttpClient client(o);
  std::thread slow([&] { (void)Get(client, "/__slow?ms=1500"); });
  std::this_thread::sleep_for(milliseconds(300));
  auto start = SteadyClock::now();
  auto got = Get(client, "/__status?code=200");
  auto took = SteadyClock::now() - start;
  slow.join();
  ASSERT_FALSE(got.ok());
  EXPECT_FALSE(got.failure->definitive);
  EXPECT_NE(got.failure->message.find("gave up waiting 100 ms"), std::string::npos)
      << got.failure->message;
  EXPECT_LT(took, milliseconds(1000));
}

TEST_F(HttpClientTest, GoesThroughTheConfiguredProxy) {
  // The imitation server answers absolute-form requests too, so it can stand in for a proxy:
  // the host in the URL does not exist, only the proxy can answer.
  HttpClientOptions o;
  o.proxy = fake_.base_url();
  HttpClient client(o);
  HttpRequest req;
  req.url = "http://scrape-target.invalid/__status?code=203";
  auto got = client.Fetch(req);
  ASSERT_TRUE(got.ok()) << got.failure->message;
  EXPECT_EQ(got.response->status, 203);
  EXPECT_EQ(got.response->body, "status 203");
}

TEST_F(HttpClientTest, CancelAbortsRequestsInFlightAndRefusesNewOnes) {
  HttpClient client;
  std::optional<HttpOutcome> slow;
  auto start = SteadyClock::now();
  std::thread t([&] { slow = Get(client, "/__slow?ms=5000"); });
  std::this_thread::sleep_for(milliseconds(300));
  client.Cancel();
  t.join();
  auto took = SteadyClock::now() - start;
  ASSERT_TRUE(slow && !slow->ok());
  EXPECT_FALSE(slow->failure->definitive);
  EXPECT_NE(slow->failure->message.find("cancelled"), std::string::npos) << slow->failure->message;
  // libcurl asks the progress callback at least about once a second, even when idle.
  EXPECT_LT(took, milliseconds(2500));
  auto after = Get(client, "/__status?code=200");
  ASSERT_FALSE(after.ok());
  EXPECT_NE(after.failure->message.find("cancelled"), std::string::npos);
}

TEST(ParseRetryAfterTest, SecondsAndHttpDates) {
  EXPECT_EQ(ParseRetryAfter("120", 0), 120);
  EXPECT_EQ(ParseRetryAfter(" 5 ", 0), 5);
  // 2015-10-21T07:28:00Z is 1445412480 (16729 days * 86400 + 7 h 28 min).
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", 1445412400), 80);
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", 1445412500), 0);  // past: now
  EXPECT_EQ(ParseRetryAfter("99999999999", 0), 86400);                         // clamped
  EXPECT_EQ(ParseRetryAfter("soon", 0), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("", 0), std::nullopt);
}

TEST(UrlEscapeTest, EscapesAllButUnreserved) {
  EXPECT_EQ(UrlEscape("clockworks~tiktok-scraper"), "clockworks~tiktok-scraper");
  EXPECT_EQ(UrlEscape("a b/c?d&e"), "a%20b%2Fc%3Fd%26e");
}

}  // namespace
}  // namespace goatherd::scrape
