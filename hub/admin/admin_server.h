#pragma once

#include <utility>

#include <memory>

#include <boost/asio/io_context.hpp>

#include "connectors/http/listener.h"
#include "hub/admin/admin_api.h"
#include "hub/config/hub_config.h"

namespace simpul::hub {

/// The admin listener: serves `admin_api` over HTTP on `hub.admin.listen`.
/// Lifecycle: `start` before the hub starts (so /healthz answers during
/// start-up) and `stop` after the hub stopped (so /readyz reports draining).
/// Threading: requests are handled on the listener's session strands.
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
  void stop();

 private:
  boost::asio::io_context& io_;
  config::admin_settings settings_;
  std::shared_ptr<admin_api> api_;
  config::node_ptr tls_;
  std::shared_ptr<http::listener> listener_;
};

}  // namespace simpul::hub
