#include "scrape/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <mutex>

namespace goatherd::scrape {
namespace {

std::once_flag curl_init_once;

struct BodySink {
  std::string* body;
  std::size_t limit;
  bool overflow = false;
};

std::size_t WriteBody(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  std::size_t n = size * count;
  // The limit applies to decoded bytes, so a small gzip bomb cannot grow past it.
  if (sink->body->size() + n > sink->limit) {
    sink->overflow = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  sink->body->append(data, n);
  return n;
}

// host:port of a URL, the key of the per-host caps; empty when libcurl cannot parse it.
std::string HostKey(const std::string& url) {
  CURLU* u = curl_url();
  std::string key;
  if (curl_url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK) {
    char* host = nullptr;
    char* port = nullptr;
    if (curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host) key = host;
    if (curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK && port) {
      key += ":";
      key += port;
    }
    curl_free(host);
    curl_free(port);
  }
  curl_url_cleanup(u);
  return key;
}

std::optional<std::string> LastHeader(CURL* curl, const char* name) {
  curl_header* h = nullptr;
  // request -1: the last response of a redirect chain, the one whose body we kept.
  if (curl_easy_header(curl, name, 0, CURLH_HEADER, -1, &h) == CURLHE_OK && h && h->value) {
    return std::string(h->value);
  }
  return std::nullopt;
}

int AbortIfCancelled(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<std::atomic<bool>*>(user)->load() ? 1 : 0;
}

SourceFailure Transient(std::string message, std::optional<int> retry_after = std::nullopt) {
  return SourceFailure{false, std::move(message), retry_after};
}

}  // namespace

std::string UrlEscape(const std::string& text) {
  std::call_once(curl_init_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  CURL* curl = curl_easy_init();
  std::string out;
  if (curl) {
    char* escaped = curl_easy_escape(curl, text.data(), static_cast<int>(text.size()));
    if (escaped) out = escaped;
    curl_free(escaped);
    curl_easy_cleanup(curl);
  }
  return out;
}

std::optional<int> ParseRetryAfter(const std::string& value, std::int64_t now_unix) {
  std::size_t b = 0, e = value.size();
  while (b < e && std::isspace(static_cast<unsigned char>(value[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(value[e - 1]))) --e;
  if (b == e) return std::nullopt;
  std::string v = value.substr(b, e - b);
  std::int64_t seconds = 0;
  if (std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); })) {
    if (v.size() > 9) return 86400;
    std::from_chars(v.data(), v.data() + v.size(), seconds);
  } else {
    time_t at = curl_getdate(v.c_str(), nullptr);
    if (at == -1) return std::nullopt;
    seconds = static_cast<std::int64_t>(at) - now_unix;
  }
  return static_cast<int>(std::clamp<std::int64_t>(seconds, 0, 86400));
}

HttpClient::HttpClient(HttpClientOptions options) : options_(std::move(options)) {
  std::call_once(curl_init_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (!options_.wall_clock) {
    own_clock_ = std::make_unique<SystemClock>();
    options_.wall_clock = own_clock_.get();
  }
  options_.max_per_host = std::max(1, options_.max_per_host);
}

HttpClient::~HttpClient() {
  for (void* h : idle_handles_) curl_easy_cleanup(static_cast<CURL*>(h));
}

void* HttpClient::TakeHandle() {
  {
    std::lock_guard lock(pool_mu_);
    if (!idle_handles_.empty()) {
      void* h = idle_handles_.back();
      idle_handles_.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void HttpClient::ReturnHandle(void* handle) {
  // reset keeps the handle's open connections and DNS cache, which is why handles are pooled.
  curl_easy_reset(static_cast<CURL*>(handle));
  std::lock_guard lock(pool_mu_);
  idle_handles_.push_back(handle);
}

bool HttpClient::AcquireSlot(const std::string& host) {
  using Clock = std::chrono::steady_clock;
  const double rate = options_.requests_per_second_per_host;
  const double burst = std::max(1.0, rate);
  auto deadline = Clock::now() + options_.max_queue_wait;
  std::unique_lock lock(hosts_mu_);
  HostState& s = hosts_[host];
  if (!s.initialized) {
    s.initialized = true;
    s.tokens = burst;
    s.refilled = Clock::now();
  }
  while (true) {
    auto now = Clock::now();
    if (rate > 0) {
      double elapsed = std::chrono::duration<double>(now - s.refilled).count();
      s.tokens = std::min(burst, s.tokens + elapsed * rate);
      s.refilled = now;
    }
    bool has_token = rate <= 0 || s.tokens >= 1.0;
    if (s.active < options_.max_per_host && has_token) {
      ++s.active;
      if (rate > 0) s.tokens -= 1.0;
      return true;
    }
    if (now >= deadline || cancelled_) return false;
    auto wake = deadline;
    if (!has_token) {
      auto until_token = std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>((1.0 - s.tokens) / rate));
      wake = std::min(wake, now + until_token + std::chrono::milliseconds(1));
    }
    hosts_cv_.wait_until(lock, wake);
  }
}

void HttpClient::Cancel() {
  cancelled_ = true;
  std::lock_guard lock(hosts_mu_);
  hosts_cv_.notify_all();
}

void HttpClient::ReleaseSlot(const std::string& host) {
  {
    std::lock_guard lock(hosts_mu_);
    --hosts_[host].active;
  }
  hosts_cv_.notify_all();
}

HttpOutcome HttpClient::Fetch(const HttpRequest& request) {
  HttpOutcome out;
  std::string host = HostKey(request.url);
  if (host.empty()) {
    out.failure = Transient("invalid URL '" + request.url + "'");
    return out;
  }
  if (cancelled_) {
    out.failure = Transient("cancelled: goatherd is shutting down");
    return out;
  }
  if (!AcquireSlot(host)) {
    out.failure = Transient("gave up waiting " + std::to_string(options_.max_queue_wait.count()) +
                            " ms for a free request slot on " + host);
    return out;
  }
  auto* curl = static_cast<CURL*>(TakeHandle());
  if (!curl) {
    ReleaseSlot(host);
    out.failure = Transient("libcurl could not create a handle");
    return out;
  }

  std::string body;
  BodySink sink{&body, options_.max_body_bytes};
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_slist* headers = nullptr;
  for (const auto& [k, v] : request.headers) {
    headers = curl_slist_append(headers, (k + ": " + v).c_str());
  }
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // required with several threads
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, options_.max_redirects);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(options_.max_body_bytes));
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl decodes
  curl_easy_setopt(curl, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, AbortIfCancelled);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &cancelled_);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  if (headers) curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  // An explicit setting wins; an empty one leaves libcurl's reading of the *_proxy variables.
  if (!options_.proxy.empty()) curl_easy_setopt(curl, CURLOPT_PROXY, options_.proxy.c_str());
  if (request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  } else if (request.method != "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  std::optional<std::string> retry_after_text = LastHeader(curl, "Retry-After");
  std::optional<std::string> content_type = LastHeader(curl, "Content-Type");
  curl_slist_free_all(headers);
  ReturnHandle(curl);
  ReleaseSlot(host);

  std::optional<int> retry_after;
  if (retry_after_text) {
    retry_after = ParseRetryAfter(*retry_after_text, options_.wall_clock->NowSeconds());
  }
  if (rc != CURLE_OK) {
    std::string what;
    switch (rc) {
      case CURLE_OPERATION_TIMEDOUT:
        what = "timed out after " + std::to_string(options_.total_timeout.count()) + " ms";
        break;
      case CURLE_WRITE_ERROR:
      case CURLE_FILESIZE_EXCEEDED:
        what = sink.overflow || rc == CURLE_FILESIZE_EXCEEDED
                   ? "response larger than " + std::to_string(options_.max_body_bytes) + " bytes"
                   : std::string(curl_easy_strerror(rc));
        break;
      case CURLE_PARTIAL_FILE:
        what = "truncated response (the connection closed early)";
        break;
      case CURLE_ABORTED_BY_CALLBACK:
        what = "cancelled: goatherd is shutting down";
        break;
      case CURLE_TOO_MANY_REDIRECTS:
        what = "more than " + std::to_string(options_.max_redirects) + " redirects";
        break;
      default:
        what = errbuf[0] ? std::string(errbuf) : std::string(curl_easy_strerror(rc));
    }
    out.failure = Transient(request.method + " " + host + ": " + what, retry_after);
    return out;
  }
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.content_type = content_type.value_or("");
  response.retry_after_seconds = retry_after;
  if (status == 429 || status >= 500) {
    out.failure =
        Transient(request.method + " " + host + ": HTTP " + std::to_string(status), retry_after);
  }
  out.response = std::move(response);
  return out;
}

}  // namespace goatherd::scrape
