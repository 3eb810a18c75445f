#include "connectors/http/responder.h"

#include "connectors/http/http_util.h"
#include "hub/message.h"

namespace simpul::http {

responder::responder(deliver_fn deliver) : state_(std::make_shared<state>()) {
  state_->deliver = std::move(deliver);
}

bool responder::send(response res) const {
  if (state_->done.exchange(true)) return false;
  state_->deliver(std::move(res));
  return true;
}

bool responder::answered() const { return state_->done.load(); }

responder::state::~state() {
  // Every copy is gone and nobody answered: a handler lost the request.
  if (!done.exchange(true) && deliver) {
    deliver(make_json_error(500, "http.no_answer", "the request was dropped without an answer",
                            make_message_id()));
  }
}

}  // namespace simpul::http
