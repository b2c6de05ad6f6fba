// Helpers shared by the subcommands: opening a migrated store, and the clock (real, or fixed by
// the testing flag --fake-now).
// Thread-safety: used from main only.
#pragma once

#include <memory>
#include <string>

#include "core/clock.h"
#include "store/store.h"

namespace goatherd::cli {

Result<std::unique_ptr<Store>> OpenMigrated(const std::string& db, int pool_size);
Result<std::unique_ptr<Clock>> MakeClock(const std::string& fake_now);

}  // namespace goatherd::cli
