#!/usr/bin/env python3
"""An imitation of TikTok's web pages and of Apify's run-sync-get-dataset-items API, written for
goatherd's test suite, with faults switched on per handle, per post or per request count.

Usage: fake_tiktok.py --world WORLD.json --log LOG.jsonl [--port 0]
Prints the chosen port on the first stdout line, then serves on 127.0.0.1 until killed.

The world file is re-read whenever it is replaced (tests write a new file and rename it over the
old one); fault counters restart with each version. Its shape:

{
  "token": "test-token",                       # the Apify token accepted (others: 401)
  "users": {
    "alice": {"nickname": "Alice", "avatar": "https://...", "followers": 1000, "following": 10,
              "hearts": 5000, "videos": 2, "private": false, "banned": false,
              "embed_items": true,             # the profile page carries an itemList
              "posts": [{"id": "7300000000000000001", "desc": "hi", "createTime": 1772400000,
                         "views": 100, "likes": 10, "comments": 1, "shares": 2, "saves": 3,
                         "photo": false, "deleted": false}]}
  },
  "faults": [{"match": "alice", "fault": "500", "after": 0, "times": 2, "retry_after": "3",
              "delay_ms": 0}]
}

A fault applies to requests whose subject contains `match` ("apify <handles and post URLs>
per_page=<resultsPerPage>" for the vendor API, "web <path>" for pages): it skips the first `after` of them, then hits `times`
of them (null: all). Faults: slow (answer after delay_ms), 429, 500, 503, 401, truncate (the
body stops halfway through its Content-Length), malformed (invalid JSON), shape (valid JSON in
a changed shape), empty (an empty dataset), items (dataset items of an unknown shape). The text BADUTF8 anywhere in an answer is sent as
the invalid bytes FF FE.

Also, for the HTTP client's own tests: /__slow?ms=N, /__status?code=N&retry_after=V,
/__big?bytes=N, /__gzip, /__redirect?n=N, /__truncate, /__echo, /__stats (the most requests
that were in flight at once, and the total).

Every request is appended to the log as one JSON line: {"subject", "fault", "status"}.
"""

import argparse
import datetime
import gzip
import json
import os
import re
import sys
import threading
import time
import urllib.parse
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STATE_LOCK = threading.Lock()
STATE = {"key": None, "world": {}, "seen": {}, "in_flight": 0, "max_in_flight": 0, "total": 0}
ARGS = None


def load_world():
    """The world, re-read when the file was replaced; faults' counters restart then."""
    try:
        st = os.stat(ARGS.world)
        key = (st.st_ino, st.st_mtime_ns, st.st_size)
    except OSError:
        return {}
    with STATE_LOCK:
        if key != STATE["key"]:
            try:
                with open(ARGS.world, encoding="utf-8") as f:
                    STATE["world"] = json.load(f)
                STATE["key"] = key
                STATE["seen"] = {}
            except (OSError, ValueError):
                pass  # half-written: keep the previous version
        return STATE["world"]


def pick_fault(world, subject):
    with STATE_LOCK:
        for i, fault in enumerate(world.get("faults", [])):
            if fault.get("match", "") not in subject:
                continue
            seen = STATE["seen"].get(i, 0)
            STATE["seen"][i] = seen + 1
            after = fault.get("after", 0)
            times = fault.get("times")
            if seen >= after and (times is None or seen < after + times):
                return fault
    return None


def iso(ts):
    return datetime.datetime.fromtimestamp(ts, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%S.000Z")


def live_posts(user):
    posts = [p for p in user.get("posts", []) if not p.get("deleted")]
    return sorted(posts, key=lambda p: p.get("createTime", 0), reverse=True)


def find_post(world, post_id):
    for handle, user in world.get("users", {}).items():
        for p in user.get("posts", []):
            if p.get("id") == post_id:
                return handle, user, p
    return None, None, None


def author_meta(handle, user):
    return {"id": "6" + str(zlib.crc32(handle.encode())).zfill(17), "name": handle,
            "nickName": user.get("nickname", handle), "fans": user.get("followers", 0),
            "following": user.get("following", 0), "heart": user.get("hearts", 0),
            "video": user.get("videos", len(user.get("posts", []))),
            "privateAccount": bool(user.get("private")), "verified": False,
            "avatar": user.get("avatar", "")}


def apify_item(handle, user, p):
    return {"id": p["id"], "text": p.get("desc", ""), "createTime": p.get("createTime", 0),
            "createTimeISO": iso(p.get("createTime", 0)), "playCount": p.get("views", 0),
            "diggCount": p.get("likes", 0), "commentCount": p.get("comments", 0),
            "shareCount": p.get("shares", 0), "collectCount": p.get("saves", 0),
            "webVideoUrl": "https://www.tiktok.com/@%s/video/%s" % (handle, p["id"]),
            "isSlideshow": bool(p.get("photo")), "isPinned": False,
            "videoMeta": {"coverUrl": "https://covers.example/%s.jpg" % p["id"], "duration": 15},
            "authorMeta": author_meta(handle, user)}


def web_item(handle, user, p):
    item = {"id": p["id"], "desc": p.get("desc", ""), "createTime": str(p.get("createTime", 0)),
            "video": {"cover": "https://covers.example/%s.jpg" % p["id"], "duration": 15},
            "author": {"uniqueId": handle, "nickname": user.get("nickname", handle)},
            "stats": {"playCount": p.get("views", 0), "diggCount": p.get("likes", 0),
                      "commentCount": p.get("comments", 0), "shareCount": p.get("shares", 0),
                      "collectCount": p.get("saves", 0)}}
    if p.get("photo"):
        item["imagePost"] = {"images": [{"imageURL": {"urlList": ["https://img.example/1"]}}]}
    return item


def page(scope, key="__DEFAULT_SCOPE__"):
    data = json.dumps({key: scope}).replace("</", "<\\/")
    return ('<!DOCTYPE html><html><head><title>TikTok</title></head><body><div id="app"></div>'
            '<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">'
            + data + '</script></body></html>')


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: the JSON log says what happened
        pass

    def record(self, subject, fault, status):
        line = json.dumps({"subject": subject, "fault": fault, "status": status})
        with STATE_LOCK:
            with open(ARGS.log, "a", encoding="utf-8") as f:
                f.write(line + "\n")

    def send(self, status, body, content_type="application/json", headers=None, truncate=False):
        if isinstance(body, str):
            body = body.encode("utf-8")
        # Scraped text is not always valid UTF-8: the marker becomes two invalid bytes.
        body = body.replace(b"BADUTF8", b"\xff\xfe")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if truncate:
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def track(self, delta):
        with STATE_LOCK:
            STATE["in_flight"] += delta
            if delta > 0:
                STATE["total"] += 1
            STATE["max_in_flight"] = max(STATE["max_in_flight"], STATE["in_flight"])

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def handle_any(self, method):
        self.track(1)
        try:
            self.dispatch(method)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            self.track(-1)

    def dispatch(self, method):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        path = url.path
        if path.startswith("/__"):
            return self.utility(method, path, query)
        world = load_world()
        m = re.fullmatch(r"/v2/acts/([^/]+)/run-sync-get-dataset-items", path)
        if m and method == "POST":
            return self.apify(world, query, self.body())
        m = re.fullmatch(r"/@([^/]+)/video/(\d+)", path)
        if m and method == "GET":
            return self.web_video(world, path, m.group(1), m.group(2))
        m = re.fullmatch(r"/@([^/]+)/?", path)
        if m and method == "GET":
            return self.web_profile(world, path, m.group(1))
        self.record("other " + path, None, 404)
        self.send(404, json.dumps({"error": "no such page"}))

    def apply_fault(self, fault, subject):
        """Answers for the fault when it replaces the answer; True when it did."""
        kind = fault["fault"]
        if kind == "slow":
            time.sleep(fault.get("delay_ms", 3000) / 1000.0)
            return False
        headers = {}
        if fault.get("retry_after") is not None:
            headers["Retry-After"] = str(fault["retry_after"])
        if kind in ("429", "500", "503", "401"):
            self.record(subject, kind, int(kind))
            self.send(int(kind), json.dumps({"error": {"type": "fault-" + kind,
                                                       "message": "injected fault"}}),
                      headers=headers)
            return True
        return False

    def apify(self, world, query, raw):
        try:
            inp = json.loads(raw or b"{}")
        except ValueError:
            inp = {}
        profiles = [str(x).lstrip("@") for x in inp.get("profiles", []) or []]
        post_urls = [str(x) for x in inp.get("postURLs", []) or []]
        per_page = int(inp.get("resultsPerPage", 10) or 10)
        subject = "apify " + " ".join(profiles + post_urls) + " per_page=%d" % per_page
        fault = pick_fault(world, subject)
        if fault and self.apply_fault(fault, subject):
            return
        if query.get("token", [""])[0] != world.get("token", "test-token"):
            self.record(subject, None, 401)
            return self.send(401, json.dumps({"error": {
                "type": "token-not-valid", "message": "Authentication token is not valid."}}))
        items = []
        users = world.get("users", {})
        for handle in profiles:
            user = users.get(handle)
            if user is None or user.get("banned"):
                items.append({"url": "https://www.tiktok.com/@" + handle,
                              "error": "Profile not found", "input": handle})
                continue
            if user.get("private"):
                items.append({"url": "https://www.tiktok.com/@" + handle,
                              "error": "This account is private",
                              "authorMeta": author_meta(handle, user)})
                continue
            for p in live_posts(user)[:per_page]:
                items.append(apify_item(handle, user, p))
        for u in post_urls:
            m = re.search(r"/video/(\d+)", u)
            handle, user, p = find_post(world, m.group(1) if m else "")
            if p is None or p.get("deleted") or user.get("private") or user.get("banned"):
                items.append({"url": u, "error": "Post not found or private", "input": u})
            else:
                items.append(apify_item(handle, user, p))
        kind = fault["fault"] if fault else None
        if kind == "malformed":
            body = json.dumps(items)[:-3] + ",{]"
        elif kind == "shape":
            body = json.dumps({"data": {"records": items}})
        elif kind == "empty":
            body = "[]"
        elif kind == "items":
            body = json.dumps([{"video_id": "1", "author": {"handle": "x"}} for _ in profiles])
        else:
            body = json.dumps(items)
        self.record(subject, kind, 201)
        # Apify answers 201 Created for a finished synchronous run.
        self.send(201, body, truncate=(kind == "truncate"))

    def web_answer(self, subject, fault, scope):
        kind = fault["fault"] if fault else None
        if kind == "shape":
            html = page(scope, key="__DEFAULT_SCOPE_V2__")
        elif kind == "malformed":
            html = page(scope).replace('"__DEFAULT_SCOPE__": {', '"__DEFAULT_SCOPE__": {{', 1)
        else:
            html = page(scope)
        self.record(subject, kind, 200)
        self.send(200, html, content_type="text/html; charset=utf-8",
                  truncate=(kind == "truncate"))

    def web_profile(self, world, path, handle):
        subject = "web " + path
        fault = pick_fault(world, subject)
        if fault and self.apply_fault(fault, subject):
            return
        user = world.get("users", {}).get(handle)
        if user is None:
            detail = {"statusCode": 10202, "statusMsg": "user not exist"}
        elif user.get("banned"):
            detail = {"statusCode": 10221, "statusMsg": "user banned"}
        else:
            detail = {"statusCode": 0, "statusMsg": "", "userInfo": {
                "user": {"id": author_meta(handle, user)["id"], "uniqueId": handle,
                         "nickname": user.get("nickname", handle),
                         "avatarLarger": user.get("avatar", ""),
                         "privateAccount": bool(user.get("private"))},
                "stats": {"followerCount": user.get("followers", 0),
                          "followingCount": user.get("following", 0),
                          "heartCount": user.get("hearts", 0),
                          "videoCount": user.get("videos", len(user.get("posts", [])))}}}
            if user.get("embed_items", True) and not user.get("private"):
                detail["itemList"] = [web_item(handle, user, p) for p in live_posts(user)]
        self.web_answer(subject, fault, {"webapp.app-context": {"language": "en"},
                                         "webapp.user-detail": detail})

    def web_video(self, world, path, handle, post_id):
        subject = "web " + path
        fault = pick_fault(world, subject)
        if fault and self.apply_fault(fault, subject):
            return
        owner, user, p = find_post(world, post_id)
        if p is None or p.get("deleted") or user.get("banned"):
            detail = {"statusCode": 10204, "statusMsg": "item doesn't exist"}
        elif user.get("private"):
            detail = {"statusCode": 10216, "statusMsg": "author is private"}
        else:
            detail = {"statusCode": 0, "statusMsg": "",
                      "itemInfo": {"itemStruct": web_item(owner, user, p)}}
        self.web_answer(subject, fault, {"webapp.video-detail": detail})

    def utility(self, method, path, query):
        q = {k: v[0] for k, v in query.items()}
        if path == "/__slow":
            time.sleep(int(q.get("ms", "1000")) / 1000.0)
            return self.send(200, "slept", content_type="text/plain")
        if path == "/__status":
            headers = {"Retry-After": q["retry_after"]} if "retry_after" in q else {}
            return self.send(int(q.get("code", "200")), "status " + q.get("code", "200"),
                             content_type="text/plain", headers=headers)
        if path == "/__big":
            return self.send(200, b"x" * int(q.get("bytes", "1000")), content_type="text/plain")
        if path == "/__gzip":
            text = ("hello gzip " * 1000).encode()
            if "gzip" in (self.headers.get("Accept-Encoding") or ""):
                return self.send(200, gzip.compress(text), content_type="text/plain",
                                 headers={"Content-Encoding": "gzip"})
            return self.send(200, text, content_type="text/plain")
        if path == "/__redirect":
            n = int(q.get("n", "0"))
            if n <= 0:
                return self.send(200, "landed", content_type="text/plain")
            return self.send(302, "", headers={"Location": "/__redirect?n=%d" % (n - 1)})
        if path == "/__truncate":
            return self.send(200, "0123456789" * 10, content_type="text/plain", truncate=True)
        if path == "/__echo":
            body = self.body().decode("utf-8", "replace")
            return self.send(200, json.dumps({"method": method, "body": body,
                                              "headers": dict(self.headers.items())}))
        if path == "/__stats":
            with STATE_LOCK:
                stats = {"max_in_flight": STATE["max_in_flight"], "total": STATE["total"]}
            return self.send(200, json.dumps(stats))
        return self.send(404, "no such utility", content_type="text/plain")


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--world", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--port", type=int, default=0)
    ARGS = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
