#include "connectors/mqtt/mqtt_factory.h"

#include "connectors/mqtt/mqtt_input.h"
#include "connectors/mqtt/mqtt_output.h"

namespace simpul::connectors {

namespace {

class mqtt_factory final : public connector_factory {
 public:
  const config::component_spec& spec() const override { return mqtt::mqtt_spec(); }

  std::vector<std::pair<config::mark, std::string>> check(const config::node& n) const override {
    std::vector<std::pair<config::mark, std::string>> problems;
    if (auto s = mqtt::read_settings(n, "check"); !s) problems.emplace_back(n.where(), s.error().message);
    return problems;
  }

  result<input_ptr> make_input(config::node_ptr n, context& ctx) const override {
    auto s = mqtt::read_settings(*n, ctx.name);
    if (!s) return std::unexpected(s.error());
    // The input has its own Asio client (manual acks), see mqtt_subscriber.h.
    return std::make_unique<mqtt::input>(ctx.io, std::move(*s), mqtt::probe::make(ctx.metrics.get(), ctx.name),
                                         ctx.name);
  }

  result<output_ptr> make_output(config::node_ptr n, context& ctx) const override {
    auto s = mqtt::read_settings(*n, ctx.name);
    if (!s) return std::unexpected(s.error());
    // A connector used both ways has two clients; the broker needs distinct ids.
    std::string id = s->client_id + "-pub";
    auto sess = std::make_shared<mqtt::session>(ctx.io, std::move(*s), std::move(id),
                                                mqtt::probe::make(ctx.metrics.get(), ctx.name));
    return std::make_unique<mqtt::output>(std::move(sess), ctx.name);
  }
};

}  // namespace

void register_mqtt(registry& reg) { (void)reg.add(std::make_unique<mqtt_factory>()); }

}  // namespace simpul::connectors
