-- The same computation as cohort.pg.sql in SQLite's dialect (local days from 'localtime': the
-- process runs with TZ=America/New_York).
WITH s AS (
  SELECT sn.video_seq, sn.snapshot_at, sn.view_count AS v,
         sn.reason <> 0 OR row_number() OVER (PARTITION BY sn.video_seq ORDER BY sn.snapshot_at) = 1
           AS is_base,
         row_number() OVER (PARTITION BY sn.video_seq ORDER BY sn.snapshot_at) = 1 AS is_first,
         date(sn.snapshot_at, 'unixepoch', 'localtime') AS day,
         date(vd.posted_at, 'unixepoch', 'localtime') AS posted_day
  FROM video_snapshots sn JOIN videos vd ON vd.seq = sn.video_seq
  WHERE vd.tracking_status IN ('auto_tracked', 'included', 'direct_add')
    AND vd.posted_at IS NOT NULL
), r AS (
  SELECT s.*, row_number() OVER (PARTITION BY video_seq, day ORDER BY snapshot_at DESC) AS rn,
         count(*) FILTER (WHERE is_base) OVER (PARTITION BY video_seq, day) AS nbase,
         max(is_first) OVER (PARTITION BY video_seq, day) AS has_first
  FROM s
), lvl AS (
  SELECT video_seq, day, CAST(julianday(day) - julianday(posted_day) AS INTEGER) AS day_number,
         v, nbase, has_first
  FROM r WHERE rn = 1
), base AS (
  SELECT video_seq, day, v AS bv FROM (
    SELECT video_seq, day, v,
           row_number() OVER (PARTITION BY video_seq, day ORDER BY snapshot_at DESC) AS brn
    FROM s WHERE is_base)
  WHERE brn = 1
), h AS (
  SELECT lvl.*, bv, count(bv) OVER (PARTITION BY lvl.video_seq ORDER BY lvl.day) AS seg,
         lvl.day_number = 0 AND has_first AND nbase = 1 AS starts_at_zero
  FROM lvl LEFT JOIN base ON base.video_seq = lvl.video_seq AND base.day = lvl.day
), p AS (
  SELECT day_number, v, bv, starts_at_zero,
         max(CASE WHEN bv IS NULL OR starts_at_zero THEN v ELSE max(v, bv) END)
           OVER (PARTITION BY video_seq, seg ORDER BY day
                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS hv
  FROM h
), pts AS (
  SELECT day_number, CASE WHEN bv IS NULL THEN max(0, v - hv) ELSE v END AS gained
  FROM p WHERE day_number >= 0 AND (bv IS NULL OR starts_at_zero)
)
SELECT day_number, (sum(gained) * 200 + count(*)) / (2 * count(*)) AS avg_e2,
       count(*) AS sample_size
FROM pts GROUP BY day_number ORDER BY day_number;
