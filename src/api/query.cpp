#include "api/query.h"

#include <boost/url/parse_query.hpp>
#include <charconv>

#include "core/uuid.h"

namespace goatherd::api {

Result<Query> Query::Parse(std::string_view raw) {
  Query q;
  if (raw.empty()) return q;
  auto parsed = boost::urls::parse_query(boost::core::string_view(raw.data(), raw.size()));
  if (!parsed) {
    return Error::InvalidQuery("Malformed query string: invalid percent-encoding");
  }
  boost::urls::encoding_opts form;
  form.space_as_plus = true;  // standard form encoding: '+' is a space
  for (auto param : *parsed) {
    if (param.key.empty() && !param.has_value) continue;  // "a=1&&b=2"
    q.params_.emplace_back(param.key.decode(form),
                           param.has_value ? param.value.decode(form) : std::string());
  }
  return q;
}

bool Query::Has(std::string_view name) const {
  for (const auto& [k, v] : params_) {
    if (k == name) return true;
  }
  return false;
}

Result<std::optional<std::string>> Query::Get(std::string_view name) const {
  const std::string* found = nullptr;
  for (const auto& [k, v] : params_) {
    if (k != name) continue;
    if (found) {
      return Error::InvalidQuery("Query parameter '" + std::string(name) + "' is given twice");
    }
    found = &v;
  }
  if (!found) return std::optional<std::string>();
  return std::optional<std::string>(*found);
}

Result<std::optional<std::string>> Query::GetRequiredValue(std::string_view name) const {
  auto v = Get(name);
  if (v.ok() && v->has_value() && (*v)->empty()) {
    return Error::InvalidQuery("Query parameter '" + std::string(name) + "' is empty");
  }
  return v;
}

Result<std::optional<std::string>> Query::GetUuid(std::string_view name) const {
  auto v = GetRequiredValue(name);
  if (!v.ok() || !v->has_value()) return v;
  auto id = NormalizeUuid(**v);
  if (!id) {
    return Error::InvalidQuery("Query parameter '" + std::string(name) + "' must be a UUID, got '" +
                               **v + "'");
  }
  return std::optional<std::string>(*id);
}

Result<int> Query::GetLimit() const {
  auto v = GetRequiredValue("limit");
  if (!v.ok()) return v.error();
  if (!v->has_value()) return 50;
  const std::string& text = **v;
  long long n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec == std::errc::result_out_of_range && !text.empty() && text[0] != '-') {
    return 100;  // a huge positive integer is still "above 100"
  }
  if (ec != std::errc() || end != text.data() + text.size() || n < 1) {
    return Error::InvalidQuery("Query parameter 'limit' must be a positive integer, got '" + text +
                               "'");
  }
  return n > 100 ? 100 : static_cast<int>(n);
}

}  // namespace goatherd::api
