// One line of a `goatherd import` file (JSON Lines, spec/cli-and-import.md) turned into a typed,
// validated record. Kept apart from the command so that every rule can be tested without a
// database or a file. What only the database can answer (does a plan exist, is a referenced id
// defined) is left to the caller and the store.
//
// Parsing is as strict as api::ParseStrictJson (no duplicate keys, no integers beyond int64, no
// numbers that overflow, nesting at most api::kMaxJsonDepth, valid UTF-8) but builds no JSON
// tree: a Boost.JSON SAX handler writes the known fields straight into reused buffers, so a
// million snapshot lines cost no allocation per line once the buffers have grown. Unknown
// fields are checked for well-formedness and otherwise ignored (forward compatibility).
//
// Thread-safety: a LineParser is used by one thread at a time; separate parsers are independent.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/types.h"

namespace goatherd::cli {

enum class LineType { kOrg = 0, kProject, kCreator, kVideo, kVideoSnapshot, kCreatorSnapshot };
inline constexpr int kLineTypeCount = 6;

// The `type` value of a line type ("org", "video_snapshot", ...).
const char* LineTypeName(LineType type);

// One parsed line. Only the member that `type` names is meaningful; the others keep whatever an
// earlier line left in them, so that their memory is reused.
struct ImportRecord {
  LineType type = LineType::kOrg;
  // Entity lines: the line carried `created_at` (otherwise created_at is the import time).
  bool explicit_created_at = false;
  Organization org;
  Project project;
  Creator creator;
  Video video;
  std::string video_id;  // of a video_snapshot line
  VideoSnapshot video_snapshot;
  CreatorSnapshot creator_snapshot;
};

class LineParser {
 public:
  LineParser();
  ~LineParser();
  LineParser(const LineParser&) = delete;
  LineParser& operator=(const LineParser&) = delete;

  // Parses `line` (without its newline) into `*out`. `now` becomes created_at of an entity line
  // that has none. On failure the error's message is the reason alone, without the line number
  // (the caller knows it), e.g. "missing field 'video_id'".
  Status Parse(std::string_view line, Timestamp now, ImportRecord* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace goatherd::cli
