// Request and Response as the API layer sees them: independent of the network library, so the
// whole request pipeline (App) can be driven in unit tests without sockets.
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/types.h"

namespace goatherd::api {

struct Request {
  std::string method;  // "GET", ...
  std::string target;  // path and query as received
  std::string path;    // percent-decoded path, no query
  std::string raw_query;
  // Header names lowercased.
  std::map<std::string, std::string> headers;
  std::string body;
  std::string request_id;
  std::string peer;

  const std::string* Header(const std::string& lowercase_name) const {
    auto it = headers.find(lowercase_name);
    return it == headers.end() ? nullptr : &it->second;
  }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool close_connection = false;
};

}  // namespace goatherd::api
