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
// `levels` (all of the video's days, computed in the organization's zone), and its packed series
// (below). A snapshot changed at instant t can only change
// the days from LocalDay(t) on: day levels are one forward pass over the snapshots in time order.
void WriteVideoDays(Db& db, std::int64_t video_seq, const metrics::DayLevels& levels,
                    std::optional<DayNumber> from_day);

// Reads the rows of days [from, to] into *out (zone set to `zone`; days and their baselines only
// within the range).
void ReadVideoDays(Db& db, std::int64_t video_seq, DayNumber from, DayNumber to,
                   const date::time_zone* zone, metrics::DayLevels* out);

// The video's first day with a snapshot, from its rows.
std::optional<DayNumber> FirstVideoDay(Db& db, std::int64_t video_seq);

// The same rows packed into one value per video (table video_day_series, written by
// WriteVideoDays): the days, levels, gains and baselines a derived series reads, for the stats
// endpoint, which reads one video's days per request. One row and one column instead of one row
// per day: SQLite's per-row and per-column work was most of an answer's cost. Each day: the day
// (the first as a number, then the gap to the previous), the five levels, the five gains, the
// baseline count, and when it is not 0 the day's baselines as in video_days.baselines, each
// integer a zigzag varint, the baselines text preceded by its length.
std::string EncodeDaySeries(const metrics::DayLevels& levels);
// Decodes the days [from, to] of a packed series into *out (as ReadVideoDays, without the
// baselines' own counts; zone set to `zone`) and its first day into *first_day; false when
// malformed.
bool DecodeDaySeries(std::string_view packed, DayNumber from, DayNumber to,
                     const date::time_zone* zone, metrics::DayLevels* out,
                     std::optional<DayNumber>* first_day);

// The baselines of one day as stored in video_days.baselines ("<snapshot_at>:<reason>" items
// joined by ','); exposed for tests.
std::string EncodeDayBaselines(const metrics::DayLevels& levels, DayNumber day);
// Appends the decoded baselines of `day` to *out; false when `text` is malformed.
bool DecodeDayBaselines(std::string_view text, DayNumber day, std::vector<metrics::Baseline>* out);

}  // namespace goatherd::sqlite
