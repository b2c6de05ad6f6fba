#!/usr/bin/env python3
"""The SQL peers of the Videos benchmark and the proof that they compute what goatherd computes.

  check      for a sample of videos (ones with a tracking_resumed baseline, ones with a downward
             correction, ordinary ones), the engagement series of GET /videos/{id}/stats from the
             running server, from PostgreSQL (engagement.pg.sql) and from SQLite
             (engagement.sqlite.sql) must be equal, value by value
  sqlite     a loop of the SQLite engagement query on random videos (PROCS processes, one
             connection each) for SECONDS: queries/s and latency percentiles
  cohort     the org-wide cohort query (cohort.*.sql) timed RUNS times on PostgreSQL and SQLITE_RUNS
             times on SQLite; both answers must equal the org_avg of the server's cohort=1 answer

PostgreSQL is reached through psql (PSQL: the command line, without -c). Local days: the dataset's
organization is in America/New_York, and SQLite's 'localtime' follows TZ, set here.
"""
import argparse
import json
import multiprocessing
import os
import random
import sqlite3
import subprocess
import sys
import time
import urllib.request
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
FROM, TO = "2026-01-01", "2026-03-31"  # the 90-day window of the benchmark

os.environ["TZ"] = "America/New_York"
time.tzset()


def sql(name, **subst):
    with open(os.path.join(HERE, name)) as f:
        text = f.read()
    for k, v in subst.items():
        text = text.replace("{%s}" % k, v)
    return text


def psql(cmd, query):
    out = subprocess.run(cmd + ["-X", "-q", "-At", "-F", "|", "-c", query], check=True,
                         capture_output=True, text=True).stdout
    return [line.split("|") for line in out.splitlines() if line]


def as_int(text):
    return None if text in ("", None) else int(text)


def api(base, key, path):
    req = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + key})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())


def scaled(value, decimals):
    # The API prints the rounded value in shortest form; compare it as an exact integer.
    return None if value is None else int(Decimal(str(value)).scaleb(decimals))


def sample_videos(db, count):
    con = sqlite3.connect(db)
    resumed = [r[0] for r in con.execute(
        "SELECT DISTINCT video_seq FROM video_snapshots WHERE reason = 2 ORDER BY video_seq "
        "LIMIT ?", (count // 3,))]
    corrected = [r[0] for r in con.execute(
        "SELECT a.video_seq FROM video_snapshots a JOIN video_snapshots b "
        "ON b.video_seq = a.video_seq AND b.snapshot_at = (SELECT min(snapshot_at) FROM "
        "video_snapshots c WHERE c.video_seq = a.video_seq AND c.snapshot_at > a.snapshot_at) "
        "WHERE a.video_seq <= 2000 AND b.view_count < a.view_count GROUP BY a.video_seq "
        "LIMIT ?", (count // 3,))]
    n = con.execute("SELECT max(seq) FROM videos").fetchone()[0]
    rng = random.Random(7)
    chosen = resumed + corrected
    while len(chosen) < count:
        chosen.append(rng.randint(1, n))
    ids = dict(con.execute("SELECT seq, id FROM videos"))
    return [(seq, ids[seq]) for seq in chosen], len(resumed), len(corrected)


def check(a):
    videos, n_resumed, n_corrected = sample_videos(a.db, a.videos)
    pg_text = sql("engagement.pg.sql", **{"from": "'%s'" % FROM, "to": "'%s'" % TO})
    lite_text = sql("engagement.sqlite.sql", seq="?1", **{"from": "'%s'" % FROM, "to": "'%s'" % TO})
    con = sqlite3.connect(a.db)
    points = 0
    for seq, vid in videos:
        body = api(a.base, a.key, "/api/v1/videos/%s/stats?metric=engagement_rate_by_views"
                   "&from=%s&to=%s" % (vid, FROM, TO))
        series = body["data"]["series"][0]["points"]
        ours = [(p["bucket_start"], scaled(p["value"], 4)) for p in series]
        pg = [(d, as_int(v)) for d, v in psql(a.psql.split(), pg_text.replace("{seq}", str(seq)))]
        lite = [(d, v) for d, v in con.execute(lite_text, (seq,))]
        if not (ours == pg == lite):
            for i, (o, p, l) in enumerate(zip(ours, pg, lite)):
                if not (o == p == l):
                    print("MISMATCH video %s (seq %d) day %d: goatherd %s, PostgreSQL %s, SQLite %s"
                          % (vid, seq, i, o, p, l))
                    break
            else:
                print("MISMATCH video %s: %d / %d / %d points" % (vid, len(ours), len(pg),
                                                                   len(lite)))
            sys.exit(1)
        points += sum(1 for _, v in ours if v is not None)
    print("check: engagement series of %d videos (%d with a tracking_resumed baseline, %d with a "
          "downward correction) equal in goatherd, PostgreSQL and SQLite: %d days with a value, "
          "90 days each" % (len(videos), n_resumed, n_corrected, points))


def sqlite_worker(db, seconds, seed, query, n, out):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    rng = random.Random(seed)
    lat = []
    cpu = time.process_time()
    end = time.perf_counter() + seconds
    while True:
        t = time.perf_counter()
        if t >= end:
            break
        con.execute(query, (rng.randint(1, n),)).fetchall()
        lat.append(time.perf_counter() - t)
    out.put((lat, time.process_time() - cpu))


def percentile(sorted_values, p):
    return sorted_values[min(len(sorted_values) - 1, int(p / 100 * len(sorted_values)))]


def sqlite_loop(a):
    query = sql("engagement.sqlite.sql", seq="?1", **{"from": "'%s'" % FROM, "to": "'%s'" % TO})
    n = sqlite3.connect(a.db).execute("SELECT max(seq) FROM videos").fetchone()[0]
    q = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=sqlite_worker,
                                     args=(a.db, a.seconds, 11 + i, query, n, q))
             for i in range(a.procs)]
    for p in procs:
        p.start()
    lat, cpu = [], 0.0
    for _ in procs:
        got = q.get()
        lat.extend(got[0])
        cpu += got[1]
    for p in procs:
        p.join()
    lat.sort()
    # CPU per query counts the Python loop too (a few microseconds).
    print("sqlite engagement, %d process(es): %.0f queries/s, p50 %.2f ms, p99 %.2f ms, "
          "CPU %.0f us/query" % (a.procs, len(lat) / a.seconds, percentile(lat, 50) * 1000,
                                 percentile(lat, 99) * 1000, cpu * 1e6 / len(lat)))


def cohort(a):
    con = sqlite3.connect(a.db)
    vid = con.execute("SELECT id FROM videos WHERE creator_id IS NOT NULL ORDER BY seq "
                      "LIMIT 1").fetchone()[0]
    body = api(a.base, a.key, "/api/v1/videos/%s/stats?cohort=1&from=%s&to=%s" % (vid, TO, TO))
    ours = [(r["day_number"], scaled(r["avg_views_gained"], 2), r["sample_size"])
            for r in body["data"]["cohort"]["org_avg"]]
    pg_text = sql("cohort.pg.sql")
    for i in range(a.runs):
        t = time.perf_counter()
        pg = [tuple(int(x) for x in row) for row in psql(a.psql.split(), pg_text)]
        print("cohort, PostgreSQL run %d: %.2f s" % (i + 1, time.perf_counter() - t), flush=True)
        if pg != ours:
            print("MISMATCH cohort: goatherd %s... PostgreSQL %s..." % (ours[:3], pg[:3]))
            sys.exit(1)
    lite_text = sql("cohort.sqlite.sql")
    for i in range(a.sqlite_runs):
        t = time.perf_counter()
        lite = [tuple(r) for r in con.execute(lite_text)]
        print("cohort, SQLite run %d: %.2f s" % (i + 1, time.perf_counter() - t), flush=True)
        if lite != ours:
            print("MISMATCH cohort: goatherd %s... SQLite %s..." % (ours[:3], lite[:3]))
            sys.exit(1)
    print("check: org-wide cohort averages equal in goatherd and the SQL peers: %d day numbers, "
          "%d samples on day 1" % (len(ours), ours[1][2] if len(ours) > 1 else 0))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["check", "sqlite", "cohort"])
    ap.add_argument("--db", required=True)
    ap.add_argument("--base")
    ap.add_argument("--key")
    ap.add_argument("--psql", help="psql command line, e.g. 'psql -h /tmp/x -p 5432 -d db'")
    ap.add_argument("--videos", type=int, default=12)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--procs", type=int, default=1)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sqlite-runs", type=int, default=1)
    a = ap.parse_args()
    {"check": check, "sqlite": sqlite_loop, "cohort": cohort}[a.command](a)


if __name__ == "__main__":
    main()
