#include "connectors/http/curl_engine.h"

#include <cstring>

#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>

namespace simpul::http {
namespace net = boost::asio;

struct curl_engine::transfer {
  CURL* easy = nullptr;
  curl_slist* header_list = nullptr;
  curl_request req;
  curl_response res;
  curl_handler done;
  char errbuf[CURL_ERROR_SIZE] = {};
  bool sending = false;  ///< curl is about to write (or wrote) the request

  ~transfer() {
    if (easy) curl_easy_cleanup(easy);
    if (header_list) curl_slist_free_all(header_list);
  }
};

/// A socket curl asked us to watch. The descriptor does not own the fd.
struct curl_engine::watched_socket {
  explicit watched_socket(net::posix::stream_descriptor d) : desc(std::move(d)) {}
  net::posix::stream_descriptor desc;
  int fd = -1;
  int what = 0;           ///< CURL_POLL_IN / OUT / INOUT
  bool reading = false;   ///< a read wait is pending
  bool writing = false;   ///< a write wait is pending
  bool released = false;  ///< curl is done with it; late completions are ignored
};

/// The C callbacks curl calls (always from inside a curl call we made on the
/// strand).
struct curl_callbacks {
  static int on_socket(CURL*, curl_socket_t fd, int what, void* self, void*) {
    static_cast<curl_engine*>(self)->on_socket(fd, what);
    return 0;
  }
  /// Called once a connection is ready, just before the request goes out.
  static int on_prereq(void* userp, char*, char*, int, int) {
    static_cast<curl_engine::transfer*>(userp)->sending = true;
    return CURL_PREREQFUNC_OK;
  }
  static int on_timer(CURLM*, long timeout_ms, void* self) {
    static_cast<curl_engine*>(self)->on_timer_set(timeout_ms);
    return 0;
  }
  /// Pins the expected server name on the connection's SSL_CTX, so OpenSSL
  /// checks it while verifying the chain (curl's own host check is off then).
  static CURLcode on_ssl_ctx(CURL*, void* ssl_ctx, void* userp) {
    auto* t = static_cast<curl_engine::transfer*>(userp);
    auto* param = SSL_CTX_get0_param(static_cast<SSL_CTX*>(ssl_ctx));
    if (X509_VERIFY_PARAM_set1_host(param, t->req.pinned_host.c_str(), 0) != 1) {
      return CURLE_SSL_CERTPROBLEM;
    }
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    return CURLE_OK;
  }
  static size_t on_body(char* data, size_t size, size_t n, void* userp) {
    auto* t = static_cast<curl_engine::transfer*>(userp);
    auto len = size * n;
    if (t->res.body.size() + len > t->req.max_response) {
      t->res.response_too_large = true;
      return 0;  // aborts the transfer with CURLE_WRITE_ERROR
    }
    t->res.body.append(data, len);
    return len;
  }
  static size_t on_header(char* data, size_t size, size_t n, void* userp) {
    auto* t = static_cast<curl_engine::transfer*>(userp);
    auto len = size * n;
    std::string_view line(data, len);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (line.starts_with("HTTP/")) {
      t->res.headers = {};  // a new response (after 100 Continue or a redirect)
    } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
      auto value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
      t->res.headers.add(std::string(line.substr(0, colon)), std::string(value));
    }
    return len;
  }
};

std::shared_ptr<curl_engine> curl_engine::create(net::io_context& io, options opts) {
  return std::make_shared<curl_engine>(io, opts);
}

curl_engine::curl_engine(net::io_context& io, options opts)
    : strand_(net::make_strand(io)), timer_(strand_) {
  CURLM* m = curl_multi_init();
  multi_ = m;
  curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, &curl_callbacks::on_socket);
  curl_multi_setopt(m, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, &curl_callbacks::on_timer);
  curl_multi_setopt(m, CURLMOPT_TIMERDATA, this);
  curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, opts.max_host_connections);
}

curl_engine::~curl_engine() {
  // Only reached when no handler holds us any more; anything still listed
  // never completed (the io_context stopped first): answer it now. No more
  // timer callbacks: they would need shared_from_this.
  curl_multi_setopt(static_cast<CURLM*>(multi_), CURLMOPT_TIMERFUNCTION, nullptr);
  cancel_all();
  curl_multi_cleanup(static_cast<CURLM*>(multi_));
  for (void* e : idle_handles_) curl_easy_cleanup(static_cast<CURL*>(e));
  for (auto& [fd, s] : sockets_) {
    boost::system::error_code ec;
    s->desc.cancel(ec);
    s->desc.release();
  }
}

void curl_engine::perform(curl_request req, curl_handler done) {
  auto t = std::make_unique<transfer>();
  t->req = std::move(req);
  t->done = std::move(done);
  CURL* e = nullptr;
  {
    std::lock_guard lk(idle_mu_);
    if (!idle_handles_.empty()) {
      e = static_cast<CURL*>(idle_handles_.back());
      idle_handles_.pop_back();
    }
  }
  if (!e) e = curl_easy_init();
  t->easy = e;
  const auto& r = t->req;
  curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout.count()));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(r.connect_timeout.count()));
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, r.tls_verify ? 1L : 0L);
  if (r.tls_verify && !r.pinned_host.empty()) {
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);  // OpenSSL checks the pinned name
    curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, &curl_callbacks::on_ssl_ctx);
    curl_easy_setopt(e, CURLOPT_SSL_CTX_DATA, t.get());
  } else {
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, r.tls_verify ? 2L : 0L);
  }
  if (!r.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, r.ca_file.c_str());
  if (!r.cert_file.empty()) {
    curl_easy_setopt(e, CURLOPT_SSLCERT, r.cert_file.c_str());
    curl_easy_setopt(e, CURLOPT_SSLCERTTYPE, "PEM");
    if (!r.key_file.empty()) curl_easy_setopt(e, CURLOPT_SSLKEY, r.key_file.c_str());
    if (!r.key_password.empty()) curl_easy_setopt(e, CURLOPT_KEYPASSWD, r.key_password.c_str());
  }
  if (r.method == "GET") {
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
  } else if (r.method == "HEAD") {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body.data());
    if (r.method != "POST") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  }
  for (const auto& h : r.headers) t->header_list = curl_slist_append(t->header_list, h.c_str());
  // No "Expect: 100-continue" round trip: receivers answer from the whole request.
  t->header_list = curl_slist_append(t->header_list, "Expect:");
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->header_list);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &curl_callbacks::on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &curl_callbacks::on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
  curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, &curl_callbacks::on_prereq);
  curl_easy_setopt(e, CURLOPT_PREREQDATA, t.get());

  ++in_flight_;
  net::post(strand_,
            [self = shared_from_this(), t = std::move(t)]() mutable { self->add(std::move(t)); });
}

void curl_engine::add(std::unique_ptr<transfer> t) {
  if (stopped_) {
    t->res.shutting_down = true;
    t->res.error = "shutting down";
    finish(std::move(t), CURLE_ABORTED_BY_CALLBACK);
    return;
  }
  if (!accepting_) return hand_back(std::move(t));
  CURL* e = t->easy;
  transfers_.emplace(e, std::move(t));
  auto rc = curl_multi_add_handle(static_cast<CURLM*>(multi_), e);
  if (rc != CURLM_OK) {
    auto node = transfers_.extract(e);
    node.mapped()->res.error = curl_multi_strerror(rc);
    finish(std::move(node.mapped()), CURLE_FAILED_INIT);
  }
}

void curl_engine::on_socket(int fd, int what) {
  auto it = sockets_.find(fd);
  if (what == CURL_POLL_REMOVE) {
    if (it == sockets_.end()) return;
    auto s = it->second;
    sockets_.erase(it);
    s->released = true;
    boost::system::error_code ec;
    s->desc.cancel(ec);
    s->desc.release();  // curl owns the fd and may close or cache it
    return;
  }
  std::shared_ptr<watched_socket> s;
  if (it == sockets_.end()) {
    s = std::make_shared<watched_socket>(net::posix::stream_descriptor(strand_, fd));
    s->fd = fd;
    sockets_.emplace(fd, s);
  } else {
    s = it->second;
  }
  s->what = what;
  watch(s);
}

void curl_engine::watch(const std::shared_ptr<watched_socket>& s) {
  if (s->released || stopped_) return;
  // A wait (not a speculative read) makes Asio's epoll reactor re-arm the fd
  // with EPOLL_CTL_MOD, which reports data curl left unread: no event is lost
  // although the reactor is edge-triggered.
  bool want_read = (s->what & CURL_POLL_IN) && !s->reading;
  bool want_write = (s->what & CURL_POLL_OUT) && !s->writing;
  if (want_read) {
    s->reading = true;
    s->desc.async_wait(net::posix::descriptor_base::wait_read,
                       [self = shared_from_this(), s](boost::system::error_code ec) {
                         s->reading = false;
                         if (ec || s->released) return;
                         self->on_ready(s, CURL_CSELECT_IN);
                       });
  }
  if (want_write) {
    s->writing = true;
    s->desc.async_wait(net::posix::descriptor_base::wait_write,
                       [self = shared_from_this(), s](boost::system::error_code ec) {
                         s->writing = false;
                         if (ec || s->released) return;
                         self->on_ready(s, CURL_CSELECT_OUT);
                       });
  }
}

void curl_engine::on_ready(const std::shared_ptr<watched_socket>& s, int flags) {
  if (stopped_) return;
  int running = 0;
  curl_multi_socket_action(static_cast<CURLM*>(multi_), s->fd, flags, &running);
  collect_done();
  watch(s);  // curl may still want this socket (or released it meanwhile)
}

void curl_engine::on_timer_set(long timeout_ms) {
  if (timeout_ms < 0) {
    // No timer wanted. An armed Asio timer may stay: when it fires it sees
    // curl_due_ == max and does nothing.
    curl_due_ = steady::time_point::max();
    return;
  }
  auto now = steady::now();
  curl_due_ = now + std::chrono::milliseconds(timeout_ms);
  if (timeout_ms == 0) {
    // curl forbids calling socket_action from inside its own callback: post
    // (once, however often curl asks before the post runs).
    if (kick_posted_) return;
    kick_posted_ = true;
    net::post(strand_, [self = shared_from_this()] {
      self->kick_posted_ = false;
      if (self->curl_due_ <= steady::now()) self->on_timeout();
    });
    return;
  }
  if (curl_due_ < timer_due_) arm_timer(curl_due_);
}

void curl_engine::arm_timer(steady::time_point due) {
  timer_due_ = due;
  timer_.expires_at(due);
  timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (!ec) self->on_timer_fired();
  });
}

void curl_engine::on_timer_fired() {
  timer_due_ = steady::time_point::max();
  if (stopped_ || curl_due_ == steady::time_point::max()) return;
  if (curl_due_ <= steady::now()) {
    on_timeout();
  } else {
    arm_timer(curl_due_);  // curl moved its time later since we armed
  }
}

void curl_engine::on_timeout() {
  if (stopped_) return;
  int running = 0;
  curl_multi_socket_action(static_cast<CURLM*>(multi_), CURL_SOCKET_TIMEOUT, 0, &running);
  collect_done();
  // curl only calls the timer function when its next expiry changed; ask for
  // it, so a fire a hair before curl's own time never leaves us without one.
  long next = -1;
  if (curl_multi_timeout(static_cast<CURLM*>(multi_), &next) == CURLM_OK) on_timer_set(next);
}

void curl_engine::collect_done() {
  int left = 0;
  while (CURLMsg* m = curl_multi_info_read(static_cast<CURLM*>(multi_), &left)) {
    if (m->msg != CURLMSG_DONE) continue;
    CURL* e = m->easy_handle;
    auto code = m->data.result;
    curl_multi_remove_handle(static_cast<CURLM*>(multi_), e);
    auto node = transfers_.extract(e);
    if (node.empty()) continue;
    finish(std::move(node.mapped()), code);
  }
}

void curl_engine::finish(std::unique_ptr<transfer> t, int code) {
  auto& res = t->res;
  res.curl_code = code;
  if (code != CURLE_OK && res.error.empty()) {
    res.error =
        t->errbuf[0] ? std::string(t->errbuf) : curl_easy_strerror(static_cast<CURLcode>(code));
  }
  if (!res.shutting_down) {
    long status = 0;
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
    res.status = status;
    char* ct = nullptr;
    curl_easy_getinfo(t->easy, CURLINFO_CONTENT_TYPE, &ct);
    if (ct) res.content_type = ct;
  }
  auto done = std::move(t->done);
  auto response = std::move(t->res);
  if (!stopped_ && t->easy) {
    // Keep the handle for the next transfer (every option is set again).
    curl_easy_reset(t->easy);
    std::lock_guard lk(idle_mu_);
    if (idle_handles_.size() < max_idle_handles) {
      idle_handles_.push_back(t->easy);
      t->easy = nullptr;
    }
  }
  t.reset();  // release the easy handle before the callback may start another
  --in_flight_;
  if (done) done(std::move(response));
}

void curl_engine::cancel_all() {
  auto pending = std::move(transfers_);
  transfers_.clear();
  for (auto& [e, t] : pending) {
    curl_multi_remove_handle(static_cast<CURLM*>(multi_), e);
    t->res.shutting_down = true;
    t->res.error = "shutting down";
    finish(std::move(t), CURLE_ABORTED_BY_CALLBACK);
  }
}

void curl_engine::hand_back(std::unique_ptr<transfer> t) {
  t->res.shutting_down = true;
  t->res.not_sent = true;
  t->res.error = "not sent: shutting down";
  finish(std::move(t), CURLE_ABORTED_BY_CALLBACK);
}

void curl_engine::stop_accepting() {
  net::post(strand_, [self = shared_from_this()] {
    if (self->stopped_ || !self->accepting_) return;
    self->accepting_ = false;
    std::vector<CURL*> waiting;
    for (const auto& [e, t] : self->transfers_) {
      if (!t->sending) waiting.push_back(static_cast<CURL*>(e));
    }
    for (CURL* e : waiting) {
      curl_multi_remove_handle(static_cast<CURLM*>(self->multi_), e);
      auto node = self->transfers_.extract(e);
      self->hand_back(std::move(node.mapped()));
    }
  });
}

void curl_engine::shutdown() {
  net::post(strand_, [self = shared_from_this()] {
    self->stopped_ = true;
    self->timer_.cancel();
    self->cancel_all();
  });
}

}  // namespace simpul::http
