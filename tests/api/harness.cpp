#include "harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace goatherd::blackbox {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace json = boost::json;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

// The environment of the child without GOATHERD_* variables: every flag has an environment
// twin, and a variable set in the developer's shell must not change what a test runs.
std::vector<std::string> ChildEnvironment() {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    if (std::strncmp(*e, "GOATHERD_", 9) != 0) env.emplace_back(*e);
  }
  return env;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Reads both pipes until they close (poll, so neither can fill up and stall the child).
void DrainPipes(int out_fd, int err_fd, std::string* out, std::string* err) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {out, err};
  int open = 2;
  char buf[8192];
  while (open > 0) {
    if (poll(fds, 2, 60000) <= 0) break;  // a minute without output: give up on the child
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open;
      }
    }
  }
  for (auto& f : fds) {
    if (f.fd >= 0) close(f.fd);
  }
}

CommandResult RunProcess(const std::string& program, const std::vector<std::string>& args,
                         bool search_path) {
  CommandResult result;
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return result;
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return result;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  std::vector<std::string> argv_strings{program};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  auto argv = CStrings(argv_strings);
  auto env_strings = ChildEnvironment();
  auto envp = CStrings(env_strings);
  pid_t pid = -1;
  int rc = search_path
               ? posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data())
               : posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    result.err = "cannot start " + program + ": " + std::strerror(rc);
    return result;
  }
  DrainPipes(out_pipe[0], err_pipe[0], &result.out, &result.err);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string ReadFileTail(const std::string& path, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string all = ss.str();
  return all.size() > max_bytes ? all.substr(all.size() - max_bytes) : all;
}

template <class Message>
HttpResult ToResult(Message&& msg) {
  HttpResult r;
  r.status = static_cast<int>(msg.result_int());
  for (const auto& field : msg) {
    r.headers.emplace_back(Lower(field.name_string()), std::string(field.value()));
  }
  r.body = std::move(msg.body());
  json::error_code ec;
  r.json = json::parse(r.body, ec);
  r.json_ok = !ec;
  return r;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// TempDir

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base && *base ? base : "/tmp") + "/goatherd-bb-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = buf.data();
}

TempDir::~TempDir() {
  if (keep) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

// ---------------------------------------------------------------------------------------------
// Processes

CommandResult RunGoatherd(const std::vector<std::string>& args) {
  return RunProcess(GOATHERD_BINARY, args, /*search_path=*/false);
}

ServerProcess::ServerProcess(Options options) : options_(std::move(options)) {
  int out_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    failure_ = "pipe failed";
    return;
  }
  std::vector<std::string> argv_strings{
      GOATHERD_BINARY, "serve",       "--db",      options_.db_path,
      "--listen",      "127.0.0.1:0", "--threads", std::to_string(options_.threads)};
  if (options_.no_rate_limits) argv_strings.push_back("--no-rate-limits");
  if (options_.rate_limit_per_minute) {
    argv_strings.push_back("--rate-limit-per-minute");
    argv_strings.push_back(std::to_string(*options_.rate_limit_per_minute));
  }
  if (!options_.fake_now.empty()) {
    argv_strings.push_back("--fake-now");
    argv_strings.push_back(options_.fake_now);
  }
  argv_strings.insert(argv_strings.end(), options_.extra_args.begin(), options_.extra_args.end());
  auto argv = CStrings(argv_strings);
  auto env_strings = ChildEnvironment();
  auto envp = CStrings(env_strings);
  int log_fd = open(options_.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  // fork rather than posix_spawn: the child asks to be killed when the test process dies, so
  // a crashed or aborted test never leaves a server behind. Only async-signal-safe calls
  // between fork and exec.
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the parent died before prctl took effect
    dup2(null_fd, 0);
    dup2(out_pipe[1], 1);
    dup2(log_fd, 2);
    execve(GOATHERD_BINARY, argv.data(), envp.data());
    _exit(127);
  }
  int fork_errno = errno;
  close(out_pipe[1]);
  if (log_fd >= 0) close(log_fd);
  if (null_fd >= 0) close(null_fd);
  if (pid_ < 0) {
    close(out_pipe[0]);
    pid_ = -1;
    failure_ = std::string("cannot start the server: ") + std::strerror(fork_errno);
    return;
  }
  stdout_fd_ = out_pipe[0];

  // The first stdout line names the port; everything else the server says goes to the log.
  std::string line;
  auto deadline = Clock::now() + options_.start_timeout;
  while (line.find('\n') == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    pollfd pfd{stdout_fd_, POLLIN, 0};
    if (poll(&pfd, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[256];
    ssize_t n = read(stdout_fd_, buf, sizeof buf);
    if (n <= 0) break;  // the server exited before saying where it listens
    line.append(buf, static_cast<std::size_t>(n));
  }
  static constexpr std::string_view kPrefix = "goatherd listening on http://127.0.0.1:";
  auto nl = line.find('\n');
  if (nl != std::string::npos && line.compare(0, kPrefix.size(), kPrefix) == 0) {
    int port = std::atoi(line.substr(kPrefix.size(), nl - kPrefix.size()).c_str());
    if (port > 0 && port < 65536) port_ = static_cast<std::uint16_t>(port);
  }
  if (port_ == 0) {
    failure_ = "the server did not announce its port (stdout: '" + line + "'); log tail:\n" +
               ReadFileTail(options_.log_path, 2000);
    Stop();
  }
}

ServerProcess::~ServerProcess() { Stop(); }

bool ServerProcess::Alive() {
  if (pid_ <= 0 || exit_status_) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == 0) return true;
  exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return false;
}

int ServerProcess::Stop() {
  if (pid_ > 0 && !exit_status_) {
    kill(pid_, SIGTERM);
    int status = 0;
    bool reaped = false;
    // The server drains in-flight requests for up to 15 s; idle ones close at once.
    for (int i = 0; i < 2000 && !reaped; ++i) {
      pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_ || (r < 0 && errno != EINTR)) {
        reaped = true;
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    if (!reaped) {
      kill(pid_, SIGKILL);
      while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      exit_status_ = -1;
    } else {
      exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
  }
  if (stdout_fd_ >= 0) {
    close(stdout_fd_);
    stdout_fd_ = -1;
  }
  return exit_status_.value_or(-1);
}

// ---------------------------------------------------------------------------------------------
// HTTP

std::optional<std::string> HttpResult::Header(std::string_view name) const {
  std::string want = Lower(name);
  for (const auto& [k, v] : headers) {
    if (k == want) return v;
  }
  return std::nullopt;
}

std::size_t HttpResult::HeaderCount(std::string_view name) const {
  std::string want = Lower(name);
  std::size_t n = 0;
  for (const auto& [k, v] : headers) n += k == want;
  return n;
}

struct HttpClient::Impl {
  std::uint16_t port;
  std::chrono::milliseconds timeout;
  net::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;

  void Close() {
    if (!stream) return;
    beast::error_code ignored;
    stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream->socket().close(ignored);
    stream.reset();
    buffer.clear();
  }
};

HttpClient::HttpClient(std::uint16_t port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  impl_->port = port;
  impl_->timeout = timeout;
}

HttpClient::~HttpClient() { impl_->Close(); }

HttpResult HttpClient::Send(const HttpRequest& request) {
  Impl& im = *impl_;
  http::request<http::string_body> msg;
  msg.version(11);
  msg.method_string(request.method);
  msg.target(request.target);
  msg.set(http::field::host, "127.0.0.1:" + std::to_string(im.port));
  for (const auto& [name, value] : request.headers) msg.insert(name, value);
  msg.body() = request.body;
  bool has_length = false;
  for (const auto& [name, value] : request.headers) {
    has_length = has_length || Lower(name) == "content-length";
  }
  if (!has_length) {
    try {
      msg.prepare_payload();
    } catch (const std::invalid_argument&) {
      // Beast refuses a body on TRACE; the robustness test sends one anyway.
      msg.content_length(request.body.size());
    }
  }

  HttpResult result;
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool reused = im.stream.has_value();
    beast::error_code ec;
    if (!reused) {
      im.stream.emplace(im.ioc);
      im.stream->expires_after(im.timeout);
      im.stream->connect(tcp::endpoint(net::ip::make_address_v4("127.0.0.1"), im.port), ec);
      if (ec) {
        im.Close();
        result.transport_error = "connect: " + ec.message();
        return result;
      }
      ++connections_opened_;
    }
    im.stream->expires_after(im.timeout);
    http::write(*im.stream, msg, ec);
    // A server that answered early (413) may have stopped reading: the answer can still be
    // waiting in our receive buffer, so a failed write still tries to read.
    beast::error_code write_ec = ec;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    if (Lower(request.method) == "head") parser.skip(true);
    im.stream->expires_after(im.timeout);
    http::read(*im.stream, im.buffer, parser, ec);
    if (ec) {
      im.Close();
      // An idle keep-alive connection the server had already closed: send again, once.
      if (reused && attempt == 0 && !parser.got_some()) continue;
      result.transport_error =
          (write_ec ? "write: " + write_ec.message() + "; " : "") + "read: " + ec.message();
      return result;
    }
    auto res = parser.release();
    bool keep = res.keep_alive();
    result = ToResult(std::move(res));
    if (!keep) im.Close();
    return result;
  }
  return result;
}

std::string SendRaw(std::uint16_t port, std::string_view bytes, bool half_close,
                    std::chrono::milliseconds timeout) {
  std::string received;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return received;
  timeval tv{static_cast<time_t>(timeout.count() / 1000),
             static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return received;
  }
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      break;  // the server stopped reading (it answered and closed): read what it said
    }
    sent += static_cast<std::size_t>(n);
  }
  if (!half_close) {
    close(fd);
    return received;
  }
  shutdown(fd, SHUT_WR);
  auto deadline = Clock::now() + timeout;
  char buf[16384];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    pollfd pfd{fd, POLLIN, 0};
    int p = poll(&pfd, 1, static_cast<int>(left.count()));
    if (p < 0 && errno == EINTR) continue;
    if (p <= 0) break;
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    received.append(buf, static_cast<std::size_t>(n));
  }
  close(fd);
  return received;
}

std::vector<HttpResult> ParseResponses(std::string_view raw, bool* incomplete) {
  std::vector<HttpResult> out;
  if (incomplete) *incomplete = false;
  std::size_t pos = 0;
  while (pos < raw.size()) {
    http::response_parser<http::string_body> parser;
    parser.eager(true);
    parser.body_limit(64 << 20);
    beast::error_code ec;
    while (!parser.is_done() && pos < raw.size()) {
      std::size_t n = parser.put(net::buffer(raw.data() + pos, raw.size() - pos), ec);
      pos += n;
      if (ec == http::error::need_more) {
        ec = {};
        if (n == 0) break;  // the rest is an incomplete header
        continue;
      }
      if (ec) break;
    }
    if (!ec && !parser.is_done() && parser.got_some()) parser.put_eof(ec);
    if (ec || !parser.is_done()) {
      if (incomplete) *incomplete = true;
      return out;
    }
    out.push_back(ToResult(parser.release()));
  }
  return out;
}

bool IsDocumentedErrorCode(std::string_view code) {
  static constexpr std::string_view kCodes[] = {"invalid_query",
                                                "invalid_body",
                                                "invalid_params",
                                                "invalid_api_key",
                                                "limit_reached",
                                                "retention_exceeded",
                                                "insufficient_scope",
                                                "org_banned",
                                                "not_found",
                                                "method_not_allowed",
                                                "idempotency_conflict",
                                                "handle_taken",
                                                "creator_banned",
                                                "invalid_handle",
                                                "no_change",
                                                "circular_reference",
                                                "duplicate",
                                                "invalid_transition",
                                                "not_tracked",
                                                "default_method",
                                                "gone",
                                                "payload_too_large",
                                                "unsupported_media_type",
                                                "rate_limit_exceeded",
                                                "internal_error"};
  for (auto c : kCodes) {
    if (c == code) return true;
  }
  return false;
}

::testing::AssertionResult IsEnvelope(const HttpResult& r) {
  if (r.status == 0) return ::testing::AssertionFailure() << "no response: " << r.transport_error;
  auto ct = r.Header("content-type");
  if (ct != "application/json; charset=utf-8") {
    return ::testing::AssertionFailure() << "Content-Type is '" << ct.value_or("<none>") << "'";
  }
  auto id = r.Header("x-request-id");
  if (!id || id->empty()) return ::testing::AssertionFailure() << "no X-Request-Id";
  if (!r.json_ok) return ::testing::AssertionFailure() << "body is not JSON: " << r.body;
  if (!r.json.is_object()) return ::testing::AssertionFailure() << "body not an object: " << r.body;
  const auto& o = r.json.as_object();
  if (o.size() != 3 || !o.contains("data") || !o.contains("error") || !o.contains("meta")) {
    return ::testing::AssertionFailure() << "not exactly data/error/meta: " << r.body;
  }
  if (!o.at("error").is_null() && !o.at("error").is_string()) {
    return ::testing::AssertionFailure() << "error neither null nor a string: " << r.body;
  }
  if (!o.at("meta").is_null() && !o.at("meta").is_object()) {
    return ::testing::AssertionFailure() << "meta neither null nor an object: " << r.body;
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsError(const HttpResult& r, int status, std::string_view code) {
  if (r.status != status) {
    return ::testing::AssertionFailure() << "status " << r.status << " instead of " << status
                                         << ": " << r.body << r.transport_error;
  }
  if (auto env = IsEnvelope(r); !env) return env;
  const auto& o = r.json.as_object();
  if (!o.at("data").is_null()) return ::testing::AssertionFailure() << "data set: " << r.body;
  if (!o.at("error").is_string() || o.at("error").as_string().empty()) {
    return ::testing::AssertionFailure() << "error not a message: " << r.body;
  }
  const auto* meta = o.at("meta").if_object();
  if (!meta || !meta->contains("code") || !meta->at("code").is_string() ||
      meta->at("code").as_string() != code) {
    return ::testing::AssertionFailure() << "meta.code is not '" << code << "': " << r.body;
  }
  return ::testing::AssertionSuccess();
}

// ---------------------------------------------------------------------------------------------
// Fixture

void BlackBoxTest::SetUp() {
  signal(SIGPIPE, SIG_IGN);
  dir_ = std::make_unique<TempDir>();
  ServerProcess::Options options;
  options.db_path = DbPath();
  options.log_path = dir_->File("server.log");
  Configure(options);
  server_ = std::make_unique<ServerProcess>(options);
  ASSERT_TRUE(server_->ok()) << server_->failure();
  client_ = std::make_unique<HttpClient>(server_->port());
}

void BlackBoxTest::TearDown() {
  client_.reset();
  if (server_) {
    EXPECT_TRUE(server_->Alive()) << "the server exited during the test; log: "
                                  << dir_->File("server.log");
    server_->Stop();
  }
  if (HasFailure() && dir_) {
    dir_->keep = true;
    std::cerr << "kept " << dir_->path() << " (database and server.log); log tail:\n"
              << ReadFileTail(dir_->File("server.log"), 1500) << "\n";
  }
  server_.reset();
  dir_.reset();
}

CommandResult BlackBoxTest::Cli(std::vector<std::string> args) {
  // Every subcommand takes --db; it goes right after the subcommand path.
  args.push_back("--db");
  args.push_back(DbPath());
  return RunGoatherd(args);
}

std::string BlackBoxTest::CreateOrg(const std::string& plan, const std::string& name) {
  auto r = Cli({"orgs", "create", "--name", name, "--plan", plan});
  std::string id = Trim(r.out);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(IsLowercaseUuid(id)) << "orgs create printed '" << r.out << "'";
  return r.exit_code == 0 ? id : "";
}

ApiKey BlackBoxTest::CreateKey(const std::string& org_id, const std::string& scopes,
                               const std::string& expires_at) {
  std::vector<std::string> args{"keys",   "create", "--org",    org_id,
                                "--name", "test",   "--scopes", scopes};
  if (!expires_at.empty()) {
    args.push_back("--expires-at");
    args.push_back(expires_at);
  }
  auto r = Cli(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ApiKey key;
  key.secret = Trim(r.out);
  // stderr: "key <id> (<scopes>) created; ..."
  auto at = r.err.find("key ");
  if (at != std::string::npos && r.err.size() >= at + 4 + 36) key.id = r.err.substr(at + 4, 36);
  EXPECT_TRUE(IsLowercaseUuid(key.id)) << "keys create said '" << r.err << "'";
  return key;
}

void BlackBoxTest::Sql(const std::string& statement) {
  auto r = RunProcess("sqlite3", {"-bail", "-cmd", ".timeout 10000", DbPath(), statement},
                      /*search_path=*/true);
  ASSERT_EQ(r.exit_code, 0) << "sqlite3: " << r.err;
}

std::string BlackBoxTest::SqlValue(const std::string& query) {
  auto r = RunProcess("sqlite3", {"-bail", "-cmd", ".timeout 10000", DbPath(), query},
                      /*search_path=*/true);
  EXPECT_EQ(r.exit_code, 0) << "sqlite3: " << r.err;
  while (!r.out.empty() && (r.out.back() == '\n' || r.out.back() == '\r')) r.out.pop_back();
  return r.out;
}

HttpResult BlackBoxTest::Call(const std::string& method, const std::string& target,
                              const std::string& key, const std::optional<std::string>& json_body,
                              std::vector<std::pair<std::string, std::string>> extra_headers) {
  HttpRequest req;
  req.method = method;
  req.target = target;
  if (!key.empty()) req.headers.emplace_back("Authorization", "Bearer " + key);
  if (json_body) {
    req.headers.emplace_back("Content-Type", "application/json");
    req.body = *json_body;
  }
  for (auto& h : extra_headers) req.headers.push_back(std::move(h));
  return client_->Send(req);
}

std::string BlackBoxTest::CreateProject(const std::string& key, const std::string& name) {
  auto r = Call("POST", "/api/v1/projects", key, R"({"name":)" + JsonString(name) + "}");
  EXPECT_EQ(r.status, 201) << r.body;
  if (r.status != 201 || !r.json_ok) return "";
  const auto* data = r.json.as_object().at("data").if_object();
  if (!data || !data->contains("id") || !data->at("id").is_string()) return "";
  return std::string(data->at("id").as_string());
}

// ---------------------------------------------------------------------------------------------
// Text helpers

std::string JsonString(std::string_view s) { return json::serialize(json::string(s)); }

bool IsLowercaseUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

bool IsRfc3339Seconds(std::string_view s) {
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:ddZ";
  if (s.size() != kShape.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (kShape[i] == 'd' ? !std::isdigit(static_cast<unsigned char>(s[i])) : s[i] != kShape[i]) {
      return false;
    }
  }
  return true;
}

std::int64_t ParseUtcSeconds(std::string_view s) {
  auto num = [&](std::size_t at, std::size_t len) {
    return std::atoll(std::string(s.substr(at, len)).c_str());
  };
  std::int64_t y = num(0, 4), m = num(5, 2), d = num(8, 2);
  // Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (the well-known
  // days_from_civil algorithm: eras of 400 years, years starting in March).
  y -= m <= 2;
  std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  std::int64_t yoe = y - era * 400;
  std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  std::int64_t days = era * 146097 + doe - 719468;
  return days * 86400 + num(11, 2) * 3600 + num(14, 2) * 60 + num(17, 2);
}

boost::json::value DataOf(const HttpResult& r) {
  if (!r.json_ok || !r.json.is_object()) return nullptr;
  const auto* d = r.json.as_object().if_contains("data");
  return d ? *d : boost::json::value();
}

boost::json::value MetaOf(const HttpResult& r) {
  if (!r.json_ok || !r.json.is_object()) return nullptr;
  const auto* m = r.json.as_object().if_contains("meta");
  return m ? *m : boost::json::value();
}

}  // namespace goatherd::blackbox
