#include "cli/open.h"

#include "core/time.h"

namespace goatherd::cli {

Result<std::unique_ptr<Store>> OpenMigrated(const std::string& db, int pool_size) {
  auto store = OpenStore(db, pool_size);
  if (!store) return store.error();
  auto version = (*store)->Migrate();
  if (!version) return Error(500, "internal_error", "cannot migrate the database " + db);
  return std::move(*store);
}

Result<std::unique_ptr<Clock>> MakeClock(const std::string& fake_now) {
  if (fake_now.empty()) return std::unique_ptr<Clock>(std::make_unique<SystemClock>());
  auto t = ParseTimestamp(fake_now);
  if (!t) {
    return Error(400, "invalid_params",
                 "--fake-now must be an RFC 3339 time such as 2026-03-01T12:00:00Z");
  }
  return std::unique_ptr<Clock>(std::make_unique<FixedClock>(*t * 1000, /*advancing=*/true));
}

}  // namespace goatherd::cli
