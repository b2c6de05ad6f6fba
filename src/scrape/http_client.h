// HttpClient: the one HTTP client every network source shares (scraping.md "Sources"), over
// libcurl. It bounds each request (connect and total timeouts, redirects, decoded body size),
// asks for gzip/deflate, goes through an optional proxy, and caps both how many requests run at
// once against one host and how fast they start (a token bucket per host): a caller blocks until
// its host has room, for a bounded time. Outcomes are classified for the scheduler: timeouts,
// connection errors, oversized or truncated bodies, 429 and 5xx are transient failures, carrying
// the server's Retry-After (seconds or HTTP date) when it sent one; every other HTTP answer is
// returned for the source to judge.
// Thread-safety: Fetch may be called from any number of threads at once; each call uses its own
// curl easy handle (idle handles are pooled so connections are reused).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "scrape/source.h"

namespace goatherd::scrape {

struct HttpClientOptions {
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds total_timeout{30000};
  long max_redirects = 5;
  std::size_t max_body_bytes = 16 * 1024 * 1024;
  std::string proxy;  // libcurl proxy URL ("http://host:3128", "socks5h://..."); empty = none
  int max_per_host = 4;
  double requests_per_second_per_host = 4;  // <= 0: no rate cap
  // How long a caller may wait for its host's concurrency and rate caps before giving up with a
  // transient failure.
  std::chrono::milliseconds max_queue_wait{60000};
  std::string user_agent = "goatherd/1.0 (+https://github.com/goatherd)";
  // Wall clock for Retry-After HTTP dates (which are real dates whatever clock the scheduler
  // runs on); nullptr = the system clock.
  const Clock* wall_clock = nullptr;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::string content_type;
  std::optional<int> retry_after_seconds;
};

struct HttpOutcome {
  // Set whenever the server answered (also for 429 and 5xx, so callers can log the body).
  std::optional<HttpResponse> response;
  // Set for transient failures: no usable answer, 429 or 5xx.
  std::optional<SourceFailure> failure;
  bool ok() const { return !failure.has_value(); }
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpOutcome Fetch(const HttpRequest& request);
  // Aborts requests in flight and refuses new ones (transient failures), so a shutdown never
  // waits out a slow vendor. Irreversible.
  void Cancel();

  const HttpClientOptions& options() const { return options_; }

 private:
  struct HostState {
    int active = 0;
    double tokens = 0;
    std::chrono::steady_clock::time_point refilled{};
    bool initialized = false;
  };

  // Waits for a slot on `host`; false when max_queue_wait passed first.
  bool AcquireSlot(const std::string& host);
  void ReleaseSlot(const std::string& host);
  void* TakeHandle();
  void ReturnHandle(void* handle);

  HttpClientOptions options_;
  std::unique_ptr<Clock> own_clock_;
  std::mutex hosts_mu_;
  std::condition_variable hosts_cv_;
  std::map<std::string, HostState> hosts_;
  std::atomic<bool> cancelled_{false};
  std::mutex pool_mu_;
  std::vector<void*> idle_handles_;
};

// Percent-encodes everything but RFC 3986's unreserved characters (a path segment, a query value).
std::string UrlEscape(const std::string& text);

// Seconds to wait from a Retry-After value: delta-seconds or an HTTP date (relative to
// `now_unix`); nullopt when unparseable. Clamped to [0, 86400].
std::optional<int> ParseRetryAfter(const std::string& value, std::int64_t now_unix);

}  // namespace goatherd::scrape
