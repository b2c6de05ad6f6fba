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
  std::vector<std::string> segments = Split(path);
  // A literal segment beats a parameter (`/videos/export` over `/videos/{id}`), whatever the
  // order of registration: candidates with fewer parameters are tried first.
  const Route* best = nullptr;
  std::size_t best_params = 0;
  for (const Route& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::map<std::string, std::string> params;
    bool same = true;
    for (std::size_t i = 0; i < segments.size() && same; ++i) {
      const std::string& want = route.segments[i];
      if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
        if (segments[i].empty()) same = false;
        params[want.substr(1, want.size() - 2)] = segments[i];
      } else {
        same = want == segments[i];
      }
    }
    if (!same) continue;
    if (route.method == method) {
      if (!best || params.size() < best_params) {
        best = &route;
        best_params = params.size();
        match.params = std::move(params);
      }
      continue;
    }
    if (std::find(match.allowed.begin(), match.allowed.end(), route.method) ==
        match.allowed.end()) {
      match.allowed.push_back(route.method);
    }
  }
  if (best) {
    match.route = best;
    match.allowed.clear();
  }
  return match;
}

}  // namespace goatherd::api
