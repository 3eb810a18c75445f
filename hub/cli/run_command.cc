#include "hub/cli/run_command.h"

#include <atomic>
#include <functional>
#include <csignal>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "connectors/registry.h"
#include "hub/admin/admin_server.h"
#include "hub/admin/display_mask.h"
#include "hub/cli/validate_command.h"
#include "hub/config/config_loader.h"
#include "hub/hub.h"
#include "hub/hub_runner.h"
#include "hub/route/jsonata_provider.h"
#include "monitoring/catalogue.h"
#include "monitoring/log.h"
#include "monitoring/log_filter.h"

namespace simpul::cli {
namespace {

namespace asio = boost::asio;

constexpr std::string_view help_text =
    "usage: simpul run -c FILE\n"
    "\n"
    "Runs the hub with the given config until SIGINT or SIGTERM.\n"
    "\n"
    "  -c, --config FILE  the config file (see docs/config.md)\n"
    "  -h, --help         this text\n"
    "\n"
    "On SIGINT/SIGTERM the hub stops accepting (inputs answer 503, /readyz\n"
    "turns 503), drains in-flight deliveries for up to hub.shutdown_timeout,\n"
    "and exits 0. Exit status 1: invalid config or a connector failed to start.\n"
    "\n"
    "On SIGHUP (or POST /admin/reload) the file is read again: an invalid one is\n"
    "refused with its problems logged and the running config stays; a valid one\n"
    "replaces it without losing spooled or in-flight messages (docs/operations.md).\n";

const monitoring::logger& log() {
  static const monitoring::logger l("main");
  return l;
}

void configure_logging(const config::hub_settings& s) {
  monitoring::level lvl = monitoring::level::info;
  monitoring::logger::parse_level(s.log_level, lvl);
  monitoring::logger::set_threshold(lvl);
  monitoring::logger::set_json(s.log_format == "json");
}

/// Runs the io_context on `threads` threads (the caller's included) until
/// it is stopped.
void run_threads(asio::io_context& io, int threads) {
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
}

}  // namespace

int run_run(std::span<const std::string_view> args) {
  std::string file;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "-h" || args[i] == "--help") {
      std::fwrite(help_text.data(), 1, help_text.size(), stdout);
      return 0;
    }
    if ((args[i] == "-c" || args[i] == "--config") && i + 1 < args.size()) {
      file = std::string(args[++i]);
    } else {
      std::fprintf(stderr, "simpul run: unexpected argument '%.*s'\n\n%.*s",
                   static_cast<int>(args[i].size()), args[i].data(),
                   static_cast<int>(help_text.size()), help_text.data());
      return 2;
    }
  }
  if (file.empty()) {
    std::fprintf(stderr, "simpul run: -c FILE is required\n\n%.*s",
                 static_cast<int>(help_text.size()), help_text.data());
    return 2;
  }

  connectors::registry reg;
  connectors::register_all(reg);
  auto loaded = config::load_config(file, reg);
  if (!loaded) return validate_file(file, reg, true, stdout, stderr);
  auto cfg = std::make_shared<const config::hub_config>(std::move(*loaded));
  configure_logging(cfg->hub);
  // Personal data (NIK, phone, e-mail) never reaches the log in clear; the
  // policy of hub.masking also masks admin listings.
  if (const auto* hub_node = cfg->root ? cfg->root->find("hub") : nullptr) {
    if (const auto* m = hub_node->find("masking"); m && m->is_map()) {
      security::masking_policy policy;
      policy.paths = m->get_strings("paths");
      if (m->find("name_keys")) policy.name_keys = m->get_strings("name_keys");
      if (m->find("nik_keys")) policy.nik_keys = m->get_strings("nik_keys");
      auto masker = security::masker::make(std::move(policy));
      if (!masker) {
        std::fprintf(stderr, "%s: hub.masking: %s\n", file.c_str(),
                     masker.error().message.c_str());
        return 1;
      }
      hub::set_display_policy(std::make_shared<const security::masker>(std::move(*masker)));
    }
  }
  monitoring::set_log_text_filter(
      [](std::string_view text) { return hub::mask_text_for_display(text); });

  // Keep SIGPIPE from killing the process when a peer closes early.
  std::signal(SIGPIPE, SIG_IGN);
  asio::io_context io(cfg->hub.threads);
  auto work = asio::make_work_guard(io);
  monitoring::catalogue metrics(std::make_shared<prometheus::Registry>(), SIMPUL_VERSION);
  hub::jsonata_provider expressions;

  // hub.admin.tls and open_health_from, read from the validated tree.
  config::node_ptr admin_tls;
  bool health_loopback_only = false;
  if (const auto* hub_node = cfg->root ? cfg->root->find("hub") : nullptr) {
    if (const auto* a = hub_node->find("admin"); a && a->is_map()) {
      health_loopback_only = a->get_string("open_health_from", "loopback") == "loopback";
      if (const auto* t = a->find("tls"); t && t->is_map())
        admin_tls = std::make_shared<const config::node>(*t);
    }
  }
  auto api = std::make_shared<hub::admin_api>(metrics, cfg->hub.admin.token,
                                              cfg->hub.admin.open_health, health_loopback_only);
  hub::hub_runner runner({io, metrics, reg, &expressions}, file, api);
  api->set_reloader([&runner] { return hub::hub_runner::to_response(runner.reload()); });
  hub::admin_server admin(io, cfg->hub.admin, api, admin_tls);
  if (auto r = admin.start(); !r) {
    std::fprintf(stderr, "%s: admin listener %s:%u: %s\n", file.c_str(),
                 cfg->hub.admin.host.c_str(), cfg->hub.admin.port, r.error().message.c_str());
    return 1;
  }
  if (auto r = runner.start(cfg); !r) {
    std::fprintf(stderr, "%s: %s\n", file.c_str(), r.error().message.c_str());
    runner.stop();
    admin.stop();
    return 1;
  }
  log().info("hub '" + cfg->hub.name + "' running; admin on " + cfg->hub.admin.host + ":" +
             std::to_string(admin.port()) + ", data in " + cfg->hub.data_dir.string());

  asio::signal_set signals(io, SIGINT, SIGTERM);
  asio::steady_timer deadline(io);
  std::atomic<bool> finished{false};
  auto finish = [&](const char* why) {
    if (finished.exchange(true)) return;
    deadline.cancel();
    log().info(std::string("stopping: ") + why);
    runner.stop();
    admin.stop();
    work.reset();
    io.stop();
  };
  asio::signal_set hangup(io, SIGHUP);
  std::thread reloader;
  std::function<void(boost::system::error_code, int)> on_hangup =
      [&](boost::system::error_code ec, int) {
        if (ec || finished) return;
        log().info("received SIGHUP: reloading " + file);
        // Off the io threads: the switch waits for the old listeners, which
        // close on an io thread (so a single-threaded hub cannot block itself).
        if (reloader.joinable()) reloader.join();
        // A reload builds new inputs, which read their certificates afresh;
        // a refused one still re-reads the running inputs' TLS files (rotation
        // without a config change), and the admin listener's in both cases.
        reloader = std::thread([&runner, &admin] {
          auto r = runner.reload();  // logs outcome and problems
          if (!r.applied) {
            if (auto h = runner.current()) h->reload_tls();
          }
          if (auto t = admin.reload_tls(); !t) log().error("admin TLS reload: " + t.error().message);
        });
        hangup.async_wait(on_hangup);
      };
  hangup.async_wait(on_hangup);
  signals.async_wait([&](boost::system::error_code ec, int sig) {
    if (ec) return;
    log().info(std::string("received ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") +
               ": no longer accepting, draining in-flight deliveries");
    // Phase 1: stop taking work. Phase 2: let in-flight deliveries finish,
    // bounded by the deadline; what is left stays in the spool.
    hangup.cancel();
    runner.stop_accepting();
    deadline.expires_after(cfg->hub.shutdown_timeout);
    deadline.async_wait([&](boost::system::error_code e) {
      if (!e) finish("drain deadline reached; undelivered messages stay in the spool");
    });
    runner.drain([&] { asio::post(io, [&] { finish("drained"); }); });
  });

  run_threads(io, cfg->hub.threads);
  if (reloader.joinable()) reloader.join();
  log().info("stopped");
  return 0;
}

}  // namespace simpul::cli
