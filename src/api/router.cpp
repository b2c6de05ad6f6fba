#include "api/router.h"

#include <algorithm>

namespace goatherd::api {
namespace {
std::vector<std::string> Split(std::string_view path) {
  std::vector<std::string> out;
  std::size_t start = 1;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    out.emplace_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}
}  // namespace

void Router::Add(Route route) {
  route.segments = Split(route.pattern);
  routes_.push_back(std::move(route));
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  Match match;
  if (path.empty() || path[0] != '/') return match;
  std::vector<std::string_view> segments;
  for (std::size_t start = 1; start <= path.size();) {
    std::size_t slash = std::min(path.find('/', start), path.size());
    segments.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  auto is_param = [](const std::string& s) {
    return s.size() > 2 && s.front() == '{' && s.back() == '}';
  };
  // A literal segment beats a parameter (`/videos/export` over `/videos/{id}`), whatever the
  // order of registration: candidates with fewer parameters are tried first. Parameters are
  // collected for the winner only (this runs for every request).
  const Route* best = nullptr;
  std::size_t best_params = 0;
  for (const Route& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::size_t params = 0;
    bool same = true;
    for (std::size_t i = 0; i < segments.size() && same; ++i) {
      const std::string& want = route.segments[i];
      if (is_param(want)) {
        same = !segments[i].empty();
        ++params;
      } else {
        same = want == segments[i];
      }
    }
    if (!same) continue;
    if (route.method == method) {
      if (!best || params < best_params) {
        best = &route;
        best_params = params;
      }
      continue;
    }
    if (std::find(match.allowed.begin(), match.allowed.end(), route.method) ==
        match.allowed.end()) {
      match.allowed.push_back(route.method);
    }
  }
  if (best) {
    for (std::size_t i = 0; i < segments.size(); ++i) {
      const std::string& want = best->segments[i];
      if (is_param(want)) match.params[want.substr(1, want.size() - 2)] = segments[i];
    }
    match.route = best;
    match.allowed.clear();
  }
  return match;
}

}  // namespace goatherd::api
