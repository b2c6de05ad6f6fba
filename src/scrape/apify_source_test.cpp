// ApifySource against the suite's imitation of Apify's run-sync-get-dataset-items API
// (tests/fake_tiktok/fake_tiktok.py), including its injected faults.
#include "scrape/apify_source.h"

#include <gtest/gtest.h>

#include "core/test_temp_dir.h"
#include "core/utf8.h"
#include "fake_tiktok/fake_tiktok.h"

namespace goatherd::scrape {
namespace {

// alice: three live posts (p3 newest, p2 a photo carousel) and a deleted one; priv: private;
// banned: banned; anyone else does not exist.
constexpr char kWorld[] = R"({"token": "test-token", "users": {
  "alice": {"nickname": "Alice A", "avatar": "https://img.example/alice.jpg", "followers": 1200,
            "following": 34, "hearts": 56000, "videos": 3, "posts": [
    {"id": "7300000000000000001", "desc": "first", "createTime": 1772100000, "views": 1000,
     "likes": 100, "comments": 10, "shares": 5, "saves": 7},
    {"id": "7300000000000000002", "desc": "photos", "createTime": 1772200000, "views": 2000,
     "likes": 200, "comments": 20, "shares": 6, "saves": 8, "photo": true},
    {"id": "7300000000000000003", "desc": "caf BADUTF8 x", "createTime": 1772300000,
     "views": 3000, "likes": 300, "comments": 30, "shares": 7, "saves": 9},
    {"id": "7300000000000000004", "desc": "gone", "createTime": 1772250000, "deleted": true}]},
  "priv": {"private": true, "posts": [{"id": "7300000000000000009", "createTime": 1772000000}]},
  "banned": {"banned": true},
  "pager": {"posts": [
    {"id": "7400000000000000001", "createTime": 1772000001},
    {"id": "7400000000000000002", "createTime": 1772000002},
    {"id": "7400000000000000003", "createTime": 1772000003},
    {"id": "7400000000000000004", "createTime": 1772000004},
    {"id": "7400000000000000005", "createTime": 1772000005}]}
}, "faults": FAULTS})";

class ApifySourceTest : public ::testing::Test {
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
  ApifySource Source(const std::string& token = "test-token", int first_page = 30) {
    ApifyOptions o;
    o.token = token;
    o.base_url = fake_.base_url() + "/";
    o.first_page = first_page;
    return ApifySource(http_, o);
  }

  goatherd::testing::TempDir dir_;
  goatherd::testing::FakeTikTok fake_{dir_.File("")};
  HttpClient http_{[] {
    HttpClientOptions o;
    o.total_timeout = std::chrono::milliseconds(1000);
    o.requests_per_second_per_host = 0;
    return o;
  }()};
};

TEST_F(ApifySourceTest, ProfileFromAuthorMeta) {
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

TEST_F(ApifySourceTest, PrivateMissingAndBannedAccountsAreDefinitive) {
  auto src = Source();
  auto priv = src.Profile("priv", 0);
  ASSERT_FALSE(priv.ok());
  EXPECT_TRUE(priv.failure->definitive);
  EXPECT_EQ(priv.failure->message, "account @priv is private");
  for (const char* handle : {"nobody", "banned"}) {
    auto gone = src.Profile(handle, 0);
    ASSERT_FALSE(gone.ok()) << handle;
    EXPECT_TRUE(gone.failure->definitive) << handle;
    EXPECT_NE(gone.failure->message.find("does not exist"), std::string::npos);
  }
  auto posts = src.RecentPosts("priv", {}, std::nullopt, 0);
  ASSERT_FALSE(posts.ok());
  EXPECT_TRUE(posts.failure->definitive);
}

TEST_F(ApifySourceTest, RecentPostsNewestFirstWithClockworksFields) {
  auto src = Source();
  auto got = src.RecentPosts("alice", {}, std::nullopt, 0);
  ASSERT_TRUE(got.ok()) << got.failure->message;
  ASSERT_EQ(got.value->size(), 3u);  // the deleted post is not listed
  const auto& p3 = (*got.value)[0];
  EXPECT_EQ(p3.tiktok_video_id, "7300000000000000003");
  EXPECT_EQ(p3.posted_at, 1772300000);
  EXPECT_EQ(p3.counts, (VideoCounts{3000, 300, 30, 7, 9}));
  EXPECT_EQ(p3.cover_url, "https://covers.example/7300000000000000003.jpg");
  ASSERT_TRUE(p3.caption);
  EXPECT_TRUE(IsValidUtf8(*p3.caption));
  EXPECT_EQ(p3.caption->substr(0, 4), "caf ");
  EXPECT_NE(p3.caption->find("\xEF\xBF\xBD"), std::string::npos);  // U+FFFD
  EXPECT_EQ(p3.caption->substr(p3.caption->size() - 2), " x");
  EXPECT_FALSE(p3.is_photo);
  EXPECT_EQ((*got.value)[1].tiktok_video_id, "7300000000000000002");
  EXPECT_TRUE((*got.value)[1].is_photo);
  EXPECT_EQ((*got.value)[1].caption, "photos");
  EXPECT_EQ((*got.value)[2].tiktok_video_id, "7300000000000000001");
}

TEST_F(ApifySourceTest, RecentPostsStopAtAKnownPostOrTheStopDate) {
  auto src = Source();
  auto known = src.RecentPosts("alice", {"7300000000000000001"}, std::nullopt, 0);
  ASSERT_TRUE(known.ok());
  ASSERT_EQ(known.value->size(), 2u);
  EXPECT_EQ((*known.value)[1].tiktok_video_id, "7300000000000000002");
  auto dated = src.RecentPosts("alice", {}, 1772250000, 0);
  ASSERT_TRUE(dated.ok());
  ASSERT_EQ(dated.value->size(), 1u);
  EXPECT_EQ((*dated.value)[0].tiktok_video_id, "7300000000000000003");
}

TEST_F(ApifySourceTest, PagesBackByAskingForMoreUntilAKnownPost) {
  auto src = Source("test-token", /*first_page=*/2);
  auto got = src.RecentPosts("pager", {"7400000000000000001"}, std::nullopt, 0);
  ASSERT_TRUE(got.ok()) << got.failure->message;
  // Runs of 2 and 4 posts miss the known one; the run of 8 returns all 5.
  ASSERT_EQ(got.value->size(), 4u);
  EXPECT_EQ((*got.value)[0].tiktok_video_id, "7400000000000000005");
  EXPECT_EQ((*got.value)[3].tiktok_video_id, "7400000000000000002");
  EXPECT_EQ(fake_.CountRequests("apify pager"), 3);
}

TEST_F(ApifySourceTest, PostCountsAndDeletedOrPrivatePosts) {
  auto src = Source();
  auto got = src.Post("alice", "7300000000000000001", 0);
  ASSERT_TRUE(got.ok()) << got.failure->message;
  EXPECT_EQ(got.value->counts, (VideoCounts{1000, 100, 10, 5, 7}));
  EXPECT_EQ(got.value->posted_at, 1772100000);
  auto deleted = src.Post("alice", "7300000000000000004", 0);
  ASSERT_FALSE(deleted.ok());
  EXPECT_TRUE(deleted.failure->definitive);
  EXPECT_NE(deleted.failure->message.find("was deleted"), std::string::npos);
  auto hidden = src.Post("priv", "7300000000000000009", 0);
  ASSERT_FALSE(hidden.ok());
  EXPECT_TRUE(hidden.failure->definitive);
}

TEST_F(ApifySourceTest, RefusedTokenIsTransientNotTheCreatorsFault) {
  auto src = Source("wrong-token");
  auto got = src.Profile("alice", 0);
  ASSERT_FALSE(got.ok());
  EXPECT_FALSE(got.failure->definitive);
  EXPECT_NE(got.failure->message.find("token was refused (HTTP 401)"), std::string::npos)
      << got.failure->message;
}

TEST_F(ApifySourceTest, VendorFaultsAreTransient) {
  struct Case {
    const char* fault;
    const char* expect;
  };
  for (const Case& c :
       {Case{"500", "HTTP 500"}, Case{"503", "HTTP 503"}, Case{"malformed", "unreadable JSON"},
        Case{"shape", "unexpected answer shape"}, Case{"truncate", "truncated"},
        Case{"slow", "timed out"}}) {
    World(std::string(R"([{"match": "alice", "fault": ")") + c.fault + R"(", "delay_ms": 2500}])");
    auto src = Source();
    auto got = src.Profile("alice", 0);
    ASSERT_FALSE(got.ok()) << c.fault;
    EXPECT_FALSE(got.failure->definitive) << c.fault;
    EXPECT_NE(got.failure->message.find(c.expect), std::string::npos)
        << c.fault << ": " << got.failure->message;
    auto post = src.Post("alice", "7300000000000000001", 0);
    ASSERT_FALSE(post.ok()) << c.fault;
    EXPECT_FALSE(post.failure->definitive) << c.fault;
  }
}

TEST_F(ApifySourceTest, RateLimitCarriesRetryAfterAndRecovers) {
  World(R"([{"match": "alice", "fault": "429", "times": 1, "retry_after": "9"}])");
  auto src = Source();
  auto limited = src.Profile("alice", 0);
  ASSERT_FALSE(limited.ok());
  EXPECT_FALSE(limited.failure->definitive);
  EXPECT_EQ(limited.failure->retry_after_seconds, 9);
  auto again = src.Profile("alice", 0);
  ASSERT_TRUE(again.ok()) << again.failure->message;
  EXPECT_EQ(again.value->follower_count, 1200);
}

TEST_F(ApifySourceTest, ItemsOfAnUnknownShapeAreTransient) {
  World(R"([{"match": "alice", "fault": "items"}])");
  auto src = Source();
  auto profile = src.Profile("alice", 0);
  ASSERT_FALSE(profile.ok());
  EXPECT_FALSE(profile.failure->definitive);
  EXPECT_NE(profile.failure->message.find("unexpected item shape"), std::string::npos);
  auto posts = src.RecentPosts("alice", {}, std::nullopt, 0);
  ASSERT_FALSE(posts.ok());
  EXPECT_FALSE(posts.failure->definitive);
}

TEST_F(ApifySourceTest, EmptyDatasetForAProfileIsNotFound) {
  World(R"([{"match": "alice", "fault": "empty"}])");
  auto src = Source();
  auto got = src.Profile("alice", 0);
  ASSERT_FALSE(got.ok());
  EXPECT_TRUE(got.failure->definitive);
}

}  // namespace
}  // namespace goatherd::scrape
