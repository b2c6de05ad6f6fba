// The subcommands of `goatherd`. Each Add* registers one subcommand (its flags, their
// environment twins, its help) on the CLI11 app and sets `*run` to what it does when chosen.
// Commands return the process exit status: 0 success, 1 runtime failure, 2 bad usage.
// Thread-safety: used from main only.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

namespace goatherd::cli {

using Run = std::function<int()>;

// Flags every command that opens the database shares.
struct DbOptions {
  std::string db = "./goatherd.db";
};
void AddDbOption(CLI::App& cmd, DbOptions& options);

void AddServeCommand(CLI::App& app, Run* run);
void AddMigrateCommand(CLI::App& app, Run* run);
void AddOrgsCommand(CLI::App& app, Run* run);
void AddKeysCommand(CLI::App& app, Run* run);
void AddImportCommand(CLI::App& app, Run* run);
void AddDemoCommand(CLI::App& app, Run* run);

// Prints "goatherd: <message>" to stderr and returns `status`.
int Fail(const std::string& message, int status = 1);

}  // namespace goatherd::cli
