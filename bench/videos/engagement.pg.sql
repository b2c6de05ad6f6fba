-- engagement_rate_by_views of one video, one row per local day of [{from}, {to}], as goatherd
-- computes it (spec/videos.md): day level = last snapshot of the local day; a baseline is the
-- video's earliest snapshot or one with a reason; gain = level minus the day's last baseline on
-- a baseline day, else level minus the high-water mark of the earlier days since the latest
-- baseline, floored at 0; value = 4 gains / views gain * 100, as an integer scaled by 10^4 and
-- rounded half up (gains are never negative, so half up is half away from zero).
-- {seq}, {from}, {to} are replaced by the caller (pgbench variables or literals).
WITH s AS (
  SELECT snapshot_at, view_count AS v, like_count AS l, comment_count AS c, share_count AS sh,
         save_count AS sv,
         reason <> 0 OR row_number() OVER (ORDER BY snapshot_at) = 1 AS is_base,
         (to_timestamp(snapshot_at) AT TIME ZONE 'America/New_York')::date AS day
  FROM video_snapshots WHERE video_seq = {seq}
), lvl AS (
  SELECT DISTINCT ON (day) day, v, l, c, sh, sv FROM s ORDER BY day, snapshot_at DESC
), base AS (
  SELECT DISTINCT ON (day) day, v AS bv, l AS bl, c AS bc, sh AS bsh, sv AS bsv
  FROM s WHERE is_base ORDER BY day, snapshot_at DESC
), d AS (
  SELECT lvl.*, bv, bl, bc, bsh, bsv, count(bv) OVER (ORDER BY lvl.day) AS seg
  FROM lvl LEFT JOIN base ON base.day = lvl.day
), h AS (
  SELECT d.*,
         max(greatest(v, bv)) OVER w AS hv, max(greatest(l, bl)) OVER w AS hl,
         max(greatest(c, bc)) OVER w AS hc, max(greatest(sh, bsh)) OVER w AS hsh,
         max(greatest(sv, bsv)) OVER w AS hsv
  FROM d
  WINDOW w AS (PARTITION BY seg ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
), g AS (
  SELECT day, greatest(0, v - coalesce(bv, hv)) AS gv, greatest(0, l - coalesce(bl, hl)) AS gl,
         greatest(0, c - coalesce(bc, hc)) AS gc, greatest(0, sh - coalesce(bsh, hsh)) AS gsh,
         greatest(0, sv - coalesce(bsv, hsv)) AS gsv
  FROM h
)
SELECT days.ts::date AS day,
       CASE WHEN gv > 0 THEN ((gl + gc + gsh + gsv) * 2000000 + gv) / (2 * gv) END AS value_e4
FROM generate_series({from}::date, {to}::date, interval '1 day') AS days(ts)
LEFT JOIN g ON g.day = days.ts::date
ORDER BY 1;
