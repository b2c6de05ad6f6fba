// The black-box harness: everything a test needs to drive the real `goatherd` binary from the
// outside. It runs the command line (`orgs create`, `keys create`, ...) on a temporary database,
// starts `goatherd serve` on a free port as a child process, and speaks HTTP to it, either with a
// well-formed keep-alive client or with raw bytes for malformed requests. Nothing here links the
// server's code: what the tests see is what any client would see.
// Thread-safety: a ServerProcess and a TempDir belong to one test; an HttpClient belongs to one
// thread at a time (use one per thread); the free functions are safe to call from any thread.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace goatherd::blackbox {

// A fresh directory under $TMPDIR, removed with everything in it on destruction (unless
// `keep` is set, so a failing test leaves its database and server log behind).
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(std::string_view name) const { return path_ + "/" + std::string(name); }
  bool keep = false;

 private:
  std::string path_;
};

struct CommandResult {
  int exit_code = -1;  // -1 when the process did not exit normally
  std::string out;
  std::string err;
};

// Runs `goatherd <args...>` to completion with stdin closed, capturing stdout and stderr.
CommandResult RunGoatherd(const std::vector<std::string>& args);

// `goatherd serve` as a child process on 127.0.0.1 with a port the kernel picked.
class ServerProcess {
 public:
  struct Options {
    std::string db_path;
    std::string log_path;  // the server's stderr (its request log) goes here
    int threads = 2;
    // Rate limits are off by default: the tests issue far more than 60 requests a minute and
    // a `free` organization's daily quota is 0; a test of the limits turns them back on.
    bool no_rate_limits = true;
    // `--rate-limit-per-minute N` (the per-key window's size); nullopt = the server's default.
    std::optional<int> rate_limit_per_minute;
    std::string fake_now;                 // RFC 3339; empty = the real clock
    std::vector<std::string> extra_args;  // more `serve` flags, e.g. a scrape source
    std::chrono::milliseconds start_timeout{15000};
  };

  // Starts the server and waits for its "goatherd listening on http://127.0.0.1:PORT" line.
  // On failure `ok()` is false and `failure()` says why.
  explicit ServerProcess(Options options);
  // SIGTERM, then waits (SIGKILL after a grace period).
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  bool ok() const { return port_ != 0; }
  const std::string& failure() const { return failure_; }
  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  // True while the child has not exited (it is reaped if it has).
  bool Alive();
  // Stops the server; returns its exit status (-1 when killed by a signal).
  int Stop();

 private:
  Options options_;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::uint16_t port_ = 0;
  std::string failure_;
  std::optional<int> exit_status_;
};

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

struct HttpResult {
  int status = 0;  // 0: no response (see transport_error)
  std::string transport_error;
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercased, in order
  std::string body;
  bool json_ok = false;  // body parsed as JSON
  boost::json::value json;

  // The first value of a header (name in any case), or nullopt.
  std::optional<std::string> Header(std::string_view name) const;
  std::size_t HeaderCount(std::string_view name) const;
};

// A well-behaved HTTP/1.1 client (Boost.Beast, synchronous) that keeps its connection alive
// between requests and reconnects when the server closed it.
class HttpClient {
 public:
  explicit HttpClient(std::uint16_t port,
                      std::chrono::milliseconds timeout = std::chrono::milliseconds(10000));
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResult Send(const HttpRequest& request);
  // TCP connections opened so far.
  int connections_opened() const { return connections_opened_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int connections_opened_ = 0;
};

// Sends `bytes` on a new connection, then (when `half_close`) shuts down the sending side so
// the server sees the end of input, and reads until the server closes or `timeout` passes.
// With `half_close` false the socket is closed right after sending and nothing is read.
// Returns the bytes received.
std::string SendRaw(std::uint16_t port, std::string_view bytes, bool half_close = true,
                    std::chrono::milliseconds timeout = std::chrono::milliseconds(10000));

// Splits bytes received on one connection into HTTP responses (Beast's parser); a trailing
// incomplete response is dropped and reported through `*incomplete` when given.
std::vector<HttpResult> ParseResponses(std::string_view raw, bool* incomplete = nullptr);

// The codes of api-conventions.md's status table.
bool IsDocumentedErrorCode(std::string_view code);

// Test expectations shared by the suites.
// The envelope: Content-Type, X-Request-Id, a JSON object with exactly data/error/meta.
::testing::AssertionResult IsEnvelope(const HttpResult& r);
// An error answer: `status`, envelope, data null, error a non-empty string, meta.code == `code`.
::testing::AssertionResult IsError(const HttpResult& r, int status, std::string_view code);

struct ApiKey {
  std::string secret;
  std::string id;
};

// The fixture: a temporary directory, a database, a running server and a client.
class BlackBoxTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Overridden by suites that need another server configuration.
  virtual void Configure(ServerProcess::Options& /*options*/) {}

  std::string DbPath() const { return dir_->File("t.db"); }
  // `goatherd orgs create`; fails the test (and returns "") when the command fails.
  std::string CreateOrg(const std::string& plan = "ultra", const std::string& name = "Acme");
  // `goatherd keys create`; `expires_at` empty = never.
  ApiKey CreateKey(const std::string& org_id, const std::string& scopes = "read,write",
                   const std::string& expires_at = "");
  // Runs a `goatherd` subcommand on this test's database.
  CommandResult Cli(std::vector<std::string> args);
  // Runs SQL on the test database with the sqlite3 shell (operator edits such as plan limits).
  void Sql(const std::string& statement);
  // The output of a query run with the sqlite3 shell, trailing newline removed (one value: "3").
  std::string SqlValue(const std::string& query);

  // Requests through the fixture's keep-alive client. `key` empty = no Authorization header;
  // a body is sent with `Content-Type: application/json`.
  HttpResult Call(const std::string& method, const std::string& target, const std::string& key,
                  const std::optional<std::string>& json_body = std::nullopt,
                  std::vector<std::pair<std::string, std::string>> extra_headers = {});
  HttpResult Get(const std::string& target, const std::string& key) {
    return Call("GET", target, key);
  }
  // POST /api/v1/projects with `{"name": name}`; the created project's id ("" on failure).
  std::string CreateProject(const std::string& key, const std::string& name);

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> client_;
};

// The `data` and `meta` members of an envelope answer; null when the answer is not one.
boost::json::value DataOf(const HttpResult& r);
boost::json::value MetaOf(const HttpResult& r);

// Text helpers.
std::string JsonString(std::string_view s);  // s as a JSON string literal
bool IsLowercaseUuid(std::string_view s);
bool IsRfc3339Seconds(std::string_view s);  // YYYY-MM-DDTHH:MM:SSZ
// Seconds since the epoch of a YYYY-MM-DDTHH:MM:SSZ text (computed here, not by the server).
std::int64_t ParseUtcSeconds(std::string_view s);

}  // namespace goatherd::blackbox
