// `goatherd import` — placeholder until the JSON Lines importer lands in this file.
#include "cli/commands.h"

namespace goatherd::cli {
void AddImportCommand(CLI::App& app, Run* run) {
  auto* cmd = app.add_subcommand("import", "Load a JSON Lines file (not built yet)");
  cmd->callback([run] { *run = [] { return Fail("import is not built yet"); }; });
}
}  // namespace goatherd::cli
