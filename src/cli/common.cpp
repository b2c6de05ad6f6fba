#include <spdlog/spdlog.h>

#include <cstdio>

#include "cli/commands.h"

namespace goatherd::cli {

void AddDbOption(CLI::App& cmd, DbOptions& options) {
  cmd.add_option("--db", options.db, "SQLite database file (created if missing)")
      ->envname("GOATHERD_DB")
      ->capture_default_str();
}

int Fail(const std::string& message, int status) {
  spdlog::default_logger_raw()->flush();  // the log lines before it come first
  std::fprintf(stderr, "goatherd: %s\n", message.c_str());
  return status;
}

}  // namespace goatherd::cli
