#include "hub/admin/admin_server.h"

#include <boost/asio/post.hpp>
#include <boost/beast/http/field.hpp>

#include "connectors/http/security_config.h"

namespace simpul::hub {

namespace beast_http = boost::beast::http;

admin_server::admin_server(boost::asio::io_context& io, const config::admin_settings& settings,
                           std::shared_ptr<admin_api> api, config::node_ptr tls)
    : io_(io), settings_(settings), api_(std::move(api)), tls_(std::move(tls)) {}

result<void> admin_server::start() {
  const auto& settings = settings_;
  auto tls = http::read_server_tls(tls_.get());
  if (!tls) return std::unexpected(tls.error());
  http::listener_options opts;
  opts.tls = std::move(*tls);
  opts.host = settings.host;
  opts.port = settings.port;
  opts.body_limit = 64 * 1024;  // admin requests are small
  opts.max_connections = 64;
  auto serve = [api = api_](const http::request_ptr& req, const http::responder& respond) {
    const auto& m = req->msg;
    admin_api::request ar;
    ar.method = m.method_string();
    ar.target = m.target();
    ar.authorization = m[beast_http::field::authorization];
    ar.body = m.body();
    ar.loopback = req->remote.address().is_loopback() ||
                  (req->remote.address().is_v6() && req->remote.address().to_v6().is_v4_mapped() &&
                   boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped,
                                                    req->remote.address().to_v6())
                       .is_loopback());
    auto r = api->handle(ar);
    http::response res{static_cast<beast_http::status>(r.status), m.version()};
    res.set(beast_http::field::content_type, r.content_type);
    res.set(beast_http::field::cache_control, "no-store");
    for (const auto& [k, v] : r.headers.entries()) res.set(k, v);
    res.keep_alive(m.keep_alive());
    res.body() = std::move(r.body);
    res.prepare_payload();
    respond.send(std::move(res));  // any thread: the session posts the write
  };
  listener_ = http::listener::create(
      io_, opts, [this, serve](http::request_ptr req, http::responder respond) {
        if (!req->msg.target().starts_with("/admin/")) {
          serve(req, respond);  // probes and scrapes: quick, never wait on the io threads
          return;
        }
        boost::asio::post(worker_, [serve, req = std::move(req), respond = std::move(respond)] {
          serve(req, respond);
        });
      });
  return listener_->start();
}

result<void> admin_server::reload_tls() {
  return listener_ ? listener_->reload_tls() : result<void>{};
}

void admin_server::stop() {
  if (listener_) listener_->stop();
  worker_.stop();  // a running request finishes; queued ones are dropped
}

admin_server::~admin_server() {
  worker_.stop();
  worker_.join();
}

}  // namespace simpul::hub
