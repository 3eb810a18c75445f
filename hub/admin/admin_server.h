#pragma once

#include <utility>

#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include "connectors/http/listener.h"
#include "hub/admin/admin_api.h"
#include "hub/config/hub_config.h"

namespace simpul::hub {

/// The admin listener: serves `admin_api` over HTTP on `hub.admin.listen`.
/// Lifecycle: `start` before the hub starts (so /healthz answers during
/// start-up) and `stop` after the hub stopped (so /readyz reports draining).
/// Threading: /healthz, /readyz and /metrics are answered on the listener's
/// session strands (the hub's io threads); everything under /admin/ (DLQ,
/// reload, routes) runs on one admin worker thread of its own, one request
/// at a time. Those handlers block (a replay waits for the spool, a reload
/// for the old listeners, which close on an io thread): on an io thread they
/// would stall the hub, and deadlock a hub with `threads: 1`.
class admin_server {
 public:
  /// `tls`: the `hub.admin.tls` block (null: plain HTTP).
  admin_server(boost::asio::io_context& io, const config::admin_settings& settings,
               std::shared_ptr<admin_api> api, config::node_ptr tls = nullptr);
  /// Binds; with `hub.admin.tls` the listener serves HTTPS (an unreadable
  /// certificate or key is an error here).
  result<void> start();
  /// Re-reads the admin TLS certificate and key (SIGHUP); no-op without TLS.
  result<void> reload_tls();
  std::uint16_t port() const { return listener_ ? listener_->port() : 0; }
  /// Stops listening; an admin request already running finishes, queued
  /// ones are dropped (their clients get a 500 or a closed connection).
  void stop();
  ~admin_server();

 private:
  boost::asio::io_context& io_;
  config::admin_settings settings_;
  std::shared_ptr<admin_api> api_;
  config::node_ptr tls_;
  std::shared_ptr<http::listener> listener_;
  boost::asio::thread_pool worker_{1};
};

}  // namespace simpul::hub
