#pragma once

#include <utility>

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "hub/admin/admin_api.h"
#include "hub/config/hub_config.h"
#include "hub/hub.h"

namespace simpul::hub {

/// Runs the hub from a config file across reloads: one current generation
/// (a `hub` built from one config) plus the generations a reload retired,
/// which finish their in-flight deliveries in the background.
///
/// Reload (SIGHUP, POST /admin/reload): the file is loaded and validated,
/// then a new generation is built against the same `durable_stores`. Only
/// when both worked is the switch made: the old generation stops accepting
/// (its listeners close), the new one starts (outputs, routes, inputs), the
/// admin API points at it, and the old one drains for up to
/// hub.shutdown_timeout before it stops. Because every route of both
/// generations shares its one spool, nothing pending is lost or delivered
/// twice: the old generation's in-flight deliveries ack into the spool the
/// new one reads; what it hands back untried the new one takes. An invalid
/// file or a build failure leaves the running generation untouched.
///
/// Threads: `reload` is serialized by a mutex and may run on any io thread;
/// the rest runs on the main/io threads as `run_command` calls it.
class hub_runner {
 public:
  struct reload_report {
    bool applied = false;
    std::string code;                      ///< why not, when !applied
    std::string message;
    std::vector<config::problem> problems; ///< invalid config: every problem
    std::vector<std::string> unchanged, changed, added, removed;  ///< route names
    std::vector<std::string> warnings;     ///< settings that need a restart
  };

  hub_runner(hub::services svc, std::filesystem::path file, std::shared_ptr<admin_api> api);

  /// Builds and starts the first generation from an already loaded config.
  result<void> start(std::shared_ptr<const config::hub_config> cfg);
  reload_report reload();
  /// The report as the admin API answers it: 200, or 422 with the problems.
  static admin_api::response to_response(const reload_report& r);

  std::shared_ptr<hub> current() const;
  void stop_accepting();
  void drain(std::function<void()> idle);
  void stop();

 private:
  void retire(std::shared_ptr<hub> old);
  result<void> start_switched(hub& next);
  void classify(const config::hub_config& before, const config::hub_config& after,
                reload_report& r) const;

  hub::services svc_;
  std::filesystem::path file_;
  std::shared_ptr<admin_api> api_;
  std::shared_ptr<durable_stores> stores_;
  mutable std::mutex mu_;       // current_, retiring_
  std::mutex reload_mu_;        // one reload at a time
  std::shared_ptr<hub> current_;
  std::vector<std::shared_ptr<hub>> retiring_;
};

}  // namespace simpul::hub
