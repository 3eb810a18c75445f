#include "hub/spool/dedup_store.h"

#include "hub/spool/bytes.h"

namespace simpul::spool {
namespace {

std::int64_t to_ms(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

result<std::unique_ptr<dedup_store>> dedup_store::open(dedup_options opts) {
  std::unique_ptr<dedup_store> st(new dedup_store(std::move(opts)));
  auto now = to_ms(std::chrono::system_clock::now());
  auto log = segment_log::open(
      {st->opts_.dir, st->opts_.segment_bytes}, [&](const segment_log::recovered& r) {
        if (r.type != record_type::dedup_key) return;
        byte_reader in(r.payload);
        std::string key;
        std::int64_t expiry = 0;
        if (!in.str(key) || !in.i64(expiry) || expiry <= now) return;
        std::string value;
        if (!in.str(value)) value.clear();  // records written before values were kept
        auto& ks = st->keys_[key];
        ks.value = std::move(value);
        ks.expiry_ms = std::max(ks.expiry_ms, expiry);
        ks.where = r.where;  // the latest record for a key is the one kept
        ks.stored = true;
      });
  if (!log) return std::unexpected(log.error());
  st->log_ = std::move(*log);
  for (const auto& [key, ks] : st->keys_) {
    st->log_->retain(ks.where);
    st->expiries_.emplace(ks.expiry_ms, key);
  }
  st->log_->collect();
  return st;
}

void dedup_store::expire_locked(std::int64_t now_ms) {
  while (!expiries_.empty() && expiries_.begin()->first <= now_ms) {
    auto node = expiries_.extract(expiries_.begin());
    auto it = keys_.find(node.mapped());
    // A key re-reserved later has a later expiry and its own entry here.
    if (it == keys_.end() || it->second.expiry_ms != node.key() || it->second.pending) continue;
    if (it->second.stored) log_->release(it->second.where);
    keys_.erase(it);
  }
}

result<dedup_store::status> dedup_store::check_and_insert(std::string_view key,
                                                          std::chrono::milliseconds window,
                                                          std::chrono::system_clock::time_point now) {
  auto now_ms = to_ms(now);
  std::lock_guard lk(mu_);
  expire_locked(now_ms);
  if (auto it = keys_.find(std::string(key)); it != keys_.end()) {
    return it->second.pending ? status::pending : status::duplicate;
  }
  if (keys_.size() >= opts_.max_keys) {
    return make_error("dedup.full", "too many idempotency keys held");
  }
  auto& ks = keys_[std::string(key)];
  ks.expiry_ms = now_ms + window.count();
  ks.pending = true;
  return status::fresh;
}

std::string dedup_store::value(std::string_view key) const {
  std::lock_guard lk(mu_);
  auto it = keys_.find(std::string(key));
  return it == keys_.end() ? std::string() : it->second.value;
}

result<void> dedup_store::confirm(std::string_view key, std::string_view value) {
  std::lock_guard lk(mu_);
  auto it = keys_.find(std::string(key));
  if (it == keys_.end() || !it->second.pending) {
    return make_error("dedup.not_pending", "confirm without a fresh check_and_insert");
  }
  std::string payload, buf;
  byte_writer w(payload);
  w.str(key);
  w.i64(it->second.expiry_ms);
  w.str(value);
  append_frame(buf, record_type::dedup_key, 0, payload);
  std::vector<record_location> where;
  auto now = std::chrono::steady_clock::now();
  bool sync = opts_.sync_each || now - last_sync_ >= opts_.flush_interval;
  const auto size = static_cast<std::uint32_t>(buf.size());
  if (auto r = log_->write(buf, std::span(&size, 1), where, sync); !r) {
    return r;  // stays pending: the caller may confirm again or abandon
  }
  if (sync) last_sync_ = now;
  it->second.pending = false;
  it->second.stored = true;
  it->second.value = std::string(value);
  it->second.where = where.front();
  log_->retain(where.front());
  expiries_.emplace(it->second.expiry_ms, it->first);
  log_->collect();
  return {};
}

void dedup_store::abandon(std::string_view key) {
  std::lock_guard lk(mu_);
  auto it = keys_.find(std::string(key));
  if (it != keys_.end() && it->second.pending) keys_.erase(it);
}

result<void> dedup_store::sync() {
  std::lock_guard lk(mu_);
  last_sync_ = std::chrono::steady_clock::now();
  return log_->sync();
}

std::size_t dedup_store::size() const {
  std::lock_guard lk(mu_);
  return keys_.size();
}

}  // namespace simpul::spool
