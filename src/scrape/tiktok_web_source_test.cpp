// TikTokWebSource against the suite's imitation of TikTok's profile and video pages
// (tests/fake_tiktok/fake_tiktok.py), including its injected faults.
#include "scrape/tiktok_web_source.h"

#include <gtest/gtest.h>

#include "core/test_temp_dir.h"
#include "core/utf8.h"
#include "fake_tiktok/fake_tiktok.h"

namespace goatherd::scrape {
namespace {

constexpr char kWorld[] = R"({"users": {
  "alice": {"nickname": "Alice A", "avatar": "https://img.example/alice.jpg", "followers": 1200,
            "following": 34, "hearts": 56000, "videos": 3, "posts": [
    {"id": "7300000000000000001", "desc": "first", "createTime": 1772100000, "views": 1000,
     "likes": 100, "comments": 10, "shares": 5, "saves": 7},
    {"id": "7300000000000000002", "desc": "photos", "createTime": 1772200000, "views": 2000,
     "likes": 200, "comments": 20, "shares": 6, "saves": 8, "photo": true},
    {"id": "7300000000000000003", "desc": "caf BADUTF8 x", "createTime": 1772300000,
     "views": 3000, "likes": 300, "comments": 30, "shares": 7, "saves": 9},
    {"id": "7300000000000000004", "desc": "gone", "createTime": 1772250000, "deleted": true}]},
  "bob": {"nickname": "Bob", "embed_items": false, "posts": [
    {"id": "7500000000000000001", "createTime": 1772100000, "views": 5}]},
  "priv": {"private": true, "posts": [{"id": "7300000000000000009", "createTime": 1772000000}]},
  "banned": {"banned": true}
}, "faults": FAULTS})";

class TikTokWebSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fake_.ok()) << "the fake server did not start";
    World("[]");
  }
  void World(const std::string& faults) {
    std::string w = kWorld;
    w.replace(w.find("FAULTS"), 6, faults);
    fake_.SetWorld(w);
  }
  TikTokWebSource Source() { return TikTokWebSource(http_, {fake_.base_url()}); }

  goatherd::testing::TempDir dir_;
  goatherd::testing::FakeTikTok fake_{dir_.File("")};
  HttpClient http_{[] {
    HttpClientOptions o;
    o.total_timeout = std::chrono::milliseconds(1000);
    o.requests_per_second_per_host = 0;
    return o;
  }()};
};

TEST_F(TikTokWebSourceTest, ProfileFromTheHydrationData) {
  auto src = Source();
  auto got = src.Profile("alice", 0);
  ASSERT_TRUE(got.ok()) << got.failure->message;
  EXPECT_EQ(got.value->display_name, "Alice A");
  EXPECT_EQ(got.value->avatar_url, "https://img.example/alice.jpg");
  EXPECT_EQ(got.value->follower_count, 1200);
  EXPECT_EQ(got.value->following_count, 34);
  EXPECT_EQ(got.value->like_count, 56000);
  EXPECT_EQ(got.value->video_count, 3);
}

TEST_F(TikTokWebSourceTest, TikTokStatusCodesAndPrivacyAreDefinitive) {
  auto src = Source();
  auto missing = src.Profile("nobody", 0);  // statusCode 10202
  ASSERT_FALSE(missing.ok());
  EXPECT_TRUE(missing.failure->definitive);
  EXPECT_EQ(missing.failure->message, "account @nobody does not exist");
  auto banned = src.Profile("banned", 0);  // statusCode 10221
  ASSERT_FALSE(banned.ok());
  EXPECT_TRUE(banned.failure->definitive);
  EXPECT_EQ(banned.failure->message, "account @banned is banned");
  auto priv = src.Profile("priv", 0);
  ASSERT_FALSE(priv.ok());
  EXPECT_TRUE(priv.failure->definitive);
  EXPECT_EQ(priv.failure->message, "account @priv is private");
  auto priv_posts = src.RecentPosts("priv", {}, std::nullopt, 0);
  ASSERT_FALSE(priv_posts.ok());
  EXPECT_TRUE(priv_posts.failure->definitive);
}

TEST_F(TikTokWebSourceTest, RecentPostsFromTheEmbeddedItemList) {
  auto src = Source();
  auto got = src.RecentPosts("alice", {"7300000000000000001"}, std::nullopt, 0);
  ASSERT_TRUE(got.ok()) << got.failure->message;
  ASSERT_EQ(got.value->size(), 2u);
  const auto& p3 = (*got.value)[0];
  EXPECT_EQ(p3.tiktok_video_id, "7300000000000000003");
  EXPECT_EQ(p3.posted_at, 1772300000);  // createTime arrives as a string
  EXPECT_EQ(p3.counts, (VideoCounts{3000, 300, 30, 7, 9}));
  EXPECT_EQ(p3.cover_url, "https://covers.example/7300000000000000003.jpg");
  ASSERT_TRUE(p3.caption);
  EXPECT_TRUE(IsValidUtf8(*p3.caption));
  EXPECT_NE(p3.caption->find("\xEF\xBF\xBD"), std::string::npos);
  EXPECT_FALSE(p3.is_photo);
  EXPECT_EQ((*got.value)[1].tiktok_video_id, "7300000000000000002");
  EXPECT_TRUE((*got.value)[1].is_photo);  // imagePost present
  auto dated = src.RecentPosts("alice", {}, 1772150000, 0);
  ASSERT_TRUE(dated.ok());
  EXPECT_EQ(dated.value->size(), 2u);
}

TEST_F(TikTokWebSourceTest, ProfileWithoutAPostListIsATransientDiscoveryFailure) {
  auto src = Source();
  auto got = src.RecentPosts("bob", {}, std::nullopt, 0);
  ASSERT_FALSE(got.ok());
  EXPECT_FALSE(got.failure->definitive);
  EXPECT_NE(got.failure->message.find("not available from the profile page"), std::string::npos)
      << got.failure->message;
}

TEST_F(TikTokWebSourceTest, PostCountsAndGonePosts) {
  auto src = Source();
  auto got = src.Post("alice", "7300000000000000002", 0);
  ASSERT_TRUE(got.ok()) << got.failure->message;
  EXPECT_EQ(got.value->counts, (VideoCounts{2000, 200, 20, 6, 8}));
  EXPECT_TRUE(got.value->is_photo);
  auto deleted = src.Post("alice", "7300000000000000004", 0);  // statusCode 10204
  ASSERT_FALSE(deleted.ok());
  EXPECT_TRUE(deleted.failure->definitive);
  EXPECT_EQ(deleted.failure->message, "post 7300000000000000004 was deleted");
  // A private account's post is hidden, not gone: retried, never marked deleted.
  auto hidden = src.Post("priv", "7300000000000000009", 0);  // statusCode 10216
  ASSERT_FALSE(hidden.ok());
  EXPECT_FALSE(hidden.failure->definitive);
  EXPECT_EQ(hidden.failure->message, "post 7300000000000000009 is private");
}

TEST_F(TikTokWebSourceTest, PageFaultsAreTransient) {
  struct Case {
    const char* fault;
    const char* expect;
  };
  for (const Case& c : {Case{"500", "HTTP 500"}, Case{"429", "HTTP 429"},
                        Case{"malformed", "unreadable"}, Case{"shape", "page shape changed"},
                        Case{"truncate", "truncated"}, Case{"slow", "timed out"}}) {
    World(std::string(R"([{"match": "alice", "fault": ")") + c.fault + R"(", "delay_ms": 2500}])");
    auto src = Source();
    auto profile = src.Profile("alice", 0);
    ASSERT_FALSE(profile.ok()) << c.fault;
    EXPECT_FALSE(profile.failure->definitive) << c.fault;
    EXPECT_NE(profile.failure->message.find(c.expect), std::string::npos)
        << c.fault << ": " << profile.failure->message;
    auto post = src.Post("alice", "7300000000000000001", 0);
    ASSERT_FALSE(post.ok()) << c.fault;
    EXPECT_FALSE(post.failure->definitive) << c.fault;
  }
}

}  // namespace
}  // namespace goatherd::scrape
