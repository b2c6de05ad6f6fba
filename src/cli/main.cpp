// goatherd: self-hosted tracking of TikTok creator programs. See `goatherd --help`.
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <mutex>

#include "cli/commands.h"

namespace {

// Log lines for a file or a pipe, written to stderr in blocks: spdlog's console sinks write and
// flush each line, a system call per request under a process-wide lock. Lines reach stderr
// within a second (flush_every), warnings and errors at once (flush_on), the rest at exit and
// before any message of Fail; a terminal keeps the coloured sink.
class BlockStderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  ~BlockStderrSink() override { WriteOut(); }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    formatter_->format(msg, buffer_);
    if (buffer_.size() >= kBlockBytes) WriteOut();
  }
  void flush_() override { WriteOut(); }

 private:
  static constexpr std::size_t kBlockBytes = 32 * 1024;

  void WriteOut() {
    const char* p = buffer_.data();
    std::size_t left = buffer_.size();
    while (left > 0) {
      ssize_t n = ::write(STDERR_FILENO, p, left);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // nowhere to write: the lines are dropped, never the process
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    buffer_.clear();
  }

  spdlog::memory_buf_t buffer_;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "goatherd — self-hosted tracker of TikTok creator programs, serving the trackagoat v1 API.\n"
      "Start with `goatherd demo` (a live demo on a simulated TikTok); every flag also reads an\n"
      "environment variable, shown in each command's --help."};
  app.name("goatherd");
  app.require_subcommand(1);
  app.set_version_flag("--version", "goatherd 0.1.0");
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
      ->envname("GOATHERD_LOG_LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));

  goatherd::cli::Run run;
  goatherd::cli::AddDemoCommand(app, &run);
  goatherd::cli::AddServeCommand(app, &run);
  goatherd::cli::AddMigrateCommand(app, &run);
  goatherd::cli::AddOrgsCommand(app, &run);
  goatherd::cli::AddKeysCommand(app, &run);
  goatherd::cli::AddImportCommand(app, &run);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int status = app.exit(e);
    // --help and --version exit 0; every real usage error is status 2, as the spec says.
    return status == 0 ? 0 : 2;
  }
  // Logs go to stderr: stdout carries results (ids, keys, the listening address) for scripts.
  if (isatty(STDERR_FILENO)) {
    spdlog::set_default_logger(spdlog::stderr_color_mt("goatherd"));
  } else {
    spdlog::set_default_logger(
        std::make_shared<spdlog::logger>("goatherd", std::make_shared<BlockStderrSink>()));
    spdlog::flush_on(spdlog::level::warn);
    spdlog::flush_every(std::chrono::seconds(1));
  }
  spdlog::set_level(spdlog::level::from_str(log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  int status = 2;
  try {
    if (run) status = run();
  } catch (const std::exception& e) {
    status = goatherd::cli::Fail(e.what());
  }
  spdlog::default_logger_raw()->flush();
  return status;
}
