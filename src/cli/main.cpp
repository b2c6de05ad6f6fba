// goatherd: self-hosted tracking of TikTok creator programs. See `goatherd --help`.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "cli/commands.h"

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
  spdlog::set_default_logger(spdlog::stderr_color_mt("goatherd"));
  spdlog::set_level(spdlog::level::from_str(log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  try {
    return run ? run() : 2;
  } catch (const std::exception& e) {
    return goatherd::cli::Fail(e.what());
  }
}
