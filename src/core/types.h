// The domain types of goatherd: plain structs, shared by every layer. Timestamps are unix
// seconds (UTC); ids are lowercase UUID text. JSON-valued fields (`metadata`, `settings`) hold
// the serialized JSON text, validated before it gets here. Thread-safety: plain values.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace goatherd {

using Timestamp = std::int64_t;  // unix seconds

struct Organization {
  std::string id;
  std::string name;
  std::string timezone = "UTC";
  std::string plan = "ultra";
  std::string settings = "{}";  // JSON object: scrape intervals, video_tracking_days, ...
  bool banned = false;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

// One (plan, limit key) row; `value` nullopt = unlimited.
struct PlanLimit {
  std::string plan;
  std::string key;
  std::optional<std::int64_t> value;
};

enum Scope : unsigned { kScopeRead = 1, kScopeWrite = 2, kScopeAdmin = 4 };

struct ApiKey {
  std::string id;
  std::string org_id;
  std::string name;
  std::string prefix;  // the first characters of the secret, for display
  std::string hash;    // SHA-256 of the whole secret, raw bytes
  unsigned scopes = kScopeRead | kScopeWrite;
  std::optional<Timestamp> expires_at;
  std::optional<Timestamp> revoked_at;
  std::optional<Timestamp> last_used_at;
  Timestamp created_at = 0;
};

struct Project {
  std::string id;
  std::string org_id;
  std::string name;
  std::optional<std::string> description;  // written as `readme`
  std::string metadata = "{}";
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
  std::optional<Timestamp> deleted_at;
};

struct Creator {
  std::string id;
  std::string org_id;
  std::string project_id;
  std::string tiktok_handle;
  std::optional<std::string> display_name;           // TikTok's name
  std::optional<std::string> display_name_override;  // the team's, wins when set
  std::optional<std::string> avatar_url;
  std::optional<std::string> description;
  std::string metadata = "{}";
  std::string tracking_mode = "auto";  // auto | selective
  std::optional<std::string> tracking_start_date;
  std::int64_t follower_count = 0;
  std::int64_t following_count = 0;
  std::int64_t like_count = 0;
  std::int64_t video_count = 0;
  std::string status = "active";  // active | disabled | removed
  std::optional<std::string> disabled_reason;
  std::optional<Timestamp> last_scraped_at;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

// One entry of a creator's change log (spec/resources.md "Creators"). `details` is JSON object
// text whose members depend on `kind` (added, reactivated, renamed, tracking_mode_changed,
// auto_disabled, re_enabled, removed, follower_milestone, video_cap_reached).
struct CreatorEvent {
  std::string id;
  std::string org_id;
  std::string creator_id;
  std::string kind;
  std::string details = "{}";
  Timestamp created_at = 0;
};

// The five counts of a video, in the fixed order views, likes, comments, shares, saves.
enum VideoMetric { kViews = 0, kLikes, kComments, kShares, kSaves, kVideoMetricCount };
using VideoCounts = std::array<std::int64_t, kVideoMetricCount>;

struct Video {
  std::string id;
  std::string org_id;
  std::string project_id;
  std::optional<std::string> creator_id;
  std::string tiktok_video_id;
  bool is_photo = false;
  std::optional<std::string> author_handle;  // for the URL of direct adds
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::string metadata = "{}";
  std::optional<std::string> cover_url;
  VideoCounts counts{};
  std::string tracking_status = "auto_tracked";
  bool tracking_disabled = false;
  std::optional<std::string> tracking_stopped_reason;
  std::optional<Timestamp> posted_at;
  std::optional<Timestamp> last_scraped_at;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

enum class SnapshotReason { kNone = 0, kVideoAdded = 1, kTrackingResumed = 2 };

struct VideoSnapshot {
  Timestamp snapshot_at = 0;
  VideoCounts counts{};
  SnapshotReason reason = SnapshotReason::kNone;
};

struct CreatorSnapshot {
  std::string creator_id;
  Timestamp snapshot_at = 0;
  std::int64_t follower_count = 0;
  std::int64_t following_count = 0;
  std::int64_t like_count = 0;
  std::int64_t video_count = 0;
};

// What a source saw of a creator's profile.
struct ObservedProfile {
  std::optional<std::string> display_name;
  std::optional<std::string> avatar_url;
  std::int64_t follower_count = 0;
  std::int64_t following_count = 0;
  std::int64_t like_count = 0;
  std::int64_t video_count = 0;
};

// What a source saw of one post.
struct ObservedPost {
  std::string tiktok_video_id;
  std::optional<std::string> caption;
  std::optional<Timestamp> posted_at;
  bool is_photo = false;
  std::optional<std::string> cover_url;
  VideoCounts counts{};
};

// A unit of scrape work (scraping.md "Scheduler").
struct ScrapeJob {
  std::int64_t id = 0;
  std::string org_id;
  std::string kind;       // creator_profiles | discover_videos | video_stats
  std::string target_id;  // creator id or video id
  Timestamp due_at = 0;
  int attempts = 0;             // consecutive failures
  int definitive_failures = 0;  // consecutive definitive failures
  bool manual = false;
};

// A named grouping of creators, videos and other campaigns within one project
// (resources.md "Campaigns").
struct Campaign {
  std::string id;
  std::string org_id;
  std::string project_id;
  std::string name;
  std::optional<std::string> description;  // written as `readme`, read as both names
  std::string metadata = "{}";
  std::optional<std::int64_t> target_views;
  std::optional<Timestamp> target_at;
  std::int64_t item_count = 0;  // direct members, derived on read
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

// One membership of a campaign.
struct CampaignItem {
  std::int64_t seq = 0;  // insertion order, the keyset of item lists
  std::string campaign_id;
  std::string item_type;  // creator | video | campaign
  std::string item_id;
  std::optional<std::string> label;  // creator handle, video title or campaign name
  Timestamp created_at = 0;          // when it was added
};

// A per-creator performance target (spec/analytics.md "Goals"). The target is kept in
// hundredths so that an engagement target such as 4.25 % is exact; counts are whole numbers.
struct Goal {
  std::string id;
  std::string org_id;
  std::string creator_id;
  std::string project_id;
  std::string metric;  // posts | views | engagement | followers
  std::string period;  // daily | weekly | monthly
  std::int64_t target_hundredths = 0;
  std::optional<std::string> start_date;  // YYYY-MM-DD
  std::optional<std::string> end_date;
  bool is_active = true;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

// A dated note on a project's charts (spec/analytics.md "Annotations").
struct Annotation {
  std::string id;
  std::string org_id;
  std::string project_id;
  std::string date;  // YYYY-MM-DD
  std::string label;
  std::optional<std::string> body;
  std::string kind = "note";               // note | launch | payout | incident
  std::optional<std::string> entity_type;  // video | creator | campaign
  std::optional<std::string> entity_id;
  Timestamp created_at = 0;
  Timestamp updated_at = 0;
};

}  // namespace goatherd
