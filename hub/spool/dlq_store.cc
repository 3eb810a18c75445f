#include "hub/spool/dlq_store.h"

#include <algorithm>

#include "hub/spool/bytes.h"
#include "hub/spool/message_codec.h"
#include "hub/spool/spool_records.h"

namespace simpul::spool {
namespace {

using sys_clock = std::chrono::system_clock;

std::int64_t to_ms(sys_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

sys_clock::time_point from_ms(std::int64_t ms) {
  return sys_clock::time_point(std::chrono::milliseconds(ms));
}

// ADD payload: summary fields | reason_text | last_body | message [| origin].
// The origin trailer is the spool's (records::add_origin): entries written
// before it existed end with the message and have no known original.
void encode_entry(std::string& out, const dlq_entry& e) {
  byte_writer w(out);
  w.str(e.id);
  w.str(e.msg.id);
  w.str(e.route);
  w.str(e.target);
  w.str(e.reason_code);
  w.u32(static_cast<std::uint32_t>(e.last_status));
  w.u32(e.attempts);
  w.i64(to_ms(e.first_failure));
  w.i64(to_ms(e.dead_lettered));
  w.str(e.trace_id);
  w.str(e.reason_text);
  w.str(e.last_body);
  encode_message(out, e.msg);
  if (e.original) records::add_origin(out, *e.original, false);
}

bool decode_summary(byte_reader& r, dlq_summary& s) {
  std::uint32_t status = 0;
  std::int64_t first = 0, dead = 0;
  if (!(r.str(s.id) && r.str(s.message_id) && r.str(s.route) && r.str(s.target) &&
        r.str(s.reason_code) && r.u32(status) && r.u32(s.attempts) && r.i64(first) &&
        r.i64(dead) && r.str(s.trace_id))) {
    return false;
  }
  s.last_status = static_cast<int>(status);
  s.first_failure = from_ms(first);
  s.dead_lettered = from_ms(dead);
  return true;
}

}  // namespace

result<std::unique_ptr<dlq_store>> dlq_store::open(dlq_options opts) {
  std::unique_ptr<dlq_store> st(new dlq_store(std::move(opts)));
  auto log = segment_log::open({st->opts_.dir, st->opts_.segment_bytes},
                               [&](const segment_log::recovered& r) { st->recover(r); });
  if (!log) return std::unexpected(log.error());
  st->log_ = std::move(*log);
  for (const auto& [id, x] : st->index_) st->log_->retain(x.where);
  for (auto [from, to] : st->recovered_refs_) st->log_->add_ref(from, to);
  st->recovered_refs_.clear();
  st->log_->collect();
  return st;
}

void dlq_store::recover(const segment_log::recovered& r) {
  byte_reader in(r.payload);
  if (r.type == record_type::dlq_add) {
    dlq_summary s;
    if (!decode_summary(in, s)) return;
    auto id = s.id;
    index_[id] = indexed{std::move(s), r.where};  // a copied-forward ADD supersedes
  } else if (r.type == record_type::dlq_remove) {
    std::uint32_t n = 0;
    if (!in.u32(n)) return;
    for (std::uint32_t i = 0; i < n; ++i) {
      std::string_view id;
      if (!in.str(id)) return;
      if (auto it = index_.find(id); it != index_.end()) {
        recovered_refs_.emplace_back(r.where.segment, it->second.where.segment);
        index_.erase(it);
      }
    }
  }
}

result<std::vector<record_location>> dlq_store::write_locked(
    const std::string& buf, const std::vector<std::uint32_t>& sizes) {
  std::vector<record_location> where;
  if (auto r = log_->write(buf, sizes, where, /*sync=*/true); !r) return std::unexpected(r.error());
  return where;
}

result<std::string> dlq_store::add(dlq_entry e) {
  std::vector<dlq_entry> v;
  v.push_back(std::move(e));
  auto ids = add(std::move(v));
  if (!ids) return std::unexpected(ids.error());
  return std::move(ids->front());
}

result<std::vector<std::string>> dlq_store::add(std::vector<dlq_entry> entries) {
  std::string buf, payload;
  std::vector<std::uint32_t> sizes;
  std::vector<dlq_summary> summaries;
  auto now = sys_clock::now();
  for (auto& e : entries) {
    if (e.id.empty()) e.id = make_message_id();
    if (e.dead_lettered == sys_clock::time_point{}) e.dead_lettered = now;
    if (e.trace_id.empty()) e.trace_id = e.msg.trace_id;
    if (e.last_body.size() > opts_.max_response_bytes) e.last_body.resize(opts_.max_response_bytes);
    payload.clear();
    encode_entry(payload, e);
    if (payload.size() > max_frame_payload) {
      return make_error("dlq.too_large", "dead-letter entry is larger than a record may be");
    }
    append_frame(buf, record_type::dlq_add, 0, payload);
    sizes.push_back(static_cast<std::uint32_t>(frame_size(payload.size())));
    byte_reader r(payload);
    dlq_summary s;
    decode_summary(r, s);
    summaries.push_back(std::move(s));
  }
  std::lock_guard lk(mu_);
  auto where = write_locked(buf, sizes);
  if (!where) return std::unexpected(where.error());
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < summaries.size(); ++i) {
    auto id = summaries[i].id;
    if (auto it = index_.find(id); it != index_.end()) log_->release(it->second.where);
    log_->retain((*where)[i]);
    index_[id] = indexed{std::move(summaries[i]), (*where)[i]};
    ids.push_back(std::move(id));
  }
  return ids;
}

dlq_page dlq_store::list(const dlq_query& q) const {
  dlq_page page;
  if (q.limit == 0) return page;
  std::lock_guard lk(mu_);
  auto it = q.after.empty() ? index_.begin() : index_.upper_bound(q.after);
  for (; it != index_.end(); ++it) {
    const auto& s = it->second.s;
    if (!q.route.empty() && s.route != q.route) continue;
    if (!q.reason_code.empty() && s.reason_code != q.reason_code) continue;
    if (q.from && s.dead_lettered < *q.from) continue;
    if (q.to && s.dead_lettered >= *q.to) continue;
    if (page.items.size() == q.limit) {
      page.next = page.items.back().id;  // there is at least one more match
      break;
    }
    page.items.push_back(s);
  }
  return page;
}

result<dlq_entry> dlq_store::get(std::string_view id) const {
  result<std::string> payload = make_error("dlq.not_found", "no dead-letter entry with that id");
  // Read outside the lock; compaction may move the entry meanwhile, so look
  // it up again once if the read fails.
  for (int tries = 0; tries < 2 && !payload; ++tries) {
    record_location where;
    {
      std::lock_guard lk(mu_);
      auto it = index_.find(id);
      if (it == index_.end()) {
        return make_error("dlq.not_found", "no dead-letter entry with that id");
      }
      where = it->second.where;
    }
    payload = log_->read(where);
  }
  if (!payload) return std::unexpected(payload.error());
  byte_reader r(*payload);
  dlq_summary s;
  dlq_entry e;
  if (!decode_summary(r, s) || !r.str(e.reason_text) || !r.str(e.last_body)) {
    return make_error("spool.corrupt", "dead-letter entry does not decode");
  }
  std::size_t used = 0;
  auto m = decode_message(r.rest(), &used);
  if (!m) return std::unexpected(m.error());
  message orig;
  auto kind = records::read_origin(r.rest().substr(used), orig);
  if (!kind) return std::unexpected(kind.error());
  if (*kind == records::origin_kind::stored) e.original = std::move(orig);
  e.id = std::move(s.id);
  e.msg = std::move(*m);
  e.route = std::move(s.route);
  e.target = std::move(s.target);
  e.reason_code = std::move(s.reason_code);
  e.last_status = s.last_status;
  e.attempts = s.attempts;
  e.first_failure = s.first_failure;
  e.dead_lettered = s.dead_lettered;
  e.trace_id = std::move(s.trace_id);
  return e;
}

result<std::size_t> dlq_store::remove(std::span<const std::string> ids) {
  std::lock_guard lk(mu_);
  std::vector<std::string_view> present;
  for (const auto& id : ids) {
    if (index_.contains(id)) present.push_back(id);
  }
  if (present.empty()) return 0;
  std::string payload, buf;
  byte_writer w(payload);
  w.u32(static_cast<std::uint32_t>(present.size()));
  for (auto id : present) w.str(id);
  append_frame(buf, record_type::dlq_remove, 0, payload);
  auto where = write_locked(buf, {static_cast<std::uint32_t>(buf.size())});
  if (!where) return std::unexpected(where.error());
  for (auto id : present) {
    auto it = index_.find(id);
    log_->release(it->second.where);
    log_->add_ref(where->front().segment, it->second.where.segment);
    index_.erase(it);
  }
  log_->collect();
  compact_locked();
  return present.size();
}

void dlq_store::compact_locked() {
  if (log_->segment_count() < 3) return;
  auto sparse = log_->sparse_segments(0.25);
  if (sparse.empty()) return;
  std::string buf;
  std::vector<std::uint32_t> sizes;
  std::vector<std::string> moved;
  for (const auto& [id, x] : index_) {
    if (!std::binary_search(sparse.begin(), sparse.end(), x.where.segment)) continue;
    auto payload = log_->read(x.where);
    if (!payload) continue;
    append_frame(buf, record_type::dlq_add, 0, *payload);
    sizes.push_back(static_cast<std::uint32_t>(frame_size(payload->size())));
    moved.push_back(id);
  }
  if (moved.empty()) return;
  auto where = write_locked(buf, sizes);
  if (!where) return;  // stays where it is; tried again on the next remove
  for (std::size_t i = 0; i < moved.size(); ++i) {
    auto& x = index_.find(moved[i])->second;
    log_->release(x.where);
    x.where = (*where)[i];
    log_->retain(x.where);
  }
  log_->collect();
}

std::size_t dlq_store::count() const {
  std::lock_guard lk(mu_);
  return index_.size();
}

std::map<std::string, dlq_route_stats> dlq_store::per_route() const {
  std::map<std::string, dlq_route_stats> out;
  auto now = sys_clock::now();
  std::lock_guard lk(mu_);
  for (const auto& [id, x] : index_) {
    auto& rs = out[x.s.route];
    ++rs.count;
    auto age = std::chrono::duration_cast<std::chrono::milliseconds>(now - x.s.dead_lettered);
    rs.oldest_age = std::max(rs.oldest_age, age);
  }
  return out;
}

}  // namespace simpul::spool
