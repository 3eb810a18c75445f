#pragma once

#include <functional>
#include <mutex>
#include <memory>
#include <string>
#include <string_view>

#include "hub/message.h"

namespace simpul::monitoring {
class catalogue;
}

namespace simpul::hub {

class hub;

/// The admin endpoints, independent of the transport that carries them
/// (the admin listener adapts HTTP requests to `handle`).
///   GET  /metrics        Prometheus text format
///   GET  /healthz        the process is alive
///   GET  /readyz         503 until every connector works, and while draining
///   GET  /admin/routes   routes and connectors with their state
///   POST /admin/reload   load the config file again (see `set_reloader`)
///   /admin/dlq...        the dead-letter queue (hub/admin/dlq_api.h)
/// `/admin/*` needs `Authorization: Bearer <admin token>`; the health
/// endpoints too unless `open_health` is set.
///
/// Threading: `handle` may run on any io thread concurrently; it reads the
/// hub through its thread-safe accessors. The hub pointer is swapped on reload
/// from the main thread via `set_hub` (guarded).
class admin_api {
 public:
  struct request {
    std::string_view method;
    std::string_view target;  ///< path and query
    std::string_view authorization;
    std::string_view body;
    bool loopback = true;  ///< the caller connected from 127.0.0.0/8 or ::1
  };
  struct response {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    simpul::headers headers;
  };

  /// `open_health_loopback_only`: the open health endpoints are open to
  /// loopback callers only; others need the token too.
  admin_api(monitoring::catalogue& metrics, std::string token, bool open_health,
            bool open_health_loopback_only = false);

  void set_hub(std::shared_ptr<hub> h);
  /// What `POST /admin/reload` runs (it answers the reload's outcome); unset: 404.
  void set_reloader(std::function<response()> reload);
  response handle(const request& req) const;

 private:
  bool authorized(std::string_view authorization) const;
  response metrics() const;
  response ready() const;
  response routes() const;
  std::shared_ptr<hub> current() const;

  monitoring::catalogue& metrics_;
  std::string token_;
  bool open_health_;
  bool open_health_loopback_only_;
  mutable std::mutex mu_;
  std::shared_ptr<hub> hub_;
  std::function<response()> reload_;
};

}  // namespace simpul::hub
