#include "connectors/file/file_factory.h"

#include "connectors/file/file_input.h"
#include "connectors/file/file_output.h"

namespace simpul::connectors {

namespace {

class file_factory final : public connector_factory {
 public:
  const config::component_spec& spec() const override { return file::file_spec(); }

  std::vector<std::pair<config::mark, std::string>> check(const config::node& n) const override {
    std::vector<std::pair<config::mark, std::string>> problems;
    if (auto s = file::read_input_settings(n); !s) problems.emplace_back(n.where(), s.error().message);
    return problems;
  }

  result<input_ptr> make_input(config::node_ptr n, context& ctx) const override {
    auto s = file::read_input_settings(*n);
    if (!s) return std::unexpected(s.error());
    return std::make_unique<file::input>(ctx.io, std::move(*s), ctx.name, ctx.data_dir / ctx.name);
  }

  result<output_ptr> make_output(config::node_ptr n, context&) const override {
    auto s = file::read_output_settings(*n);
    if (!s) return std::unexpected(s.error());
    return std::make_unique<file::output>(std::move(*s));
  }
};

}  // namespace

void register_file(registry& reg) { (void)reg.add(std::make_unique<file_factory>()); }

}  // namespace simpul::connectors
