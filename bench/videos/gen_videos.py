#!/usr/bin/env python3
"""Writes the Videos benchmark's dataset as JSON Lines on stdout, in the format of
`goatherd import`: one organization (America/New_York), one project, creators, N videos and
their snapshot histories, each video's snapshots together.

Histories are shaped like real ones rather than like counters:
- each video is posted at a random second of the first 30 days of 2026 and tracked for 60 days
  from its first snapshot (1 to 6 hours after posting), 4 snapshots a day (every 6 hours, each a
  few minutes late), so local days hold 3 to 5 snapshots and the whole organization spans 90 days;
- views follow a saturating curve whose size is log-normal (most videos get a few thousand views,
  a few get millions); likes, comments, shares and saves follow at per-video rates;
- 0.5% of snapshots are downward corrections (views and likes a few percent low for one
  snapshot, back up at the next), so gains must be measured against the high-water mark;
- 3% of videos stop being tracked for 1 to 5 days and resume with a `tracking_resumed` baseline;
- statuses: 85% auto_tracked, 5% included, 4% pending_review, 3% excluded, 3% direct_add
  (without a creator).

The same arguments give the same bytes (one seeded generator per video).

usage: gen_videos.py [--videos N] [--creators N] [--days 60] [--per-day 4] [--seed 1] > FILE
"""
import argparse
import math
import random
import sys

T0 = 1767225600  # 2026-01-01T00:00:00Z


def uuid(kind, n):
    # Version 4 layout (version nibble 4, variant 8); kind keeps the entity types apart.
    return "%08x-0000-4000-8%03x-%012x" % (n, kind, n)


def iso(t):
    days, s = divmod(t, 86400)
    # Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    y = yoe + era * 400 + (m <= 2)
    h, rem = divmod(s, 3600)
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % (y, m, d, h, rem // 60, rem % 60)


STATUSES = ((0.85, "auto_tracked"), (0.90, "included"), (0.94, "pending_review"),
            (0.97, "excluded"), (1.01, "direct_add"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--videos", type=int, default=100000)
    ap.add_argument("--creators", type=int, default=0, help="default: videos / 50")
    ap.add_argument("--days", type=int, default=60)
    ap.add_argument("--per-day", type=int, default=4)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    creators = a.creators or max(1, a.videos // 50)

    out = sys.stdout
    w = out.write
    org, project = uuid(1, 1), uuid(2, 1)
    w('{"type":"org","id":"%s","name":"Videos Bench Org","timezone":"America/New_York",'
      '"plan":"ultra","created_at":"2025-12-01T00:00:00Z"}\n' % org)
    w('{"type":"project","id":"%s","org_id":"%s","name":"Videos Bench Program","readme":null,'
      '"created_at":"2025-12-01T00:00:00Z"}\n' % (project, org))
    for c in range(creators):
        w('{"type":"creator","id":"%s","project_id":"%s","tiktok_handle":"creator%d",'
          '"display_name":"Creator %d","tracking_mode":"auto","tracking_start_date":"2026-01-01",'
          '"created_at":"2025-12-01T00:00:00Z"}\n' % (uuid(3, c), project, c, c))

    video_line = ('{"type":"video","id":"%s","project_id":"%s","creator_id":%s,'
                  '"tiktok_video_id":"%d","title":"Video %d","tracking_status":"%s",'
                  '"posted_at":"%s","created_at":"%s"}\n')
    snap_line = ('{"type":"video_snapshot","video_id":"%s","snapshot_at":"%s","view_count":%d,'
                 '"like_count":%d,"comment_count":%d,"share_count":%d,"save_count":%d%s}\n')
    step = 86400 // a.per_day
    count = a.days * a.per_day
    for v in range(a.videos):
        rng = random.Random(a.seed * 1000003 + v)
        vid = uuid(4, v)
        posted = T0 + rng.randrange(30 * 86400)
        first = posted + rng.randrange(3600, 6 * 3600)
        r = rng.random()
        status = next(name for limit, name in STATUSES if r < limit)
        creator = "null" if status == "direct_add" else '"%s"' % uuid(3, v % creators)
        w(video_line % (vid, project, creator, 7300000000000000000 + v, v, status, iso(posted),
                        iso(first)))

        size = math.exp(rng.gauss(9.0, 1.8))  # views the video tends to
        tau = rng.uniform(0.5, 8.0) * 86400  # how fast it gets there
        rates = (rng.uniform(0.03, 0.12), rng.uniform(0.002, 0.01), rng.uniform(0.001, 0.01),
                 rng.uniform(0.002, 0.02))
        gap_from, gap_to = -1, -1
        if rng.random() < 0.03:
            gap_from = rng.randrange(8, count - 40)
            gap_to = gap_from + rng.randrange(a.per_day, 5 * a.per_day + 1)
        lines = []
        for k in range(count):
            if gap_from <= k < gap_to:
                continue
            t = first + k * step + (rng.randrange(600) if k else 0)
            age = t - posted
            views = int(size * (1.0 - math.exp(-age / tau))) + k
            likes = int(views * rates[0])
            comments = int(views * rates[1])
            shares = int(views * rates[2])
            saves = int(views * rates[3])
            if k and rng.random() < 0.005:
                cut = rng.uniform(0.95, 0.99)
                views, likes = int(views * cut), int(likes * cut)
            reason = ',"reason":"tracking_resumed"' if k == gap_to else ""
            lines.append(snap_line % (vid, iso(t), views, likes, comments, shares, saves, reason))
        out.writelines(lines)


if __name__ == "__main__":
    main()
