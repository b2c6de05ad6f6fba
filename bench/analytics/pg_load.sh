#!/usr/bin/env bash
# Loads, once, the rows of goatherd's SQLite database that the Analytics benchmark's SQL peers
# read into database `analytics` of a running PostgreSQL: videos, creators and video_snapshots,
# with the same keys and indexes as goatherd's schema where the peers use them.
#
# usage: bench/analytics/pg_load.sh SQLITE_DB WORKDIR PSQL-COMMAND...
set -euo pipefail
db=$1
work=$2
shift 2
pg=("$@")
# Rows once; the indexes below on every run, so that an earlier load gets them too.
if [[ ! -e $work/pg-analytics.done ]]; then
  echo "PostgreSQL: loading videos, creators and snapshots into database analytics"
  start=$(date +%s)
  "${pg[@]}" -d postgres -c "DROP DATABASE IF EXISTS analytics" -c "CREATE DATABASE analytics"
  "${pg[@]}" -d analytics -c "CREATE TABLE videos (seq bigint PRIMARY KEY, id text UNIQUE,
    org_id text, project_id text, creator_id text, title text, author_handle text,
    tiktok_video_id text, is_photo int, view_count bigint, like_count bigint, comment_count bigint,
    share_count bigint, save_count bigint, tracking_status text, posted_at bigint,
    created_at bigint)" \
    -c "CREATE TABLE creators (id text PRIMARY KEY, tiktok_handle text)" \
    -c "CREATE TABLE video_snapshots (video_seq bigint, snapshot_at bigint, view_count bigint,
    like_count bigint, comment_count bigint, share_count bigint, save_count bigint,
    reason smallint)"
  sqlite3 -csv "$db" "SELECT seq, id, org_id, project_id, creator_id, title, author_handle,
    tiktok_video_id, is_photo, view_count, like_count, comment_count, share_count, save_count,
    tracking_status, posted_at, created_at FROM videos" |
    "${pg[@]}" -d analytics -c "\copy videos FROM STDIN (FORMAT csv)"
  sqlite3 -csv "$db" "SELECT id, tiktok_handle FROM creators" |
    "${pg[@]}" -d analytics -c "\copy creators FROM STDIN (FORMAT csv)"
  sqlite3 -csv "$db" "SELECT video_seq, snapshot_at, view_count, like_count, comment_count,
    share_count, save_count, reason FROM video_snapshots" |
    "${pg[@]}" -d analytics -c "\copy video_snapshots FROM STDIN (FORMAT csv)"
  "${pg[@]}" -d analytics -c "ALTER TABLE video_snapshots ADD PRIMARY KEY (video_seq, snapshot_at)" \
    -c "CREATE INDEX ON videos (project_id, created_at DESC, id DESC)" -c "VACUUM ANALYZE"
  echo "PostgreSQL: loaded in $(($(date +%s) - start)) s"
  touch "$work/pg-analytics.done"
fi
# The same partial indexes as goatherd's migration 13, so that the leaderboard's peer may use
# what goatherd uses (a project's counted videos by views, and by posting time).
"${pg[@]}" -d analytics -c "CREATE INDEX IF NOT EXISTS videos_counted_views ON videos
  (org_id, project_id, view_count DESC, id, posted_at)
  WHERE tracking_status IN ('auto_tracked', 'included', 'direct_add')" \
  -c "CREATE INDEX IF NOT EXISTS videos_counted_posted ON videos (org_id, project_id, posted_at)
  WHERE tracking_status IN ('auto_tracked', 'included', 'direct_add')" -c "VACUUM ANALYZE videos"
