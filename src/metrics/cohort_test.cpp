#include "metrics/cohort.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace goatherd::metrics {

void PrintTo(const CohortAverage& a, std::ostream* os) {
  *os << "{day " << a.day_number << ": " << ToJsonNumber(a.avg_views_gained) << " over "
      << a.sample_size << "}";
}
void PrintTo(const CohortDelta& d, std::ostream* os) {
  *os << "{day " << d.day_number << ": " << d.views_gained_delta << ", " << d.sample_size_delta
      << "}";
}

namespace {

using Velocity = std::vector<VelocityPoint>;
using Averages = std::vector<CohortAverage>;
using Deltas = std::vector<CohortDelta>;

// (day_number, printed average, sample size), as the API writes them.
struct Printed {
  std::int32_t day_number;
  std::string avg;
  std::int64_t sample_size;
  friend bool operator==(const Printed&, const Printed&) = default;
};

std::ostream& operator<<(std::ostream& os, const Printed& p) {
  return os << "{" << p.day_number << ", " << p.avg << ", " << p.sample_size << "}";
}

std::vector<Printed> Print(const Averages& averages) {
  std::vector<Printed> printed;
  for (const CohortAverage& a : averages) {
    printed.push_back({a.day_number, ToJsonNumber(a.avg_views_gained), a.sample_size});
  }
  return printed;
}

const Velocity kVideoA = {{0, 100}, {1, 50}, {3, 10}};
const Velocity kVideoB = {{0, 200}, {1, 25}};
const Velocity kVideoC = {{0, 1}};

TEST(CohortSumsTest, AveragesOverVideosWithAnEntryThatDay) {
  CohortSums sums;
  sums.Add(kVideoA);
  sums.Add(kVideoB);
  sums.Add(kVideoC);
  // Day 0: (100 + 200 + 1) / 3 = 100.333... -> 100.33. Day 1: 75 / 2 = 37.5.
  // Day 2: nobody -> absent. Day 3: 10 / 1 = 10.
  EXPECT_EQ(Print(sums.Averages()), (std::vector<Printed>{
                                        {0, "100.33", 3},
                                        {1, "37.5", 2},
                                        {3, "10", 1},
                                    }));
  EXPECT_EQ(sums.Averages()[0].avg_views_gained, (Decimal{10033, 2}));
}

TEST(CohortSumsTest, RemoveTakesAVideoOut) {
  CohortSums sums;
  sums.Add(kVideoA);
  sums.Add(kVideoB);
  sums.Add(kVideoC);
  sums.Remove(kVideoB);
  // Day 0: (100 + 1) / 2 = 50.5. Day 1: 50 / 1. Day 3: 10 / 1.
  EXPECT_EQ(Print(sums.Averages()), (std::vector<Printed>{
                                        {0, "50.5", 2},
                                        {1, "50", 1},
                                        {3, "10", 1},
                                    }));
  sums.Remove(kVideoA);
  sums.Remove(kVideoC);
  EXPECT_TRUE(sums.Averages().empty());
}

TEST(CohortSumsTest, AverageRoundsHalfAwayFromZero) {
  CohortSums sums;
  // Seven videos gained 125 on day 5, one gained 126: 1001 / 8 = 125.125 -> 125.13.
  for (int i = 0; i < 7; ++i) sums.Add(Velocity{{5, 125}});
  sums.Add(Velocity{{5, 126}});
  EXPECT_EQ(sums.Averages(), (Averages{{5, Decimal{12513, 2}, 8}}));
  // One video with 0 views gained still counts in sample_size: 1001 / 9 = 111.222... -> 111.22.
  sums.Add(Velocity{{5, 0}});
  EXPECT_EQ(sums.Averages(), (Averages{{5, Decimal{11122, 2}, 9}}));
}

TEST(CohortSumsTest, EmptyCohort) {
  CohortSums sums;
  EXPECT_TRUE(sums.Averages().empty());
  sums.Add(Velocity{});
  EXPECT_TRUE(sums.Averages().empty());
}

TEST(ComputeCohortAverageTest, WholeNumberPrintsWithoutFraction) {
  // 30400 / 8 = 3800 exactly: printed "3800".
  const CohortAverage average = ComputeCohortAverage(0, 30400, 8);
  EXPECT_EQ(average, (CohortAverage{0, Decimal{380000, 2}, 8}));
  EXPECT_EQ(ToJsonNumber(average.avg_views_gained), "3800");
}

TEST(DiffVelocityTest, ChangedAndNewDays) {
  // A new snapshot changed day 1 (50 -> 80) and added day 2 (30); day 0 is unchanged.
  const Velocity before = {{0, 100}, {1, 50}};
  const Velocity after = {{0, 100}, {1, 80}, {2, 30}};
  EXPECT_EQ(DiffVelocity(before, after), (Deltas{{1, 30, 0}, {2, 30, 1}}));
}

TEST(DiffVelocityTest, VanishedDays) {
  // Day 2 left the velocity (e.g. it became a baseline day), day 1 appeared.
  const Velocity before = {{0, 5}, {2, 7}};
  const Velocity after = {{0, 5}, {1, 3}};
  EXPECT_EQ(DiffVelocity(before, after), (Deltas{{1, 3, 1}, {2, -7, -1}}));
}

TEST(DiffVelocityTest, EnteringAndLeavingTheCohort) {
  const Velocity velocity = {{0, 10}, {1, 0}};
  // A zero gain still changes the count.
  EXPECT_EQ(DiffVelocity({}, velocity), (Deltas{{0, 10, 1}, {1, 0, 1}}));
  EXPECT_EQ(DiffVelocity(velocity, {}), (Deltas{{0, -10, -1}, {1, 0, -1}}));
  EXPECT_TRUE(DiffVelocity(velocity, velocity).empty());
}

TEST(DiffVelocityTest, ApplyingTheDiffEqualsRemoveThenAdd) {
  const Velocity before = {{0, 100}, {1, 50}, {4, 9}};
  const Velocity after = {{0, 120}, {1, 50}, {2, 30}, {3, 1}};
  CohortSums by_delta;
  by_delta.Add(kVideoA);
  by_delta.Add(before);
  by_delta.Apply(DiffVelocity(before, after));
  CohortSums expected;
  expected.Add(kVideoA);
  expected.Add(after);
  // Hand check of `expected`: day 0 (100 + 120) / 2 = 110; day 1 (50 + 50) / 2 = 50;
  // day 2 30 / 1; day 3 (10 + 1) / 2 = 5.5; day 4 absent (before's 9 removed).
  EXPECT_EQ(Print(expected.Averages()), (std::vector<Printed>{
                                            {0, "110", 2},
                                            {1, "50", 2},
                                            {2, "30", 1},
                                            {3, "5.5", 2},
                                        }));
  EXPECT_EQ(by_delta.Averages(), expected.Averages());
}

}  // namespace
}  // namespace goatherd::metrics
