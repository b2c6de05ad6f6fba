// The kept day levels (video_days.h): after every way snapshots arrive or change (ingest, import,
// an import killed before Finish, a timezone change, a deletion), the rows equal what
// metrics::ComputeDayLevels computes from the snapshots, and hand-worked cases give the gains of
// spec/videos.md (high-water mark, downward corrections, tracking_resumed baselines).
#include "store/sqlite/video_days.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/test_temp_dir.h"
#include "store/sqlite/sqlite_store.h"

namespace goatherd::sqlite {
namespace {

using goatherd::testing::TempDir;

constexpr const char* kOrg = "0190a000-0000-7000-8000-0000000000d1";
constexpr const char* kProject = "0190b000-0000-7000-8000-0000000000d1";
constexpr const char* kVideoA = "0190e000-0000-7000-8000-0000000000d1";
constexpr const char* kVideoB = "0190e000-0000-7000-8000-0000000000d2";
constexpr const char* kUnknown = "0190e000-0000-7000-8000-0000000000ff";

// 2026-01-01T00:00:00Z and its day number.
constexpr Timestamp kJan1 = 1767225600;
constexpr DayNumber kJan1Day = 20454;
constexpr Timestamp kHour = 3600;
constexpr Timestamp kDay = 86400;

VideoCounts Counts(std::int64_t views, std::int64_t likes) { return {views, likes, 1, 0, 0}; }

VideoSnapshot Snap(Timestamp at, std::int64_t views, std::int64_t likes,
                   SnapshotReason reason = SnapshotReason::kNone) {
  VideoSnapshot s;
  s.snapshot_at = at;
  s.counts = Counts(views, likes);
  s.reason = reason;
  return s;
}

class VideoDaysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<SqliteStore>(dir_.File("days.db"), 2);
    ASSERT_TRUE(store_->Migrate().ok());
  }

  // The organization (in `timezone`), a project and two videos, with the snapshots given,
  // imported in one batch; Finish only when `finish`.
  void Import(const std::string& timezone, const std::vector<VideoSnapshot>& a,
              const std::vector<VideoSnapshot>& b, bool finish = true) {
    auto session = store_->BeginImport(kJan1);
    ASSERT_TRUE(session->BeginBatch().ok());
    Organization o;
    o.id = kOrg;
    o.name = "Acme";
    o.timezone = timezone;
    o.plan = "ultra";
    o.created_at = 1;
    ASSERT_TRUE(session->PutOrganization(o, true).ok());
    Project p;
    p.id = kProject;
    p.org_id = kOrg;
    p.name = "P";
    p.created_at = 2;
    ASSERT_TRUE(session->PutProject(p, true).ok());
    for (const char* id : {kVideoA, kVideoB}) {
      Video v;
      v.id = id;
      v.project_id = kProject;
      v.tiktok_video_id =
          id == std::string(kVideoA) ? "7300000000000000001" : "7300000000000000002";
      v.tracking_status = "direct_add";
      v.posted_at = kJan1;
      v.created_at = 3;
      ASSERT_TRUE(session->PutVideo(v, true).ok());
    }
    for (const auto& s : a) ASSERT_TRUE(session->PutVideoSnapshot(kVideoA, s).ok());
    for (const auto& s : b) ASSERT_TRUE(session->PutVideoSnapshot(kVideoB, s).ok());
    ASSERT_TRUE(session->CommitBatch().ok());
    if (finish) {
      ASSERT_TRUE(session->Finish().ok());
    }
  }

  // The rows as stored, read back through the store's own reader over all days.
  metrics::DayLevels StoredRows(const std::string& video_id, const date::time_zone* zone) {
    auto db = store_->pool().Acquire();
    auto s = db->Prepare("SELECT seq FROM videos WHERE id = ?");
    s.Bind(1, video_id);
    EXPECT_TRUE(s.Step());
    metrics::DayLevels levels;
    ReadVideoDays(*db, s.Int(0), -100000, 100000, zone, &levels);
    return levels;
  }

  // The independent method: ComputeDayLevels over the video's snapshots.
  metrics::DayLevels FromSnapshots(const std::string& video_id, const date::time_zone* zone) {
    auto v = store_->GetVideoWithSnapshots(kOrg, video_id);
    EXPECT_TRUE(v.ok());
    return metrics::ComputeDayLevels(v->snapshots, zone);
  }

  void ExpectRowsMatchSnapshots(const std::string& video_id, const std::string& timezone) {
    const date::time_zone* zone = FindTimeZone(timezone);
    const metrics::DayLevels want = FromSnapshots(video_id, zone);
    ExpectSame(StoredRows(video_id, zone), want);
    // And the packed series holds the same days.
    SCOPED_TRACE("packed series");
    metrics::DayLevels packed;
    std::optional<DayNumber> first_day;
    ASSERT_TRUE(
        DecodeDaySeries(StoredSeries(video_id), -100000, 100000, zone, &packed, &first_day));
    ExpectSame(packed, want, /*with_baseline_counts=*/false);
    EXPECT_EQ(first_day, want.days.empty() ? std::nullopt : std::optional(want.days[0].day));
  }

  std::string StoredSeries(const std::string& video_id) {
    auto db = store_->pool().Acquire();
    auto s = db->Prepare(
        "SELECT d.days FROM video_day_series d JOIN videos v ON v.seq = d.video_seq "
        "WHERE v.id = ?");
    s.Bind(1, video_id);
    EXPECT_TRUE(s.Step()) << "no packed series for " << video_id;
    return s.Text(0);
  }

  static void ExpectSame(const metrics::DayLevels& got, const metrics::DayLevels& want,
                         bool with_baseline_counts = true) {
    ASSERT_EQ(got.days.size(), want.days.size());
    for (std::size_t i = 0; i < want.days.size(); ++i) {
      const auto& g = got.days[i];
      const auto& w = want.days[i];
      SCOPED_TRACE("day " + FormatDate(w.day));
      EXPECT_EQ(g.day, w.day);
      EXPECT_EQ(g.gain, w.gain);
      EXPECT_EQ(g.baseline_count, w.baseline_count);
      EXPECT_EQ(g.level, w.level);
      if (!with_baseline_counts) continue;
      EXPECT_EQ(g.holds_video_added, w.holds_video_added);
      if (w.holds_baseline()) {
        EXPECT_EQ(g.last_baseline, w.last_baseline);
      }
    }
    ASSERT_EQ(got.baselines.size(), want.baselines.size());
    for (std::size_t i = 0; i < want.baselines.size(); ++i) {
      EXPECT_EQ(got.baselines[i].snapshot_at, want.baselines[i].snapshot_at);
      EXPECT_EQ(got.baselines[i].reason, want.baselines[i].reason);
      EXPECT_EQ(got.baselines[i].day, want.baselines[i].day);
    }
  }

  std::int64_t RowCount() {
    auto db = store_->pool().Acquire();
    auto s = db->Prepare("SELECT count(*) FROM video_days");
    s.Step();
    return s.Int(0);
  }

  TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

// spec/videos.md's example (UTC, noon): views 1000 (baseline), 5000, 4000, 6000 gain 0, 4000, 0,
// 1000; then tracking resumes at 5500 (a baseline: gain 0, and the high-water mark starts again
// from 5500), and 5800 the next day gains 300.
std::vector<VideoSnapshot> SpecExample() {
  const Timestamp noon = kJan1 + 12 * kHour;
  return {Snap(noon, 1000, 10),
          Snap(noon + kDay, 5000, 50),
          Snap(noon + 2 * kDay, 4000, 40),
          Snap(noon + 3 * kDay, 6000, 70),
          Snap(noon + 5 * kDay, 5500, 60, SnapshotReason::kTrackingResumed),
          Snap(noon + 6 * kDay, 5800, 61)};
}

TEST_F(VideoDaysTest, ImportedRowsHoldTheHandWorkedGains) {
  Import("UTC", SpecExample(), {});
  auto days = store_->VideoDays(kOrg, {kVideoA}, kJan1Day, kJan1Day + 30);
  ASSERT_TRUE(days.ok());
  ASSERT_EQ(days->size(), 1u);
  const metrics::DayLevels& l = (*days)[0].levels;
  ASSERT_EQ(l.days.size(), 6u);
  const std::int64_t views[] = {0, 4000, 0, 1000, 0, 300};
  const std::int64_t likes[] = {0, 40, 0, 20, 0, 1};
  const DayNumber day[] = {0, 1, 2, 3, 5, 6};
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(l.days[i].day, kJan1Day + day[i]);
    EXPECT_EQ(l.days[i].gain[kViews], views[i]) << i;
    EXPECT_EQ(l.days[i].gain[kLikes], likes[i]) << i;
  }
  EXPECT_TRUE(l.days[0].holds_video_added);
  EXPECT_EQ(l.days[0].baseline_count, 1);
  EXPECT_EQ(l.days[4].baseline_count, 1);
  EXPECT_FALSE(l.days[4].holds_video_added);
  EXPECT_EQ(l.days[4].last_baseline[kViews], 5500);
  ASSERT_EQ(l.baselines.size(), 2u);
  EXPECT_EQ(l.baselines[0].reason, SnapshotReason::kVideoAdded);
  EXPECT_EQ(l.baselines[1].reason, SnapshotReason::kTrackingResumed);
  EXPECT_EQ(l.baselines[1].snapshot_at, kJan1 + 12 * kHour + 5 * kDay);
  EXPECT_EQ((*days)[0].first_day, kJan1Day);
  ExpectRowsMatchSnapshots(kVideoA, "UTC");
}

TEST_F(VideoDaysTest, ARangeKeepsGainsMeasuredOverTheWholeHistory) {
  Import("UTC", SpecExample(), {});
  // Days 3..5 only: day 3 still gains 1000 against the high-water mark 5000 of day 1.
  auto days = store_->VideoDays(kOrg, {kUnknown, kVideoA}, kJan1Day + 3, kJan1Day + 5);
  ASSERT_TRUE(days.ok());
  ASSERT_EQ(days->size(), 1u);  // the unknown id is left out
  const metrics::DayLevels& l = (*days)[0].levels;
  ASSERT_EQ(l.days.size(), 2u);
  EXPECT_EQ(l.days[0].gain[kViews], 1000);
  EXPECT_EQ(l.days[1].gain[kViews], 0);
  ASSERT_EQ(l.baselines.size(), 1u);
  EXPECT_EQ(l.baselines[0].reason, SnapshotReason::kTrackingResumed);
  EXPECT_EQ((*days)[0].first_day, kJan1Day);
}

TEST_F(VideoDaysTest, AnotherOrganizationSeesNothing) {
  Import("UTC", SpecExample(), {});
  auto days = store_->VideoDays("0190a000-0000-7000-8000-0000000000ff", {kVideoA}, 0, 100000);
  ASSERT_TRUE(days.ok());
  EXPECT_TRUE(days->empty());
}

TEST_F(VideoDaysTest, IngestKeepsRowsEqualToTheSnapshots) {
  Import("America/New_York", {Snap(kJan1 + 15 * kHour, 100, 1)}, {});
  // Several a day, a downward correction (day 2), one back in time (arrives late, day 1), and
  // snapshots either side of New York's midnight (05:00 UTC).
  const Timestamp t = kJan1 + 15 * kHour;
  struct Step {
    Timestamp at;
    std::int64_t views, likes;
  } steps[] = {{t + 6 * kHour, 300, 3},
               {t + 13 * kHour, 900, 8},
               {t + 14 * kHour + 1800, 950, 9},
               {t + kDay + 10 * kHour, 800, 7},
               {t + kDay + 2 * kHour, 990, 12},
               {t + 2 * kDay, 1500, 20},
               {t + 3 * kDay + 13 * kHour, 1400, 25}};
  for (const auto& s : steps) {
    ASSERT_TRUE(store_->IngestVideoSnapshot(kVideoA, Counts(s.views, s.likes), s.at).ok());
    ExpectRowsMatchSnapshots(kVideoA, "America/New_York");
  }
  // Hand-worked in New York (UTC-5): Jan 1 holds 100 (baseline), 300 and 900 (04:00Z Jan 2):
  // level 900, gain 800. Jan 2 holds 950 (00:30), 990 (12:00, arrived last) and 800 (20:00): level
  // 800, below the high-water mark 900: gain 0. Jan 3: 1500, gain 600. Jan 4: 1400, gain 0.
  auto days = store_->VideoDays(kOrg, {kVideoA}, kJan1Day, kJan1Day + 3);
  ASSERT_TRUE(days.ok());
  const metrics::DayLevels& l = (*days)[0].levels;
  ASSERT_EQ(l.days.size(), 4u);
  const std::int64_t levels[] = {900, 800, 1500, 1400};
  const std::int64_t gains[] = {800, 0, 600, 0};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(l.days[i].day, kJan1Day + i);
    EXPECT_EQ(l.days[i].level[kViews], levels[i]) << i;
    EXPECT_EQ(l.days[i].gain[kViews], gains[i]) << i;
  }
}

TEST_F(VideoDaysTest, KilledImportIsServedFromSnapshotsThenCompletedBySync) {
  Import("UTC", SpecExample(), {Snap(kJan1 + kHour, 7, 0)}, /*finish=*/false);
  // Until the deferred work runs, the rows are not there, and the reader uses the snapshots.
  auto days = store_->VideoDays(kOrg, {kVideoA, kVideoB}, kJan1Day, kJan1Day + 30);
  ASSERT_TRUE(days.ok());
  ASSERT_EQ(days->size(), 2u);
  EXPECT_EQ((*days)[0].levels.days.size(), 6u);
  EXPECT_EQ((*days)[0].levels.days[3].gain[kViews], 1000);
  EXPECT_EQ((*days)[1].levels.days.size(), 1u);
  // The videos' current counts are deferred with the rest: written by the sync.
  EXPECT_EQ(store_->GetVideo(kOrg, kVideoB)->video.counts[kViews], 0);
  auto synced = store_->SyncDeferredWork();
  ASSERT_TRUE(synced.ok());
  EXPECT_EQ(*synced, 2);
  EXPECT_EQ(store_->GetVideo(kOrg, kVideoB)->video.counts[kViews], 7);
  EXPECT_EQ(store_->GetVideo(kOrg, kVideoB)->video.last_scraped_at, kJan1 + kHour);
  EXPECT_EQ(RowCount(), 7);
  ExpectRowsMatchSnapshots(kVideoA, "UTC");
  ExpectRowsMatchSnapshots(kVideoB, "UTC");
}

TEST_F(VideoDaysTest, AReimportWithADownwardCorrectionRewritesTheDays) {
  Import("UTC", SpecExample(), {});
  // The same file again with day 1 corrected down to 3000: day 3 now gains 1000 over 4000.
  auto example = SpecExample();
  example[1].counts = Counts(3000, 30);
  Import("UTC", example, {});
  auto days = store_->VideoDays(kOrg, {kVideoA}, kJan1Day, kJan1Day + 3);
  ASSERT_TRUE(days.ok());
  const metrics::DayLevels& l = (*days)[0].levels;
  ASSERT_EQ(l.days.size(), 4u);
  EXPECT_EQ(l.days[1].gain[kViews], 2000);
  EXPECT_EQ(l.days[2].gain[kViews], 1000);
  EXPECT_EQ(l.days[3].gain[kViews], 2000);
  ExpectRowsMatchSnapshots(kVideoA, "UTC");
}

TEST_F(VideoDaysTest, TimezoneChangeRebuildsTheRows) {
  // 03:00Z each day: the same UTC day, but the previous day in New York.
  std::vector<VideoSnapshot> snaps = {Snap(kJan1 + 3 * kHour, 100, 1),
                                      Snap(kJan1 + 20 * kHour, 400, 5),
                                      Snap(kJan1 + kDay + 3 * kHour, 700, 9)};
  Import("UTC", snaps, {});
  ASSERT_EQ(StoredRows(kVideoA, FindTimeZone("UTC")).days.size(), 2u);
  OrganizationPatch patch;
  patch.timezone = "America/New_York";
  ASSERT_TRUE(store_->UpdateOrganization(kOrg, patch, kJan1 + 10 * kDay).ok());
  // New York: Dec 31 holds 100 (baseline), Jan 1 holds 400 and 700: level 700, gain 600.
  auto days = store_->VideoDays(kOrg, {kVideoA}, kJan1Day - 1, kJan1Day);
  ASSERT_TRUE(days.ok());
  const metrics::DayLevels& l = (*days)[0].levels;
  ASSERT_EQ(l.days.size(), 2u);
  EXPECT_EQ(l.days[0].day, kJan1Day - 1);
  EXPECT_EQ(l.days[1].level[kViews], 700);
  EXPECT_EQ(l.days[1].gain[kViews], 600);
  ExpectRowsMatchSnapshots(kVideoA, "America/New_York");
}

TEST_F(VideoDaysTest, DeletingAVideoDeletesItsRows) {
  Import("UTC", SpecExample(), {Snap(kJan1 + kHour, 7, 0)});
  EXPECT_EQ(RowCount(), 7);
  ASSERT_TRUE(store_->DeleteVideo(kOrg, kVideoA).ok());
  EXPECT_EQ(RowCount(), 1);
  auto days = store_->VideoDays(kOrg, {kVideoA, kVideoB}, 0, 100000);
  ASSERT_TRUE(days.ok());
  ASSERT_EQ(days->size(), 1u);
  EXPECT_EQ((*days)[0].video_id, kVideoB);
}

TEST_F(VideoDaysTest, StatsReadUsesRowsOnlyInTheOrganizationsZone) {
  Import("UTC", SpecExample(), {});
  auto rows = store_->ReadVideoStats(kOrg, kVideoA, DaysRequest{"UTC", kJan1Day + 2, kJan1Day + 3},
                                     nullptr);
  ASSERT_TRUE(rows.ok());
  EXPECT_TRUE(rows->from_days);
  ASSERT_EQ(rows->levels.days.size(), 3u);  // the day before the range too
  EXPECT_EQ(rows->levels.days[0].day, kJan1Day + 1);
  EXPECT_EQ(rows->first_day, kJan1Day);
  auto other = store_->ReadVideoStats(kOrg, kVideoA,
                                      DaysRequest{"Europe/Paris", kJan1Day, kJan1Day + 3}, nullptr);
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->from_days);
  EXPECT_EQ(other->snapshots.size(), 6u);
  // A cache hit reads nothing more; an unknown video is a 404.
  bool asked = false;
  auto hit = store_->ReadVideoStats(kOrg, kVideoA, std::nullopt, [&](std::int64_t) {
    asked = true;
    return true;
  });
  ASSERT_TRUE(hit.ok());
  EXPECT_TRUE(asked);
  EXPECT_TRUE(hit->answered);
  EXPECT_TRUE(hit->snapshots.empty());
  auto missing = store_->ReadVideoStats(kOrg, kUnknown, std::nullopt, nullptr);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().status, 404);
}

TEST(DayBaselinesEncoding, RoundTripsAndRefusesGarbage) {
  metrics::DayLevels levels;
  levels.baselines = {{100, SnapshotReason::kVideoAdded, 5},
                      {200, SnapshotReason::kTrackingResumed, 5},
                      {300, SnapshotReason::kTrackingResumed, 6}};
  EXPECT_EQ(EncodeDayBaselines(levels, 5), "100:1,200:2");
  std::vector<metrics::Baseline> out;
  ASSERT_TRUE(DecodeDayBaselines("100:1,200:2", 5, &out));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].snapshot_at, 200);
  EXPECT_EQ(out[1].reason, SnapshotReason::kTrackingResumed);
  EXPECT_EQ(out[1].day, 5);
  for (const char* bad : {"100", "100:3", "x:1", "100:1,", "100:1;200:2"}) {
    std::vector<metrics::Baseline> ignored;
    EXPECT_FALSE(DecodeDayBaselines(bad, 5, &ignored)) << bad;
  }
}

TEST(DaySeriesEncoding, PacksByHandAndDecodesARange) {
  metrics::DayLevels levels;
  levels.days.resize(2);
  levels.days[0].day = 3;
  levels.days[0].level[kViews] = 1000;
  levels.days[0].baseline_count = 1;
  levels.days[1].day = 5;
  levels.days[1].level[kViews] = 1500;
  levels.days[1].gain[kViews] = 500;
  levels.baselines = {{10, SnapshotReason::kVideoAdded, 3}};
  // Zigzag varints: day 3 -> 06; 1000 -> 2000 = D0 0F; baseline count 1 -> 02, then "10:1" of
  // length 4 -> 08. The gap 2 -> 04; 1500 -> 3000 = B8 17; gain 500 -> 1000 = E8 07; count 0.
  const std::string day1 =
      std::string("\x06\xD0\x0F", 3) + std::string(9, '\0') + "\x02\x08" + "10:1";
  const std::string day2 =
      std::string("\x04\xB8\x17", 3) + std::string(4, '\0') + "\xE8\x07" + std::string(5, '\0');
  const std::string packed = EncodeDaySeries(levels);
  EXPECT_EQ(packed, day1 + day2);

  metrics::DayLevels out;
  std::optional<DayNumber> first_day;
  ASSERT_TRUE(DecodeDaySeries(packed, 4, 10, nullptr, &out, &first_day));
  EXPECT_EQ(first_day, 3);  // the video's first day, outside the range
  ASSERT_EQ(out.days.size(), 1u);
  EXPECT_EQ(out.days[0].day, 5);
  EXPECT_EQ(out.days[0].level[kViews], 1500);
  EXPECT_EQ(out.days[0].gain[kViews], 500);
  EXPECT_TRUE(out.baselines.empty());
  ASSERT_TRUE(DecodeDaySeries(packed, 0, 3, nullptr, &out, &first_day));
  ASSERT_EQ(out.days.size(), 1u);
  ASSERT_EQ(out.baselines.size(), 1u);
  EXPECT_EQ(out.baselines[0].snapshot_at, 10);
  ASSERT_TRUE(DecodeDaySeries("", 0, 10, nullptr, &out, &first_day));
  EXPECT_FALSE(first_day.has_value());
  // Cut anywhere inside a day, or with a baselines length past the end: refused.
  for (std::size_t n = 1; n < day1.size(); ++n) {
    EXPECT_FALSE(DecodeDaySeries(packed.substr(0, n), 0, 10, nullptr, &out, &first_day)) << n;
  }
  EXPECT_FALSE(DecodeDaySeries(std::string("\x06\xD0\x0F", 3) + std::string(9, '\0') + "\x02\x7E",
                               0, 10, nullptr, &out, &first_day));
}

}  // namespace
}  // namespace goatherd::sqlite
