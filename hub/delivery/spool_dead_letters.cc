#include "hub/delivery/spool_dead_letters.h"

#include <boost/asio/post.hpp>

namespace simpul::hub {

spool_dead_letters::spool_dead_letters(std::shared_ptr<spool::dlq_store> store)
    : store_(std::move(store)) {}

spool_dead_letters::~spool_dead_letters() { pool_.join(); }

void spool_dead_letters::add(dead_letter letter, std::function<void(result<void>)> done) {
  spool::dlq_entry e;
  e.msg = *letter.msg;
  if (letter.original) e.original = *letter.original;
  e.route = std::move(letter.route);
  e.target = std::move(letter.connector);
  e.reason_code = std::move(letter.reason_code);
  e.reason_text = std::move(letter.reason);
  e.last_status = letter.last_status;
  e.last_body = std::move(letter.last_response);
  e.attempts = letter.attempts;
  e.first_failure = letter.first_failure;
  e.trace_id = letter.msg->trace_id;
  boost::asio::post(pool_, [store = store_, e = std::move(e), done = std::move(done)]() mutable {
    auto r = store->add(std::move(e));
    if (!r) return done(std::unexpected(r.error()));
    done({});
  });
}

}  // namespace simpul::hub
