#include "store/sqlite/creator_events.h"

#include <gtest/gtest.h>

namespace goatherd::sqlite {
namespace {

using V = std::vector<std::int64_t>;

TEST(FollowerMilestonesTest, OnlyUpwardCrossings) {
  EXPECT_EQ(FollowerMilestonesCrossed(9'999, 10'000), V{10'000});
  EXPECT_EQ(FollowerMilestonesCrossed(10'000, 99'999), V{});  // already past 10k
  EXPECT_EQ(FollowerMilestonesCrossed(5'000, 1'200'000), (V{10'000, 100'000, 1'000'000}));
  EXPECT_EQ(FollowerMilestonesCrossed(9'999'999, 10'000'000), V{10'000'000});
  EXPECT_EQ(FollowerMilestonesCrossed(150'000, 90'000), V{});         // a drop crosses nothing
  EXPECT_EQ(FollowerMilestonesCrossed(90'000, 150'000), V{100'000});  // and back up does
  EXPECT_EQ(FollowerMilestonesCrossed(50'000'000, 60'000'000), V{});
}

}  // namespace
}  // namespace goatherd::sqlite
