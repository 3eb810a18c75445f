#include "hub/config/yaml_loader.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <fstream>
#include <map>
#include <sstream>

namespace simpul::config {
namespace {

/// Builds nodes from yaml-cpp's event stream. Using events rather than
/// YAML::Node keeps every key's position and lets us see duplicate keys,
/// which YAML::Node silently merges.
class tree_builder : public YAML::EventHandler {
 public:
  tree_builder(const std::string& file, std::vector<problem>& problems)
      : file_(file), problems_(problems) {}

  std::optional<node> take() { return std::move(root_); }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& m, YAML::anchor_t anchor) override {
    complete(node(node::kind::null, to_mark(m)), anchor);
  }

  void OnAlias(const YAML::Mark& m, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      complete(node(node::kind::null, to_mark(m)), 0);
      return;
    }
    complete(it->second, 0);
  }

  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t anchor,
                const std::string& value) override {
    node n(node::kind::scalar, to_mark(m));
    n.set_text(value);
    complete(std::move(n), anchor);
  }

  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    stack_.push_back(frame{node(node::kind::sequence, to_mark(m)), anchor, {}, false});
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    stack_.push_back(frame{node(node::kind::map, to_mark(m)), anchor, {}, false});
  }
  void OnMapEnd() override { close(); }

 private:
  struct frame {
    node value;
    YAML::anchor_t anchor = 0;
    // maps alternate key, value: the pending key waits for its value
    std::optional<map_entry> pending;
    bool skip_value = false;  ///< the pending key was bad/duplicate: drop its value
  };

  mark to_mark(const YAML::Mark& m) const { return mark{file_, m.line + 1, m.column + 1}; }

  void close() {
    frame f = std::move(stack_.back());
    stack_.pop_back();
    complete(std::move(f.value), f.anchor);
  }

  /// A finished node goes into its parent (or becomes the root).
  void complete(node n, YAML::anchor_t anchor) {
    if (anchor != 0) anchors_[anchor] = n;
    if (stack_.empty()) {
      root_ = std::move(n);
      return;
    }
    frame& parent = stack_.back();
    if (parent.value.is_sequence()) {
      parent.value.items().push_back(std::move(n));
      return;
    }
    if (!parent.pending) {
      start_entry(parent, std::move(n));
      return;
    }
    if (!parent.skip_value) {
      parent.pending->value = std::move(n);
      parent.value.entries().push_back(std::move(*parent.pending));
    }
    parent.pending.reset();
    parent.skip_value = false;
  }

  void start_entry(frame& parent, node key) {
    map_entry e{key.text(), key.where(), node{}};
    parent.skip_value = false;
    if (!key.is_scalar()) {
      problems_.push_back({key.where(), "yaml", "a map key must be a plain string"});
      parent.skip_value = true;
    } else {
      for (const auto& prior : parent.value.entries()) {
        if (prior.key == e.key) {
          problems_.push_back({key.where(), "yaml",
                               "duplicate key '" + e.key + "' (first defined at line " +
                                   std::to_string(prior.key_mark.line) + ")"});
          parent.skip_value = true;
          break;
        }
      }
    }
    parent.pending = std::move(e);
  }

  const std::string& file_;
  std::vector<problem>& problems_;
  std::vector<frame> stack_;
  std::map<YAML::anchor_t, node> anchors_;
  std::optional<node> root_;
};

}  // namespace

std::optional<node> parse_yaml(std::string_view text, const std::string& file,
                               std::vector<problem>& problems) {
  std::istringstream in{std::string(text)};
  tree_builder builder(file, problems);
  try {
    YAML::Parser parser(in);
    if (!parser.HandleNextDocument(builder)) return node(node::kind::null, mark{file, 1, 1});
    tree_builder extra(file, problems);
    if (parser.HandleNextDocument(extra)) {
      auto second = extra.take();
      mark m = second ? second->where() : mark{file, 1, 1};
      problems.push_back({m, "yaml", "only one YAML document is allowed (found a second one)"});
    }
  } catch (const YAML::Exception& e) {
    mark m{file, e.mark.is_null() ? 0 : e.mark.line + 1, e.mark.is_null() ? 0 : e.mark.column + 1};
    problems.push_back({m, "yaml", e.msg});
    return std::nullopt;
  }
  auto root = builder.take();
  if (!root) return node(node::kind::null, mark{file, 1, 1});
  return root;
}

std::optional<node> load_yaml_file(const std::filesystem::path& path,
                                   std::vector<problem>& problems) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    problems.push_back({mark{path.string(), 0, 0}, "file", "cannot open the config file"});
    return std::nullopt;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_yaml(text.str(), path.string(), problems);
}

}  // namespace simpul::config
