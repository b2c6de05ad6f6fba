#!/usr/bin/env python3
"""Helpers of the Analytics benchmark (bench/analytics/run.sh).

  campaign  creates, once, the benchmark's campaign through the API: active creators of the
            project in id order until their counted videos reach TARGET (5,000); writes its id
  seqs      the campaign's videos as goatherd's resolver defines them (spec/resources.md: the
            counted videos of its active creator items), one seq a line, for the SQL peer
  sql       prints the SQL peer of a scenario (project, campaign, leaderboard, heatmap) with the
            window given as SQL expressions (pgbench variables or literals)
  check     the project's 90-day views series and the campaign's series with breakdown=video,
            from the running server and from PostgreSQL, must be equal value by value

The series peer computes what spec/videos.md and spec/analytics.md define, from the snapshots:
a video's day level is its last snapshot of the local day; a baseline is its earliest snapshot
or one with a reason; the day's gain is the level minus the day's last baseline on a baseline
day, else the level minus the high-water mark of the earlier days since the latest baseline,
floored at 0 (bench/videos/engagement.pg.sql, proved there against /videos/{id}/stats). A day's
value is the sum of the defined gains of the entity's videos, null when none has one.
"""
import argparse
import json
import sqlite3
import subprocess
import sys
import urllib.request

COUNTED = "('auto_tracked', 'included', 'direct_add')"


def api(base, key, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Authorization": "Bearer " + key,
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())


def psql(cmd, query):
    out = subprocess.run(cmd + ["-X", "-q", "-At", "-F", "|", "-c", query], check=True,
                         capture_output=True, text=True).stdout
    return [line.split("|") for line in out.splitlines() if line]


def campaign(a):
    try:
        with open(a.out) as f:
            existing = f.read().strip()
        if existing:
            api(a.base, a.key, "GET", "/api/v1/campaigns/" + existing)
            return
    except (FileNotFoundError, urllib.error.HTTPError):
        pass
    con = sqlite3.connect(a.db)
    rows = con.execute(
        "SELECT c.id, count(v.seq) FROM creators c JOIN videos v ON v.creator_id = c.id AND "
        "v.org_id = c.org_id WHERE c.project_id = ?1 AND c.status = 'active' AND "
        "v.tracking_status IN " + COUNTED + " GROUP BY c.id ORDER BY c.id", (a.project,)).fetchall()
    chosen, total = [], 0
    for cid, n in rows:
        if total >= a.target:
            break
        chosen.append(cid)
        total += n
    made = api(a.base, a.key, "POST", "/api/v1/projects/%s/campaigns" % a.project,
               {"name": "Analytics bench: %d videos" % total})
    cid = made["data"]["id"]
    for creator in chosen:
        api(a.base, a.key, "POST", "/api/v1/campaigns/%s/items" % cid,
            {"item_type": "creator", "item_id": creator})
    with open(a.out, "w") as f:
        f.write(cid + "\n")
    print("campaign %s created: %d creators, %d counted videos" % (cid, len(chosen), total))


def seqs(a):
    con = sqlite3.connect(a.db)
    kinds = dict(con.execute("SELECT item_type, count(*) FROM campaign_items WHERE "
                             "campaign_id = ?1 GROUP BY 1", (a.campaign,)).fetchall())
    if set(kinds) != {"creator"}:
        sys.exit("the benchmark campaign should hold creators only; it holds %s" % kinds)
    rows = con.execute(
        "SELECT DISTINCT v.seq FROM campaign_items i JOIN creators c ON c.id = i.item_id AND "
        "c.status = 'active' JOIN videos v ON v.creator_id = c.id AND v.org_id = c.org_id WHERE "
        "i.campaign_id = ?1 AND v.tracking_status IN " + COUNTED + " ORDER BY v.seq",
        (a.campaign,)).fetchall()
    with open(a.out, "w") as f:
        f.writelines("%d\n" % r[0] for r in rows)


def gains_sql(videos, tz, frm, to):
    """CTE `g` (seq, day, gv): each video's views gain per local day of [frm, to]."""
    return """
WITH vids AS ({videos}), s AS (
  SELECT s.video_seq AS seq, s.snapshot_at, s.view_count AS v,
         s.reason <> 0 OR row_number() OVER (PARTITION BY s.video_seq ORDER BY s.snapshot_at) = 1
           AS is_base,
         (to_timestamp(s.snapshot_at) AT TIME ZONE '{tz}')::date AS day
  FROM video_snapshots s JOIN vids ON vids.seq = s.video_seq
), lvl AS (
  SELECT DISTINCT ON (seq, day) seq, day, v FROM s ORDER BY seq, day, snapshot_at DESC
), base AS (
  SELECT DISTINCT ON (seq, day) seq, day, v AS bv FROM s WHERE is_base
  ORDER BY seq, day, snapshot_at DESC
), d AS (
  SELECT lvl.*, bv, count(bv) OVER (PARTITION BY lvl.seq ORDER BY lvl.day) AS seg
  FROM lvl LEFT JOIN base USING (seq, day)
), h AS (
  SELECT d.*, max(greatest(v, bv)) OVER (PARTITION BY seq, seg ORDER BY day
                                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS hv
  FROM d
), g AS (
  SELECT seq, day, greatest(0, v - coalesce(bv, hv)) AS gv FROM h
  WHERE day BETWEEN {frm} AND {to}
)""".format(videos=videos, tz=tz, frm=frm, to=to)


def series_sql(videos, tz, frm, to):
    return gains_sql(videos, tz, frm, to) + """
SELECT days.ts::date AS day, sum(g.gv) FROM generate_series({frm}, {to}, interval '1 day')
  AS days(ts) LEFT JOIN g ON g.day = days.ts::date GROUP BY 1 ORDER BY 1;
""".format(frm=frm, to=to)


def breakdown_sql(videos, tz, frm, to):
    """Rows (rank, video id, day, value): ranks 1..10 the videos with the largest total in the
    range (ties by id), rank 11 (`__other__`) the sum of the rest."""
    return gains_sql(videos, tz, frm, to) + """
, tot AS (SELECT seq, sum(gv) AS total FROM g GROUP BY seq
), ranked AS (
  SELECT vids.seq, v.id, row_number() OVER (ORDER BY coalesce(tot.total, 0) DESC, v.id) AS r
  FROM vids JOIN videos v ON v.seq = vids.seq LEFT JOIN tot ON tot.seq = vids.seq
), grp AS (
  SELECT seq, least(r, 11) AS k, CASE WHEN r <= 10 THEN id ELSE '__other__' END AS id FROM ranked
)
SELECT grp.k, grp.id, g.day, sum(g.gv) FROM g JOIN grp ON grp.seq = g.seq GROUP BY 1, 2, 3
ORDER BY 1, 3;
"""


def project_videos(org, project):
    return ("SELECT seq FROM videos WHERE org_id = '%s' AND project_id = '%s' AND "
            "tracking_status IN %s" % (org, project, COUNTED))


CAMPAIGN_VIDEOS = "SELECT seq FROM campaign_videos"


def sql(a):
    if a.name == "project":
        print(series_sql(project_videos(a.org, a.project), a.tz, a.frm, a.to).strip())
    elif a.name == "campaign":
        print(series_sql(CAMPAIGN_VIDEOS, a.tz, a.frm, a.to).strip())
        print(breakdown_sql(CAMPAIGN_VIDEOS, a.tz, a.frm, a.to).strip())
    elif a.name == "leaderboard":
        # goatherd's two statements: the count, then the ranked page with its creators.
        where = ("v.org_id = '%s' AND v.project_id = '%s' AND v.tracking_status IN %s"
                 % (a.org, a.project, COUNTED))
        print("SELECT count(*) FROM videos v WHERE %s;" % where)
        print("SELECT v.seq, v.id, v.creator_id, v.title, COALESCE(c.tiktok_handle, "
              "v.author_handle), v.tiktok_video_id, v.is_photo, v.view_count, v.like_count, "
              "v.comment_count, v.share_count, v.save_count, v.posted_at FROM videos v LEFT JOIN "
              "creators c ON c.id = v.creator_id WHERE %s ORDER BY v.view_count DESC, v.id "
              "LIMIT 50 OFFSET 0;" % where)
    elif a.name == "heatmap":
        from_ts = "extract(epoch FROM timestamp '%s' AT TIME ZONE '%s')::bigint" % (a.first, a.tz)
        before_ts = ("extract(epoch FROM (timestamp '%s' + interval '1 day') AT TIME ZONE '%s')"
                     "::bigint" % (a.last, a.tz))
        print("SELECT extract(dow FROM to_timestamp(posted_at) AT TIME ZONE '{tz}') AS dow, "
              "extract(hour FROM to_timestamp(posted_at) AT TIME ZONE '{tz}') AS hour, count(*), "
              "round(avg(view_count), 2) FROM videos WHERE org_id = '{org}' AND project_id = "
              "'{project}' AND tracking_status IN {counted} AND posted_at >= {f} AND posted_at < "
              "{b} GROUP BY 1, 2 ORDER BY 1, 2;".format(tz=a.tz, org=a.org, project=a.project,
                                                        counted=COUNTED, f=from_ts, b=before_ts))


def points(series):
    return [(p["bucket_start"], p["value"]) for p in series["points"]]


def as_int(text):
    return None if text in ("", None) else int(text)


def check(a):
    cmd = a.psql.split()
    frm, to = "date '%s'" % a.frm, "date '%s'" % a.to
    window = "from=%s&to=%s" % (a.frm, a.to)
    days = 0
    # The project's series.
    body = api(a.base, a.key, "GET", "/api/v1/analytics?entity=project&entity_id=%s&metric=views&"
               "%s" % (a.project, window))
    ours = points(body["data"]["series"][0])
    pg = [(d, as_int(v)) for d, v in psql(cmd, series_sql(project_videos(a.org, a.project),
                                                          a.tz, frm, to))]
    compare("project series", ours, pg)
    days += sum(1 for _, v in ours if v is not None)
    # The campaign: main series, then the breakdown (the ten videos in order, and Other).
    body = api(a.base, a.key, "GET", "/api/v1/analytics?entity=campaign&entity_id=%s&"
               "metric=views&breakdown=video&%s" % (a.campaign, window))
    ours = points(body["data"]["series"][0])
    pg = [(d, as_int(v)) for d, v in psql(cmd, series_sql(CAMPAIGN_VIDEOS, a.tz, frm, to))]
    compare("campaign series", ours, pg)
    days += sum(1 for _, v in ours if v is not None)
    all_days = [d for d, _ in ours]
    rows = psql(cmd, breakdown_sql(CAMPAIGN_VIDEOS, a.tz, frm, to))
    peer = {}
    for k, vid, day, value in rows:
        peer.setdefault((int(k), vid), {})[day] = as_int(value)
    ours_breakdown = body["data"]["breakdown_series"]
    if len(ours_breakdown) != len(peer):
        sys.exit("MISMATCH breakdown: goatherd %d series, PostgreSQL %d"
                 % (len(ours_breakdown), len(peer)))
    for (k, vid), by_day in sorted(peer.items()):
        s = ours_breakdown[k - 1]
        if s["entity_ref"]["id"] != vid:
            sys.exit("MISMATCH breakdown rank %d: goatherd %s, PostgreSQL %s"
                     % (k, s["entity_ref"]["id"], vid))
        compare("breakdown %d (%s)" % (k, vid), points(s), [(d, by_day.get(d)) for d in all_days])
        days += sum(1 for v in by_day.values() if v is not None)
    print("check: project series, campaign series and its breakdown (%d series) equal in goatherd "
          "and PostgreSQL, %s..%s: %d points with a value" % (len(peer), a.frm, a.to, days))


def compare(what, ours, peer):
    if ours != peer:
        for i, (o, p) in enumerate(zip(ours, peer)):
            if o != p:
                sys.exit("MISMATCH %s day %d: goatherd %s, PostgreSQL %s" % (what, i, o, p))
        sys.exit("MISMATCH %s: %d / %d points" % (what, len(ours), len(peer)))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("campaign")
    for name in ("--db", "--base", "--key", "--project", "--out"):
        c.add_argument(name, required=True)
    c.add_argument("--target", type=int, default=5000)
    s = sub.add_parser("seqs")
    for name in ("--db", "--campaign", "--out"):
        s.add_argument(name, required=True)
    q = sub.add_parser("sql")
    for name in ("--name", "--project", "--org", "--tz", "--first", "--last"):
        q.add_argument(name, required=True)
    q.add_argument("--from", dest="frm", required=True)
    q.add_argument("--to", required=True)
    k = sub.add_parser("check")
    for name in ("--base", "--key", "--psql", "--project", "--campaign", "--org", "--tz"):
        k.add_argument(name, required=True)
    k.add_argument("--from", dest="frm", required=True)
    k.add_argument("--to", required=True)
    a = p.parse_args()
    {"campaign": campaign, "seqs": seqs, "sql": sql, "check": check}[a.cmd](a)


if __name__ == "__main__":
    main()
