// `goatherd import FILE`: loads a JSON Lines file (spec/cli-and-import.md) through the store's
// ImportSession, one transaction per `--batch-size` lines. The first bad line stops the import
// with "line N: <reason>"; batches before it stay committed, the failing one is rolled back.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "cli/import_lines.h"
#include "cli/open.h"

namespace goatherd::cli {
namespace {

struct ImportOptions {
  DbOptions db;
  std::string file;
  int batch_size = 10000;
  std::string fake_now;
};

// No line a real export writes comes near this; the limit keeps a file without newlines from
// taking all memory.
constexpr std::size_t kMaxLineBytes = 64 << 20;

// Reads a file descriptor line by line through one large buffer that is reused; the views it
// hands out stay valid until the next call.
class LineReader {
 public:
  explicit LineReader(int fd) : fd_(fd), buf_(1 << 20) {}

  enum class Got { kLine, kEnd, kError, kTooLong };

  Got Next(std::string_view* line) {
    for (;;) {
      if (const void* nl = std::memchr(buf_.data() + begin_, '\n', end_ - begin_)) {
        std::size_t at = static_cast<const char*>(nl) - buf_.data();
        *line = Trim(begin_, at);
        consumed_ += at + 1 - begin_;
        begin_ = at + 1;
        return Got::kLine;
      }
      if (eof_) {
        if (begin_ == end_) return Got::kEnd;
        *line = Trim(begin_, end_);  // a last line without a newline
        consumed_ += end_ - begin_;
        begin_ = end_;
        return Got::kLine;
      }
      if (end_ - begin_ >= kMaxLineBytes) return Got::kTooLong;
      if (!Fill()) return Got::kError;
    }
  }
  // Bytes of the input consumed so far (for the progress bar's percentage).
  std::uint64_t consumed() const { return consumed_; }
  int error() const { return errno_; }

 private:
  std::string_view Trim(std::size_t from, std::size_t to) const {
    if (to > from && buf_[to - 1] == '\r') --to;  // files written on Windows
    return {buf_.data() + from, to - from};
  }
  bool Fill() {
    if (begin_ > 0) {
      std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (end_ == buf_.size()) buf_.resize(buf_.size() * 2);
    for (;;) {
      ssize_t n = ::read(fd_, buf_.data() + end_, buf_.size() - end_);
      if (n > 0) {
        end_ += static_cast<std::size_t>(n);
        return true;
      }
      if (n == 0) {
        eof_ = true;
        return true;
      }
      if (errno != EINTR) {
        errno_ = errno;
        return false;
      }
    }
  }

  int fd_;
  std::vector<char> buf_;
  std::size_t begin_ = 0, end_ = 0;
  bool eof_ = false;
  std::uint64_t consumed_ = 0;
  int errno_ = 0;
};

using SteadyClock = std::chrono::steady_clock;

double SecondsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// "1234567" -> "1,234,567": figures a reader takes in at a glance.
std::string Grouped(std::uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

// The progress line on a terminal's stderr; silent when stderr is a file or a pipe, so logs and
// scripts never see carriage returns.
class Progress {
 public:
  Progress(std::uint64_t total_bytes, SteadyClock::time_point start)
      : enabled_(::isatty(STDERR_FILENO) == 1), total_(total_bytes), start_(start) {}

  // Cheap enough for every line: the clock is read once per 4096 calls.
  void Tick(std::uint64_t lines, std::uint64_t bytes) {
    if (!enabled_ || (++calls_ & 4095) != 0) return;
    auto now = SteadyClock::now();
    if (now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    Draw(lines, bytes);
  }
  void Finish() {
    if (enabled_ && drawn_) std::fputs("\r\033[K", stderr);
  }

 private:
  void Draw(std::uint64_t lines, std::uint64_t bytes) {
    double secs = SecondsSince(start_);
    auto rate = static_cast<std::uint64_t>(secs > 0 ? static_cast<double>(lines) / secs : 0);
    std::string text = Grouped(lines) + " lines  " + Grouped(rate) + " lines/s";
    if (total_ > 0) {
      int pct = static_cast<int>(100.0 * static_cast<double>(bytes) / static_cast<double>(total_));
      constexpr int kWidth = 30;
      int filled = pct * kWidth / 100;
      text = "[" + std::string(static_cast<std::size_t>(filled), '#') +
             std::string(static_cast<std::size_t>(kWidth - filled), ' ') + "] " +
             std::to_string(pct) + "%  " + text;
    }
    std::fprintf(stderr, "\r\033[K%s", text.c_str());
    std::fflush(stderr);
    drawn_ = true;
  }

  bool enabled_;
  std::uint64_t total_;
  SteadyClock::time_point start_;
  SteadyClock::time_point last_{};
  std::uint64_t calls_ = 0;
  bool drawn_ = false;
};

using Counts = std::array<std::uint64_t, kLineTypeCount>;

void PrintSummary(const Counts& counts, std::uint64_t lines, double secs, bool failed) {
  static constexpr const char* kLabels[kLineTypeCount] = {
      "orgs", "projects", "creators", "videos", "video snapshots", "creator snapshots"};
  std::string parts;
  for (int i = 0; i < kLineTypeCount; ++i) {
    if (i > 0) parts += ", ";
    parts += Grouped(counts[static_cast<std::size_t>(i)]) + " " + kLabels[i];
  }
  auto rate = static_cast<std::uint64_t>(secs > 0 ? static_cast<double>(lines) / secs : 0);
  std::printf("%s %s lines in %.2f s (%s lines/s): %s\n",
              failed ? "stopped after committing" : "imported", Grouped(lines).c_str(), secs,
              Grouped(rate).c_str(), parts.c_str());
  std::fflush(stdout);
}

int Import(const ImportOptions& o) {
  auto clock = MakeClock(o.fake_now);
  if (!clock) return Fail(clock.error().message, 2);

  int fd = STDIN_FILENO;
  if (o.file != "-") {
    fd = ::open(o.file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Fail("cannot open " + o.file + ": " + std::strerror(errno));
  }
  struct FdCloser {
    int fd;
    ~FdCloser() {
      if (fd != STDIN_FILENO) ::close(fd);
    }
  } closer{fd};
  struct stat st {};
  std::uint64_t total_bytes = 0;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    total_bytes = static_cast<std::uint64_t>(st.st_size);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  }

  // Two connections: the import session holds one for the whole run, plan look-ups use the other.
  auto store = OpenMigrated(o.db.db, 2);
  if (!store) return Fail(store.error().message);
  const Timestamp now = (*clock)->NowSeconds();
  auto session = (*store)->BeginImport(now);

  auto start = SteadyClock::now();
  Progress progress(total_bytes, start);
  LineReader reader(fd);
  LineParser parser;
  ImportRecord record;
  std::map<std::string, bool, std::less<>> known_plans;
  Counts committed{}, pending{};
  std::uint64_t committed_lines = 0;
  std::uint64_t line_no = 0;
  bool in_batch = false;
  const auto batch_size = static_cast<std::uint64_t>(o.batch_size);

  // Abandons the open batch and reports; everything committed before it stays.
  auto stop = [&](const std::string& message) {
    if (in_batch) session->RollbackBatch();
    (void)session->Finish();  // what was committed gets its running aggregates all the same
    session.reset();
    progress.Finish();
    PrintSummary(committed, committed_lines, SecondsSince(start), /*failed=*/true);
    return Fail(message);
  };
  auto commit = [&]() -> Status {
    Status s = session->CommitBatch();
    if (!s) return s;
    in_batch = false;
    for (int i = 0; i < kLineTypeCount; ++i) {
      committed[static_cast<std::size_t>(i)] += pending[static_cast<std::size_t>(i)];
    }
    pending = {};
    committed_lines = line_no;
    return s;
  };
  auto fail_line = [&](const std::string& reason) {
    return stop("line " + std::to_string(line_no) + ": " + reason);
  };

  for (;;) {
    std::string_view line;
    auto got = reader.Next(&line);
    if (got == LineReader::Got::kEnd) break;
    if (got == LineReader::Got::kError) {
      return stop("cannot read " + (o.file == "-" ? std::string("stdin") : o.file) + ": " +
                  std::strerror(reader.error()));
    }
    ++line_no;
    if (got == LineReader::Got::kTooLong) {
      return fail_line("longer than " + std::to_string(kMaxLineBytes >> 20) + " MiB");
    }
    if (!in_batch) {
      Status s = session->BeginBatch();
      if (!s) return stop("cannot start a transaction: " + s.error().message);
      in_batch = true;
    }
    // Blank lines carry no record; JSON Lines writers often end a file with one.
    if (line.find_first_not_of(" \t") != std::string_view::npos) {
      Status s = parser.Parse(line, now, &record);
      if (!s) return fail_line(s.error().message);
      switch (record.type) {
        case LineType::kVideoSnapshot:
          s = session->PutVideoSnapshot(record.video_id, record.video_snapshot);
          break;
        case LineType::kCreatorSnapshot:
          s = session->PutCreatorSnapshot(record.creator_snapshot);
          break;
        case LineType::kVideo:
          s = session->PutVideo(record.video, record.explicit_created_at);
          break;
        case LineType::kCreator:
          s = session->PutCreator(record.creator, record.explicit_created_at);
          break;
        case LineType::kProject:
          s = session->PutProject(record.project, record.explicit_created_at);
          break;
        case LineType::kOrg: {
          auto it = known_plans.find(record.org.plan);
          if (it == known_plans.end()) {
            auto exists = (*store)->PlanExists(record.org.plan);
            if (!exists) return fail_line("cannot read plans: " + exists.error().message);
            it = known_plans.emplace(record.org.plan, *exists).first;
          }
          if (!it->second) return fail_line("unknown plan '" + record.org.plan + "'");
          s = session->PutOrganization(record.org, record.explicit_created_at);
          break;
        }
      }
      if (!s) return fail_line(s.error().message);
      ++pending[static_cast<std::size_t>(record.type)];
    }
    if (line_no % batch_size == 0) {
      Status s = commit();
      if (!s) return fail_line("cannot commit: " + s.error().message);
    }
    progress.Tick(line_no, reader.consumed());
  }
  if (in_batch) {
    Status s = commit();
    if (!s) return fail_line("cannot commit: " + s.error().message);
  }
  // The work deferred to the end of the import, inside the timing.
  if (Status s = session->Finish(); !s) {
    return Fail("the data is imported, but updating the running aggregates failed: " +
                s.error().message + " (the next import or `serve` start completes it)");
  }
  session.reset();
  progress.Finish();
  PrintSummary(committed, committed_lines, SecondsSince(start), /*failed=*/false);
  return 0;
}

}  // namespace

void AddImportCommand(CLI::App& app, Run* run) {
  auto o = std::make_shared<ImportOptions>();
  auto* cmd = app.add_subcommand(
      "import",
      "Load a JSON Lines file (orgs, projects, creators, videos, snapshots); see the import "
      "format in the docs. Importing the same file twice changes nothing.");
  AddDbOption(*cmd, o->db);
  cmd->add_option("file", o->file, "JSON Lines file to load, or - for stdin")->required();
  cmd->add_option("--batch-size", o->batch_size, "lines per transaction")
      ->envname("GOATHERD_BATCH_SIZE")
      ->check(CLI::Range(1, 100000000))
      ->capture_default_str();
  cmd->add_option("--fake-now", o->fake_now,
                  "testing: the import time (default created_at, updated_at) as RFC 3339")
      ->envname("GOATHERD_FAKE_NOW")
      ->group("Testing");
  cmd->callback([o, run] { *run = [o] { return Import(*o); }; });
}

}  // namespace goatherd::cli
