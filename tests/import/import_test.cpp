// Black-box tests of `goatherd import`: each runs the real binary (through /bin/sh, for the
// redirections) on a file written here, then opens the database with the SQLite C API and
// compares rows with values worked out by hand from the file (times converted with
// `date -u -d ... +%s`).
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

constexpr const char* kOrg = "11111111-1111-4111-8111-111111111111";
constexpr const char* kProject = "22222222-2222-4222-8222-222222222222";
constexpr const char* kCreator = "33333333-3333-4333-8333-333333333333";
constexpr const char* kVideo1 = "44444444-4444-4444-8444-444444444444";
constexpr const char* kVideo2 = "55555555-5555-4555-8555-555555555555";
constexpr const char* kNow = "2026-03-01T12:00:00Z";  // 1772366400
constexpr const char* kLater = "2026-03-02T12:00:00Z";

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
    text.replace(at, from.size(), to);
    at += to.size();
  }
  return text;
}

// The ids are spelled ORG, PROJECT, ... in the lines below, to keep them readable.
std::string WithIds(std::string text) {
  text = Replace(text, "ORG", kOrg);
  text = Replace(text, "PROJECT", kProject);
  text = Replace(text, "CREATOR", kCreator);
  text = Replace(text, "VIDEO1", kVideo1);
  return Replace(text, "VIDEO2", kVideo2);
}

// Every line type; snapshots of VIDEO1 and of CREATOR out of time order; a blank last line.
const std::string kEveryType = WithIds(
    R"({"type":"org","id":"ORG","name":"Acme","timezone":"Europe/Berlin","plan":"starter","created_at":"2025-12-01T00:00:00Z"}
{"type":"project","id":"PROJECT","org_id":"ORG","name":"Q1 Program","readme":"Notes"}
{"type":"creator","id":"CREATOR","project_id":"PROJECT","tiktok_handle":"someone","display_name":"Some One","tracking_mode":"auto","tracking_start_date":"2026-01-01"}
{"type":"video","id":"VIDEO1","project_id":"PROJECT","creator_id":"CREATOR","tiktok_video_id":"7301234567890123456","title":"First","tracking_status":"auto_tracked","posted_at":"2026-01-01T10:00:00Z","created_at":"2026-01-01T11:00:00Z"}
{"type":"video","id":"VIDEO2","project_id":"PROJECT","creator_id":null,"tiktok_video_id":"7301234567890123457","title":null,"tracking_status":"direct_add","posted_at":null}
{"type":"video_snapshot","video_id":"VIDEO1","snapshot_at":"2026-01-01T12:00:00Z","view_count":100,"like_count":10,"comment_count":1,"share_count":0,"save_count":2,"reason":"video_added"}
{"type":"video_snapshot","video_id":"VIDEO1","snapshot_at":"2026-01-01T16:00:00Z","view_count":500,"like_count":50,"comment_count":5,"share_count":1,"save_count":8}
{"type":"video_snapshot","video_id":"VIDEO1","snapshot_at":"2026-01-01T14:00:00Z","view_count":300,"like_count":30,"comment_count":3,"share_count":1,"save_count":4,"reason":"tracking_resumed"}
{"type":"creator_snapshot","creator_id":"CREATOR","snapshot_at":"2026-01-02T00:00:00Z","follower_count":15000,"following_count":80,"like_count":90000,"video_count":41}
{"type":"creator_snapshot","creator_id":"CREATOR","snapshot_at":"2026-01-01T00:00:00Z","follower_count":14000,"following_count":70,"like_count":80000,"video_count":40}

)");

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct RunResult {
  int status = -1;
  std::string out, err;
};

using Rows = std::vector<std::vector<std::string>>;

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "goatherd-import-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    db_ = dir_ / "test.db";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  fs::path Write(const std::string& name, const std::string& text) {
    fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }

  // Runs `goatherd --log-level warn import <args> --db DB`, stdin from `stdin_file` if given.
  RunResult Import(const std::string& args, const fs::path& stdin_file = {}) {
    std::string cmd = std::string("'") + GOATHERD_BINARY + "' --log-level warn import " + args +
                      " --db '" + db_.string() + "' > '" + (dir_ / "out").string() + "' 2> '" +
                      (dir_ / "err").string() + "'";
    cmd += " < '" + (stdin_file.empty() ? std::string("/dev/null") : stdin_file.string()) + "'";
    int raw = std::system(cmd.c_str());
    RunResult r;
    r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    r.out = ReadFile(dir_ / "out");
    r.err = ReadFile(dir_ / "err");
    return r;
  }

  // Every row of a query as text ("NULL" for null).
  Rows Query(const std::string& sql) {
    sqlite3* db = nullptr;
    Rows rows;
    EXPECT_EQ(sqlite3_open_v2(db_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db);
    while (stmt && sqlite3_step(stmt) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
        row.emplace_back(text ? text : "NULL");
      }
      rows.push_back(std::move(row));
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return rows;
  }
  std::string One(const std::string& sql) {
    Rows rows = Query(sql);
    return rows.size() == 1 && rows[0].size() == 1 ? rows[0][0] : "<not one value>";
  }

  // Every row of every table, sorted: two equal dumps mean nothing in the database changed.
  std::vector<std::string> Dump() {
    std::vector<std::string> lines;
    for (const auto& t :
         Query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
      for (const auto& row : Query("SELECT * FROM \"" + t[0] + "\"")) {
        std::string line = t[0];
        for (const auto& v : row) line += "|" + v;
        lines.push_back(line);
      }
    }
    std::sort(lines.begin(), lines.end());
    return lines;
  }

  fs::path dir_, db_;
};

TEST_F(ImportTest, EveryLineTypeIsImported) {
  auto file = Write("every.jsonl", kEveryType);
  RunResult r = Import("'" + file.string() + "' --fake-now " + kNow);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("imported 11 lines"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(": 1 orgs, 1 projects, 1 creators, 2 videos, 3 video snapshots, "
                       "2 creator snapshots\n"),
            std::string::npos)
      << r.out;

  EXPECT_EQ(Query("SELECT id, name, timezone, plan, created_at, updated_at FROM organizations"),
            (Rows{{kOrg, "Acme", "Europe/Berlin", "starter", "1764547200", "1772366400"}}));
  // No created_at on the line: the import time.
  EXPECT_EQ(Query("SELECT id, org_id, name, description, created_at, updated_at FROM projects"),
            (Rows{{kProject, kOrg, "Q1 Program", "Notes", "1772366400", "1772366400"}}));
  // The creator's counts come from its latest snapshot (2026-01-02), not the last line.
  EXPECT_EQ(Query("SELECT id, org_id, project_id, tiktok_handle, display_name, tracking_mode, "
                  "tracking_start_date, follower_count, following_count, like_count, "
                  "video_count, last_scraped_at FROM creators"),
            (Rows{{kCreator, kOrg, kProject, "someone", "Some One", "auto", "2026-01-01", "15000",
                   "80", "90000", "41", "1767312000"}}));
  // VIDEO1's counts come from its 16:00 snapshot, although the 14:00 one came later in the file.
  EXPECT_EQ(Query("SELECT id, org_id, creator_id, tiktok_video_id, title, tracking_status, "
                  "posted_at, created_at, view_count, like_count, comment_count, share_count, "
                  "save_count, last_scraped_at FROM videos ORDER BY id"),
            (Rows{{kVideo1, kOrg, kCreator, "7301234567890123456", "First", "auto_tracked",
                   "1767261600", "1767265200", "500", "50", "5", "1", "8", "1767283200"},
                  {kVideo2, kOrg, "NULL", "7301234567890123457", "NULL", "direct_add", "NULL",
                   "1772366400", "0", "0", "0", "0", "0", "NULL"}}));
  // reason: 0 none, 1 video_added, 2 tracking_resumed.
  EXPECT_EQ(Query("SELECT s.snapshot_at, s.view_count, s.like_count, s.comment_count, "
                  "s.share_count, s.save_count, s.reason FROM video_snapshots s "
                  "JOIN videos v ON v.seq = s.video_seq WHERE v.id = '" +
                  std::string(kVideo1) + "' ORDER BY s.snapshot_at"),
            (Rows{{"1767268800", "100", "10", "1", "0", "2", "1"},
                  {"1767276000", "300", "30", "3", "1", "4", "2"},
                  {"1767283200", "500", "50", "5", "1", "8", "0"}}));
  EXPECT_EQ(Query("SELECT creator_id, snapshot_at, follower_count, following_count, like_count, "
                  "video_count FROM creator_snapshots ORDER BY snapshot_at"),
            (Rows{{kCreator, "1767225600", "14000", "70", "80000", "40"},
                  {kCreator, "1767312000", "15000", "80", "90000", "41"}}));
}

TEST_F(ImportTest, ImportingTheSameFileAgainChangesNothing) {
  auto file = Write("every.jsonl", kEveryType);
  ASSERT_EQ(Import("'" + file.string() + "' --fake-now " + kNow).status, 0);
  std::vector<std::string> before = Dump();
  ASSERT_GT(before.size(), 10u);
  // A day later: an upsert that wrote anything would move updated_at (or created_at of the
  // lines without one) to the new time.
  RunResult r = Import("'" + file.string() + "' --fake-now " + kLater);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(Dump(), before);
}

TEST_F(ImportTest, ChangedLineMovesUpdatedAtOnly) {
  auto file = Write("every.jsonl", kEveryType);
  ASSERT_EQ(Import("'" + file.string() + "' --fake-now " + kNow).status, 0);
  auto renamed = Write("renamed.jsonl",
                       WithIds(R"({"type":"project","id":"PROJECT","org_id":"ORG","name":"Q2"})"));
  ASSERT_EQ(Import("'" + renamed.string() + "' --fake-now " + kLater).status, 0);
  // 2026-03-02T12:00:00Z; created_at stays that of the first import.
  EXPECT_EQ(Query("SELECT name, description, created_at, updated_at FROM projects"),
            (Rows{{"Q2", "NULL", "1772366400", "1772452800"}}));
}

TEST_F(ImportTest, BadLineStopsAfterTheLastCommittedBatch) {
  // Batches of two lines: {1,2} commit, {3,4} fails at line 4 and leaves nothing of line 3.
  auto file = Write("bad.jsonl", WithIds(R"({"type":"org","id":"ORG","name":"Acme"}
{"type":"project","id":"PROJECT","org_id":"ORG","name":"P"}
{"type":"creator","id":"CREATOR","project_id":"PROJECT","tiktok_handle":"someone"}
{"type":"video","id":"VIDEO1","project_id":"PROJECT","tiktok_video_id":"12x"}
{"type":"video","id":"VIDEO2","project_id":"PROJECT","tiktok_video_id":"13"}
)"));
  RunResult r = Import("'" + file.string() + "' --batch-size 2");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err,
            "goatherd: line 4: field 'tiktok_video_id' must be a string of digits, got '12x'\n");
  EXPECT_EQ(One("SELECT count(*) FROM organizations"), "1");
  EXPECT_EQ(One("SELECT count(*) FROM projects"), "1");
  EXPECT_EQ(One("SELECT count(*) FROM creators"), "0");
  EXPECT_EQ(One("SELECT count(*) FROM videos"), "0");
  EXPECT_NE(r.out.find("stopped after committing 2 lines"), std::string::npos) << r.out;
}

TEST_F(ImportTest, DanglingReferenceIsReportedWithItsLine) {
  auto file = Write("dangling.jsonl", WithIds(R"({"type":"org","id":"ORG","name":"Acme"}
{"type":"project","id":"PROJECT","org_id":"ORG","name":"P"}
{"type":"video_snapshot","video_id":"VIDEO1","snapshot_at":"2026-01-01T12:00:00Z","view_count":1,"like_count":0,"comment_count":0,"share_count":0,"save_count":0}
)"));
  RunResult r = Import("'" + file.string() + "'");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, std::string("goatherd: line 3: unknown video_id '") + kVideo1 +
                       "' (not defined earlier in the file nor in the database)\n");
  // One batch (the default 10,000 lines): nothing of it is written.
  EXPECT_EQ(One("SELECT count(*) FROM organizations"), "0");
}

TEST_F(ImportTest, UnknownPlanAndNotJson) {
  auto plan = Write("plan.jsonl", WithIds(R"({"type":"org","id":"ORG","name":"A","plan":"gold"})"));
  RunResult r = Import("'" + plan.string() + "'");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "goatherd: line 1: unknown plan 'gold'\n");

  auto junk = Write("junk.jsonl", "\n[1]\n");
  r = Import("'" + junk.string() + "'");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "goatherd: line 2: expected a JSON object, got an array\n");
}

TEST_F(ImportTest, ReadsStdin) {
  auto file = Write("every.jsonl", kEveryType);
  RunResult r = Import("- --fake-now " + std::string(kNow), file);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("imported 11 lines"), std::string::npos) << r.out;
  EXPECT_EQ(One("SELECT count(*) FROM video_snapshots"), "3");
  EXPECT_EQ(Query("SELECT view_count, last_scraped_at FROM videos WHERE id = '" +
                  std::string(kVideo1) + "'"),
            (Rows{{"500", "1767283200"}}));
}

TEST_F(ImportTest, LatestSnapshotWinsAcrossBatchesAndImports) {
  auto base = Write("base.jsonl", WithIds(R"({"type":"org","id":"ORG","name":"Acme"}
{"type":"project","id":"PROJECT","org_id":"ORG","name":"P"}
{"type":"video","id":"VIDEO1","project_id":"PROJECT","tiktok_video_id":"1"}
{"type":"video_snapshot","video_id":"VIDEO1","snapshot_at":"2026-01-01T16:00:00Z","view_count":500,"like_count":5,"comment_count":0,"share_count":0,"save_count":0}
{"type":"video_snapshot","video_id":"VIDEO1","snapshot_at":"2026-01-01T12:00:00Z","view_count":100,"like_count":1,"comment_count":0,"share_count":0,"save_count":0}
)"));
  // One line per transaction: the older snapshot comes in its own, later batch.
  ASSERT_EQ(Import("'" + base.string() + "' --batch-size 1").status, 0);
  EXPECT_EQ(Query("SELECT view_count, like_count, last_scraped_at FROM videos"),
            (Rows{{"500", "5", "1767283200"}}));
  // A later import with an even older snapshot changes the history, not the current counts;
  // a newer one moves them.
  auto older = Write(
      "older.jsonl",
      WithIds(
          R"({"type":"video_snapshot","video_id":"VIDEO1","snapshot_at":"2026-01-01T10:00:00Z","view_count":50,"like_count":0,"comment_count":0,"share_count":0,"save_count":0})"));
  ASSERT_EQ(Import("'" + older.string() + "'").status, 0);
  EXPECT_EQ(Query("SELECT view_count, like_count, last_scraped_at FROM videos"),
            (Rows{{"500", "5", "1767283200"}}));
  EXPECT_EQ(One("SELECT count(*) FROM video_snapshots"), "3");
  auto newer = Write(
      "newer.jsonl",
      WithIds(
          R"({"type":"video_snapshot","video_id":"VIDEO1","snapshot_at":"2026-01-02T00:00:00Z","view_count":900,"like_count":9,"comment_count":0,"share_count":0,"save_count":0})"));
  ASSERT_EQ(Import("'" + newer.string() + "'").status, 0);
  EXPECT_EQ(Query("SELECT view_count, like_count, last_scraped_at FROM videos"),
            (Rows{{"900", "9", "1767312000"}}));
}

TEST_F(ImportTest, MissingFileIsARuntimeFailure) {
  RunResult r = Import("'" + (dir_ / "nope.jsonl").string() + "'");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err.rfind("goatherd: cannot open ", 0), 0u) << r.err;
}

}  // namespace
