// Unit tests of one import line's parsing and validation: each line type read into its record,
// and each class of bad line with the reason the user sees. Expected values are written out by
// hand from the lines themselves (times converted with `date -u -d ... +%s`).
#include "cli/import_lines.h"

#include <gtest/gtest.h>

#include <string>

namespace goatherd::cli {
namespace {

constexpr Timestamp kNow = 1767268800;  // 2026-01-01T12:00:00Z
constexpr const char* kA = "0190a4f2-0000-7000-8000-00000000000a";
constexpr const char* kB = "0190a4f2-0000-7000-8000-00000000000b";

class LineParserTest : public ::testing::Test {
 protected:
  // The reason a bad line is refused (empty when it is accepted).
  std::string Reason(const std::string& line) {
    Status s = parser_.Parse(line, kNow, &record_);
    return s.ok() ? std::string() : s.error().message;
  }
  void ExpectOk(const std::string& line) { ASSERT_EQ(Reason(line), "") << line; }

  LineParser parser_;
  ImportRecord record_;
};

TEST_F(LineParserTest, OrgWithEveryField) {
  ExpectOk(
      R"({"type":"org","id":"0190A4F2-0000-7000-8000-00000000000A","name":"Acme",)"
      R"("timezone":"America/New_York","plan":"starter","created_at":"2025-12-01T00:00:00Z"})");
  EXPECT_EQ(record_.type, LineType::kOrg);
  EXPECT_EQ(record_.org.id, kA);  // lowercased
  EXPECT_EQ(record_.org.name, "Acme");
  EXPECT_EQ(record_.org.timezone, "America/New_York");
  EXPECT_EQ(record_.org.plan, "starter");
  EXPECT_EQ(record_.org.created_at, 1764547200);
  EXPECT_TRUE(record_.explicit_created_at);
}

TEST_F(LineParserTest, OrgDefaultsAndImportTime) {
  ExpectOk(std::string(R"({"type":"org","id":")") + kA + R"(","name":"Acme"})");
  EXPECT_EQ(record_.org.timezone, "UTC");
  EXPECT_EQ(record_.org.plan, "ultra");
  EXPECT_EQ(record_.org.created_at, kNow);
  EXPECT_FALSE(record_.explicit_created_at);
}

TEST_F(LineParserTest, ProjectWithNullReadme) {
  ExpectOk(std::string(R"({"org_id":")") + kA + R"(","type":"project","id":")" + kB +
           R"(","name":"Q1 Program","readme":null})");
  EXPECT_EQ(record_.type, LineType::kProject);
  EXPECT_EQ(record_.project.id, kB);
  EXPECT_EQ(record_.project.org_id, kA);
  EXPECT_EQ(record_.project.name, "Q1 Program");
  EXPECT_FALSE(record_.project.description.has_value());
  ExpectOk(std::string(R"({"type":"project","id":")") + kB + R"(","org_id":")" + kA +
           R"(","name":"P","readme":"notes \u00e9"})");
  EXPECT_EQ(record_.project.description, "notes \xc3\xa9");
}

TEST_F(LineParserTest, Creator) {
  ExpectOk(std::string(R"({"type":"creator","id":")") + kA + R"(","project_id":")" + kB +
           R"(","tiktok_handle":"someone","display_name":"Some One","tracking_mode":"selective",)"
           R"("tracking_start_date":"2026-01-01"})");
  EXPECT_EQ(record_.type, LineType::kCreator);
  EXPECT_EQ(record_.creator.tiktok_handle, "someone");
  EXPECT_EQ(record_.creator.display_name, "Some One");
  EXPECT_EQ(record_.creator.tracking_mode, "selective");
  EXPECT_EQ(record_.creator.tracking_start_date, "2026-01-01");
  // The optional ones may be absent.
  ExpectOk(std::string(R"({"type":"creator","id":")") + kA + R"(","project_id":")" + kB +
           R"(","tiktok_handle":"x"})");
  EXPECT_EQ(record_.creator.tracking_mode, "auto");
  EXPECT_FALSE(record_.creator.display_name.has_value());
  EXPECT_FALSE(record_.creator.tracking_start_date.has_value());
}

TEST_F(LineParserTest, Video) {
  ExpectOk(std::string(R"({"type":"video","id":")") + kA + R"(","project_id":")" + kB +
           R"(","creator_id":null,"tiktok_video_id":"7301234567890123456","title":"Hi",)"
           R"("tracking_status":"pending_review","posted_at":"2026-01-01T15:04:05Z"})");
  EXPECT_EQ(record_.type, LineType::kVideo);
  EXPECT_FALSE(record_.video.creator_id.has_value());
  EXPECT_EQ(record_.video.tiktok_video_id, "7301234567890123456");
  EXPECT_EQ(record_.video.title, "Hi");
  EXPECT_EQ(record_.video.tracking_status, "pending_review");
  EXPECT_EQ(record_.video.posted_at, 1767279845);
  ExpectOk(std::string(R"({"type":"video","id":")") + kA + R"(","project_id":")" + kB +
           R"(","creator_id":")" + kA + R"(","tiktok_video_id":"1"})");
  EXPECT_EQ(record_.video.creator_id, kA);
  EXPECT_EQ(record_.video.tracking_status, "auto_tracked");
  EXPECT_FALSE(record_.video.posted_at.has_value());
}

TEST_F(LineParserTest, VideoSnapshotWithReasons) {
  const std::string head = std::string(R"({"type":"video_snapshot","video_id":")") + kA +
                           R"(","snapshot_at":"2026-01-01T16:00:00+01:00","view_count":120,)"
                           R"("like_count":9,"comment_count":1,"share_count":0,"save_count":2)";
  ExpectOk(head + "}");
  EXPECT_EQ(record_.type, LineType::kVideoSnapshot);
  EXPECT_EQ(record_.video_id, kA);
  EXPECT_EQ(record_.video_snapshot.snapshot_at, 1767279600);  // 15:00Z
  EXPECT_EQ(record_.video_snapshot.counts, (VideoCounts{120, 9, 1, 0, 2}));
  EXPECT_EQ(record_.video_snapshot.reason, SnapshotReason::kNone);
  ExpectOk(head + R"(,"reason":"tracking_resumed"})");
  EXPECT_EQ(record_.video_snapshot.reason, SnapshotReason::kTrackingResumed);
  ExpectOk(head + R"(,"reason":"video_added"})");
  EXPECT_EQ(record_.video_snapshot.reason, SnapshotReason::kVideoAdded);
  ExpectOk(head + R"(,"reason":null})");
  EXPECT_EQ(record_.video_snapshot.reason, SnapshotReason::kNone);
  EXPECT_EQ(Reason(head + R"(,"reason":"bored"})"),
            "field 'reason' must be video_added, tracking_resumed or null, got 'bored'");
}

TEST_F(LineParserTest, CreatorSnapshot) {
  ExpectOk(std::string(R"({"type":"creator_snapshot","creator_id":")") + kB +
           R"(","snapshot_at":"2026-01-01T16:00:00Z","follower_count":15000,)"
           R"("following_count":80,"like_count":90000,"video_count":41})");
  EXPECT_EQ(record_.type, LineType::kCreatorSnapshot);
  EXPECT_EQ(record_.creator_snapshot.creator_id, kB);
  EXPECT_EQ(record_.creator_snapshot.snapshot_at, 1767283200);
  EXPECT_EQ(record_.creator_snapshot.follower_count, 15000);
  EXPECT_EQ(record_.creator_snapshot.following_count, 80);
  EXPECT_EQ(record_.creator_snapshot.like_count, 90000);
  EXPECT_EQ(record_.creator_snapshot.video_count, 41);
}

TEST_F(LineParserTest, UnknownFieldsAreIgnored) {
  ExpectOk(std::string(R"({"type":"org","id":")") + kA +
           R"(","name":"Acme","future":{"a":[1,2,{"b":null}]},"x":1.5,"y":true})");
  EXPECT_EQ(record_.org.name, "Acme");
  // A known name nested in an unknown field is not the line's own field.
  ExpectOk(std::string(R"({"type":"org","id":")") + kA +
           R"(","name":"Acme","extra":{"name":"Other","type":"video"}})");
  EXPECT_EQ(record_.type, LineType::kOrg);
  EXPECT_EQ(record_.org.name, "Acme");
}

TEST_F(LineParserTest, NotJson) {
  EXPECT_EQ(Reason(R"({"type":"org",)").rfind("invalid JSON: ", 0), 0u);
  EXPECT_EQ(Reason("hello").rfind("invalid JSON: ", 0), 0u);
  EXPECT_EQ(Reason(R"({"type":"org"} x)").rfind("invalid JSON: ", 0), 0u);
  EXPECT_EQ(Reason("{\"type\":\"org\",\"name\":\"\xff\"}").rfind("invalid JSON: ", 0), 0u);
}

TEST_F(LineParserTest, NotAnObject) {
  EXPECT_EQ(Reason("[1,2]"), "expected a JSON object, got an array");
  EXPECT_EQ(Reason("\"org\""), "expected a JSON object, got a string");
  EXPECT_EQ(Reason("42"), "expected a JSON object, got a number");
  EXPECT_EQ(Reason("null"), "expected a JSON object, got null");
}

TEST_F(LineParserTest, StrictJsonRules) {
  EXPECT_EQ(Reason(std::string(R"({"type":"org","id":")") + kA + R"(","name":"A","name":"B"})"),
            "duplicate key 'name'");
  EXPECT_EQ(Reason(R"({"type":"org","z":1,"z":2})"), "duplicate key 'z'");
  EXPECT_EQ(Reason(R"({"type":"org","z":{"q":1,"q":2}})"), "duplicate key 'q'");
  EXPECT_EQ(Reason(R"({"type":"org","z":18446744073709551615})"),
            "integer 18446744073709551615 is out of range");
  EXPECT_EQ(Reason(R"({"type":"org","z":1e400})"), "number 1e400 is out of range");
  std::string deep(40, '[');
  EXPECT_EQ(Reason(R"({"type":"org","z":)" + deep + std::string(40, ']') + "}")
                .rfind("invalid JSON: ", 0),
            0u);
}

TEST_F(LineParserTest, TypeProblems) {
  EXPECT_EQ(Reason(R"({"id":"x"})"), "missing field 'type'");
  EXPECT_EQ(Reason(R"({"type":3})"), "field 'type' must be a string, got a number");
  EXPECT_EQ(Reason(R"({"type":"campaign"})"),
            "unknown type 'campaign' (expected org, project, creator, video, video_snapshot or "
            "creator_snapshot)");
}

TEST_F(LineParserTest, MissingAndIllTypedFields) {
  EXPECT_EQ(Reason(R"({"type":"org","name":"A"})"), "missing field 'id'");
  EXPECT_EQ(Reason(std::string(R"({"type":"org","id":")") + kA + R"("})"), "missing field 'name'");
  EXPECT_EQ(Reason(std::string(R"({"type":"org","id":")") + kA + R"(","name":7})"),
            "field 'name' must be a string, got a number");
  EXPECT_EQ(Reason(std::string(R"({"type":"org","id":")") + kA + R"(","name":""})"),
            "field 'name' must be 1 to 200 characters");
  EXPECT_EQ(Reason(std::string(R"({"type":"project","id":")") + kB + R"(","org_id":")" + kA +
                   R"(","name":"P","readme":[]})"),
            "field 'readme' must be a string or null, got an array");
  EXPECT_EQ(Reason(std::string(R"({"type":"video","id":")") + kA + R"(","project_id":")" + kB +
                   R"(","tiktok_video_id":7301234567890123456})"),
            "field 'tiktok_video_id' must be a string, got a number");
  const std::string snap = std::string(R"({"type":"video_snapshot","video_id":")") + kA +
                           R"(","snapshot_at":"2026-01-01T16:00:00Z","view_count":1,)"
                           R"("like_count":1,"comment_count":1,"share_count":1)";
  EXPECT_EQ(Reason(snap + "}"), "missing field 'save_count'");
  EXPECT_EQ(Reason(snap + R"(,"save_count":"2"})"),
            "field 'save_count' must be an integer, got a string");
  EXPECT_EQ(Reason(snap + R"(,"save_count":2.5})"),
            "field 'save_count' must be an integer, got a fractional number");
  EXPECT_EQ(Reason(snap + R"(,"save_count":null})"),
            "field 'save_count' must be an integer, got null");
}

TEST_F(LineParserTest, NegativeCounts) {
  EXPECT_EQ(Reason(std::string(R"({"type":"creator_snapshot","creator_id":")") + kB +
                   R"(","snapshot_at":"2026-01-01T16:00:00Z","follower_count":-1,)"
                   R"("following_count":80,"like_count":90000,"video_count":41})"),
            "field 'follower_count' must not be negative, got -1");
}

TEST_F(LineParserTest, BadUuid) {
  EXPECT_EQ(Reason(R"({"type":"org","id":"not-a-uuid","name":"A"})"),
            "field 'id' must be a UUID, got 'not-a-uuid'");
  EXPECT_EQ(
      Reason(std::string(R"({"type":"video","id":")") + kA + R"(","project_id":")" + kB +
             R"(","creator_id":"0190a4f2-0000-7000-8000-00000000000g","tiktok_video_id":"1"})"),
      "field 'creator_id' must be a UUID, got '0190a4f2-0000-7000-8000-00000000000g'");
}

TEST_F(LineParserTest, BadTimestamp) {
  const std::string head = std::string(R"({"type":"video_snapshot","video_id":")") + kA +
                           R"(","view_count":1,"like_count":1,"comment_count":1,)"
                           R"("share_count":1,"save_count":1,"snapshot_at":)";
  EXPECT_EQ(Reason(head + R"("2026-01-01 16:00:00"})"),
            "field 'snapshot_at' must be an RFC 3339 timestamp such as 2026-01-01T16:00:00Z, got "
            "'2026-01-01 16:00:00'");
  EXPECT_EQ(Reason(head + R"("2026-02-30T16:00:00Z"})"),
            "field 'snapshot_at' must be an RFC 3339 timestamp such as 2026-01-01T16:00:00Z, got "
            "'2026-02-30T16:00:00Z'");
  EXPECT_EQ(Reason(head + "1767283200}"),
            "field 'snapshot_at' must be an RFC 3339 timestamp, got a number");
  EXPECT_EQ(Reason(std::string(R"({"type":"org","id":")") + kA +
                   R"(","name":"A","created_at":"yesterday"})"),
            "field 'created_at' must be an RFC 3339 timestamp such as 2026-01-01T16:00:00Z, got "
            "'yesterday'");
}

TEST_F(LineParserTest, BadDate) {
  EXPECT_EQ(Reason(std::string(R"({"type":"creator","id":")") + kA + R"(","project_id":")" + kB +
                   R"(","tiktok_handle":"x","tracking_start_date":"2026-1-1"})"),
            "field 'tracking_start_date' must be a date YYYY-MM-DD, got '2026-1-1'");
}

TEST_F(LineParserTest, BadTimeZone) {
  EXPECT_EQ(Reason(std::string(R"({"type":"org","id":")") + kA +
                   R"(","name":"A","timezone":"Mars/Olympus"})"),
            "field 'timezone' must be an IANA time zone such as Europe/Berlin, got "
            "'Mars/Olympus'");
}

TEST_F(LineParserTest, BadEnumerations) {
  EXPECT_EQ(Reason(std::string(R"({"type":"creator","id":")") + kA + R"(","project_id":")" + kB +
                   R"(","tiktok_handle":"x","tracking_mode":"manual"})"),
            "field 'tracking_mode' must be auto or selective, got 'manual'");
  EXPECT_EQ(Reason(std::string(R"({"type":"video","id":")") + kA + R"(","project_id":")" + kB +
                   R"(","tiktok_video_id":"1","tracking_status":"tracked"})"),
            "field 'tracking_status' must be one of auto_tracked, pending_review, included, "
            "excluded, direct_add, got 'tracked'");
}

TEST_F(LineParserTest, TiktokVideoIdMustBeDigits) {
  EXPECT_EQ(Reason(std::string(R"({"type":"video","id":")") + kA + R"(","project_id":")" + kB +
                   R"(","tiktok_video_id":"73012x"})"),
            "field 'tiktok_video_id' must be a string of digits, got '73012x'");
  EXPECT_EQ(Reason(std::string(R"({"type":"video","id":")") + kA + R"(","project_id":")" + kB +
                   R"(","tiktok_video_id":""})"),
            "field 'tiktok_video_id' must be a string of digits, got ''");
}

TEST_F(LineParserTest, ParserRecoversAfterABadLine) {
  EXPECT_NE(Reason(R"({"type":"org","id":)"), "");
  EXPECT_NE(Reason(R"({"type":"org","a":1,"a":2})"), "");
  ExpectOk(std::string(R"({"type":"org","id":")") + kA + R"(","name":"Acme","a":1})");
  EXPECT_EQ(record_.org.name, "Acme");
}

}  // namespace
}  // namespace goatherd::cli
