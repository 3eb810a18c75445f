#include "hub/config/substitute.h"

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include "hub/config/path.h"

namespace simpul::config {
namespace {

std::optional<std::string> read_secret_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return std::nullopt;
  std::string text = s.str();
  // Secret files are usually written by `echo`: the newline is not part of it.
  if (!text.empty() && text.back() == '\n') text.pop_back();
  if (!text.empty() && text.back() == '\r') text.pop_back();
  return text;
}

constexpr const char* expected_forms = "expected ${env:NAME} or ${file:PATH}";

class substituter {
 public:
  substituter(const std::filesystem::path& base_dir, std::vector<problem>& problems)
      : base_dir_(base_dir), problems_(problems) {}

  void walk(node& n, const std::string& path) {
    if (n.is_scalar()) {
      scalar(n, path);
    } else if (n.is_sequence()) {
      for (std::size_t i = 0; i < n.items().size(); ++i) walk(n.items()[i], index_path(path, i));
    } else if (n.is_map()) {
      for (auto& e : n.entries()) walk(e.value, child_path(path, e.key));
    }
  }

 private:
  void scalar(node& n, const std::string& path) {
    const std::string& in = n.text();
    if (in.find("${") == std::string::npos) return;
    std::string out;
    bool secret = false;
    bool failed = false;
    std::size_t i = 0;
    while (i < in.size()) {
      if (in.compare(i, 3, "$${") == 0) {
        out += "${";
        i += 3;
        continue;
      }
      if (in.compare(i, 2, "${") != 0) {
        out += in[i++];
        continue;
      }
      auto close = in.find('}', i + 2);
      if (close == std::string::npos) {
        report(
            n, path,
            "unterminated '${' (" + std::string(expected_forms) + "; write $${ for a literal ${)");
        failed = true;
        break;
      }
      std::string ref = in.substr(i + 2, close - i - 2);
      i = close + 1;
      secret = true;
      auto value = resolve(n, path, ref);
      if (!value) {
        failed = true;
        continue;
      }
      out += *value;
    }
    if (failed) {
      n.set_text("", true);
      return;
    }
    n.set_text(std::move(out), secret);
  }

  std::optional<std::string> resolve(const node& n, const std::string& path,
                                     const std::string& ref) {
    if (ref.starts_with("env:") && ref.size() > 4) {
      std::string name = ref.substr(4);
      const char* v = std::getenv(name.c_str());
      if (!v) {
        report(n, path, "environment variable '" + name + "' is not set");
        return std::nullopt;
      }
      return std::string(v);
    }
    if (ref.starts_with("file:") && ref.size() > 5) {
      std::filesystem::path p = ref.substr(5);
      if (p.is_relative()) p = base_dir_ / p;
      auto v = read_secret_file(p);
      if (!v) {
        report(n, path, "cannot read file '" + p.string() + "' named by ${file:...}");
        return std::nullopt;
      }
      return v;
    }
    report(n, path, "unknown substitution '${" + ref + "}' (" + expected_forms + ")");
    return std::nullopt;
  }

  void report(const node& n, const std::string& path, std::string message) {
    problems_.push_back({n.where(), path, std::move(message)});
  }

  const std::filesystem::path& base_dir_;
  std::vector<problem>& problems_;
};

}  // namespace

void substitute_secrets(node& root, const std::filesystem::path& base_dir,
                        std::vector<problem>& problems) {
  substituter(base_dir, problems).walk(root, "");
}

}  // namespace simpul::config
