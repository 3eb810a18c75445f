#pragma once

#include <utility>  // Boost 1.74 asio needs it first in C++23 mode

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "connectors/connector.h"
#include "connectors/tls_reloadable.h"
#include "connectors/http/inbound_auth.h"
#include "connectors/http/listener.h"

namespace simpul::connectors {

/// The `http_server` input: an HTTP/1.1 endpoint whose paths are bound to
/// routes. Each request becomes a message handed to its route's ingress; the
/// answer (202, the reply, 4xx, 503) comes from the ingest result.
///
/// Lifecycle: built by the factory, `bind` once per route, `start` (listens),
/// `stop_accepting`, `stop`. Owned by the hub. Threading: requests run on
/// their connection's strand; ingress answers may arrive on any thread. The
/// request handler shares only immutable state (the frozen route table and
/// copies of the context's name and dead-letter sink), never `this`.
class http_server final : public input, public tls_reloadable {
 public:
  /// `auth` holds the input's `auth:`/`rate_limit:` settings; each route's
  /// `allow:` list is added by `bind`.
  http_server(http::listener_options opts, context& ctx, http::inbound_auth_settings auth = {});
  ~http_server() override;

  result<void> bind(route_binding binding) override;
  result<void> start() override;
  void stop_accepting() override;
  void stop() override;
  bool ready() const override;

  /// The bound port (useful when configured with port 0); 0 before `start`.
  std::uint16_t port() const;
  /// Re-reads the TLS certificate and key (SIGHUP); a no-op without TLS.
  result<void> reload_tls() override;

  struct route_entry {
    std::string route;
    std::string path;  ///< without the trailing '*' for prefix matches
    bool prefix = false;
    std::vector<std::string> methods;
    std::shared_ptr<ingress> sink;
  };
  struct shared_state;

 private:
  boost::asio::io_context& io_;
  http::listener_options opts_;
  std::vector<route_entry> routes_;  ///< filled by bind, frozen by start
  http::inbound_auth_settings auth_settings_;
  std::shared_ptr<const shared_state> state_;
  std::shared_ptr<http::listener> listener_;
  std::string name_;
  std::function<void(message_ptr, error)> dead_letter_;
  std::shared_ptr<prometheus::Registry> metrics_;
};

}  // namespace simpul::connectors
