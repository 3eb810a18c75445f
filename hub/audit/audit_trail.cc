#include "hub/audit/audit_trail.h"

#include <fstream>
#include <iterator>
#include <vector>

#include "monitoring/log.h"

namespace simpul::hub {
namespace {

const monitoring::logger& log() {
  static const monitoring::logger l("audit");
  return l;
}

}  // namespace

result<std::shared_ptr<audit_trail>> audit_trail::open(options opts, security::audit_key key) {
  security::audit_log::options lo;
  lo.path = opts.path;
  lo.fsync_each = false;  // the writer syncs once per batch
  auto l = security::audit_log::open(std::move(lo), std::move(key));
  if (!l) return make_error(l.error().code, "audit log " + opts.path + ": " + l.error().message);
  return std::shared_ptr<audit_trail>(new audit_trail(std::move(*l), std::move(opts)));
}

audit_trail::audit_trail(std::unique_ptr<security::audit_log> log, options opts)
    : log_(std::move(log)), path_(std::move(opts.path)), fsync_(opts.fsync) {
  writer_ = std::thread([this] { run(); });
}

audit_trail::~audit_trail() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  writer_.join();
  auto h = log_->head();
  if (h.seq > 0) {
    // The anchor proves no record was cut from the end: keep it elsewhere.
    log().info("audit log closed at seq " + std::to_string(h.seq) + " hash " + h.hash);
  }
}

void audit_trail::record(security::audit_record r) {
  if (r.time == std::chrono::system_clock::time_point{}) r.time = std::chrono::system_clock::now();
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(r));
    ++queued_;
  }
  wake_.notify_one();
}

void audit_trail::message_event(security::audit_event e, std::string_view route,
                                const message* original, const message* mapped,
                                std::string_view mapping, std::string_view mapping_version,
                                std::string_view outcome) {
  security::audit_record r;
  r.event = e;
  r.route = route;
  const message* any = original ? original : mapped;
  if (any) {
    r.message_id = any->id;
    r.trace_id = any->trace_id;
    if (auto c = any->attribute("client")) r.client = *c;
  }
  if (original) r.body_sha256 = security::audit_record::body_hash(original->body);
  if (mapped) {
    r.mapped_sha256 = security::audit_record::body_hash(mapped->body);
    r.message_id = mapped->id;
  }
  r.mapping = mapping;
  r.mapping_version = mapping_version;
  r.outcome = outcome;
  record(std::move(r));
}

void audit_trail::admin_action(std::string_view action, std::string_view client,
                               std::string_view outcome) {
  security::audit_record r;
  r.event = security::audit_event::admin_action;
  r.action = action;
  r.client = client;
  r.outcome = outcome;
  record(std::move(r));
}

void audit_trail::flush() {
  std::unique_lock lock(mu_);
  auto target = queued_;
  written_.wait(lock, [&] { return done_ >= target; });
}

void audit_trail::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty() && stopping_) break;
    std::deque<security::audit_record> batch;
    batch.swap(queue_);
    lock.unlock();
    for (const auto& r : batch) {
      if (auto ok = log_->append(r); !ok) {
        // Losing an audit record is loud: logged and counted, never silent.
        failures_.fetch_add(1);
        log().error("cannot append audit record: " + ok.error().message,
                    {r.route, r.message_id, r.trace_id});
      }
    }
    if (fsync_) {
      if (auto ok = log_->sync(); !ok) {
        failures_.fetch_add(1);
        log().error("cannot sync the audit log: " + ok.error().message);
      }
    }
    lock.lock();
    done_ += batch.size();
    written_.notify_all();
  }
}

std::string mapping_file_version(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return "sha256:" + security::audit_record::body_hash(bytes).substr(0, 16);
}

}  // namespace simpul::hub
