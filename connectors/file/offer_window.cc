#include "connectors/file/offer_window.h"

#include "connectors/file/record_feed.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <optional>

namespace simpul::connectors::file {

namespace {

using clock = std::chrono::steady_clock;
using status = ingest_result::status;

/// Answers the hub gave since the worker last looked. Shared with the
/// callbacks, which may outlive `run`. Guarded by worker_signal::m.
struct inbox {
  struct answer {
    std::size_t record;
    std::size_t route;
    ingest_result result;
  };
  std::vector<answer> answers;
  bool waiting = false;  // the worker sleeps on the cv: the next answer wakes it
};

struct route_offer {
  message_ptr msg;  // the same message (same id) on every retry
  bool pending = false;  // submitted, not answered yet
  std::optional<clock::time_point> retry_at;
};

struct slot {
  progress_log::entry entry;
  std::vector<route_offer> offers;
  std::size_t open = 0;  // routes that have not answered for good
};

}  // namespace

offer_window::outcome offer_window::run(record_feed& records, std::size_t first, const make_fn& make,
                                        const commit_fn& commit) {
  auto box = std::make_shared<inbox>();
  // One short critical section per answer, and a wake-up only when the
  // worker sleeps (the first answer of a burst clears `waiting`); the worker
  // takes all answers at once and works on them outside the lock.
  auto submit = [this, &box](route_offer& o, std::size_t record, std::size_t route) {
    o.pending = true;
    o.retry_at.reset();
    routes_[route].second->submit(o.msg, [sig = sig_, box, record, route](ingest_result r) {
      bool wake = false;
      {
        std::lock_guard lock(sig->m);
        box->answers.push_back({record, route, std::move(r)});
        wake = std::exchange(box->waiting, false);
      }
      if (wake) sig->cv.notify_all();
    });
  };

  std::deque<slot> window;
  std::size_t next = first;
  std::size_t retrying = 0;  // offers waiting for their retry_at
  std::vector<inbox::answer> answers;
  while (true) {
    for (std::size_t ready = records.ready(); window.size() < width_ && next < ready;) {
      slot& s = window.emplace_back();
      s.entry.index = next;
      const record& r = records.at(next);
      if (!r.error.empty()) {
        s.entry.what = progress_log::outcome::unreadable;
        s.entry.reason = r.error;
      } else {
        s.offers.resize(routes_.size());
        s.open = routes_.size();
        for (std::size_t i = 0; i < routes_.size(); ++i) s.offers[i].msg = make(next, routes_[i].first);
        for (std::size_t i = 0; i < routes_.size(); ++i) submit(s.offers[i], next, i);
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
    if (window.empty()) {
      bool closed = records.closed();  // before ready(): then the count is final
      if (closed && next >= records.ready()) return outcome::finished;
    }

    std::optional<clock::time_point> earliest;
    if (retrying > 0) {
      for (const auto& s : window) {
        for (const auto& o : s.offers) {
          if (o.retry_at && (!earliest || *o.retry_at < *earliest)) earliest = o.retry_at;
        }
      }
    }
    {
      std::unique_lock lock(sig_->m);
      auto news = [&] {
        return sig_->stopping || !box->answers.empty() || (earliest && *earliest <= clock::now()) ||
               (window.size() < width_ && records.ready() > next) || (window.empty() && records.closed());
      };
      if (!news()) {
        box->waiting = true;
        if (earliest) sig_->cv.wait_until(lock, *earliest, news);
        else sig_->cv.wait(lock, news);
        box->waiting = false;
      }
      if (sig_->stopping) return outcome::stopped;
      answers.clear();
      answers.swap(box->answers);
    }

    const auto now = clock::now();
    if (window.empty()) continue;  // woken for new records
    const std::size_t base = window.front().entry.index;
    for (auto& a : answers) {
      slot& s = window[a.record - base];  // an answered record is still in the window
      route_offer& o = s.offers[a.route];
      o.pending = false;
      if (a.result.state == status::unavailable) {
        o.retry_at = now + std::clamp<std::chrono::milliseconds>(
                               std::chrono::duration_cast<std::chrono::milliseconds>(a.result.retry_after),
                               std::chrono::milliseconds(100), std::chrono::milliseconds(5000));
        ++retrying;
        continue;
      }
      if (a.result.state == status::rejected && s.entry.what == progress_log::outcome::ok) {
        s.entry.what = progress_log::outcome::rejected;
        s.entry.reason = routes_[a.route].first + ": " + (a.result.reason.empty() ? a.result.error_code : a.result.reason);
      }
      --s.open;
    }
    if (retrying > 0) {
      for (auto& s : window) {
        for (std::size_t i = 0; i < s.offers.size(); ++i) {
          route_offer& o = s.offers[i];
          if (o.retry_at && *o.retry_at <= now) {
            --retrying;
            submit(o, s.entry.index, i);
          }
        }
      }
    }
  }
}

}  // namespace simpul::connectors::file
