// SameJson: whether two JSON texts hold the same value, key order aside. A PATCH that sends the
// stored object again with its keys in another order changes nothing (updated_at included).
// Thread-safety: pure function.
#pragma once

#include <string_view>

namespace goatherd::sqlite {

bool SameJson(std::string_view a, std::string_view b);

}  // namespace goatherd::sqlite
