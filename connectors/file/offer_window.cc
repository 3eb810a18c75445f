#include "connectors/file/offer_window.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <optional>

namespace simpul::connectors::file {

namespace {

using clock = std::chrono::steady_clock;
using status = ingest_result::status;

struct answer_box {
  std::optional<ingest_result> result;  // guarded by worker_signal::m
};

struct route_offer {
  message_ptr msg;  // the same message (same id) on every retry
  std::shared_ptr<answer_box> box;
  bool pending = false;  // submitted, no answer collected yet
  std::optional<clock::time_point> retry_at;
};

struct slot {
  progress_log::entry entry;
  std::vector<route_offer> offers;
  std::size_t open = 0;  // routes that have not answered for good
};

}  // namespace

offer_window::outcome offer_window::run(const std::vector<record>& records, std::size_t first, const make_fn& make,
                                        const commit_fn& commit) {
  auto submit = [this](route_offer& o, std::size_t route) {
    o.box = std::make_shared<answer_box>();
    o.pending = true;
    o.retry_at.reset();
    routes_[route].second->submit(o.msg, [sig = sig_, box = o.box](ingest_result r) {
      {
        std::lock_guard lock(sig->m);
        box->result = std::move(r);
      }
      sig->cv.notify_all();
    });
  };

  std::deque<slot> window;
  std::size_t next = first;
  while (true) {
    while (window.size() < width_ && next < records.size()) {
      slot& s = window.emplace_back();
      s.entry.index = next;
      const record& r = records[next];
      if (!r.error.empty()) {
        s.entry.what = progress_log::outcome::unreadable;
        s.entry.reason = r.error;
      } else {
        s.offers.resize(routes_.size());
        s.open = routes_.size();
        for (std::size_t i = 0; i < routes_.size(); ++i) s.offers[i].msg = make(next, routes_[i].first);
        for (std::size_t i = 0; i < routes_.size(); ++i) submit(s.offers[i], i);
      }
      ++next;
    }

    std::vector<progress_log::entry> done;
    while (!window.empty() && window.front().open == 0) {
      done.push_back(std::move(window.front().entry));
      window.pop_front();
    }
    if (!done.empty()) {
      if (!commit(std::move(done))) return outcome::failed;
      continue;  // refill first
    }
    if (window.empty()) return outcome::finished;

    std::vector<std::pair<route_offer*, std::size_t>> resubmit;
    {
      std::unique_lock lock(sig_->m);
      auto news = [&] {
        if (sig_->stopping) return true;
        const auto now = clock::now();
        for (const auto& s : window) {
          for (const auto& o : s.offers) {
            if ((o.pending && o.box->result) || (o.retry_at && *o.retry_at <= now)) return true;
          }
        }
        return false;
      };
      std::optional<clock::time_point> earliest;
      for (const auto& s : window) {
        for (const auto& o : s.offers) {
          if (o.retry_at && (!earliest || *o.retry_at < *earliest)) earliest = o.retry_at;
        }
      }
      if (earliest) sig_->cv.wait_until(lock, *earliest, news);
      else sig_->cv.wait(lock, news);
      if (sig_->stopping) return outcome::stopped;

      const auto now = clock::now();
      for (auto& s : window) {
        for (std::size_t i = 0; i < s.offers.size(); ++i) {
          route_offer& o = s.offers[i];
          if (o.pending && o.box->result) {
            ingest_result res = std::move(*o.box->result);
            o.pending = false;
            if (res.state == status::unavailable) {
              o.retry_at = now + std::clamp<std::chrono::milliseconds>(
                                     std::chrono::duration_cast<std::chrono::milliseconds>(res.retry_after),
                                     std::chrono::milliseconds(100), std::chrono::milliseconds(5000));
              continue;
            }
            if (res.state == status::rejected && s.entry.what == progress_log::outcome::ok) {
              s.entry.what = progress_log::outcome::rejected;
              s.entry.reason = routes_[i].first + ": " + (res.reason.empty() ? res.error_code : res.reason);
            }
            --s.open;
          } else if (o.retry_at && *o.retry_at <= now) {
            resubmit.emplace_back(&o, i);
          }
        }
      }
    }
    for (auto& [o, route] : resubmit) submit(*o, route);
  }
}

}  // namespace simpul::connectors::file
