#include "hub/spool/route_spool.h"

#include <algorithm>
#include <bit>
#include <future>

#include "hub/spool/bytes.h"
#include "hub/spool/crc32c.h"
#include "hub/spool/message_codec.h"
#include "hub/spool/spool_records.h"

namespace simpul::spool {
namespace {

using sys_clock = std::chrono::system_clock;
using records::has_bit;
using records::to_ms;

// Largest ack record: keep records far below max_frame_payload.
constexpr std::size_t acks_per_record = 1 << 16;
// Copy-forward moves at most this much per writer pass.
constexpr std::uint64_t copy_budget = 8ull << 20;

}  // namespace

route_spool::route_spool(spool_options opts) : opts_(std::move(opts)) {}

result<std::unique_ptr<route_spool>> route_spool::open(spool_options opts) {
  std::unique_ptr<route_spool> sp(new route_spool(std::move(opts)));
  auto log = segment_log::open({sp->opts_.dir, sp->opts_.segment_bytes},
                               [&](const segment_log::recovered& r) { sp->recover(r); });
  if (!log) return std::unexpected(log.error());
  sp->log_ = std::move(*log);
  for (auto& [seq, e] : sp->entries_) {
    sp->log_->retain(e.where);
    sp->make_ready(seq, e);
    ++sp->reserved_messages_;
    sp->reserved_bytes_ += e.bytes;
    sp->stats_.bytes += e.bytes;
  }
  for (auto [from, to] : sp->recovered_refs_) sp->log_->add_ref(from, to);
  sp->recovered_refs_.clear();
  sp->recovered_refs_.shrink_to_fit();
  sp->stats_.depth = sp->entries_.size();
  sp->stats_.recovery = sp->log_->recovery();
  sp->stats_.compacted_segments += sp->log_->collect();
  sp->writer_ = std::thread([p = sp.get()] { p->writer_loop(); });
  return sp;
}

route_spool::~route_spool() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (writer_.joinable()) writer_.join();
}

void route_spool::recover(const segment_log::recovered& r) {
  byte_reader in(r.payload);
  switch (r.type) {
    case record_type::append: {
      std::uint64_t mask = 0;
      std::int64_t appended = 0;
      if (!in.u64(mask) || !in.i64(appended)) return;
      next_seq_ = std::max(next_seq_, r.seq + 1);
      auto [it, fresh] = entries_.try_emplace(r.seq);
      entry& e = it->second;
      e.where = r.where;  // a copied-forward record supersedes the original
      e.mask = mask;
      if (fresh) {
        e.bytes = static_cast<std::uint32_t>(r.payload.size());
        e.appended_ms = appended;
        e.targets.resize(static_cast<std::size_t>(64 - std::countl_zero(mask)));
      }
      if (e.mask == 0) entries_.erase(it);
      return;
    }
    case record_type::ack: {
      std::uint32_t n = 0;
      if (!in.u32(n)) return;
      for (std::uint32_t i = 0; i < n; ++i) {
        std::uint64_t seq = 0;
        std::uint32_t t = 0;
        if (!in.u64(seq) || !in.u32(t)) return;
        // Never reuse a sequence number an old ack still names.
        next_seq_ = std::max(next_seq_, seq + 1);
        auto it = entries_.find(seq);
        if (it == entries_.end() || !has_bit(it->second.mask, t)) continue;
        recovered_refs_.emplace_back(r.where.segment, it->second.where.segment);
        it->second.mask &= ~(target_mask{1} << t);
        if (it->second.mask == 0) entries_.erase(it);
      }
      return;
    }
    case record_type::retry: {
      std::uint64_t seq = 0;
      std::uint32_t t = 0, attempt = 0;
      std::int64_t next = 0;
      if (!in.u64(seq) || !in.u32(t) || !in.u32(attempt) || !in.i64(next)) return;
      auto it = entries_.find(seq);
      if (it == entries_.end() || !has_bit(it->second.mask, t)) return;
      recovered_refs_.emplace_back(r.where.segment, it->second.where.segment);
      it->second.targets[t].attempt = attempt;
      it->second.targets[t].next_ms = next;
      return;
    }
    default:
      return;  // not ours; ignore rather than fail the whole spool
  }
}

route_spool::target_queue& route_spool::queue_of(std::uint32_t target) {
  if (target >= queues_.size()) queues_.resize(target + 1);
  return queues_[target];
}

void route_spool::make_ready(std::uint64_t seq, entry& e) {
  auto now = to_ms(sys_clock::now());
  for (std::uint32_t t = 0; t < e.targets.size(); ++t) {
    if (!has_bit(e.mask, t) || e.targets[t].in_flight) continue;
    auto& q = queue_of(t);
    if (e.targets[t].next_ms <= now) {
      q.ready.insert(seq);
    } else {
      q.delayed.emplace(e.targets[t].next_ms, seq);
    }
  }
}

result<void> route_spool::encode(message_ptr m, target_mask targets, std::int64_t now,
                                 const message_ptr& original, queued_batch& batch,
                                 std::uint64_t& bytes) const {
  queued_append q{0, now, {}, 0, std::move(m)};
  const bool same = original == q.msg;
  q.payload.reserve(16 + encoded_size(*q.msg) + (original && !same ? 1 + encoded_size(*original) : 1));
  byte_writer w(q.payload);
  w.u64(targets);
  w.i64(now);
  encode_message(q.payload, *q.msg);
  if (original) records::add_origin(q.payload, *original, same);
  if (q.payload.size() > max_frame_payload || q.payload.size() > opts_.max_bytes) {
    return make_error("spool.too_large", "message is larger than the spool accepts");
  }
  q.crc = crc32c(q.payload);
  bytes += q.payload.size();
  batch.items.push_back(std::move(q));
  return {};
}

result<void> route_spool::enqueue(queued_batch& batch, std::uint64_t bytes, append_callback& cb) {
  bool was_idle = false;
  {
    std::lock_guard lk(mu_);
    if (stop_) return make_error("spool.closed", "spool is shutting down");
    if (reserved_messages_ + batch.items.size() > opts_.max_messages ||
        reserved_bytes_ + bytes > opts_.max_bytes) {
      ++stats_.rejected_full;
      refusing_ = true;
      return make_error("spool.full", "spool for this route is full");
    }
    refusing_ = false;
    reserved_messages_ += batch.items.size();
    reserved_bytes_ += bytes;
    for (auto& q : batch.items) q.seq = next_seq_++;
    batch.cb = std::move(cb);
    was_idle = batches_.empty();
    batches_.push_back(std::move(batch));
  }
  if (was_idle) wake_.notify_one();
  return {};
}

result<void> route_spool::append(message_ptr msg, target_mask targets, append_callback&& cb,
                                 message_ptr original) {
  if (targets == 0) return make_error("spool.no_target", "message is pending for no target");
  queued_batch batch{{}, targets, {}};
  batch.items.reserve(1);
  std::uint64_t bytes = 0;
  auto now = to_ms(sys_clock::now());
  if (auto r = encode(std::move(msg), targets, now, original, batch, bytes); !r) return r;
  return enqueue(batch, bytes, cb);
}

result<void> route_spool::append(std::vector<message_ptr> msgs, target_mask targets,
                                 append_callback cb, message_ptr original) {
  if (targets == 0) return make_error("spool.no_target", "message is pending for no target");
  auto now = to_ms(sys_clock::now());
  queued_batch batch{{}, targets, {}};
  batch.items.reserve(msgs.size());
  std::uint64_t bytes = 0;
  for (auto& m : msgs) {
    if (auto r = encode(std::move(m), targets, now, original, batch, bytes); !r) return r;
  }
  return enqueue(batch, bytes, cb);
}

result<void> route_spool::append_sync(std::vector<message_ptr> msgs, target_mask targets) {
  std::promise<result<void>> done;
  auto fut = done.get_future();
  auto r = append(std::move(msgs), targets,
                  [&done](result<void> res) { done.set_value(std::move(res)); });
  if (!r) return r;
  return fut.get();
}

void route_spool::writer_loop() {
  auto last_flush = std::chrono::steady_clock::now();
  bool dirty = false;       // written but not yet fdatasynced
  bool compacting = false;  // copy-forward stopped at its budget last pass
  std::unique_lock lk(mu_);
  for (;;) {
    auto has_work = [&] {
      return !batches_.empty() || !acks_.empty() || !retries_.empty() || sync_waiters_ > 0;
    };
    if (compacting) {
      // no wait: finish reclaiming space first
    } else if (dirty) {
      wake_.wait_until(lk, last_flush + opts_.flush_interval, [&] { return has_work() || stop_; });
    } else {
      wake_.wait(lk, [&] { return has_work() || stop_; });
    }
    bool stopping = stop_ && !has_work();
    bool forced = sync_waiters_ > 0;
    std::vector<queued_batch> batches;
    std::vector<queued_ack> acks;
    std::vector<queued_retry> retries;
    batches.swap(batches_);
    acks.swap(acks_);
    retries.swap(retries_);
    lk.unlock();

    bool synced = false;
    if (!batches.empty() || !acks.empty() || !retries.empty()) {
      bool sync_now = forced || (opts_.durability == durability::fsync && !batches.empty());
      bool ok = write_batch(batches, acks, retries, sync_now);  // counts its flush
      synced = ok && sync_now;
      dirty = dirty || !synced;  // also after a failed flush: retried next interval
    }
    auto now = std::chrono::steady_clock::now();
    if (!synced && dirty && (forced || stopping || now - last_flush >= opts_.flush_interval)) {
      bool ok = static_cast<bool>(log_->sync());
      std::lock_guard g(mu_);
      ++stats_.flushes;
      if (!ok) ++stats_.io_errors;
      synced = ok;
      dirty = !ok;
      last_flush = now;  // a failing disk is retried once per interval, not in a spin
    }
    if (synced) {
      last_flush = now;
      dirty = false;
    }
    std::size_t gone = log_->collect();
    // Copy-forward up to a budget per pass so appends keep flowing; if the
    // budget ran out, come straight back instead of sleeping.
    compacting = false;
    std::uint64_t budget = copy_budget;
    if (!stopping && log_->segment_count() >= 3) {
      for (auto seg : log_->sparse_segments(0.25)) {
        auto copied = copy_forward(seg, budget);
        budget -= std::min(copied, budget);
        if (budget == 0) {
          compacting = true;
          break;
        }
      }
      gone += log_->collect();
    }
    lk.lock();
    stats_.compacted_segments += gone;
    if (forced) {
      ++sync_generation_;
      synced_.notify_all();
    }
    if (stopping) return;
  }
}

bool route_spool::write_batch(std::vector<queued_batch>& batches,
                              std::vector<queued_ack>& acks,
                              std::vector<queued_retry>& retries, bool sync_now) {
  std::string buf;
  std::vector<std::uint32_t> sizes;
  std::size_t total = 0, records = 0;
  for (const auto& b : batches) {
    for (const auto& q : b.items) total += frame_size(q.payload.size());
    records += b.items.size();
  }
  buf.reserve(total + frame_size(acks.size() * 12 + 4) + retries.size() * frame_size(32));
  sizes.reserve(records + acks.size() / acks_per_record + 1 + retries.size());
  for (const auto& b : batches) {
    for (const auto& q : b.items) {
      append_frame(buf, record_type::append, q.seq, q.payload, q.crc);
      sizes.push_back(static_cast<std::uint32_t>(frame_size(q.payload.size())));
    }
  }
  std::string payload;
  for (std::size_t i = 0; i < acks.size(); i += acks_per_record) {
    std::size_t n = std::min(acks_per_record, acks.size() - i);
    payload.clear();
    byte_writer w(payload);
    w.u32(static_cast<std::uint32_t>(n));
    for (std::size_t k = i; k < i + n; ++k) {
      w.u64(acks[k].seq);
      w.u32(acks[k].target);
    }
    append_frame(buf, record_type::ack, 0, payload);
    sizes.push_back(static_cast<std::uint32_t>(frame_size(payload.size())));
  }
  for (const auto& r : retries) records::add_retry(buf, sizes, r.seq, r.target, r.attempt, r.next_ms);

  // Written first, synced after the entries are handed to delivery: a
  // delivery worker can start while fdatasync runs (the record is in the page
  // cache). The append callbacks -- the 202 / PUBACK / file commit -- still
  // wait for the flush, so a source is only ever told "stored" for what is
  // durable; losing power before the flush can repeat a delivery whose
  // source was never answered, which at-least-once already allows.
  std::vector<record_location> where;
  auto r = log_->write(buf, sizes, where, false);
  if (!r) {
    // Nothing of this pass is on disk. Appends fail back to their callers;
    // acks/retries stay applied in memory and are only lost if we crash
    // before the next successful write (then the message is redelivered).
    {
      std::lock_guard lk(mu_);
      ++stats_.io_errors;
      for (const auto& b : batches) {
        for (const auto& q : b.items) {
          --reserved_messages_;
          reserved_bytes_ -= q.payload.size();
        }
      }
    }
    for (auto& b : batches) {
      if (b.cb) b.cb(std::unexpected(r.error()));
    }
    return false;
  }
  // Ack and retry records must outlive the segments of the records they amend.
  std::size_t idx = sizes.size() - retries.size();
  for (const auto& q : retries) log_->add_ref(where[idx++].segment, q.segment);
  idx = sizes.size() - retries.size() - (acks.size() + acks_per_record - 1) / acks_per_record;
  for (std::size_t i = 0; i < acks.size(); ++i) {
    log_->add_ref(where[idx + i / acks_per_record].segment, acks[i].segment);
  }
  commit_entries(batches, where);
  result<void> synced;
  if (sync_now) {
    synced = log_->sync();
    std::lock_guard lk(mu_);
    ++stats_.flushes;
    // On failure the records stay pending (they are written, and delivery may
    // have them already); their sources are told it failed and may send again.
    if (!synced) ++stats_.io_errors;
  }
  for (auto& b : batches) {
    if (b.cb) b.cb(synced);
  }
  return static_cast<bool>(synced);
}

void route_spool::commit_entries(std::vector<queued_batch>& batches,
                                 const std::vector<record_location>& where) {
  target_mask ready_targets = 0;
  ready_handler on_ready;
  {
    std::lock_guard lk(mu_);
    ++stats_.batches;
    std::size_t i = 0;
    for (auto& b : batches) {
      for (auto& q : b.items) {
        entry& e = entries_[q.seq];
        e.where = where[i++];
        e.mask = b.targets;
        e.bytes = static_cast<std::uint32_t>(q.payload.size());
        e.appended_ms = q.appended_ms;
        e.targets.resize(static_cast<std::size_t>(64 - std::countl_zero(b.targets)));
        if (cached_bytes_ + e.bytes <= opts_.cache_bytes) {
          e.cached = std::move(q.msg);
          cached_bytes_ += e.bytes;
        }
        log_->retain(e.where);
        make_ready(q.seq, e);
        ++stats_.appended;
        ++stats_.depth;
        stats_.bytes += e.bytes;
      }
      ready_targets |= b.targets;
    }
    on_ready = on_ready_;
  }
  if (on_ready && ready_targets != 0) on_ready(ready_targets);
}

}  // namespace simpul::spool
