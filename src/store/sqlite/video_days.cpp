#include "store/sqlite/video_days.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstdint>

#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/video_rows.h"

namespace goatherd::sqlite {

void WriteVideoDays(Db& db, std::int64_t video_seq, const metrics::DayLevels& levels,
                    std::optional<DayNumber> from_day) {
  if (from_day) {
    db.Prepare("DELETE FROM video_days WHERE video_seq = ? AND day >= ?")
        .Bind(1, video_seq)
        .Bind(2, *from_day)
        .Exec();
  } else {
    db.Prepare("DELETE FROM video_days WHERE video_seq = ?").Bind(1, video_seq).Exec();
  }
  for (const metrics::DayLevel& d : levels.days) {
    if (from_day && d.day < *from_day) continue;
    auto s = db.Prepare(
        "INSERT INTO video_days (video_seq, day, view_count, like_count, comment_count, "
        "share_count, save_count, views_gained, likes_gained, comments_gained, shares_gained, "
        "saves_gained, baseline_count, holds_video_added, baseline_views, baseline_likes, "
        "baseline_comments, baseline_shares, baseline_saves, baselines) VALUES (?1, ?2, ?3, ?4, "
        "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)");
    s.Bind(1, video_seq).Bind(2, d.day);
    for (int m = 0; m < kVideoMetricCount; ++m) {
      s.Bind(3 + m, d.level[m]);
      s.Bind(8 + m, d.gain[m]);
    }
    s.Bind(13, d.baseline_count).Bind(14, d.holds_video_added);
    if (d.holds_baseline()) {
      for (int m = 0; m < kVideoMetricCount; ++m) s.Bind(15 + m, d.last_baseline[m]);
      s.Bind(20, EncodeDayBaselines(levels, d.day));
    }
    s.Exec();
  }
  db.Prepare("INSERT OR REPLACE INTO video_day_series (video_seq, days) VALUES (?, ?)")
      .Bind(1, video_seq)
      .BindBlob(2, EncodeDaySeries(levels))
      .Exec();
}

namespace {

// The columns of a day row in the order ReadDayRow expects.
#define GOATHERD_VIDEO_DAY_COLUMNS                                                          \
  "day, view_count, like_count, comment_count, share_count, save_count, views_gained, "     \
  "likes_gained, comments_gained, shares_gained, saves_gained, baseline_count, "            \
  "holds_video_added, baseline_views, baseline_likes, baseline_comments, baseline_shares, " \
  "baseline_saves, baselines "

void ReadDayRow(const Stmt& s, metrics::DayLevels* out) {
  metrics::DayLevel& d = out->days.emplace_back();
  d.day = static_cast<DayNumber>(s.Int(0));
  for (int m = 0; m < kVideoMetricCount; ++m) {
    d.level[m] = s.Int(1 + m);
    d.gain[m] = s.Int(6 + m);
  }
  d.baseline_count = static_cast<int>(s.Int(11));
  d.holds_video_added = s.Int(12) != 0;
  if (d.baseline_count > 0) {
    for (int m = 0; m < kVideoMetricCount; ++m) d.last_baseline[m] = s.Int(13 + m);
    if (!DecodeDayBaselines(s.View(18), d.day, &out->baselines)) {
      throw SqliteError(SQLITE_CORRUPT, "malformed video_days.baselines");
    }
  }
}

}  // namespace

void ReadVideoDays(Db& db, std::int64_t video_seq, DayNumber from, DayNumber to,
                   const date::time_zone* zone, metrics::DayLevels* out) {
  out->zone = zone;
  out->days.clear();
  out->baselines.clear();
  auto s = db.Prepare("SELECT " GOATHERD_VIDEO_DAY_COLUMNS
                      "FROM video_days WHERE video_seq = ? AND day BETWEEN ? AND ? ORDER BY day");
  s.Bind(1, video_seq).Bind(2, from).Bind(3, to);
  while (s.Step()) ReadDayRow(s, out);
}

std::optional<DayNumber> FirstVideoDay(Db& db, std::int64_t video_seq) {
  auto s = db.Prepare("SELECT day FROM video_days WHERE video_seq = ? ORDER BY day LIMIT 1");
  s.Bind(1, video_seq);
  if (!s.Step()) return std::nullopt;
  return static_cast<DayNumber>(s.Int(0));
}

std::string EncodeDayBaselines(const metrics::DayLevels& levels, DayNumber day) {
  std::string out;
  for (const metrics::Baseline& b : levels.baselines) {
    if (b.day != day) continue;
    if (!out.empty()) out += ',';
    out += std::to_string(b.snapshot_at);
    out += ':';
    out += std::to_string(static_cast<int>(b.reason));
  }
  return out;
}

namespace {

void PutVarint(std::int64_t value, std::string* out) {
  // Zigzag: small magnitudes of either sign take few bytes.
  auto v = (static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63);
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool GetVarint(const char*& p, const char* end, std::int64_t* value) {
  // Most values (gains, small counts) are one byte.
  if (p != end && static_cast<unsigned char>(*p) < 0x80) {
    auto v = static_cast<std::uint64_t>(static_cast<unsigned char>(*p++));
    *value = static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
    return true;
  }
  std::uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (p == end) return false;
    auto byte = static_cast<unsigned char>(*p++);
    v |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
    if (byte < 0x80) {
      *value = static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
      return true;
    }
  }
  return false;
}

}  // namespace

std::string EncodeDaySeries(const metrics::DayLevels& levels) {
  std::string out;
  out.reserve(levels.days.size() * 24);
  DayNumber previous = 0;
  for (std::size_t i = 0; i < levels.days.size(); ++i) {
    const metrics::DayLevel& d = levels.days[i];
    PutVarint(i == 0 ? d.day : d.day - previous, &out);
    previous = d.day;
    for (std::int64_t v : d.level) PutVarint(v, &out);
    for (std::int64_t v : d.gain) PutVarint(v, &out);
    PutVarint(d.baseline_count, &out);
    if (d.baseline_count > 0) {
      std::string baselines = EncodeDayBaselines(levels, d.day);
      PutVarint(static_cast<std::int64_t>(baselines.size()), &out);
      out += baselines;
    }
  }
  return out;
}

bool DecodeDaySeries(std::string_view packed, DayNumber from, DayNumber to,
                     const date::time_zone* zone, metrics::DayLevels* out,
                     std::optional<DayNumber>* first_day) {
  out->zone = zone;
  out->days.clear();
  out->baselines.clear();
  *first_day = std::nullopt;
  const char* p = packed.data();
  const char* end = p + packed.size();
  // A range's worth, bounded: the whole history is asked for as a range of centuries.
  if (to >= from) {
    out->days.reserve(
        static_cast<std::size_t>(std::min<std::int64_t>(std::int64_t{to} - from + 1, 1024)));
  }
  std::int64_t day = 0;
  while (p < end) {
    std::int64_t step = 0, baseline_count = 0;
    if (!GetVarint(p, end, &step) || step < INT32_MIN || step > INT32_MAX) return false;
    day = first_day->has_value() ? day + step : step;
    if (day < INT32_MIN || day > INT32_MAX) return false;
    if (!first_day->has_value()) *first_day = static_cast<DayNumber>(day);
    metrics::DayLevel d;
    d.day = static_cast<DayNumber>(day);
    for (auto& v : d.level) {
      if (!GetVarint(p, end, &v)) return false;
    }
    for (auto& v : d.gain) {
      if (!GetVarint(p, end, &v)) return false;
    }
    if (!GetVarint(p, end, &baseline_count) || baseline_count < 0 || baseline_count > INT32_MAX) {
      return false;
    }
    d.baseline_count = static_cast<int>(baseline_count);
    std::string_view baselines;
    if (d.baseline_count > 0) {
      std::int64_t length = 0;
      if (!GetVarint(p, end, &length) || length < 0 || length > end - p) return false;
      baselines = std::string_view(p, static_cast<std::size_t>(length));
      p += length;
    }
    if (d.day < from) continue;
    if (d.day > to) break;
    if (d.baseline_count > 0 && !DecodeDayBaselines(baselines, d.day, &out->baselines)) {
      return false;
    }
    out->days.push_back(d);
  }
  return true;
}

bool DecodeDayBaselines(std::string_view text, DayNumber day, std::vector<metrics::Baseline>* out) {
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    Timestamp at = 0;
    int reason = 0;
    auto r = std::from_chars(p, end, at);
    if (r.ec != std::errc() || r.ptr == end || *r.ptr != ':') return false;
    r = std::from_chars(r.ptr + 1, end, reason);
    if (r.ec != std::errc() || reason < 1 || reason > 2) return false;
    out->push_back({at, static_cast<SnapshotReason>(reason), day});
    p = r.ptr;
    if (p < end) {
      if (*p != ',' || p + 1 == end) return false;
      ++p;
    }
  }
  return true;
}

namespace {

struct OrgDaysState {
  std::int64_t generation = 0;
  std::string timezone;
  bool rebuilding = false;
};

std::optional<OrgDaysState> ReadOrgDaysState(Db& db, const std::string& org_id) {
  auto s = db.Prepare(
      "SELECT stats_generation, timezone, cohort_rebuild FROM organizations WHERE id = ?");
  s.Bind(1, org_id);
  if (!s.Step()) return std::nullopt;
  return OrgDaysState{s.Int(0), s.Text(1), s.Int(2) != 0};
}

const date::time_zone* ZoneOrUtc(const std::string& name) {
  const date::time_zone* zone = FindTimeZone(name);
  return zone ? zone : FindTimeZone("UTC");
}

// The days [from, to] of levels computed from every snapshot, as ReadVideoDays would give them.
void KeepDays(DayNumber from, DayNumber to, metrics::DayLevels* levels) {
  std::erase_if(levels->days,
                [&](const metrics::DayLevel& d) { return d.day < from || d.day > to; });
  std::erase_if(levels->baselines,
                [&](const metrics::Baseline& b) { return b.day < from || b.day > to; });
}

}  // namespace

Result<VideoStatsSource> SqliteStore::ReadVideoStats(
    const std::string& org_id, const std::string& video_id, const std::optional<DaysRequest>& days,
    const std::function<bool(std::int64_t generation)>& answered) {
  return Guarded("read video stats", [&]() -> Result<VideoStatsSource> {
    auto db = pool_.AcquireRead();
    ReadTxn txn(*db);
    VideoStatsSource out;
    auto org = ReadOrgDaysState(*db, org_id);
    if (!org) return Error::NotFound("Video not found");
    out.generation = org->generation;
    if (answered && answered(out.generation)) {
      out.answered = true;
      return out;
    }
    std::int64_t seq = 0;
    bool dirty = false;
    {
      auto v = db->Prepare(
          "SELECT v.seq, v.creator_id, v.posted_at, v.cohort_dirty FROM videos v "
          "JOIN projects p ON p.id = v.project_id AND p.deleted_at IS NULL "
          "WHERE v.id = ?1 AND v.org_id = ?2");
      v.Bind(1, video_id).Bind(2, org_id);
      if (!v.Step()) return Error::NotFound("Video not found");
      seq = v.Int(0);
      out.video_id = video_id;
      out.creator_id = v.OptText(1);
      out.posted_at = v.OptInt(2);
      dirty = v.Int(3) != 0;
    }
    if (days && days->timezone == org->timezone && !org->rebuilding && !dirty) {
      // The packed days; growth_rate_pop reads the day before the range too. Without a packed
      // row (written with the day rows; the deferred sync writes those of older databases),
      // the day rows.
      auto packed = db->Prepare("SELECT days FROM video_day_series WHERE video_seq = ?");
      packed.Bind(1, seq);
      const date::time_zone* zone = ZoneOrUtc(org->timezone);
      if (packed.Step()) {
        if (!DecodeDaySeries(packed.View(0), days->from - 1, days->to, zone, &out.levels,
                             &out.first_day)) {
          throw SqliteError(SQLITE_CORRUPT, "malformed video_day_series.days");
        }
      } else {
        ReadVideoDays(*db, seq, days->from - 1, days->to, zone, &out.levels);
        out.first_day = FirstVideoDay(*db, seq);
      }
      out.from_days = true;
      return out;
    }
    out.snapshots = ReadSnapshots(*db, seq);
    return out;
  });
}

Result<std::vector<VideoDayLevels>> SqliteStore::VideoDays(const std::string& org_id,
                                                           const std::vector<std::string>& ids,
                                                           DayNumber from, DayNumber to) {
  return Guarded("video days", [&]() -> Result<std::vector<VideoDayLevels>> {
    auto db = pool_.AcquireRead();
    ReadTxn txn(*db);
    std::vector<VideoDayLevels> out;
    auto org = ReadOrgDaysState(*db, org_id);
    if (!org) return out;
    const date::time_zone* zone = ZoneOrUtc(org->timezone);
    out.reserve(ids.size());
    for (const std::string& id : ids) {
      std::int64_t seq = 0;
      bool dirty = false;
      {
        auto v = db->Prepare("SELECT seq, cohort_dirty FROM videos WHERE id = ?1 AND org_id = ?2");
        v.Bind(1, id).Bind(2, org_id);
        if (!v.Step()) continue;
        seq = v.Int(0);
        dirty = v.Int(1) != 0;
      }
      VideoDayLevels& video = out.emplace_back();
      video.video_id = id;
      if (org->rebuilding || dirty) {
        // An import has not completed this video's rows yet: the snapshots are the truth.
        metrics::ComputeDayLevels(ReadSnapshots(*db, seq), zone, &video.levels);
        if (!video.levels.days.empty()) video.first_day = video.levels.days.front().day;
        KeepDays(from, to, &video.levels);
        continue;
      }
      ReadVideoDays(*db, seq, from, to, zone, &video.levels);
      video.first_day = FirstVideoDay(*db, seq);
    }
    return out;
  });
}

}  // namespace goatherd::sqlite
