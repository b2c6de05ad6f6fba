// FakeTikTok: starts tests/fake_tiktok/fake_tiktok.py (an imitation of TikTok's pages and of
// Apify's API with switchable faults) as a child process on 127.0.0.1 with a port the kernel
// picked, and lets a test replace its world file and read its request log. The script's path
// comes from the GOATHERD_FAKE_TIKTOK_SCRIPT definition (tests/CMakeLists.txt).
// Thread-safety: one instance belongs to one test.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace goatherd::testing {

class FakeTikTok {
 public:
  // `dir` must exist; the world and log files are written there.
  explicit FakeTikTok(const std::string& dir)
      : world_path_(dir + "/fake_world.json"), log_path_(dir + "/fake_log.jsonl") {
    SetWorld(R"({"token":"test-token","users":{}})");
    std::ofstream(log_path_, std::ios::trunc).close();
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) return;
    std::string script = GOATHERD_FAKE_TIKTOK_SCRIPT;
    std::vector<std::string> args{"python3", script, "--world", world_path_, "--log", log_path_};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t parent = getpid();
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(127);
      dup2(out[1], 1);
      execvp("python3", argv.data());
      _exit(127);
    }
    close(out[1]);
    std::string line;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd pfd{out[0], POLLIN, 0};
      if (poll(&pfd, 1, 200) <= 0) continue;
      char buf[64];
      ssize_t n = read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      line.append(buf, static_cast<std::size_t>(n));
    }
    close(out[0]);
    port_ = std::atoi(line.c_str());
  }

  ~FakeTikTok() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }
  FakeTikTok(const FakeTikTok&) = delete;
  FakeTikTok& operator=(const FakeTikTok&) = delete;

  bool ok() const { return port_ > 0; }
  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Replaces the world (JSON text, see fake_tiktok.py) atomically: written beside, then renamed.
  void SetWorld(const std::string& json) {
    std::string tmp = world_path_ + ".tmp";
    {
      std::ofstream f(tmp, std::ios::trunc);
      f << json;
    }
    std::rename(tmp.c_str(), world_path_.c_str());
  }

  // The request log, one JSON object per line.
  std::vector<std::string> LogLines() const {
    std::ifstream f(log_path_);
    std::vector<std::string> lines;
    for (std::string line; std::getline(f, line);) lines.push_back(line);
    return lines;
  }
  // Requests whose log line contains `needle`.
  int CountRequests(const std::string& needle) const {
    int n = 0;
    for (const auto& line : LogLines()) n += line.find(needle) != std::string::npos;
    return n;
  }

 private:
  std::string world_path_;
  std::string log_path_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace goatherd::testing
