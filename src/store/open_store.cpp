#include <spdlog/spdlog.h>

#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace goatherd {

Result<std::unique_ptr<Store>> OpenStore(const std::string& location, int pool_size) {
  if (location.rfind("postgres://", 0) == 0 || location.rfind("postgresql://", 0) == 0) {
    return Error(400, "invalid_params",
                 "the PostgreSQL backend is not built yet; use a SQLite file path for --db");
  }
  try {
    auto store = std::make_unique<sqlite::SqliteStore>(location, pool_size);
    if (Status st = store->Ping(); !st) {
      return Error(500, "internal_error", "cannot open database " + location);
    }
    return std::unique_ptr<Store>(std::move(store));
  } catch (const std::exception& e) {
    return Error(500, "internal_error", e.what());
  }
}

}  // namespace goatherd
