#!/usr/bin/env python3
"""Writes the import benchmark's dataset as JSON Lines on stdout: one org, one project, 1,000
creators, 10,000 videos and 1,000,000 video_snapshot lines (100 hourly snapshots per video).

Snapshots come ordered by time across videos (hour 1 of every video, then hour 2, ...), the way a
scraper's log would list them; that order scatters each transaction's inserts across the whole
snapshot table, the harder case for the store. `--order video` writes each video's snapshots
together instead. Ids are derived from counters, so the same arguments give the same bytes.

usage: gen_snapshots.py [--creators N] [--videos N] [--snapshots N] [--order time|video] > FILE
"""
import argparse
import sys


def uuid(kind, n):
    # Version 4 layout (version nibble 4, variant 8); kind keeps the entity types apart.
    return "%08x-0000-4000-8%03x-%012x" % (n, kind, n)


def ts(hour):
    day, h = divmod(hour, 24)
    # 2026-01-01 plus `day` days; all days stay inside January..April for the default sizes.
    months = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    m = 0
    while day >= months[m]:
        day -= months[m]
        m += 1
    return "2026-%02d-%02dT%02d:00:00Z" % (m + 1, day + 1, h)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--creators", type=int, default=1000)
    ap.add_argument("--videos", type=int, default=10000)
    ap.add_argument("--snapshots", type=int, default=1000000)
    ap.add_argument("--order", choices=["time", "video"], default="time")
    a = ap.parse_args()

    out = sys.stdout
    w = out.write
    org, project = uuid(1, 1), uuid(2, 1)
    w('{"type":"org","id":"%s","name":"Bench Org","timezone":"America/New_York",'
      '"plan":"ultra","created_at":"2025-12-01T00:00:00Z"}\n' % org)
    w('{"type":"project","id":"%s","org_id":"%s","name":"Bench Program","readme":null,'
      '"created_at":"2025-12-01T00:00:00Z"}\n' % (project, org))
    for c in range(a.creators):
        w('{"type":"creator","id":"%s","project_id":"%s","tiktok_handle":"creator%d",'
          '"display_name":"Creator %d","tracking_mode":"auto","tracking_start_date":"2026-01-01",'
          '"created_at":"2025-12-01T00:00:00Z"}\n' % (uuid(3, c), project, c, c))
    vids = [uuid(4, v) for v in range(a.videos)]
    for v in range(a.videos):
        w('{"type":"video","id":"%s","project_id":"%s","creator_id":"%s",'
          '"tiktok_video_id":"%d","title":"Video %d","tracking_status":"auto_tracked",'
          '"posted_at":"2026-01-01T00:00:00Z","created_at":"2025-12-01T00:00:00Z"}\n'
          % (vids[v], project, uuid(3, v % a.creators), 7300000000000000000 + v, v))
    per_video = a.snapshots // a.videos
    line = ('{"type":"video_snapshot","video_id":"%s","snapshot_at":"%s","view_count":%d,'
            '"like_count":%d,"comment_count":%d,"share_count":%d,"save_count":%d%s}\n')

    def snap(v, h):
        views = 1000 * (h + 1) + v
        reason = ',"reason":"video_added"' if h == 0 else ""
        return line % (vids[v], ts(h + 1), views, views // 10, views // 100, views // 200,
                       views // 50, reason)

    if a.order == "time":
        for h in range(per_video):
            out.writelines(snap(v, h) for v in range(a.videos))
    else:
        for v in range(a.videos):
            out.writelines(snap(v, h) for h in range(per_video))


if __name__ == "__main__":
    main()
