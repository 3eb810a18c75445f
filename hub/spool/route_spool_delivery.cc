// route_spool: the delivery side (take/ack/retry), flush, stats and
// copy-forward compaction. The append side and the writer are in route_spool.cc.
#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "hub/spool/bytes.h"
#include "hub/spool/message_codec.h"
#include "hub/spool/route_spool.h"
#include "hub/spool/spool_records.h"

namespace simpul::spool {
namespace {

using sys_clock = std::chrono::system_clock;

using records::append_prefix;
using records::has_bit;
using records::to_ms;


}  // namespace

result<message_ptr> route_spool::load(const entry& e) const {
  auto payload = log_->read(e.where);
  if (!payload) return std::unexpected(payload.error());
  if (payload->size() < append_prefix) return make_error("spool.corrupt", "short record");
  auto m = decode_message(std::string_view(*payload).substr(append_prefix));
  if (!m) return std::unexpected(m.error());
  return std::make_shared<const message>(std::move(*m));
}

result<message_ptr> route_spool::original(const spool_item& item) const {
  record_location where;
  for (int tries = 0; tries < 4; ++tries) {
    {
      std::lock_guard lk(mu_);
      auto it = entries_.find(item.seq);
      if (it == entries_.end()) return make_error("spool.not_found", "message is no longer pending");
      // Copy-forward moved it since the last read: follow it.
      if (tries > 0 && it->second.where.segment == where.segment &&
          it->second.where.offset == where.offset) {
        break;
      }
      where = it->second.where;
    }
    auto payload = log_->read(where);
    if (!payload) continue;
    if (payload->size() < append_prefix) return make_error("spool.corrupt", "short record");
    std::string_view rest = std::string_view(*payload).substr(append_prefix);
    std::size_t used = 0;
    auto m = decode_message(rest, &used);
    if (!m) return std::unexpected(m.error());
    message orig;
    auto kind = records::read_origin(rest.substr(used), orig);
    if (!kind) return std::unexpected(kind.error());
    switch (*kind) {
      case records::origin_kind::same:
        return item.msg ? item.msg : std::make_shared<const message>(std::move(*m));
      case records::origin_kind::stored:
        return std::make_shared<const message>(std::move(orig));
      case records::origin_kind::unknown:
        return message_ptr{};
    }
  }
  return make_error("spool.io", "could not read the stored message back");
}

std::vector<spool_item> route_spool::take(std::uint32_t target, std::size_t max,
                                          sys_clock::time_point now) {
  std::vector<spool_item> out;
  std::vector<record_location> to_load;  // parallel to out; segment 0 = cached
  {
    std::lock_guard lk(mu_);
    if (target >= queues_.size()) return out;
    auto& q = queues_[target];
    auto now_ms = to_ms(now);
    while (!q.delayed.empty() && q.delayed.begin()->first <= now_ms) {
      q.ready.insert(q.delayed.begin()->second);
      q.delayed.erase(q.delayed.begin());
    }
    while (out.size() < max && !q.ready.empty()) {
      auto seq = *q.ready.begin();
      q.ready.erase(q.ready.begin());
      auto it = entries_.find(seq);
      if (it == entries_.end() || !has_bit(it->second.mask, target)) continue;
      auto& e = it->second;
      e.targets[target].in_flight = true;
      out.push_back(spool_item{seq, target, e.cached, e.targets[target].attempt});
      to_load.push_back(e.cached ? record_location{} : e.where);
    }
  }
  // Read back what is not cached without holding the lock.
  std::size_t kept = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (!out[i].msg) {
      entry tmp;
      tmp.where = to_load[i];
      auto m = load(tmp);
      // Copy-forward may have moved the record (and dropped its old segment)
      // since we looked it up: follow it to where it is now.
      for (int tries = 0; !m && tries < 3; ++tries) {
        {
          std::lock_guard lk(mu_);
          auto it = entries_.find(out[i].seq);
          if (it == entries_.end() || (it->second.where.segment == tmp.where.segment &&
                                       it->second.where.offset == tmp.where.offset)) {
            break;
          }
          tmp.where = it->second.where;
        }
        m = load(tmp);
      }
      if (!m) {
        // The bytes are gone or damaged since recovery: nothing deliverable
        // is left. Count it and retire the record so it does not spin.
        std::lock_guard lk(mu_);
        ++stats_.unreadable;
        if (auto it = entries_.find(out[i].seq); it != entries_.end()) {
          auto segment = it->second.where.segment;
          drop_target(it, target);
          acks_.push_back(queued_ack{out[i].seq, target, segment});
        }
        continue;
      }
      out[i].msg = std::move(*m);
    }
    out[kept++] = std::move(out[i]);
  }
  out.resize(kept);
  return out;
}

void route_spool::drop_target(std::map<std::uint64_t, entry>::iterator it, std::uint32_t target) {
  entry& e = it->second;
  e.mask &= ~(target_mask{1} << target);
  e.targets[target].in_flight = false;
  ++stats_.acked;
  if (e.mask != 0) return;
  log_->release(e.where);
  --reserved_messages_;
  reserved_bytes_ -= e.bytes;
  --stats_.depth;
  stats_.bytes -= e.bytes;
  if (e.cached) cached_bytes_ -= e.bytes;
  entries_.erase(it);
}

void route_spool::ack(const spool_item& item) {
  bool first = false;
  {
    std::lock_guard lk(mu_);
    auto it = entries_.find(item.seq);
    if (it == entries_.end() || !has_bit(it->second.mask, item.target)) return;
    auto& ts = it->second.targets[item.target];
    if (!ts.in_flight) {  // acked without take: drop it from the queues too
      auto& q = queue_of(item.target);
      q.ready.erase(item.seq);
      auto [b, e] = q.delayed.equal_range(ts.next_ms);
      for (auto d = b; d != e; ++d) {
        if (d->second == item.seq) {
          q.delayed.erase(d);
          break;
        }
      }
    }
    auto segment = it->second.where.segment;
    drop_target(it, item.target);
    first = acks_.empty();
    acks_.push_back(queued_ack{item.seq, item.target, segment});
  }
  if (first) wake_.notify_one();
}

void route_spool::retry_at(const spool_item& item, sys_clock::time_point when) {
  bool first = false;
  {
    std::lock_guard lk(mu_);
    auto it = entries_.find(item.seq);
    if (it == entries_.end() || !has_bit(it->second.mask, item.target)) return;
    auto& ts = it->second.targets[item.target];
    if (!ts.in_flight) return;  // only what was taken can be retried
    ts.in_flight = false;
    ++ts.attempt;
    ts.next_ms = to_ms(when);
    make_ready(item.seq, it->second);
    first = acks_.empty() && retries_.empty();
    retries_.push_back(
        queued_retry{item.seq, item.target, ts.attempt, ts.next_ms, it->second.where.segment});
  }
  if (first) wake_.notify_one();
}

void route_spool::count_attempt(const spool_item& item, sys_clock::time_point when) {
  bool first = false;
  {
    std::lock_guard lk(mu_);
    auto it = entries_.find(item.seq);
    if (it == entries_.end() || !has_bit(it->second.mask, item.target)) return;
    auto& ts = it->second.targets[item.target];
    if (!ts.in_flight) return;
    ++ts.attempt;
    ts.next_ms = to_ms(when);
    first = acks_.empty() && retries_.empty();
    retries_.push_back(
        queued_retry{item.seq, item.target, ts.attempt, ts.next_ms, it->second.where.segment});
  }
  if (first) wake_.notify_one();
}

void route_spool::release(const spool_item& item) {
  std::lock_guard lk(mu_);
  auto it = entries_.find(item.seq);
  if (it == entries_.end() || !has_bit(it->second.mask, item.target)) return;
  auto& ts = it->second.targets[item.target];
  if (!ts.in_flight) return;
  ts.in_flight = false;
  make_ready(item.seq, it->second);
}

std::optional<sys_clock::time_point> route_spool::next_ready_at(std::uint32_t target) const {
  std::lock_guard lk(mu_);
  if (target >= queues_.size()) return std::nullopt;
  const auto& q = queues_[target];
  if (!q.ready.empty()) return sys_clock::now();
  if (q.delayed.empty()) return std::nullopt;
  return sys_clock::time_point(std::chrono::milliseconds(q.delayed.begin()->first));
}

void route_spool::set_ready_handler(ready_handler h) {
  std::lock_guard lk(mu_);
  on_ready_ = std::move(h);
}

result<void> route_spool::flush() {
  std::unique_lock lk(mu_);
  if (stop_) return make_error("spool.closed", "spool is shutting down");
  auto gen = sync_generation_;
  auto errors = stats_.io_errors;
  ++sync_waiters_;
  wake_.notify_one();
  synced_.wait(lk, [&] { return sync_generation_ != gen; });
  --sync_waiters_;
  if (stats_.io_errors != errors) return make_error("spool.io", "flush failed");
  return {};
}

spool_stats route_spool::stats() const {
  std::lock_guard lk(mu_);
  spool_stats s = stats_;
  if (!entries_.empty()) {
    auto age = to_ms(sys_clock::now()) - entries_.begin()->second.appended_ms;
    s.oldest_age = std::chrono::milliseconds(std::max<std::int64_t>(age, 0));
  }
  s.full = refusing_ && (reserved_messages_ * 10 > opts_.max_messages * 9 ||
                         reserved_bytes_ * 10 > opts_.max_bytes * 9);
  s.segments = log_->segment_count();
  s.disk_bytes = log_->disk_bytes();
  return s;
}

std::uint64_t route_spool::copy_forward(std::uint64_t segment, std::uint64_t budget) {
  struct moving {
    std::uint64_t seq;
    record_location from;
  };
  std::vector<moving> todo;
  {
    std::lock_guard lk(mu_);
    std::uint64_t bytes = 0;
    for (const auto& [seq, e] : entries_) {
      if (e.where.segment != segment) continue;
      todo.push_back({seq, e.where});
      bytes += e.where.size;
      if (bytes >= budget) break;
    }
  }
  std::string buf;
  std::vector<std::uint32_t> sizes;
  std::vector<moving> copied;
  for (const auto& m : todo) {
    auto p = log_->read(m.from);
    if (!p || p->size() < append_prefix) continue;  // left in place; retried next pass
    std::vector<queued_retry> attempts;
    {
      // The mask and attempts as they are now; any ack racing with this is
      // queued and lands after the copy, so replay still ends acked.
      std::lock_guard lk(mu_);
      auto it = entries_.find(m.seq);
      if (it == entries_.end() || !(it->second.where.segment == segment)) continue;
      std::memcpy(p->data(), &it->second.mask, sizeof(target_mask));
      for (std::uint32_t t = 0; t < it->second.targets.size(); ++t) {
        const auto& ts = it->second.targets[t];
        if (has_bit(it->second.mask, t) && ts.attempt > 0) {
          attempts.push_back({m.seq, t, ts.attempt, ts.next_ms, 0});
        }
      }
    }
    append_frame(buf, record_type::append, m.seq, *p);
    sizes.push_back(static_cast<std::uint32_t>(frame_size(p->size())));
    copied.push_back(m);
    for (const auto& r : attempts) {
      records::add_retry(buf, sizes, r.seq, r.target, r.attempt, r.next_ms);
      copied.push_back({0, {}});  // placeholder keeps `copied` parallel to `sizes`
    }
  }
  if (copied.empty()) return 0;
  std::vector<record_location> where;
  if (!log_->write(buf, sizes, where, /*sync=*/true)) {
    std::lock_guard lk(mu_);
    ++stats_.io_errors;
    return 0;
  }
  // A copy's attempt records may land in the next segment when the write
  // crosses one; they must outlive the copy like any retry record does.
  for (std::size_t i = 0, copy = 0; i < copied.size(); ++i) {
    if (copied[i].seq != 0) {
      copy = i;
    } else {
      log_->add_ref(where[i].segment, where[copy].segment);
    }
  }
  std::lock_guard lk(mu_);
  ++stats_.flushes;
  // An ack or retry queued while this copy was written names the old
  // segment, but replay applies it to the copy (it lands after it). Point it
  // at the copy's segment, so its record outlives the copy and not just the
  // old segment -- otherwise the ack or the attempt count is lost on reopen
  // once the old segment goes. This includes copies acked meanwhile, which
  // are dead but still on disk.
  std::unordered_map<std::uint64_t, std::uint64_t> moved;  // seq -> new segment
  for (std::size_t i = 0; i < copied.size(); ++i) {
    if (copied[i].seq != 0) moved.emplace(copied[i].seq, where[i].segment);
  }
  for (auto& a : acks_) {
    if (a.segment != segment) continue;
    if (auto m = moved.find(a.seq); m != moved.end()) a.segment = m->second;
  }
  for (auto& r : retries_) {
    if (r.segment != segment) continue;
    if (auto m = moved.find(r.seq); m != moved.end()) r.segment = m->second;
  }
  for (std::size_t i = 0; i < copied.size(); ++i) {
    if (copied[i].seq == 0) continue;
    auto it = entries_.find(copied[i].seq);
    if (it == entries_.end() || it->second.where.segment != copied[i].from.segment ||
        it->second.where.offset != copied[i].from.offset) {
      continue;  // acked meanwhile: the copy is dead on arrival
    }
    log_->release(it->second.where);
    it->second.where = where[i];
    log_->retain(where[i]);
    ++stats_.copied_forward;
  }
  return buf.size();
}

}  // namespace simpul::spool
