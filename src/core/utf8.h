// UTF-8 validity: text that reaches a JSON response must be valid UTF-8, but scraped captions,
// decoded URLs and echoed request values are not always. Repair replaces each invalid sequence
// with U+FFFD. Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace goatherd {

bool IsValidUtf8(std::string_view text);
std::string RepairUtf8(std::string_view text);

}  // namespace goatherd
