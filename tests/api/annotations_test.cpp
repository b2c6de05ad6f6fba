// Black-box tests of annotations (spec/analytics.md "Annotations"): create, read, list by date
// range, update, delete, and the validation of every field, against the real binary. Projects,
// creators and videos come from `goatherd import`; "today" is 2026-03-04 (UTC) via --fake-now.
#include <boost/json/parse.hpp>
#include <fstream>
#include <set>

#include "harness.h"

namespace goatherd::blackbox {
namespace {

namespace json = boost::json;

constexpr char kNow[] = "2026-03-04T12:00:00Z";
constexpr char kOrgA[] = "a0000000-0000-4000-8000-0000000000aa";
constexpr char kP1[] = "a1000000-0000-4000-8000-0000000000a1";
constexpr char kP2[] = "a1000000-0000-4000-8000-0000000000a2";
constexpr char kC1[] = "a2000000-0000-4000-8000-0000000000a1";
constexpr char kV1[] = "a3000000-0000-4000-8000-0000000000a1";
constexpr char kV2[] = "a3000000-0000-4000-8000-0000000000a2";  // in P2
constexpr char kOrgB[] = "b0000000-0000-4000-8000-0000000000bb";
constexpr char kPB[] = "b1000000-0000-4000-8000-0000000000b1";

std::string ErrorOf(const HttpResult& r) {
  if (!r.json_ok || !r.json.is_object()) return "";
  const auto* e = r.json.as_object().if_contains("error");
  return e && e->is_string() ? std::string(e->as_string()) : "";
}
std::string Str(const json::value& v, std::string_view key) {
  const auto* o = v.if_object();
  if (!o || !o->contains(key) || !o->at(key).is_string()) return "";
  return std::string(o->at(key).as_string());
}
std::vector<std::string> Labels(const HttpResult& r) {
  std::vector<std::string> out;
  json::value data = DataOf(r);
  if (!data.is_array()) return out;
  for (const auto& a : data.as_array()) out.push_back(Str(a, "label"));
  return out;
}

class AnnotationsTest : public BlackBoxTest {
 protected:
  void Configure(ServerProcess::Options& options) override { options.fake_now = kNow; }

  void SetUp() override {
    BlackBoxTest::SetUp();
    if (HasFatalFailure()) return;
    std::string path = dir_->File("fixture.jsonl");
    {
      std::ofstream out(path);
      out << R"({"type":"org","id":")" << kOrgA
          << R"(","name":"A","timezone":"UTC","plan":"ultra"})"
          << "\n"
          << R"({"type":"project","id":")" << kP1 << R"(","org_id":")" << kOrgA
          << R"(","name":"One","readme":null})"
          << "\n"
          << R"({"type":"project","id":")" << kP2 << R"(","org_id":")" << kOrgA
          << R"(","name":"Two","readme":null})"
          << "\n"
          << R"({"type":"creator","id":")" << kC1 << R"(","project_id":")" << kP1
          << R"(","tiktok_handle":"alice","display_name":null,"tracking_mode":"auto",)"
          << R"("tracking_start_date":"2026-01-01"})"
          << "\n"
          << R"({"type":"video","id":")" << kV1 << R"(","project_id":")" << kP1
          << R"(","creator_id":")" << kC1
          << R"(","tiktok_video_id":"7300000000000000001","title":null,)"
          << R"("tracking_status":"auto_tracked","posted_at":"2026-03-01T10:00:00Z"})"
          << "\n"
          << R"({"type":"video","id":")" << kV2 << R"(","project_id":")" << kP2
          << R"(","creator_id":null,"tiktok_video_id":"7300000000000000002","title":null,)"
          << R"("tracking_status":"direct_add","posted_at":"2026-03-01T10:00:00Z"})"
          << "\n"
          << R"({"type":"org","id":")" << kOrgB
          << R"(","name":"B","timezone":"UTC","plan":"ultra"})"
          << "\n"
          << R"({"type":"project","id":")" << kPB << R"(","org_id":")" << kOrgB
          << R"(","name":"B1","readme":null})"
          << "\n";
    }
    auto r = Cli({"import", path, "--fake-now", kNow});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    key_a_ = CreateKey(kOrgA).secret;
    key_b_ = CreateKey(kOrgB).secret;
  }

  HttpResult Post(const std::string& body, const std::string& key = "") {
    return Call("POST", "/api/v1/analytics/annotations", key.empty() ? key_a_ : key, body);
  }
  std::string Add(const std::string& date, const std::string& label,
                  const std::string& project = kP1) {
    auto r = Post(R"({"project_id":")" + project + R"(","date":")" + date + R"(","label":")" +
                  label + "\"}");
    EXPECT_EQ(r.status, 201) << r.body;
    return Str(DataOf(r), "id");
  }

  std::string key_a_;
  std::string key_b_;
};

TEST_F(AnnotationsTest, CreateReadUpdateDelete) {
  auto created = Post(R"({"project_id":")" + std::string(kP1) +
                      R"(","date":"2026-03-02","label":"Spring launch","body":"New sound",)"
                      R"("kind":"launch","entity_type":"video","entity_id":")" +
                      std::string(kV1) + "\"}");
  ASSERT_EQ(created.status, 201) << created.body;
  ASSERT_TRUE(IsEnvelope(created));
  json::value a = DataOf(created);
  std::string id = Str(a, "id");
  EXPECT_TRUE(IsLowercaseUuid(id));
  json::value without_times = a;
  EXPECT_EQ(Str(a, "created_at").substr(0, 14), "2026-03-04T12:");
  EXPECT_EQ(Str(a, "updated_at"), Str(a, "created_at"));
  without_times.as_object().erase("created_at");
  without_times.as_object().erase("updated_at");
  EXPECT_EQ(without_times,
            json::parse(R"({"id":")" + id + R"(","project_id":")" + kP1 +
                        R"(","date":"2026-03-02","label":"Spring launch","body":"New sound",)"
                        R"("kind":"launch","entity_type":"video","entity_id":")" +
                        kV1 + "\"}"));

  auto got = Get("/api/v1/analytics/annotations/" + id, key_a_);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(DataOf(got), a);

  // The kind defaults to note; PATCH clears the body and the entity together.
  std::string plain = Add("2026-03-03", "Plain");
  EXPECT_EQ(Str(DataOf(Get("/api/v1/analytics/annotations/" + plain, key_a_)), "kind"), "note");
  auto patched = Call("PATCH", "/api/v1/analytics/annotations/" + id, key_a_,
                      R"({"label":"Launch","body":null,"kind":"incident","date":"2026-03-01",)"
                      R"("entity_type":null,"entity_id":null})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  json::value p = DataOf(patched);
  EXPECT_EQ(Str(p, "label"), "Launch");
  EXPECT_EQ(Str(p, "kind"), "incident");
  EXPECT_EQ(Str(p, "date"), "2026-03-01");
  EXPECT_TRUE(p.as_object().at("body").is_null());
  EXPECT_TRUE(p.as_object().at("entity_type").is_null());
  EXPECT_TRUE(p.as_object().at("entity_id").is_null());
  // Pointing it at the creator of the same project.
  auto to_creator = Call("PATCH", "/api/v1/analytics/annotations/" + id, key_a_,
                         R"({"entity_type":"creator","entity_id":")" + std::string(kC1) + "\"}");
  ASSERT_EQ(to_creator.status, 200) << to_creator.body;
  EXPECT_EQ(Str(DataOf(to_creator), "entity_id"), kC1);

  // Another organization reaches none of it.
  EXPECT_TRUE(IsError(Get("/api/v1/analytics/annotations/" + id, key_b_), 404, "not_found"));
  EXPECT_TRUE(
      IsError(Call("PATCH", "/api/v1/analytics/annotations/" + id, key_b_, R"({"label":"x"})"), 404,
              "not_found"));
  EXPECT_TRUE(
      IsError(Call("DELETE", "/api/v1/analytics/annotations/" + id, key_b_), 404, "not_found"));

  auto deleted = Call("DELETE", "/api/v1/analytics/annotations/" + id, key_a_);
  EXPECT_EQ(deleted.body,
            R"({"data":{"id":")" + id + R"(","deleted":true},"error":null,"meta":null})");
  EXPECT_TRUE(IsError(Get("/api/v1/analytics/annotations/" + id, key_a_), 404, "not_found"));
  EXPECT_TRUE(
      IsError(Call("DELETE", "/api/v1/analytics/annotations/" + id, key_a_), 404, "not_found"));
}

TEST_F(AnnotationsTest, ListsByDateRangeOldestFirst) {
  Add("2026-03-04", "today");
  Add("2026-02-03", "first default day");  // today - 29
  Add("2026-02-02", "day before the default range");
  Add("2026-03-01", "sunday");
  Add("2026-03-05", "tomorrow");
  Add("2026-03-01", "other project", kP2);
  const std::string base = std::string("/api/v1/analytics/annotations?project_id=") + kP1;
  // Default: the last 30 days ending today, 02-03 .. 03-04.
  auto def = Get(base, key_a_);
  ASSERT_EQ(def.status, 200) << def.body;
  EXPECT_EQ(Labels(def), (std::vector<std::string>{"first default day", "sunday", "today"}));
  EXPECT_EQ(def.json.as_object().at("meta"), json::parse(R"({"nextCursor":null,"hasMore":false})"));
  // Inclusive bounds.
  EXPECT_EQ(Labels(Get(base + "&from=2026-03-01&to=2026-03-05", key_a_)),
            (std::vector<std::string>{"sunday", "today", "tomorrow"}));
  EXPECT_EQ(Labels(Get(base + "&from=2026-02-02&to=2026-02-02", key_a_)),
            (std::vector<std::string>{"day before the default range"}));
  EXPECT_TRUE(Labels(Get(base + "&from=2025-01-01&to=2025-01-31", key_a_)).empty());
  // Pages of 2 in date order.
  auto p1 = Get(base + "&from=2026-02-01&to=2026-03-31&limit=2", key_a_);
  ASSERT_EQ(p1.status, 200);
  EXPECT_EQ(Labels(p1),
            (std::vector<std::string>{"day before the default range", "first default day"}));
  std::string cursor = Str(p1.json.as_object().at("meta"), "nextCursor");
  ASSERT_FALSE(cursor.empty());
  auto p2 = Get(base + "&from=2026-02-01&to=2026-03-31&limit=2&cursor=" + cursor, key_a_);
  ASSERT_EQ(p2.status, 200) << p2.body;
  EXPECT_EQ(Labels(p2), (std::vector<std::string>{"sunday", "today"}));
  // The cursor belongs to that range: reused with another one, it is refused.
  EXPECT_TRUE(IsError(Get(base + "&from=2026-02-02&to=2026-03-31&cursor=" + cursor, key_a_), 400,
                      "invalid_query"));

  EXPECT_TRUE(IsError(Get("/api/v1/analytics/annotations", key_a_), 400, "invalid_query"));
  EXPECT_EQ(ErrorOf(Get("/api/v1/analytics/annotations", key_a_)),
            "Query parameter 'project_id' is required");
  EXPECT_TRUE(IsError(Get(base + "&from=2026-03-05&to=2026-03-01", key_a_), 400, "invalid_query"));
  EXPECT_TRUE(IsError(Get(base + "&from=2026-3-1", key_a_), 400, "invalid_query"));
  // Another organization's project is a 404.
  EXPECT_TRUE(IsError(Get(base, key_b_), 404, "not_found"));
}

TEST_F(AnnotationsTest, Validation) {
  const std::string p = std::string(R"("project_id":")") + kP1 + "\"";
  struct Bad {
    std::string body;
    const char* message;
  };
  const std::string l200(200, 'x');
  std::string e201;
  for (int i = 0; i < 201; ++i) e201 += "\xc3\xa9";  // é, two bytes, one character
  const std::vector<Bad> bad = {
      {R"({"date":"2026-03-01","label":"x"})", "Field 'project_id' is required"},
      {R"({"project_id":"nope","date":"2026-03-01","label":"x"})",
       "Field 'project_id' must be a UUID, got 'nope'"},
      {"{" + p + R"(,"label":"x"})", "Field 'date' is required"},
      {"{" + p + R"(,"date":"03/01/2026","label":"x"})",
       "Field 'date' must be a date YYYY-MM-DD, got '03/01/2026'"},
      {"{" + p + R"(,"date":"2026-03-01"})", "Field 'label' is required"},
      {"{" + p + R"(,"date":"2026-03-01","label":""})",
       "Field 'label' must be 1 to 200 characters, got 0"},
      {"{" + p + R"(,"date":"2026-03-01","label":")" + l200 + R"(x"})",
       "Field 'label' must be 1 to 200 characters, got 201"},
      {"{" + p + R"(,"date":"2026-03-01","label":")" + e201 + R"("})",
       "Field 'label' must be 1 to 200 characters, got 201"},
      {"{" + p + R"(,"date":"2026-03-01","label":"x","kind":"party"})",
       "Field 'kind' must be one of note, launch, payout, incident, got 'party'"},
      {"{" + p + R"(,"date":"2026-03-01","label":"x","entity_type":"video"})",
       "Fields 'entity_type' and 'entity_id' must be given together"},
      {"{" + p + R"(,"date":"2026-03-01","label":"x","entity_type":"post","entity_id":")" + kV1 +
           "\"}",
       "Field 'entity_type' must be one of video, creator, campaign, got 'post'"},
      {"{" + p + R"(,"date":"2026-03-01","label":"x","entity_type":"video","entity_id":"v1"})",
       "Field 'entity_id' must be a UUID, got 'v1'"},
      {"{" + p + R"(,"date":"2026-03-01","label":"x","color":"red"})", "Unknown field 'color'"},
  };
  for (const auto& b : bad) {
    auto r = Post(b.body);
    EXPECT_TRUE(IsError(r, 400, "invalid_body")) << b.body << " -> " << r.body;
    EXPECT_EQ(ErrorOf(r), b.message) << b.body;
  }
  // 200 characters are allowed, multibyte ones too.
  std::string e200;
  for (int i = 0; i < 200; ++i) e200 += "\xc3\xa9";
  EXPECT_EQ(Post("{" + p + R"(,"date":"2026-03-01","label":")" + l200 + "\"}").status, 201);
  EXPECT_EQ(Post("{" + p + R"(,"date":"2026-03-01","label":")" + e200 + "\"}").status, 201);
  for (const char* kind : {"note", "launch", "payout", "incident"}) {
    EXPECT_EQ(Post("{" + p + R"(,"date":"2026-03-01","label":"k","kind":")" + kind + "\"}").status,
              201)
        << kind;
  }

  // The entity must exist in that project: a video of P2, an unknown creator, a campaign that
  // does not exist, another organization's project.
  auto other_project = Post("{" + p +
                            R"(,"date":"2026-03-01","label":"x","entity_type":"video",)"
                            R"("entity_id":")" +
                            kV2 + "\"}");
  EXPECT_TRUE(IsError(other_project, 404, "not_found")) << other_project.body;
  EXPECT_TRUE(IsError(Post("{" + p +
                           R"(,"date":"2026-03-01","label":"x","entity_type":"creator",)"
                           R"("entity_id":"a2000000-0000-4000-8000-0000000000ff"})"),
                      404, "not_found"));
  EXPECT_TRUE(IsError(Post("{" + p +
                           R"(,"date":"2026-03-01","label":"x","entity_type":"campaign",)"
                           R"("entity_id":"a4000000-0000-4000-8000-0000000000ff"})"),
                      404, "not_found"));
  EXPECT_TRUE(IsError(
      Post(R"({"project_id":")" + std::string(kPB) + R"(","date":"2026-03-01","label":"x"})"), 404,
      "not_found"));
  // The same video is fine in its own project.
  EXPECT_EQ(
      Post(R"({"project_id":")" + std::string(kP2) +
           R"(","date":"2026-03-01","label":"x","entity_type":"video","entity_id":")" + kV2 + "\"}")
          .status,
      201);

  // PATCH rules.
  std::string id = Add("2026-03-01", "to patch");
  const std::string path = "/api/v1/analytics/annotations/" + id;
  auto moved = Call("PATCH", path, key_a_, R"({"project_id":")" + std::string(kP2) + "\"}");
  EXPECT_TRUE(IsError(moved, 400, "invalid_body"));
  EXPECT_EQ(ErrorOf(moved),
            "Field 'project_id' cannot be changed; create the annotation in the other project");
  EXPECT_TRUE(IsError(Call("PATCH", path, key_a_, "{}"), 400, "invalid_body"));
  EXPECT_TRUE(IsError(Call("PATCH", path, key_a_, R"({"entity_type":"video","entity_id":null})"),
                      400, "invalid_body"));
  EXPECT_TRUE(IsError(Call("PATCH", path, key_a_,
                           R"({"entity_type":"video","entity_id":")" + std::string(kV2) + "\"}"),
                      404, "not_found"));
  // A read-only key may list but not write.
  ApiKey reader = CreateKey(kOrgA, "read");
  EXPECT_TRUE(IsError(Post("{" + p + R"(,"date":"2026-03-01","label":"x"})", reader.secret), 403,
                      "insufficient_scope"));
}

TEST_F(AnnotationsTest, IdempotencyKeyReplaysTheCreation) {
  const std::string body =
      R"({"project_id":")" + std::string(kP1) + R"(","date":"2026-03-01","label":"once"})";
  auto first =
      Call("POST", "/api/v1/analytics/annotations", key_a_, body, {{"Idempotency-Key", "a-1"}});
  ASSERT_EQ(first.status, 201);
  auto again =
      Call("POST", "/api/v1/analytics/annotations", key_a_, body, {{"Idempotency-Key", "a-1"}});
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.Header("Idempotency-Replayed"), std::optional<std::string>("true"));
  auto list = Get(std::string("/api/v1/analytics/annotations?project_id=") + kP1, key_a_);
  EXPECT_EQ(Labels(list), (std::vector<std::string>{"once"}));
}

}  // namespace
}  // namespace goatherd::blackbox
