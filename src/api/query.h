// Query strings of api-conventions.md: percent-decoded by Boost.URL (`+` is a space), unknown
// parameters ignored, a known parameter given twice or empty → 400 invalid_query.
// Thread-safety: immutable after Parse.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace goatherd::api {

class Query {
 public:
  // Fails (400 invalid_query) on malformed percent-encoding.
  static Result<Query> Parse(std::string_view raw_query);

  bool Has(std::string_view name) const;
  // The value of a parameter allowed once; given twice → 400. Present-but-empty is returned as "".
  Result<std::optional<std::string>> Get(std::string_view name) const;
  // As Get, and an empty value → 400 (for parameters that require a value).
  Result<std::optional<std::string>> GetRequiredValue(std::string_view name) const;
  // A UUID parameter, normalized to lowercase; malformed → 400.
  Result<std::optional<std::string>> GetUuid(std::string_view name) const;
  // `limit` of the list endpoints: default 50, values above 100 served as 100, anything that is
  // not a positive integer → 400.
  Result<int> GetLimit() const;

  const std::vector<std::pair<std::string, std::string>>& params() const { return params_; }

 private:
  std::vector<std::pair<std::string, std::string>> params_;
};

}  // namespace goatherd::api
