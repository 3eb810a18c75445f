#include "tests/hub/config/test_factories.h"

#include <stdlib.h>

#include <fstream>
#include <stdexcept>

namespace simpul::config::testing {
namespace {

field_spec f(std::string name, field_type type, std::string def = {}) {
  field_spec s;
  s.name = std::move(name);
  s.type = type;
  s.default_value = std::move(def);
  return s;
}

field_spec req(field_spec s) {
  s.required = true;
  return s;
}

class server_factory : public connectors::connector_factory {
 public:
  server_factory() {
    spec_.type = "test_server";
    spec_.summary = "test input";
    spec_.input = true;
    spec_.request_reply = true;
    field_spec workers = f("workers", field_type::integer, "4");
    workers.min = 1;
    field_spec ratio = f("ratio", field_type::number, "0.5");
    ratio.min = 0;
    field_spec format = f("format", field_type::string, "json");
    format.allowed = {"json", "xml"};
    field_spec api_key = f("api_key", field_type::string);
    api_key.secret = true;
    field_spec tls = f("tls", field_type::object);
    field_spec key = f("key", field_type::string);
    key.secret = true;
    tls.fields = {req(f("cert", field_type::string)), key};
    field_spec users = f("users", field_type::object_list);
    field_spec password = f("password", field_type::string);
    password.secret = true;
    users.fields = {req(f("name", field_type::string)), password};
    field_spec limits = f("limits", field_type::object);
    limits.fields = {f("burst", field_type::integer, "10")};
    spec_.fields = {req(f("listen", field_type::host_port)),
                    f("max_body", field_type::size, "1MiB"),
                    f("read_timeout", field_type::duration, "30s"),
                    workers,
                    ratio,
                    f("verbose", field_type::boolean, "false"),
                    f("tags", field_type::string_list),
                    f("headers", field_type::string_map),
                    format,
                    api_key,
                    tls,
                    users,
                    limits,
                    f("extra", field_type::any)};
    spec_.route_fields = {req(f("path", field_type::string)),
                          f("methods", field_type::string_list, "[POST]")};
  }
  const config::component_spec& spec() const override { return spec_; }
  // Cross-field rule: a body limit above 64MiB needs a read timeout of at
  // least a minute.
  std::vector<std::pair<config::mark, std::string>> check(const config::node& n) const override {
    std::vector<std::pair<config::mark, std::string>> out;
    if (n.get_size("max_body") > (64u << 20) &&
        n.get_duration("read_timeout") < std::chrono::minutes(1)) {
      out.emplace_back(n.find("max_body")->where(),
                       "max_body above 64MiB needs read_timeout of at least 1m");
    }
    return out;
  }

 private:
  config::component_spec spec_;
};

class client_factory : public connectors::connector_factory {
 public:
  client_factory() {
    spec_.type = "test_client";
    spec_.summary = "test output";
    spec_.output = true;
    field_spec token = f("token", field_type::string);
    token.secret = true;
    field_spec method = f("method", field_type::string, "POST");
    method.allowed = {"POST", "PUT"};
    spec_.fields = {req(f("url", field_type::string)), token};
    spec_.output_fields = {method, f("path", field_type::string)};
  }
  const config::component_spec& spec() const override { return spec_; }

 private:
  config::component_spec spec_;
};

class queue_factory : public connectors::connector_factory {
 public:
  queue_factory() {
    spec_.type = "test_queue";
    spec_.summary = "test input and output";
    spec_.input = true;
    spec_.output = true;
    spec_.fields = {f("broker", field_type::host_port, "127.0.0.1:1883")};
    spec_.route_fields = {req(f("topic", field_type::string))};
    field_spec qos = f("qos", field_type::integer, "1");
    qos.min = 0;
    spec_.output_fields = {req(f("topic", field_type::string)), qos};
  }
  const config::component_spec& spec() const override { return spec_; }

 private:
  config::component_spec spec_;
};

}  // namespace

connectors::registry make_test_registry() {
  connectors::registry reg;
  (void)reg.add(std::make_unique<server_factory>());
  (void)reg.add(std::make_unique<client_factory>());
  (void)reg.add(std::make_unique<queue_factory>());
  return reg;
}

temp_dir::temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "simpul-config-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

temp_dir::~temp_dir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::filesystem::path temp_dir::write(const std::string& relative, const std::string& text) const {
  auto p = path_ / relative;
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

}  // namespace simpul::config::testing
