#include "cli/import_lines.h"

#include <array>
#include <boost/json/basic_parser_impl.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "api/json_body.h"
#include "core/time.h"

namespace goatherd::cli {
namespace {

namespace json = boost::json;

// Every member name any line type knows. A line's fields are collected by these slots first and
// checked against its type at the end, because `type` may come last in the object.
enum Field : int {
  kType,
  kId,
  kName,
  kTimezone,
  kPlan,
  kOrgId,
  kReadme,
  kProjectId,
  kTiktokHandle,
  kDisplayName,
  kTrackingMode,
  kTrackingStartDate,
  kCreatorId,
  kTiktokVideoId,
  kTitle,
  kTrackingStatus,
  kPostedAt,
  kVideoId,
  kSnapshotAt,
  kViewCount,
  kLikeCount,
  kCommentCount,
  kShareCount,
  kSaveCount,
  kReason,
  kFollowerCount,
  kFollowingCount,
  kVideoCount,
  kCreatedAt,
  kFieldCount
};
static_assert(kFieldCount <= 64, "seen fields are a 64-bit mask");

constexpr std::array<std::string_view, kFieldCount> kFieldNames = {"type",
                                                                   "id",
                                                                   "name",
                                                                   "timezone",
                                                                   "plan",
                                                                   "org_id",
                                                                   "readme",
                                                                   "project_id",
                                                                   "tiktok_handle",
                                                                   "display_name",
                                                                   "tracking_mode",
                                                                   "tracking_start_date",
                                                                   "creator_id",
                                                                   "tiktok_video_id",
                                                                   "title",
                                                                   "tracking_status",
                                                                   "posted_at",
                                                                   "video_id",
                                                                   "snapshot_at",
                                                                   "view_count",
                                                                   "like_count",
                                                                   "comment_count",
                                                                   "share_count",
                                                                   "save_count",
                                                                   "reason",
                                                                   "follower_count",
                                                                   "following_count",
                                                                   "video_count",
                                                                   "created_at"};

int FindField(std::string_view key) {
  for (int i = 0; i < kFieldCount; ++i) {
    const std::string_view name = kFieldNames[static_cast<std::size_t>(i)];
    if (name.size() == key.size() && std::memcmp(name.data(), key.data(), key.size()) == 0) {
      return i;
    }
  }
  return -1;
}

enum class Kind : std::uint8_t { kNull, kBool, kInt, kDouble, kString, kArray, kObject };

const char* KindName(Kind k) {
  switch (k) {
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return "a boolean";
    case Kind::kInt:
    case Kind::kDouble:
      return "a number";
    case Kind::kString:
      return "a string";
    case Kind::kArray:
      return "an array";
    case Kind::kObject:
      return "an object";
  }
  return "a value";
}

struct Slot {
  Kind kind = Kind::kNull;
  std::int64_t integer = 0;
  std::string text;  // keeps its capacity from line to line
};

// The SAX handler: fills the slots of the top-level object's known members and checks the rest
// of the document as strictly as api::ParseStrictJson does.
struct LineHandler {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  std::array<Slot, kFieldCount> slots;
  std::uint64_t seen = 0;  // bit i: field i was present
  int depth = 0;           // 1 = inside the top-level object
  int field = -1;          // the known field whose value comes next at depth 1, else -1
  bool in_string = false;
  std::string key;     // a key delivered in parts
  std::string number;  // a number delivered in parts
  // Names of members seen so far per open object, for the duplicate check: index 0 holds the
  // top-level object's unknown members (known ones are in `seen`), index d-1 the object at depth
  // d. The strings are reused; `key_counts` says how many of each list are live.
  std::vector<std::vector<std::string>> keys;
  std::vector<std::size_t> key_counts;
  std::string problem;

  bool Fail(std::string why, json::error_code& ec) {
    problem = std::move(why);
    ec = json::make_error_code(json::error::extra_data);
    return false;
  }
  // A scalar or container starting at depth 0 is not the object a line must be.
  bool TopLevel(Kind k, json::error_code& ec) {
    return Fail(std::string("expected a JSON object, got ") + KindName(k), ec);
  }
  Slot* Target() {
    return depth == 1 && field >= 0 ? &slots[static_cast<std::size_t>(field)] : nullptr;
  }

  bool on_document_begin(json::error_code&) {
    seen = 0;
    depth = 0;
    field = -1;
    in_string = false;
    key.clear();
    number.clear();
    problem.clear();
    return true;
  }
  bool on_document_end(json::error_code&) { return true; }

  bool OpenContainer(Kind k, json::error_code& ec) {
    if (depth == 0 && k != Kind::kObject) return TopLevel(k, ec);
    if (Slot* s = Target()) s->kind = k;
    ++depth;
    if (k == Kind::kObject) {
      auto d = static_cast<std::size_t>(depth);
      if (keys.size() < d) {
        keys.resize(d);
        key_counts.resize(d);
      }
      key_counts[d - 1] = 0;
    }
    return true;
  }
  bool on_object_begin(json::error_code& ec) { return OpenContainer(Kind::kObject, ec); }
  bool on_array_begin(json::error_code& ec) { return OpenContainer(Kind::kArray, ec); }
  bool on_object_end(std::size_t, json::error_code&) {
    --depth;
    return true;
  }
  bool on_array_end(std::size_t, json::error_code&) {
    --depth;
    return true;
  }

  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    key.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
    std::string_view name(s.data(), s.size());
    if (!key.empty()) {
      key.append(s.data(), s.size());
      name = key;
    }
    field = -1;
    if (depth == 1) field = FindField(name);
    if (field >= 0) {
      std::uint64_t bit = std::uint64_t{1} << field;
      if (seen & bit) return Fail("duplicate key '" + std::string(name) + "'", ec);
      seen |= bit;
    } else {
      auto d = static_cast<std::size_t>(depth) - 1;
      auto& list = keys[d];
      std::size_t& n = key_counts[d];
      for (std::size_t i = 0; i < n; ++i) {
        if (list[i] == name) return Fail("duplicate key '" + std::string(name) + "'", ec);
      }
      if (list.size() == n) list.emplace_back();
      list[n++].assign(name.data(), name.size());
    }
    key.clear();
    return true;
  }

  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    if (Slot* slot = Target()) {
      if (!in_string) slot->text.clear();
      slot->text.append(s.data(), s.size());
    }
    in_string = true;
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code& ec) {
    if (depth == 0) return TopLevel(Kind::kString, ec);
    if (Slot* slot = Target()) {
      if (!in_string) slot->text.clear();
      slot->text.append(s.data(), s.size());
      slot->kind = Kind::kString;
    }
    in_string = false;
    return true;
  }

  bool on_number_part(json::string_view s, json::error_code&) {
    number.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, json::string_view, json::error_code& ec) {
    number.clear();
    if (depth == 0) return TopLevel(Kind::kInt, ec);
    if (Slot* slot = Target()) {
      slot->kind = Kind::kInt;
      slot->integer = i;
    }
    return true;
  }
  bool on_uint64(std::uint64_t, json::string_view s, json::error_code& ec) {
    number.append(s.data(), s.size());
    return Fail("integer " + number + " is out of range", ec);
  }
  bool on_double(double d, json::string_view s, json::error_code& ec) {
    number.append(s.data(), s.size());
    if (!std::isfinite(d)) return Fail("number " + number + " is out of range", ec);
    if (number.find_first_of(".eE") == std::string::npos) {
      return Fail("integer " + number + " is out of range", ec);
    }
    number.clear();
    if (depth == 0) return TopLevel(Kind::kDouble, ec);
    if (Slot* slot = Target()) slot->kind = Kind::kDouble;
    return true;
  }
  bool on_bool(bool, json::error_code& ec) {
    if (depth == 0) return TopLevel(Kind::kBool, ec);
    if (Slot* slot = Target()) slot->kind = Kind::kBool;
    return true;
  }
  bool on_null(json::error_code& ec) {
    if (depth == 0) return TopLevel(Kind::kNull, ec);
    if (Slot* slot = Target()) slot->kind = Kind::kNull;
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }
};

json::parse_options StrictOptions() {
  json::parse_options opts;
  opts.max_depth = api::kMaxJsonDepth;
  return opts;
}

constexpr std::size_t kMaxNameCodePoints = 200;

// Reads the collected slots as the fields of one line type. Every failure leaves its reason in
// `error` and returns false; the reasons name the field, as a user fixing the file needs.
class FieldReader {
 public:
  FieldReader(const LineHandler& h, std::string* error) : h_(h), error_(*error) {}

  bool Has(Field f) const { return (h_.seen >> f) & 1; }
  const Slot& At(Field f) const { return h_.slots[static_cast<std::size_t>(f)]; }

  bool Missing(Field f) { return Problem("missing field '", f, "'"); }
  bool WrongType(Field f, const char* expected) {
    return Problem("field '", f,
                   std::string("' must be ") + expected + ", got " + KindName(At(f).kind));
  }
  bool Invalid(Field f, const char* expected, std::string_view got) {
    return Problem("field '", f,
                   std::string("' must be ") + expected + ", got '" + std::string(got) + "'");
  }

  // A present string field; `Has(f)` is checked by the caller.
  bool StringValue(Field f, const char* expected, std::string_view* out) {
    if (At(f).kind != Kind::kString) return WrongType(f, expected);
    *out = At(f).text;
    return true;
  }

  bool RequiredString(Field f, std::string* out) {
    std::string_view v;
    if (!Has(f)) return Missing(f);
    if (!StringValue(f, "a string", &v)) return false;
    out->assign(v.data(), v.size());
    return true;
  }
  // A required, non-empty string of at most `max` code points.
  bool Name(Field f, std::string* out, std::size_t max) {
    if (!RequiredString(f, out)) return false;
    std::size_t n = api::CodePointCount(*out);
    if (n == 0 || n > max) {
      return Problem("field '", f, "' must be 1 to " + std::to_string(max) + " characters");
    }
    return true;
  }
  // Absent or null → nullopt.
  bool NullableString(Field f, std::optional<std::string>* out) {
    if (!Has(f) || At(f).kind == Kind::kNull) {
      out->reset();
      return true;
    }
    std::string_view v;
    if (!StringValue(f, "a string or null", &v)) return false;
    if (!*out) out->emplace();
    (*out)->assign(v.data(), v.size());
    return true;
  }
  // Absent → `fallback`; otherwise one of `allowed`.
  bool Choice(Field f, std::initializer_list<std::string_view> allowed, const char* expected,
              std::string_view fallback, std::string* out) {
    std::string_view v = fallback;
    if (Has(f) && !StringValue(f, "a string", &v)) return false;
    for (auto a : allowed) {
      if (a == v) {
        out->assign(v.data(), v.size());
        return true;
      }
    }
    return Invalid(f, expected, v);
  }

  bool Uuid(Field f, std::string* out) {
    std::string_view v;
    if (!Has(f)) return Missing(f);
    if (!StringValue(f, "a UUID", &v)) return false;
    return UuidText(f, v, out);
  }
  bool NullableUuid(Field f, std::optional<std::string>* out) {
    if (!Has(f) || At(f).kind == Kind::kNull) {
      out->reset();
      return true;
    }
    std::string_view v;
    if (!StringValue(f, "a UUID or null", &v)) return false;
    if (!*out) out->emplace();
    return UuidText(f, v, &**out);
  }

  bool Time(Field f, Timestamp* out) {
    std::string_view v;
    if (!Has(f)) return Missing(f);
    if (!StringValue(f, "an RFC 3339 timestamp", &v)) return false;
    return TimeText(f, v, out);
  }
  bool NullableTime(Field f, std::optional<Timestamp>* out) {
    out->reset();
    if (!Has(f) || At(f).kind == Kind::kNull) return true;
    std::string_view v;
    Timestamp t = 0;
    if (!StringValue(f, "an RFC 3339 timestamp or null", &v) || !TimeText(f, v, &t)) return false;
    *out = t;
    return true;
  }
  // `created_at` of an entity line: absent → `now`.
  bool CreatedAt(Timestamp now, Timestamp* out, bool* explicit_created_at) {
    *explicit_created_at = Has(kCreatedAt);
    if (!*explicit_created_at) {
      *out = now;
      return true;
    }
    return Time(kCreatedAt, out);
  }

  bool Count(Field f, std::int64_t* out) {
    if (!Has(f)) return Missing(f);
    const Slot& s = At(f);
    if (s.kind != Kind::kInt) {
      return Problem("field '", f,
                     std::string("' must be an integer, got ") +
                         (s.kind == Kind::kDouble ? "a fractional number" : KindName(s.kind)));
    }
    if (s.integer < 0) {
      return Problem("field '", f, "' must not be negative, got " + std::to_string(s.integer));
    }
    *out = s.integer;
    return true;
  }

  bool Problem(const char* before, Field f, const std::string& after) {
    error_ = before;
    error_ += kFieldNames[static_cast<std::size_t>(f)];
    error_ += after;
    return false;
  }

 private:
  // NormalizeUuid's rules, written into `out`'s existing buffer: every line carries an id or
  // two, and a fresh string per id showed in profiles of large imports.
  bool UuidText(Field f, std::string_view v, std::string* out) {
    bool ok = v.size() == 36;
    for (std::size_t i = 0; ok && i < 36; ++i) {
      char c = v[i];
      ok = (i == 8 || i == 13 || i == 18 || i == 23)
               ? c == '-'
               : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
    if (!ok) return Invalid(f, "a UUID", v);
    out->assign(v.data(), v.size());
    for (char& c : *out) {
      if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    }
    return true;
  }
  bool TimeText(Field f, std::string_view v, Timestamp* out) {
    auto t = ParseTimestamp(v);
    if (!t) return Invalid(f, "an RFC 3339 timestamp such as 2026-01-01T16:00:00Z", v);
    *out = *t;
    return true;
  }

  const LineHandler& h_;
  std::string& error_;
};

bool ReadOrg(FieldReader& r, Timestamp now, ImportRecord* out) {
  Organization& o = out->org;
  if (!r.Uuid(kId, &o.id) || !r.Name(kName, &o.name, kMaxNameCodePoints)) return false;
  std::string_view tz = "UTC";
  if (r.Has(kTimezone) && !r.StringValue(kTimezone, "a string", &tz)) return false;
  if (!FindTimeZone(tz)) {
    return r.Invalid(kTimezone, "an IANA time zone such as Europe/Berlin", tz);
  }
  o.timezone.assign(tz.data(), tz.size());
  std::string_view plan = "ultra";
  if (r.Has(kPlan) && !r.StringValue(kPlan, "a string", &plan)) return false;
  if (plan.empty()) return r.Invalid(kPlan, "a plan name", plan);
  o.plan.assign(plan.data(), plan.size());
  if (!r.CreatedAt(now, &o.created_at, &out->explicit_created_at)) return false;
  o.updated_at = now;
  return true;
}

bool ReadProject(FieldReader& r, Timestamp now, ImportRecord* out) {
  Project& p = out->project;
  if (!r.Uuid(kId, &p.id) || !r.Uuid(kOrgId, &p.org_id) ||
      !r.Name(kName, &p.name, kMaxNameCodePoints) || !r.NullableString(kReadme, &p.description) ||
      !r.CreatedAt(now, &p.created_at, &out->explicit_created_at)) {
    return false;
  }
  p.updated_at = now;
  return true;
}

bool ReadCreator(FieldReader& r, Timestamp now, ImportRecord* out) {
  Creator& c = out->creator;
  if (!r.Uuid(kId, &c.id) || !r.Uuid(kProjectId, &c.project_id) ||
      !r.RequiredString(kTiktokHandle, &c.tiktok_handle)) {
    return false;
  }
  if (c.tiktok_handle.empty()) return r.Invalid(kTiktokHandle, "a TikTok handle", "");
  if (!r.NullableString(kDisplayName, &c.display_name) ||
      !r.Choice(kTrackingMode, {"auto", "selective"}, "auto or selective", "auto",
                &c.tracking_mode) ||
      !r.NullableString(kTrackingStartDate, &c.tracking_start_date)) {
    return false;
  }
  if (c.tracking_start_date && !ParseDate(*c.tracking_start_date)) {
    return r.Invalid(kTrackingStartDate, "a date YYYY-MM-DD", *c.tracking_start_date);
  }
  if (!r.CreatedAt(now, &c.created_at, &out->explicit_created_at)) return false;
  c.updated_at = now;
  return true;
}

bool ReadVideo(FieldReader& r, Timestamp now, ImportRecord* out) {
  Video& v = out->video;
  if (!r.Uuid(kId, &v.id) || !r.Uuid(kProjectId, &v.project_id) ||
      !r.NullableUuid(kCreatorId, &v.creator_id) ||
      !r.RequiredString(kTiktokVideoId, &v.tiktok_video_id)) {
    return false;
  }
  // TikTok's ids are decimal numbers of up to 19 digits today; leave room for growth.
  bool digits = !v.tiktok_video_id.empty() && v.tiktok_video_id.size() <= 32;
  for (char ch : v.tiktok_video_id) digits = digits && ch >= '0' && ch <= '9';
  if (!digits) return r.Invalid(kTiktokVideoId, "a string of digits", v.tiktok_video_id);
  if (!r.NullableString(kTitle, &v.title) ||
      !r.Choice(kTrackingStatus,
                {"auto_tracked", "pending_review", "included", "excluded", "direct_add"},
                "one of auto_tracked, pending_review, included, excluded, direct_add",
                "auto_tracked", &v.tracking_status) ||
      !r.NullableTime(kPostedAt, &v.posted_at) ||
      !r.CreatedAt(now, &v.created_at, &out->explicit_created_at)) {
    return false;
  }
  v.updated_at = now;
  return true;
}

bool ReadVideoSnapshot(FieldReader& r, ImportRecord* out) {
  VideoSnapshot& s = out->video_snapshot;
  if (!r.Uuid(kVideoId, &out->video_id) || !r.Time(kSnapshotAt, &s.snapshot_at) ||
      !r.Count(kViewCount, &s.counts[kViews]) || !r.Count(kLikeCount, &s.counts[kLikes]) ||
      !r.Count(kCommentCount, &s.counts[kComments]) || !r.Count(kShareCount, &s.counts[kShares]) ||
      !r.Count(kSaveCount, &s.counts[kSaves])) {
    return false;
  }
  s.reason = SnapshotReason::kNone;
  if (r.Has(kReason) && r.At(kReason).kind != Kind::kNull) {
    std::string_view reason;
    if (!r.StringValue(kReason, "a string or null", &reason)) return false;
    if (reason == "video_added") {
      s.reason = SnapshotReason::kVideoAdded;
    } else if (reason == "tracking_resumed") {
      s.reason = SnapshotReason::kTrackingResumed;
    } else {
      return r.Invalid(kReason, "video_added, tracking_resumed or null", reason);
    }
  }
  return true;
}

bool ReadCreatorSnapshot(FieldReader& r, ImportRecord* out) {
  CreatorSnapshot& s = out->creator_snapshot;
  return r.Uuid(kCreatorId, &s.creator_id) && r.Time(kSnapshotAt, &s.snapshot_at) &&
         r.Count(kFollowerCount, &s.follower_count) &&
         r.Count(kFollowingCount, &s.following_count) && r.Count(kLikeCount, &s.like_count) &&
         r.Count(kVideoCount, &s.video_count);
}

}  // namespace

const char* LineTypeName(LineType type) {
  switch (type) {
    case LineType::kOrg:
      return "org";
    case LineType::kProject:
      return "project";
    case LineType::kCreator:
      return "creator";
    case LineType::kVideo:
      return "video";
    case LineType::kVideoSnapshot:
      return "video_snapshot";
    case LineType::kCreatorSnapshot:
      return "creator_snapshot";
  }
  return "?";
}

struct LineParser::Impl {
  Impl() : parser(StrictOptions()) {}
  json::basic_parser<LineHandler> parser;
  std::string error;
};

LineParser::LineParser() : impl_(std::make_unique<Impl>()) {}
LineParser::~LineParser() = default;

Status LineParser::Parse(std::string_view line, Timestamp now, ImportRecord* out) {
  auto& parser = impl_->parser;
  const LineHandler& h = parser.handler();
  std::string& error = impl_->error;
  parser.reset();
  json::error_code ec;
  std::size_t used = parser.write_some(false, line.data(), line.size(), ec);
  if (ec) {
    if (!h.problem.empty()) return Error::InvalidBody(h.problem);
    return Error::InvalidBody("invalid JSON: " + ec.message() + " at column " +
                              std::to_string(used + 1));
  }
  if (used != line.size()) {
    return Error::InvalidBody("invalid JSON: unexpected text after the object at column " +
                              std::to_string(used + 1));
  }

  FieldReader r(h, &error);
  std::string_view type;
  if (!r.Has(kType)) return Error::InvalidBody("missing field 'type'");
  if (!r.StringValue(kType, "a string", &type)) return Error::InvalidBody(error);
  bool ok = false;
  if (type == "video_snapshot") {
    out->type = LineType::kVideoSnapshot;
    ok = ReadVideoSnapshot(r, out);
  } else if (type == "creator_snapshot") {
    out->type = LineType::kCreatorSnapshot;
    ok = ReadCreatorSnapshot(r, out);
  } else if (type == "video") {
    out->type = LineType::kVideo;
    ok = ReadVideo(r, now, out);
  } else if (type == "creator") {
    out->type = LineType::kCreator;
    ok = ReadCreator(r, now, out);
  } else if (type == "project") {
    out->type = LineType::kProject;
    ok = ReadProject(r, now, out);
  } else if (type == "org") {
    out->type = LineType::kOrg;
    ok = ReadOrg(r, now, out);
  } else {
    return Error::InvalidBody("unknown type '" + std::string(type) +
                              "' (expected org, project, creator, video, video_snapshot or "
                              "creator_snapshot)");
  }
  if (!ok) return Error::InvalidBody(error);
  return Status::Ok();
}

}  // namespace goatherd::cli
