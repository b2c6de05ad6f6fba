-- The same computation as engagement.pg.sql in SQLite's dialect (no DISTINCT ON, no greatest,
-- no time zones: local days come from 'localtime', so the process runs with
-- TZ=America/New_York). {seq}, {from}, {to} are replaced by the caller.
WITH RECURSIVE s AS (
  SELECT snapshot_at, view_count AS v, like_count AS l, comment_count AS c, share_count AS sh,
         save_count AS sv,
         reason <> 0 OR row_number() OVER (ORDER BY snapshot_at) = 1 AS is_base,
         date(snapshot_at, 'unixepoch', 'localtime') AS day
  FROM video_snapshots WHERE video_seq = {seq}
), lvl AS (
  SELECT day, v, l, c, sh, sv FROM (
    SELECT s.*, row_number() OVER (PARTITION BY day ORDER BY snapshot_at DESC) AS rn FROM s)
  WHERE rn = 1
), base AS (
  SELECT day, v AS bv, l AS bl, c AS bc, sh AS bsh, sv AS bsv FROM (
    SELECT s.*, row_number() OVER (PARTITION BY day ORDER BY snapshot_at DESC) AS rn
    FROM s WHERE is_base)
  WHERE rn = 1
), d AS (
  SELECT lvl.*, bv, bl, bc, bsh, bsv, count(bv) OVER (ORDER BY lvl.day) AS seg
  FROM lvl LEFT JOIN base ON base.day = lvl.day
), h AS (
  SELECT d.*,
         max(max(v, coalesce(bv, v))) OVER w AS hv, max(max(l, coalesce(bl, l))) OVER w AS hl,
         max(max(c, coalesce(bc, c))) OVER w AS hc, max(max(sh, coalesce(bsh, sh))) OVER w AS hsh,
         max(max(sv, coalesce(bsv, sv))) OVER w AS hsv
  FROM d
  WINDOW w AS (PARTITION BY seg ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
), g AS (
  SELECT day, max(0, v - coalesce(bv, hv)) AS gv, max(0, l - coalesce(bl, hl)) AS gl,
         max(0, c - coalesce(bc, hc)) AS gc, max(0, sh - coalesce(bsh, hsh)) AS gsh,
         max(0, sv - coalesce(bsv, hsv)) AS gsv
  FROM h
), days(day) AS (
  SELECT {from} UNION ALL SELECT date(day, '+1 day') FROM days WHERE day < {to}
)
SELECT days.day,
       CASE WHEN gv > 0 THEN ((gl + gc + gsh + gsv) * 2000000 + gv) / (2 * gv) END AS value_e4
FROM days LEFT JOIN g ON g.day = days.day
ORDER BY 1;
