#include "store/sqlite/json_equal.h"

#include <boost/json/parse.hpp>

namespace goatherd::sqlite {

bool SameJson(std::string_view a, std::string_view b) {
  if (a == b) return true;
  boost::json::error_code ea, eb;
  auto va = boost::json::parse(boost::json::string_view(a.data(), a.size()), ea);
  auto vb = boost::json::parse(boost::json::string_view(b.data(), b.size()), eb);
  return !ea && !eb && va == vb;  // object equality ignores member order
}

}  // namespace goatherd::sqlite
