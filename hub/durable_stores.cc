#include "hub/durable_stores.h"

#include "hub/spool/spool_paths.h"

namespace simpul::hub {

result<std::shared_ptr<durable_stores>> durable_stores::open(
    const std::filesystem::path& data_dir) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    return make_error("hub.data_dir",
                      "cannot create data directory " + data_dir.string() + ": " + ec.message());
  }
  std::shared_ptr<durable_stores> s(new durable_stores(data_dir));
  auto dlq = spool::dlq_store::open({spool::dlq_dir(data_dir).string()});
  if (!dlq) return make_error(dlq.error().code, "dead-letter queue: " + dlq.error().message);
  s->dlq_ = std::make_shared<spool_dead_letters>(std::shared_ptr<spool::dlq_store>(std::move(*dlq)));
  return s;
}

result<std::shared_ptr<spool::route_spool>> durable_stores::spool(
    const std::string& route, const spool::spool_options& opts) {
  std::lock_guard lock(mu_);
  if (auto it = spools_.find(route); it != spools_.end()) return it->second;
  auto opened = spool::route_spool::open(opts);
  if (!opened) return std::unexpected(opened.error());
  std::shared_ptr<spool::route_spool> sp(std::move(*opened));
  spools_.emplace(route, sp);
  return sp;
}

result<std::shared_ptr<spool::dedup_store>> durable_stores::dedup(const std::string& route) {
  std::lock_guard lock(mu_);
  if (auto it = dedups_.find(route); it != dedups_.end()) return it->second;
  auto dir = spool::dedup_dir(data_dir_, route);
  if (!dir) return std::unexpected(dir.error());
  auto opened = spool::dedup_store::open({dir->string()});
  if (!opened) return std::unexpected(opened.error());
  std::shared_ptr<spool::dedup_store> d(std::move(*opened));
  dedups_.emplace(route, d);
  return d;
}

void durable_stores::retain_only(const std::set<std::string>& routes) {
  std::lock_guard lock(mu_);
  std::erase_if(spools_, [&](const auto& kv) { return !routes.contains(kv.first); });
  std::erase_if(dedups_, [&](const auto& kv) { return !routes.contains(kv.first); });
}

}  // namespace simpul::hub
