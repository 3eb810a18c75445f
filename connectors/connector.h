#pragma once

#include <utility>  // Boost 1.74 asio needs it first in C++23 mode

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "hub/config/node.h"
#include "hub/config/spec.h"
#include "hub/error.h"
#include "hub/message.h"

namespace prometheus {
class Registry;
}

namespace simpul::connectors {

/// What an input learns about the fate of a message it handed to the hub.
struct ingest_result {
  enum class status {
    accepted,     ///< the hub took responsibility (durable when spooled): ack it (HTTP 202, PUBACK)
    replied,      ///< request-reply: `reply_*` hold the answer for the caller
    rejected,     ///< bad message: the hub recorded it (DLQ) with `reason`; ack, do not resend
    unavailable,  ///< back-pressure or shutdown: do not ack; retry later (`retry_after`)
  };
  status state = status::accepted;
  int http_status = 202;  ///< status an HTTP input should answer with
  std::string message_id;
  std::string reason;     ///< human-readable, masked; empty when accepted
  std::string error_code; ///< machine-readable, e.g. "validate.schema"
  std::chrono::seconds retry_after{0};
  // request-reply answer
  simpul::headers reply_headers;
  std::string reply_body;
  std::string reply_content_type;
};

using ingest_handler = std::function<void(ingest_result)>;

/// Where an input hands messages: implemented by the hub, one per route.
/// Thread-safe: may be called from any thread; `done` is called exactly once,
/// possibly on another thread (the input must hop back onto its own strand).
class ingress {
 public:
  virtual ~ingress() = default;
  virtual void submit(message_ptr msg, ingest_handler done) = 0;
};

/// How a route uses an input: the route's name, its `from:` options (already
/// validated against the factory's `route_fields`, defaults filled in) and
/// where to hand messages.
struct route_binding {
  std::string route;
  config::node_ptr options;
  std::shared_ptr<ingress> sink;
};

/// Services the hub gives a connector (Envoy FactoryContext / Benthos
/// Resources). Connectors never reach for globals.
struct context {
  boost::asio::io_context& io;
  std::string name;                       ///< this connector's name in the config
  std::filesystem::path data_dir;         ///< hub data directory (connector may use data_dir/name)
  std::shared_ptr<prometheus::Registry> metrics;
  /// Records a message that no route could take (unknown path, undecodable
  /// frame) in the DLQ with its reason, so nothing is silently lost.
  std::function<void(message_ptr, error)> dead_letter;
};

/// Lifecycle shared by inputs and outputs. Threading: called from the hub's
/// main thread; implementations hop onto their own strand.
class component {
 public:
  virtual ~component() = default;
  /// Begin work (listen, connect). Errors that make the connector unusable
  /// (port in use) are returned; transient ones (broker down) are retried
  /// internally and reflected in `ready()`.
  virtual result<void> start() = 0;
  /// Phase 1 of shutdown: stop taking new work (close listeners, unsubscribe).
  virtual void stop_accepting() = 0;
  /// Phase 2: release everything; in-flight work has been drained or abandoned.
  virtual void stop() = 0;
  /// Able to do its job right now (for /readyz).
  virtual bool ready() const = 0;
};

/// An input: takes messages in and hands them to the routes bound to it.
/// Ownership: the hub owns inputs (unique_ptr) and keeps them alive until
/// `stop()` returned and the io_context finished.
class input : public component {
 public:
  /// Called once per route using this input, before `start()`.
  virtual result<void> bind(route_binding binding) = 0;
};

/// Outcome of one delivery attempt.
struct delivery_result {
  /// `not_sent`: handed back before any byte of it was written, because the
  /// output stopped accepting (shutdown, reload). Not an attempt and not a
  /// failure: the hub leaves the message where it was (the spool) for the
  /// next run, so it is neither lost nor sent twice.
  enum class outcome { delivered, retryable, permanent, not_sent };
  outcome state = outcome::delivered;
  int status = 0;                  ///< protocol status (HTTP code), 0 when none
  std::string detail;              ///< what happened, for DLQ/logs (no secrets)
  std::chrono::milliseconds retry_after{0};  ///< server's Retry-After, 0 = none
  // the response, for request-reply routes
  simpul::headers response_headers;
  std::string response_body;
  std::string response_content_type;
};

using delivery_handler = std::function<void(delivery_result)>;

/// An output: delivers messages. `send` may be called from any thread and
/// concurrently; `done` is called exactly once (on the output's strand or a
/// worker thread). Retries are the hub's job, not the output's: one `send` is
/// one attempt. `stop_accepting` (called once the hub drains; idempotent,
/// any thread): sends still waiting inside the output (not yet written to
/// the service) and later ones complete as `not_sent`; sends already on the
/// wire finish normally.
class output : public component {
 public:
  virtual void send(message_ptr msg, config::node_ptr route_options, delivery_handler done) = 0;
};

using input_ptr = std::unique_ptr<input>;
using output_ptr = std::unique_ptr<output>;

/// Stateless factory registered by type name. `spec()` describes the config;
/// `make_*` are called with a validated config (defaults filled).
class connector_factory {
 public:
  virtual ~connector_factory() = default;
  virtual const config::component_spec& spec() const = 0;
  /// Cross-field checks the spec cannot express; each problem names the node.
  virtual std::vector<std::pair<config::mark, std::string>> check(const config::node&) const {
    return {};
  }
  virtual result<input_ptr> make_input(config::node_ptr, context&) const {
    return make_error("connector.not_input", spec().type + " cannot be used as an input");
  }
  virtual result<output_ptr> make_output(config::node_ptr, context&) const {
    return make_error("connector.not_output", spec().type + " cannot be used as an output");
  }
};

}  // namespace simpul::connectors
