// The robustness test: thousands of random and mutated requests from a seeded PRNG against the
// real server — valid requests with hostile bodies, broken HTTP framing, odd methods, bad ids and
// percent-encodings, oversized headers and bodies, raw bytes — and the promise of
// api-conventions.md checked on every answer: a 2xx only where the request could be valid, else a
// 4xx whose body is the envelope with a documented `meta.code`; never a 5xx, never a crash.
//
// GOATHERD_FUZZ_SEED (default 20260301) and GOATHERD_FUZZ_REQUESTS (default 20000) reproduce or
// lengthen a run; the seed is printed at the start.
#include <algorithm>
#include <atomic>
#include <boost/json/parse.hpp>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "harness.h"

namespace goatherd::blackbox {
namespace {

namespace json = boost::json;

constexpr std::uint64_t kDefaultSeed = 20260301;
constexpr int kDefaultRequests = 20000;
constexpr int kWorkers = 4;

std::uint64_t EnvNumber(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  return std::strtoull(v, nullptr, 10);
}

// The codes each status may carry, from the table of api-conventions.md.
bool CodeFitsStatus(int status, std::string_view code) {
  static const std::map<int, std::vector<std::string_view>> kTable = {
      {400, {"invalid_query", "invalid_body", "invalid_params"}},
      {401, {"invalid_api_key"}},
      {402, {"limit_reached", "retention_exceeded"}},
      {403, {"insufficient_scope", "org_banned"}},
      {404, {"not_found"}},
      {405, {"method_not_allowed"}},
      {409,
       {"idempotency_conflict", "handle_taken", "creator_banned", "invalid_handle", "no_change",
        "circular_reference", "duplicate", "invalid_transition", "not_tracked", "default_method"}},
      {410, {"gone"}},
      {413, {"payload_too_large"}},
      {415, {"unsupported_media_type"}},
      {429, {"rate_limit_exceeded"}},
  };
  auto it = kTable.find(status);
  if (it == kTable.end()) return false;
  return std::find(it->second.begin(), it->second.end(), code) != it->second.end();
}

std::string Printable(std::string_view s, std::size_t max = 240) {
  std::string out;
  for (unsigned char c : s.substr(0, max)) {
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  if (s.size() > max) out += "...(" + std::to_string(s.size()) + " bytes)";
  return out;
}

// What the generator knows about the server's data.
struct World {
  std::string key;                       // read,write key of the main organization
  std::string admin;                     // read,write,admin key of the main organization
  std::string reader;                    // read-only key of the main organization
  std::string other_key;                 // key of another organization
  std::string revoked_key;               // revoked at start
  std::vector<std::string> project_ids;  // of the main organization
  std::string other_project;             // of the other organization
  std::string cursor;                    // a genuine cursor of the main organization
};

// One generated request and what the answer may be.
struct Probe {
  std::string kind;
  bool raw = false;
  HttpRequest request;     // when !raw
  std::string bytes;       // when raw
  bool half_close = true;  // raw: let the server see the end of input, then read its answer
  bool expect_answer = true;
  bool may_succeed = false;            // a 2xx is acceptable
  std::size_t expected_responses = 1;  // raw pipelining
};

class Generator {
 public:
  Generator(std::uint64_t seed, const World& world) : rng_(seed), w_(world) {}

  Probe Next() {
    int pick = Uniform(0, 99);
    if (pick < 62) return Framed();
    return Raw();
  }

 private:
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(int percent) { return Uniform(0, 99) < percent; }
  template <class T>
  const T& Pick(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(Uniform(0, static_cast<int>(v.size()) - 1))];
  }
  std::string RandomBytes(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s.push_back(static_cast<char>(Uniform(0, 255)));
    return s;
  }
  std::string RandomPrintable(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s.push_back(static_cast<char>(Uniform(0x21, 0x7e)));
    return s;
  }
  std::string RandomUuid() {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string s;
    for (int i = 0; i < 36; ++i) {
      s.push_back(i == 8 || i == 13 || i == 18 || i == 23 ? '-' : kHex[Uniform(0, 15)]);
    }
    return s;
  }

  std::string ValidName() {
    static const std::vector<std::string> kNames = {
        "Q1 Program",        "Spring UGC", "\xc3\xa9t\xc3\xa9",
        "\xe2\x9c\x93 done", "a",          "Test \\\"quoted\\\""};
    return Pick(kNames);
  }
  std::string ValidBody() {
    std::string body = R"({"name":")" + ValidName() + "\"";
    if (Chance(50)) body += R"(,"readme":)" + std::string(Chance(30) ? "null" : "\"notes\"");
    if (Chance(50)) body += R"(,"metadata":{"k":1,"t":[true,null,"x",6.5]})";
    return body + "}";
  }

  // A body mutated to be (mostly) wrong.
  std::string MutatedBody(bool* may_be_valid) {
    std::string valid = ValidBody();
    *may_be_valid = false;
    switch (Uniform(0, 17)) {
      case 0:
        *may_be_valid = true;
        return valid;
      case 1:
        return valid.substr(0, static_cast<std::size_t>(Uniform(0, int(valid.size()) - 1)));
      case 2: {                // flip bytes
        *may_be_valid = true;  // a flip inside a string can leave it valid
        int flips = Uniform(1, 4);
        for (int i = 0; i < flips; ++i) {
          valid[static_cast<std::size_t>(Uniform(0, int(valid.size()) - 1))] =
              static_cast<char>(Uniform(0, 255));
        }
        return valid;
      }
      case 3: {  // invalid UTF-8 inside the name
        static const std::vector<std::string> kBad = {
            "\xff",     "\xc3\x28", "\xed\xa0\x80",    "\xf8\x88\x80\x80\x80",
            "\xc0\xaf", "\xe2\x82", "\xf4\x90\x80\x80"};
        return R"({"name":"ab)" + Pick(kBad) + "cd\"}";
      }
      case 4: {  // escapes a lenient decoder would turn into invalid text
        *may_be_valid = true;
        static const std::vector<std::string> kEsc = {
            "\\ud800", "\\udc00x", "\\ud83d\\ude00", "\\u0000", "\\u001f", "\\uffff", "\\/"};
        return R"({"name":"x)" + Pick(kEsc) + "\"}";
      }
      case 5: {  // wrong types
        static const std::vector<std::string> kWrong = {R"({"name":1})",
                                                        R"({"name":true})",
                                                        R"({"name":[]})",
                                                        R"({"name":{}})",
                                                        R"({"name":"a","readme":[]})",
                                                        R"({"name":"a","metadata":1})",
                                                        R"({"name":"a","metadata":null})",
                                                        R"({"name":null})",
                                                        R"([{"name":"a"}])",
                                                        R"("name")",
                                                        "null",
                                                        "-0"};
        return Pick(kWrong);
      }
      case 6: {  // huge strings
        int which = Uniform(0, 2);
        if (which == 0) return R"({"name":")" + std::string(Uniform(201, 5000), 'n') + "\"}";
        if (which == 1) {
          *may_be_valid = true;
          return R"({"name":"r","readme":")" + std::string(Uniform(90000, 110000), 'r') + "\"}";
        }
        return R"({"name":"m","metadata":{"s":")" + std::string(Uniform(65600, 70000), 's') +
               "\"}}";
      }
      case 7: {  // deep nesting
        int depth = Uniform(20, 5000);
        *may_be_valid = depth < 30;
        std::string open, close;
        for (int i = 0; i < depth; ++i) {
          bool array = Chance(50);
          open += array ? "[" : "{\"a\":";
          close.insert(0, array ? "]" : "}");
        }
        return R"({"name":"deep","metadata":{"d":)" + open + "1" + close + "}}";
      }
      case 8:
        return RandomBytes(Uniform(0, 600));
      case 9:
        return R"({"name":"a","name":"b"})";
      case 10: {
        static const std::vector<std::string> kNumbers = {"1e400",
                                                          "-1e400",
                                                          "1e-400",
                                                          "9223372036854775808",
                                                          "-9223372036854775809",
                                                          "18446744073709551616",
                                                          "01",
                                                          "1.",
                                                          ".5",
                                                          "0x10",
                                                          "NaN",
                                                          "Infinity",
                                                          "-",
                                                          "1e",
                                                          "123456789012345678901234567890"};
        *may_be_valid = true;  // 1e-400 is 0
        return R"({"name":"n","metadata":{"x":)" + Pick(kNumbers) + "}}";
      }
      case 11:
        return "{\"name\":\"a\x01\tb\"}";  // raw control characters
      case 12:
        return std::string("{\"name\":\"a\0b\"}", 14);
      case 13:
        return R"({"name":"a","unknown":1})";
      case 14:
        return valid + valid;
      case 15: {
        *may_be_valid = true;
        return " \t\r\n" + valid + "\n";
      }
      case 16:
        return "";
      default:
        return R"({"name":"a",,})";
    }
  }

  std::string Auth(bool* valid) {
    *valid = false;
    switch (Uniform(0, 11)) {
      case 0:
      case 1:
        *valid = true;
        return "Bearer " + w_.key;
      case 2:
        *valid = true;
        return "Bearer " + w_.admin;
      case 3:
        *valid = true;
        return "Bearer " + w_.reader;
      case 4:
        *valid = true;
        return "Bearer " + w_.other_key;
      case 5:
        return "Bearer " + w_.revoked_key;
      case 6:
        return "";
      case 7:
        return "Basic " + RandomPrintable(20);
      case 8:
        return "Bearer tga_" + RandomPrintable(Uniform(0, 80));
      case 9:
        return "Bearer " + w_.key.substr(0, w_.key.size() - 1) + "G";
      case 10:
        return "bearer " + w_.key;
      default: {
        std::string junk = RandomBytes(Uniform(0, 60));
        // A header value may not hold CR, LF or NUL: the client would break its own framing.
        for (char& c : junk) {
          if (c == '\r' || c == '\n' || c == '\0') c = 'x';
        }
        return junk;
      }
    }
  }

  std::string IdSegment(bool* valid) {
    *valid = false;
    switch (Uniform(0, 14)) {
      case 0:
      case 1:
      case 2:
        *valid = true;
        return Pick(w_.project_ids);
      case 3: {
        *valid = true;
        std::string up = Pick(w_.project_ids);
        std::transform(up.begin(), up.end(), up.begin(),
                       [](char c) { return static_cast<char>(std::toupper(c)); });
        return up;
      }
      case 4:
        *valid = true;  // with the other organization's key
        return w_.other_project;
      case 5:
        return RandomUuid();
      case 6:
        return RandomUuid().substr(0, static_cast<std::size_t>(Uniform(0, 35)));
      case 7:
        return RandomUuid() + "0";
      case 8: {
        // The path is percent-decoded before routing: "%30" is "0", so this names the project
        // when its id starts with 0.
        std::string id = Pick(w_.project_ids);
        *valid = id[0] == '0';
        return "%30" + id.substr(1);
      }
      case 9:
        return "%zz";
      case 10:
        return "%";
      case 11:
        return "%00%ff%fe";
      case 12:
        return "..%2F..%2Fhealthz";
      case 13:
        return std::string(Uniform(37, 3000), 'a');
      default:
        return "%E2%9C%93" + RandomPrintable(Uniform(1, 10));
    }
  }

  std::string QueryString(bool* valid) {
    *valid = true;
    std::vector<std::string> parts;
    int n = Uniform(0, 4);
    for (int i = 0; i < n; ++i) {
      switch (Uniform(0, 9)) {
        case 0: {
          static const std::vector<std::string> kLimits = {"3",
                                                           "1",
                                                           "100",
                                                           "1000",
                                                           "0",
                                                           "-1",
                                                           "abc",
                                                           "",
                                                           "1.5",
                                                           "%zz",
                                                           "%",
                                                           "1e3",
                                                           "99999999999999999999",
                                                           "+3",
                                                           "%2B3",
                                                           "%203",
                                                           "3%00"};
          const std::string& l = Pick(kLimits);
          if (!(l == "3" || l == "1" || l == "100" || l == "1000" || l == "99999999999999999999")) {
            *valid = false;
          }
          parts.push_back("limit=" + l);
          break;
        }
        case 1:
          parts.push_back("cursor=" + w_.cursor);
          break;
        case 2: {
          std::string c = w_.cursor;
          if (!c.empty()) {
            // A different character: writing 'Q' over a 'Q' would leave the cursor genuine.
            char& at = c[static_cast<std::size_t>(Uniform(0, int(c.size()) - 1))];
            at = at == 'Q' ? 'R' : 'Q';
          }
          parts.push_back("cursor=" + c);
          *valid = false;
          break;
        }
        case 3:
          parts.push_back("cursor=" + RandomPrintable(Uniform(0, 600)));
          *valid = false;
          break;
        case 4:
          parts.push_back("color=" + RandomPrintable(Uniform(0, 30)));
          break;
        case 5:
          parts.push_back("&&=");
          break;
        case 6:
          parts.push_back("limit=2&limit=2");
          *valid = false;
          break;
        case 7:
          parts.push_back("a=%00%ff&b=%e2%82");
          break;
        case 8:
          parts.push_back("x=" + std::string(Uniform(1000, 9000), 'q'));
          break;
        default:
          parts.push_back("a+b=c+d&%3D=%26");
          break;
      }
    }
    std::string q;
    for (const auto& p : parts) q += (q.empty() ? "" : "&") + p;
    return q;
  }

  Probe Framed() {
    Probe p;
    p.kind = "framed";
    static const std::vector<std::string> kMethods = {
        "GET",   "GET",   "GET",    "POST",  "POST",     "POST",
        "PATCH", "PATCH", "DELETE", "PUT",   "PROPFIND", "OPTIONS",
        "get",   "Post",  "TRACE",  "MKCOL", "CONNECT",  std::string(200, 'M'),
        "HEAD"};
    std::string method = Pick(kMethods);
    bool canonical = method == "GET" || method == "POST" || method == "PATCH" ||
                     method == "DELETE" || method == "HEAD";
    bool target_valid = true;
    std::string target;
    switch (Uniform(0, 13)) {
      case 12:
      case 13: {
        // The other resources: only the promise of the envelope is checked there.
        static const std::vector<std::string> kOther = {
            "/api/v1/videos",   "/api/v1/videos/",   "/api/v1/videos/export", "/api/v1/org",
            "/api/v1/api-keys", "/api/v1/api-keys/", "/api/v1/creators/",     "/api/v1/analytics"};
        target = Pick(kOther);
        if (target.back() == '/') target += Chance(50) ? RandomUuid() : RandomPrintable(8);
        if (Chance(30)) target += Pick(std::vector<std::string>{"/stats", "/events", "/x"});
        break;
      }
      case 0:
      case 1:
      case 2:
      case 11:
        target = "/api/v1/projects";
        break;
      case 3:
      case 4:
      case 5:
        target = "/api/v1/projects/" + IdSegment(&target_valid);
        break;
      case 6:
        target = "/healthz";
        break;
      case 7:
        target = Pick(std::vector<std::string>{"/api/v1/schema", "/api/v1/openapi.json"});
        break;
      case 8: {
        static const std::vector<std::string> kOdd = {"/api/v1/nope",
                                                      "//api/v1/projects",
                                                      "/api/v1/./projects",
                                                      "/api/v1/projects/",
                                                      "/api/v1/projects/../projects",
                                                      "/",
                                                      "/api",
                                                      "/api/v1",
                                                      "/api/v1/creators/" + RandomUuid() + "/stats",
                                                      "/\xff\xfe",
                                                      "/api/v1/projects%00",
                                                      "/api/v1/projects;x=1",
                                                      "/%"};
        target = Pick(kOdd);
        target_valid = false;
        // The path is percent-decoded before routing, so this one is the projects list.
        if (Chance(5)) {
          target = "/api/v1/%70rojects";
          target_valid = true;
        }
        break;
      }
      case 9:
        target = "/" + RandomPrintable(Uniform(1, 50));
        target_valid = false;
        break;
      default:
        target = "/api/v1/projects/" + RandomUuid() + "/" + RandomPrintable(5);
        target_valid = false;
        break;
    }
    const bool list_path = target == "/api/v1/projects";
    const bool item_path = !list_path && target.rfind("/api/v1/projects/", 0) == 0;
    const bool public_path = target == "/healthz" || target == "/api/v1/openapi.json";
    bool query_valid = true;
    bool query_malformed = false;
    if (Chance(40)) {
      std::string q = QueryString(&query_valid);
      // A '%' not followed by two hex digits breaks the whole query string, on any route.
      for (std::size_t i = 0; i < q.size(); ++i) {
        if (q[i] == '%' &&
            (i + 2 >= q.size() || !std::isxdigit(static_cast<unsigned char>(q[i + 1])) ||
             !std::isxdigit(static_cast<unsigned char>(q[i + 2])))) {
          query_malformed = true;
        }
      }
      target += "?" + q;
    }
    p.request.method = method;
    p.request.target = target;

    bool key_valid = false;
    std::string auth = Auth(&key_valid);
    if (!auth.empty()) p.request.headers.emplace_back("Authorization", auth);

    bool body_valid = true;
    bool json_type = false;
    bool wants_body = method == "POST" || method == "PATCH" || method == "PUT" || Chance(10);
    if (wants_body) {
      int ct = Uniform(0, 9);
      if (ct < 7) {
        p.request.headers.emplace_back("Content-Type", "application/json");
        json_type = true;
      } else if (ct == 7) {
        p.request.headers.emplace_back("Content-Type", "text/plain");
      } else if (ct == 8) {
        p.request.headers.emplace_back("Content-Type", RandomPrintable(Uniform(1, 40)));
      }
      if (Chance(1)) {
        p.request.body = R"({"name":"huge","readme":")" + std::string((1 << 20) + 10, 'h') + "\"}";
        body_valid = false;
      } else {
        p.request.body = MutatedBody(&body_valid);
      }
    }
    if (Chance(20)) {
      p.request.headers.emplace_back("X-Request-Id", RandomPrintable(Uniform(1, 200)));
    }
    if (Chance(5)) p.request.headers.emplace_back("Connection", "close");
    if (method == "POST" && Chance(15)) {
      static const std::vector<std::string> kIdem = {"idem-1", "idem-2", "", std::string(300, 'i'),
                                                     "with space"};
      p.request.headers.emplace_back("Idempotency-Key",
                                     Chance(50) ? Pick(kIdem) : RandomPrintable(Uniform(1, 40)));
    }
    if (Chance(3)) {
      p.request.headers.emplace_back("Content-Length", std::to_string(p.request.body.size()));
    }

    // A 2xx is acceptable unless something the route reads is certainly wrong; the checks of
    // each field are the business of the focused tests.
    const bool reads_body = (method == "POST" && list_path) || (method == "PATCH" && item_path);
    const bool reads_query = (method == "GET" || method == "HEAD") && list_path;
    p.may_succeed = canonical && target_valid && !query_malformed &&
                    (!reads_query || query_valid) && (!reads_body || (body_valid && json_type)) &&
                    p.request.body.size() <= (1u << 20) && (key_valid || public_path);
    return p;
  }

  static std::string Request(const std::string& method, const std::string& target,
                             const std::vector<std::string>& header_lines, const std::string& body,
                             const std::string& version = "HTTP/1.1") {
    std::string s = method + " " + target + " " + version + "\r\n";
    for (const auto& h : header_lines) s += h + "\r\n";
    return s + "\r\n" + body;
  }

  Probe Raw() {
    Probe p;
    p.raw = true;
    const std::string host = "Host: 127.0.0.1";
    const std::string auth = "Authorization: Bearer " + w_.key;
    const std::string json_ct = "Content-Type: application/json";
    const std::string body = ValidBody();
    switch (Uniform(0, 19)) {
      case 0:
        p.kind = "random bytes";
        p.bytes = RandomBytes(Uniform(1, 2048));
        break;
      case 1: {
        p.kind = "printable garbage";
        std::string s;
        int lines = Uniform(1, 8);
        for (int i = 0; i < lines; ++i) s += RandomPrintable(Uniform(0, 80)) + "\r\n";
        p.bytes = s;
        break;
      }
      case 2: {
        p.kind = "content-length larger than sent";
        int declared = static_cast<int>(body.size()) + Uniform(1, 5000);
        p.bytes =
            Request("POST", "/api/v1/projects",
                    {host, auth, json_ct, "Content-Length: " + std::to_string(declared)}, body);
        p.half_close = Chance(70);
        p.expect_answer = p.half_close;
        break;
      }
      case 3: {
        p.kind = "bad content-length";
        static const std::vector<std::string> kLengths = {
            "abc", "-1", "1e3", "0x10", "99999999999999999999999", "5, 6", "", " ", "+5", "5 5"};
        p.bytes = Request("POST", "/api/v1/projects",
                          {host, auth, json_ct, "Content-Length: " + Pick(kLengths)}, body);
        break;
      }
      case 4: {
        p.kind = "duplicate content-length";
        std::string n = std::to_string(body.size());
        std::string other = Chance(50) ? n : std::to_string(body.size() + 3);
        p.may_succeed = other == n;  // identical duplicates may be accepted (RFC 9110, 8.6)
        p.bytes = Request("POST", "/api/v1/projects",
                          {host, auth, json_ct, "Content-Length: " + n, "Content-Length: " + other},
                          body);
        break;
      }
      case 5: {
        p.kind = "chunked garbage";
        static const std::vector<std::string> kChunks = {"zz\r\nhello\r\n0\r\n\r\n",
                                                         "5\r\nhel",
                                                         "FFFFFFFFFFFFFFFFFFFF\r\nx\r\n",
                                                         "3;ext=\x01\r\nabc\r\n0\r\n\r\n",
                                                         "-1\r\n\r\n",
                                                         "\r\n\r\n",
                                                         "0\r\nTrailer\r\n\r\n",
                                                         "5\r\nhelloXX0\r\n\r\n"};
        p.bytes = Request("POST", "/api/v1/projects",
                          {host, auth, json_ct, "Transfer-Encoding: chunked"}, Pick(kChunks));
        break;
      }
      case 6: {
        p.kind = "valid chunked";
        char size[16];
        std::snprintf(size, sizeof size, "%zx", body.size());
        p.bytes =
            Request("POST", "/api/v1/projects", {host, auth, json_ct, "Transfer-Encoding: chunked"},
                    std::string(size) + "\r\n" + body + "\r\n0\r\n\r\n");
        p.may_succeed = true;
        break;
      }
      case 7: {
        p.kind = "chunked and content-length";
        p.bytes = Request("POST", "/api/v1/projects",
                          {host, auth, json_ct, "Transfer-Encoding: chunked", "Content-Length: 3"},
                          "3\r\nabc\r\n0\r\n\r\n");
        break;
      }
      case 8: {
        p.kind = "header without colon";
        p.bytes = Request("GET", "/api/v1/projects", {host, auth, "NoColonHere"}, "");
        break;
      }
      case 9: {
        p.kind = "huge header";
        p.bytes =
            Request("GET", "/api/v1/projects",
                    {host, auth, "X-Big: " + std::string(Uniform(17 << 10, 64 << 10), 'b')}, "");
        break;
      }
      case 10: {
        p.kind = "many headers";
        std::vector<std::string> lines{host, auth};
        int n = Uniform(700, 1500);  // about 25 bytes each: over 16 KiB
        for (int i = 0; i < n; ++i)
          lines.push_back("X-H" + std::to_string(i) + ": 0123456789abcdef");
        p.bytes = Request("GET", "/api/v1/projects", lines, "");
        break;
      }
      case 11: {
        p.kind = "bad version";
        static const std::vector<std::string> kVersions = {"HTTP/9.9",  "HTTP/1.1x", "HTTP/",   "",
                                                           "HTTPS/1.1", "http/1.1",  "HTTP/1.0"};
        std::string v = Pick(kVersions);
        p.bytes = Request("GET", "/healthz", {host}, "", v);
        p.may_succeed = v == "HTTP/1.0";
        break;
      }
      case 12: {
        p.kind = "odd raw method";
        static const std::vector<std::string> kMethods = {
            std::string(200, 'X'), "G ET", "get", "GE(T", "PROPFIND", "", "\x01GET", "GET\t"};
        p.bytes = Request(Pick(kMethods), "/api/v1/projects", {host, auth}, "");
        break;
      }
      case 13: {
        p.kind = "odd target";
        static const std::vector<std::string> kTargets = {"*",
                                                          "http://127.0.0.1/api/v1/projects",
                                                          "api/v1/projects",
                                                          "/a b",
                                                          "/\x7f",
                                                          std::string(20000, '/'),
                                                          "/api/v1/projects#frag",
                                                          "",
                                                          "/api/v1/projects?%"};
        p.bytes = Request("GET", Pick(kTargets), {host, auth}, "");
        break;
      }
      case 14: {
        p.kind = "NUL bytes";
        std::string s = Request("GET", "/api/v1/projects", {host, auth}, "");
        s.insert(static_cast<std::size_t>(Uniform(0, int(s.size()) - 1)), 1, '\0');
        p.bytes = s;
        break;
      }
      case 15: {
        p.kind = "pipelined";
        int n = Uniform(2, 4);
        for (int i = 0; i < n; ++i)
          p.bytes += Request("GET", "/api/v1/projects?limit=1", {host, auth}, "");
        p.expected_responses = static_cast<std::size_t>(n);
        p.may_succeed = true;
        break;
      }
      case 16: {
        p.kind = "valid request then garbage";
        p.bytes = Request("GET", "/healthz", {host}, "") + RandomBytes(Uniform(1, 200));
        p.expected_responses = 2;
        p.may_succeed = true;
        break;
      }
      case 17: {
        p.kind = "bad header name";
        static const std::vector<std::string> kLines = {"Bad Name: x", ": empty", "X\x01Y: z",
                                                        " Leading: space", "X-A: b\r\n folded"};
        p.bytes = Request("GET", "/api/v1/projects", {host, auth, Pick(kLines)}, "");
        p.may_succeed = true;  // obs-fold and some names are tolerated by lenient parsers
        break;
      }
      case 18: {
        p.kind = "bare LF";
        p.bytes = "GET /healthz HTTP/1.1\nHost: x\n\n";
        p.may_succeed = true;
        break;
      }
      default: {
        p.kind = "declared body over 1 MiB";
        p.bytes = Request("POST", "/api/v1/projects",
                          {host, auth, json_ct,
                           "Content-Length: " + std::to_string(Uniform((1 << 20) + 1, 1 << 30))},
                          body);
        break;
      }
    }
    if (p.bytes.find_first_not_of("\r\n") == std::string::npos) p.expect_answer = false;
    return p;
  }

  std::mt19937_64 rng_;
  const World& w_;
};

struct Tally {
  std::mutex mu;
  std::map<int, int> by_status;
  int answered = 0;
  int unanswered = 0;
  int failures = 0;
  std::vector<std::string> messages;

  void Fail(const Probe& p, const std::string& why) {
    std::lock_guard lock(mu);
    ++failures;
    if (messages.size() < 25) {
      std::string what = p.raw
                             ? Printable(p.bytes)
                             : p.request.method.substr(0, 20) + " " + Printable(p.request.target) +
                                   " body=" + Printable(p.request.body, 160);
      messages.push_back("[" + p.kind + "] " + what + "\n    -> " + why);
    }
  }
};

// Checks one answer against the promise; returns "" when it keeps it.
std::string Judge(const Probe& p, const HttpResult& r) {
  if (!p.raw && p.request.method == "HEAD") {
    // No content to check: the status and the headers of the GET answer.
    bool fits =
        (r.status >= 200 && r.status < 300 && p.may_succeed) || (r.status >= 400 && r.status < 500);
    if (!fits) return "HEAD answered " + std::to_string(r.status);
    if (!r.body.empty()) return "HEAD answered with content";
    if (r.Header("content-type") != "application/json; charset=utf-8") return "HEAD Content-Type";
    return "";
  }
  if (r.status >= 200 && r.status < 300) {
    if (!p.may_succeed) return "2xx for a request that cannot be valid: " + Printable(r.body);
    bool healthz = r.body == R"({"status":"ok"})";
    bool openapi = r.json_ok && r.json.is_object() && r.json.as_object().contains("openapi");
    if (healthz || openapi) return "";
    if (!IsEnvelope(r)) return "2xx outside the envelope: " + Printable(r.body);
    return "";
  }
  if (r.status < 400 || r.status >= 500) {
    return "status " + std::to_string(r.status) + ": " + Printable(r.body);
  }
  if (auto env = IsEnvelope(r); !env) return env.message();
  const auto& o = r.json.as_object();
  const auto* meta = o.at("meta").if_object();
  if (!o.at("data").is_null() || !o.at("error").is_string() || !meta || !meta->contains("code") ||
      !meta->at("code").is_string()) {
    return "error without data:null, a message and meta.code: " + Printable(r.body);
  }
  std::string code(meta->at("code").as_string());
  if (!IsDocumentedErrorCode(code)) return "undocumented code " + code;
  if (!CodeFitsStatus(r.status, code)) {
    return "code " + code + " does not belong to status " + std::to_string(r.status);
  }
  if (r.status == 405 && !r.Header("allow")) return "405 without Allow";
  return "";
}

class RobustnessTest : public BlackBoxTest {};

TEST_F(RobustnessTest, HostileRequestsAreAllAnsweredInTheEnvelope) {
  const std::uint64_t seed = EnvNumber("GOATHERD_FUZZ_SEED", kDefaultSeed);
  const int total = static_cast<int>(EnvNumber("GOATHERD_FUZZ_REQUESTS", kDefaultRequests));
  std::cout << "robustness: seed " << seed << " (GOATHERD_FUZZ_SEED), " << total
            << " requests from " << kWorkers << " threads\n";
  RecordProperty("seed", std::to_string(seed));

  World world;
  std::string org = CreateOrg();
  world.key = CreateKey(org).secret;
  world.reader = CreateKey(org, "read").secret;
  world.admin = CreateKey(org, "read,write,admin").secret;
  ApiKey revoked = CreateKey(org);
  world.revoked_key = revoked.secret;
  ASSERT_EQ(Cli({"keys", "revoke", revoked.id}).exit_code, 0);
  std::string other = CreateOrg("ultra", "Other");
  world.other_key = CreateKey(other).secret;
  for (int i = 0; i < 3; ++i) world.project_ids.push_back(CreateProject(world.key, "Seed"));
  world.other_project = CreateProject(world.other_key, "Theirs");
  auto page = Get("/api/v1/projects?limit=1", world.key);
  ASSERT_EQ(page.status, 200);
  world.cursor =
      std::string(page.json.as_object().at("meta").as_object().at("nextCursor").as_string());

  Tally tally;
  std::atomic<int> timeouts{0};
  const std::uint16_t port = server_->port();
  auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&, w] {
      Generator gen(seed * 1000003 + static_cast<std::uint64_t>(w), world);
      HttpClient client(port, std::chrono::milliseconds(10000));
      int mine = total / kWorkers + (w < total % kWorkers ? 1 : 0);
      for (int i = 0; i < mine && timeouts.load() < 5; ++i) {
        Probe p = gen.Next();
        std::vector<HttpResult> answers;
        bool incomplete = false;
        if (p.raw) {
          std::string got = SendRaw(port, p.bytes, p.half_close, std::chrono::milliseconds(10000));
          if (!p.half_close) continue;
          answers = ParseResponses(got, &incomplete);
          if (incomplete) tally.Fail(p, "truncated response: " + Printable(got));
        } else {
          HttpResult r = client.Send(p.request);
          if (r.status == 0) {
            if (r.transport_error.find("timeout") != std::string::npos) ++timeouts;
            tally.Fail(p, "no response: " + r.transport_error);
            continue;
          }
          answers.push_back(std::move(r));
        }
        {
          std::lock_guard lock(tally.mu);
          if (answers.empty()) {
            ++tally.unanswered;
          } else {
            ++tally.answered;
          }
          for (const auto& a : answers) ++tally.by_status[a.status];
        }
        if (answers.empty() && p.expect_answer) tally.Fail(p, "no answer before the server closed");
        if (p.raw && answers.size() > p.expected_responses) {
          tally.Fail(p, std::to_string(answers.size()) + " responses");
        }
        for (const auto& a : answers) {
          std::string why = Judge(p, a);
          if (!why.empty()) tally.Fail(p, why);
        }
      }
    });
  }
  for (auto& t : workers) t.join();
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  std::cout << "robustness: " << tally.answered << " answered, " << tally.unanswered
            << " closed without an answer (expected for abrupt closes), in " << seconds
            << " s; statuses:";
  for (const auto& [status, n] : tally.by_status) std::cout << " " << status << "x" << n;
  std::cout << "\n";
  for (const auto& m : tally.messages) ADD_FAILURE() << m;
  EXPECT_EQ(tally.failures, 0) << "seed " << seed;
  EXPECT_EQ(timeouts.load(), 0);

  ASSERT_TRUE(server_->Alive()) << "the server died";
  HttpClient fresh(port);
  auto health = fresh.Send({"GET", "/healthz", "", {}});
  EXPECT_EQ(health.status, 200) << health.transport_error;
  EXPECT_EQ(health.body, R"({"status":"ok"})");
  auto list =
      fresh.Send({"GET", "/api/v1/projects", "", {{"Authorization", "Bearer " + world.key}}});
  EXPECT_EQ(list.status, 200) << list.body;
}

}  // namespace
}  // namespace goatherd::blackbox
