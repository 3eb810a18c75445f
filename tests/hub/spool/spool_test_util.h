#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "hub/message.h"
#include "hub/spool/route_spool.h"

namespace simpul::spool::testing {

inline message_ptr make_msg(const std::string& body, const std::string& key = "k") {
  auto m = std::make_shared<message>();
  m->id = make_message_id();
  m->key = key;
  m->body = body;
  m->content_type = "application/json";
  m->source = "test_in";
  m->route = "r";
  m->received_at = std::chrono::system_clock::now();
  m->trace_id = make_trace_id();
  return m;
}

inline std::vector<std::string> take_ids(route_spool& sp, std::uint32_t target,
                                         std::size_t max = 1000) {
  std::vector<std::string> ids;
  for (const auto& it : sp.take(target, max)) ids.push_back(it.msg->id);
  return ids;
}

inline std::vector<std::string> ids_of(const std::vector<message_ptr>& v) {
  std::vector<std::string> ids;
  for (const auto& m : v) ids.push_back(m->id);
  return ids;
}

}  // namespace simpul::spool::testing
