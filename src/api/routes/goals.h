// Goal compliance as other routes need it: the count of goal results per status for a project
// as of a reference date (the `goal-compliance` aggregate), computed exactly as
// GET /api/v1/projects/{projectId}/goal-compliance computes each result.
// Thread-safety: pure functions over the services; safe from any number of threads.
#pragma once

#include <cstdint>
#include <string>

#include "api/router.h"
#include "core/error.h"
#include "core/time.h"
#include "core/types.h"

namespace goatherd::api {

struct GoalComplianceCounts {
  std::int64_t on_track = 0;
  std::int64_t behind_pace = 0;
  std::int64_t at_risk = 0;
  std::int64_t completed = 0;
  std::int64_t missed = 0;

  std::int64_t total() const { return on_track + behind_pace + at_risk + completed + missed; }
};

// One result per active goal of the project's active creators, evaluated in the period that
// contains `reference_date` (a local date in the organization's zone) at the services' clock.
// 404 when the project is not the organization's.
Result<GoalComplianceCounts> CountGoalStatuses(const Services& services, const Organization& org,
                                               const std::string& project_id,
                                               DayNumber reference_date);

}  // namespace goatherd::api
