-- The organization-wide cohort average by day number (the `org_avg` of GET
-- /videos/{id}/stats?cohort=1), computed from all snapshots in one query, as a typical
-- Node/Postgres stack would: every counted video's velocity (views gained per local day since
-- the local day of posting, with goatherd's baseline and high-water rules), then GROUP BY day
-- number. avg_e2 is the average scaled by 100 and rounded half up.
WITH s AS (
  SELECT sn.video_seq, sn.snapshot_at, sn.view_count AS v,
         sn.snapshot_at = min(sn.snapshot_at) OVER (PARTITION BY sn.video_seq) AS is_first,
         sn.reason,
         (to_timestamp(sn.snapshot_at) AT TIME ZONE 'America/New_York')::date AS day,
         (to_timestamp(vd.posted_at) AT TIME ZONE 'America/New_York')::date AS posted_day
  FROM video_snapshots sn JOIN videos vd ON vd.seq = sn.video_seq
  WHERE vd.tracking_status IN ('auto_tracked', 'included', 'direct_add')
    AND vd.posted_at IS NOT NULL
), d AS (
  SELECT video_seq, day, day - posted_day AS day_number,
         (array_agg(v ORDER BY snapshot_at DESC))[1] AS v,
         (array_agg(v ORDER BY snapshot_at DESC) FILTER (WHERE is_first OR reason <> 0))[1] AS bv,
         count(*) FILTER (WHERE is_first OR reason <> 0) AS nbase,
         bool_or(is_first) AS has_first
  FROM s GROUP BY video_seq, day, posted_day
), h AS (
  SELECT d.*, count(bv) OVER (PARTITION BY video_seq ORDER BY day) AS seg,
         -- a day 0 holding only the video_added baseline counts from zero (its level is its gain)
         day_number = 0 AND has_first AND nbase = 1 AS starts_at_zero
  FROM d
), p AS (
  SELECT day_number, v, bv, starts_at_zero,
         max(CASE WHEN bv IS NULL OR starts_at_zero THEN v ELSE greatest(v, bv) END)
           OVER (PARTITION BY video_seq, seg ORDER BY day
                 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS hv
  FROM h
), pts AS (
  SELECT day_number, CASE WHEN bv IS NULL THEN greatest(0, v - hv) ELSE v END AS gained
  FROM p WHERE day_number >= 0 AND (bv IS NULL OR starts_at_zero)
)
SELECT day_number, (sum(gained)::bigint * 200 + count(*)) / (2 * count(*)) AS avg_e2,
       count(*) AS sample_size
FROM pts GROUP BY day_number ORDER BY day_number;
