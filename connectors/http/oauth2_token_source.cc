#include "connectors/http/oauth2_token_source.h"

#include <cstdlib>
#include <optional>

#include <rapidjson/document.h>

#include "security/crypto.h"

namespace simpul::http {

using clock = security::token_cache::clock;

oauth2_token_source::oauth2_token_source(oauth2_settings s, curl_request tls,
                                         std::shared_ptr<curl_engine> engine)
    : s_(std::move(s)),
      template_(std::move(tls)),
      engine_(std::move(engine)),
      cache_(s_.refresh_margin) {}

std::string oauth2_token_source::form_escape(std::string_view v) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : v) {
    bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '.' || c == '_' || c == '~';
    if (plain) {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

void oauth2_token_source::get(token_handler done) {
  std::optional<std::string> cached;
  bool start = false;
  {
    std::lock_guard lock(mu_);
    auto now = clock::now();
    if (auto t = cache_.get(now)) {
      cached = std::move(t);
    } else {
      waiters_.push_back(std::move(done));
      start = cache_.begin_refresh(now);
    }
  }
  // Handlers run outside the lock: they may start requests.
  if (cached) return done(std::move(*cached));
  if (start) fetch();
}

void oauth2_token_source::fetch() {
  ++fetches_;
  curl_request req = template_;
  req.url = s_.token_url;
  req.method = "POST";
  req.timeout = s_.timeout;
  req.headers = {"Content-Type: application/x-www-form-urlencoded", "Accept: application/json"};
  req.body = "grant_type=client_credentials";
  if (!s_.scope.empty()) req.body += "&scope=" + form_escape(s_.scope);
  if (!s_.audience.empty()) req.body += "&audience=" + form_escape(s_.audience);
  if (s_.basic_auth) {
    auto pair = form_escape(s_.client_id) + ":" + form_escape(s_.client_secret);
    req.headers.push_back("Authorization: Basic " +
                          security::crypto::base64_encode(security::crypto::as_bytes(pair)));
  } else {
    req.body += "&client_id=" + form_escape(s_.client_id) +
                "&client_secret=" + form_escape(s_.client_secret);
  }
  req.max_response = 64 * 1024;
  engine_->perform(std::move(req), [self = shared_from_this()](curl_response res) {
    self->on_response(std::move(res));
  });
}

void oauth2_token_source::on_response(curl_response res) {
  auto fail = [&](std::string why) {
    cache_.end_refresh();
    answer(std::unexpected(token_error{"oauth2 token endpoint: " + why, res.not_sent}));
  };
  if (res.not_sent) return fail("not sent: shutting down");
  if (res.shutting_down) return fail("shutting down");
  if (res.curl_code != 0) return fail("transport: " + res.error);
  if (res.status < 200 || res.status >= 300) {
    // The endpoint's error code (RFC 6749 §5.2) helps; its description
    // could echo input, so only the short code is kept.
    std::string code;
    rapidjson::Document d;
    if (!d.Parse<rapidjson::kParseIterativeFlag>(res.body.data(), res.body.size()).HasParseError() && d.IsObject() &&
        d.HasMember("error") && d["error"].IsString() && d["error"].GetStringLength() <= 64) {
      code = std::string(" (") + d["error"].GetString() + ")";
    }
    return fail("HTTP " + std::to_string(res.status) + code);
  }
  rapidjson::Document d;
  if (d.Parse<rapidjson::kParseIterativeFlag>(res.body.data(), res.body.size()).HasParseError() || !d.IsObject() ||
      !d.HasMember("access_token") || !d["access_token"].IsString() ||
      d["access_token"].GetStringLength() == 0) {
    return fail("the response has no access_token");
  }
  std::string token(d["access_token"].GetString(), d["access_token"].GetStringLength());
  std::chrono::seconds expires_in{0};
  if (d.HasMember("expires_in")) {
    const auto& e = d["expires_in"];
    if (e.IsInt64()) {
      expires_in = std::chrono::seconds(e.GetInt64());
    } else if (e.IsNumber()) {
      expires_in = std::chrono::seconds(static_cast<std::int64_t>(e.GetDouble()));
    } else if (e.IsString()) {  // some servers send "3600"
      expires_in = std::chrono::seconds(std::atoll(e.GetString()));
    }
  }
  std::vector<token_handler> waiting;
  {
    std::lock_guard lock(mu_);
    cache_.store(token, expires_in, clock::now());
    waiting.swap(waiters_);
  }
  for (auto& w : waiting) w(token);
}

void oauth2_token_source::answer(const token_result& r) {
  std::vector<token_handler> waiting;
  {
    std::lock_guard lock(mu_);
    waiting.swap(waiters_);
  }
  for (auto& w : waiting) w(r);
}

}  // namespace simpul::http
