// Per-video day levels kept in the organization's timezone (table video_days): for each local
// day that holds a snapshot, the day's level, its gains against the high-water mark, and its
// baselines, exactly as metrics::ComputeDayLevels computes them from the snapshots. They are
// written in the same write transaction as whatever changes the snapshots (cohort_sync.h calls
// WriteVideoDays), so that a stats answer or an analytics query in the organization's zone reads
// one row per day instead of every snapshot. A video whose aggregates an import has not yet
// completed (cohort_dirty), or an organization awaiting a rebuild (cohort_rebuild), has stale
// rows: readers check those marks and then compute from the snapshots instead.
// Thread-safety: functions over one connection; see db.h. Writers must hold a write transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/time.h"
#include "metrics/day_levels.h"
#include "store/sqlite/db.h"

namespace goatherd::sqlite {

// Replaces the video's rows from local day `from_day` on (all rows when nullopt) by those of
// `levels` (computed in the organization's zone). A snapshot changed at instant t can only change
// the days from LocalDay(t) on: day levels are one forward pass over the snapshots in time order.
void WriteVideoDays(Db& db, std::int64_t video_seq, const metrics::DayLevels& levels,
                    std::optional<DayNumber> from_day);

// What of a day row a reader needs: decoding columns is most of a read's cost (SQLite decodes
// each asked column of each row), and a derived series needs few of them.
enum class DayColumns {
  kAll,
  kGains,           // day, gains, baseline count and baselines; the rest left 0
  kGainsAndLevels,  // kGains and the levels
};

// Reads the rows of days [from, to] into *out (zone set to `zone`; days and their baselines only
// within the range).
void ReadVideoDays(Db& db, std::int64_t video_seq, DayNumber from, DayNumber to,
                   const date::time_zone* zone, metrics::DayLevels* out,
                   DayColumns columns = DayColumns::kAll);

// The video's first day with a snapshot, from its rows.
std::optional<DayNumber> FirstVideoDay(Db& db, std::int64_t video_seq);

// The baselines of one day as stored in video_days.baselines ("<snapshot_at>:<reason>" items
// joined by ','); exposed for tests.
std::string EncodeDayBaselines(const metrics::DayLevels& levels, DayNumber day);
// Appends the decoded baselines of `day` to *out; false when `text` is malformed.
bool DecodeDayBaselines(std::string_view text, DayNumber day, std::vector<metrics::Baseline>* out);

}  // namespace goatherd::sqlite
