#include "mappings/jsonata/process.h"

#include <string>
#include <vector>

#include "mappings/jsonata/error.h"

namespace simpul::mappings::jsonata {
namespace {

// A `%` that has not yet found the step whose input is its parent.
struct parent_slot {
  node* target;  // the parent node, whose `str` receives the label
  int level;
};

// Keys that evaluate to themselves (string literals with nothing attached)
// and differ from each other: the constructor needs no duplicate check.
bool has_distinct_literal_keys(const node& ctor) {
  for (std::size_t i = 0; i < ctor.pairs.size(); ++i) {
    const node& k = *ctor.pairs[i].first;
    if (k.type != node_type::literal || !k.lit.is_string() || !k.stages.empty() || k.group || k.keep_array)
      return false;
    for (std::size_t j = 0; j < i; ++j)
      if (ctor.pairs[j].first->lit.as_string() == k.lit.as_string()) return false;
  }
  return true;
}

class processor {
 public:
  node_ptr run(node_ptr raw) {
    std::vector<parent_slot> seeking;
    node_ptr n = process(std::move(raw), seeking);
    if (!seeking.empty()) raise("S0217", seeking.front().target->pos, "%");
    return n;
  }

 private:
  static node_ptr wrap_path(node_ptr n) {
    if (n->type == node_type::path) return n;
    auto p = std::make_unique<node>();
    p->type = node_type::path;
    p->pos = n->pos;
    p->items.push_back(std::move(n));
    return p;
  }

  // Moves `slot` back through one step; true once the step binding the
  // parent is found (the step whose input is the parent).
  bool seek(node& step, parent_slot& slot) {
    switch (step.type) {
      case node_type::name:
      case node_type::wildcard:
        if (--slot.level == 0) {
          if (step.ancestor.empty()) step.ancestor = "!" + std::to_string(label_++);
          slot.target->str = step.ancestor;
          step.tuple = true;
          return true;
        }
        return false;
      case node_type::parent:
        ++slot.level;
        return false;
      case node_type::sort:
        return false;
      case node_type::block:
        if (step.items.empty()) return false;
        step.tuple = true;
        return seek(*step.items.back(), slot);
      case node_type::path: {
        step.tuple = true;
        step.tuple_path = true;
        for (int i = static_cast<int>(step.items.size()) - 1; i >= 0; --i)
          if (seek(*step.items[static_cast<std::size_t>(i)], slot)) return true;
        return false;
      }
      default:
        raise("S0217", slot.target->pos, "%");
    }
  }

  // Walks back over `steps[0..from]` consuming levels; binds on arrival.
  void resolve(std::vector<node_ptr>& steps, int from, std::vector<parent_slot>& slots,
               std::vector<parent_slot>& unresolved) {
    for (auto& slot : slots) {
      bool done = false;
      for (int i = from; i >= 0 && !done; --i) {
        // a run of focus-bound steps (`a@$x.b@$y`) keeps one context: it is one level
        while (i > 0 && !steps[static_cast<std::size_t>(i)]->focus.empty() &&
               !steps[static_cast<std::size_t>(i) - 1]->focus.empty())
          --i;
        done = seek(*steps[static_cast<std::size_t>(i)], slot);
      }
      if (!done) unresolved.push_back(slot);
    }
  }

  static void mark_tail(node* n) {
    if (!n) return;
    if (n->type == node_type::call) {
      // a call whose result is filtered or grouped is not the last thing done
      n->thunk = n->stages.empty() && !n->group && !n->keep_array;
    } else if (n->type == node_type::condition) {
      mark_tail(n->rhs.get());
      mark_tail(n->third.get());
    } else if (n->type == node_type::block && !n->items.empty()) {
      mark_tail(n->items.back().get());
    }
  }

  node_ptr process(node_ptr n, std::vector<parent_slot>& seeking) {
    switch (n->type) {
      case node_type::name:
      case node_type::wildcard:
      case node_type::descendant:
        return wrap_path(std::move(n));
      case node_type::parent:
        seeking.push_back({n.get(), 1});
        return n;
      case node_type::binary:
        if (n->str == ".") return path(std::move(n), seeking);
        if (n->str == "[") return predicate(std::move(n), seeking);
        if (n->str == "{") return group(std::move(n), seeking);
        if (n->str == "@" || n->str == "#") return binding(std::move(n), seeking);
        break;
      case node_type::sort:
        return sort(std::move(n), seeking);
      case node_type::lambda: {
        std::vector<parent_slot> inner;
        n->rhs = process(std::move(n->rhs), inner);
        mark_tail(n->rhs.get());
        seeking.insert(seeking.end(), inner.begin(), inner.end());
        return n;
      }
      case node_type::call:
      case node_type::partial: {
        std::vector<parent_slot> ignored;
        n->lhs = process(std::move(n->lhs), ignored);
        for (auto& item : n->items) item = process(std::move(item), seeking);
        return n;
      }
      case node_type::object_ctor:
        for (auto& [k, v] : n->pairs) {
          k = process(std::move(k), seeking);
          v = process(std::move(v), seeking);
        }
        n->distinct_keys = has_distinct_literal_keys(*n);
        return n;
      default:
        break;
    }
    if (n->lhs) n->lhs = process(std::move(n->lhs), seeking);
    if (n->rhs) n->rhs = process(std::move(n->rhs), seeking);
    if (n->third) n->third = process(std::move(n->third), seeking);
    for (auto& item : n->items) item = process(std::move(item), seeking);
    return n;
  }

  node_ptr path(node_ptr n, std::vector<parent_slot>& seeking) {
    node_ptr lhs = process(std::move(n->lhs), seeking);
    std::vector<parent_slot> rhs_seeking;
    node_ptr rhs = process(std::move(n->rhs), rhs_seeking);
    // A grouping in the middle of a path (`a{k: v}.b`) belongs to the whole
    // path and is applied to its end result, as in the reference.
    node_ptr result = wrap_path(std::move(lhs));
    int last_lhs = static_cast<int>(result->items.size()) - 1;
    if (rhs->type == node_type::path && !rhs->group) {
      if (rhs->keep_singleton_array) result->keep_singleton_array = true;
      for (auto& step : rhs->items) result->items.push_back(std::move(step));
    } else {
      result->items.push_back(std::move(rhs));
    }
    for (auto& step : result->items) {
      if (step->type == node_type::literal) {
        if (step->lit.is_string()) {
          step->type = node_type::name;
          step->str = std::string(step->lit.as_string());
        } else {
          std::string v = step->lit.is_number() ? "number" : step->lit.is_null() ? "null" : "boolean";
          raise("S0213", step->pos, v, v);
        }
      }
      if (step->tuple) result->tuple_path = true;
      if (step->keep_array) result->keep_singleton_array = true;
    }
    resolve(result->items, last_lhs, rhs_seeking, seeking);
    // a constructed array as first step is the sequence itself; as last step it is not flattened
    if (result->items.front()->type == node_type::array_ctor) result->items.front()->consarray = true;
    if (result->items.back()->type == node_type::array_ctor) result->items.back()->consarray = true;
    for (auto& step : result->items)
      if (step->tuple) result->tuple_path = true;
    result->pos = n->pos;
    return result;
  }

  node_ptr predicate(node_ptr n, std::vector<parent_slot>& seeking) {
    node_ptr lhs = process(std::move(n->lhs), seeking);
    node* step = lhs.get();
    bool is_path = lhs->type == node_type::path;
    if (is_path) step = lhs->items.back().get();  // before any grouping of the path
    if (!n->rhs) {
      step->keep_array = true;
      if (is_path) lhs->keep_singleton_array = true;
      return lhs;
    }
    if (step->group) raise("S0209", n->pos, "[");
    std::vector<parent_slot> inner;
    stage st;
    st.expr = process(std::move(n->rhs), inner);
    st.pos = n->pos;
    step->stages.push_back(std::move(st));
    if (is_path) {
      resolve(lhs->items, static_cast<int>(lhs->items.size()) - 1, inner, seeking);
      if (step->tuple) lhs->tuple_path = true;
    } else {
      for (auto& slot : inner) {
        if (slot.level == 1) {
          if (!seek(*step, slot)) seeking.push_back(slot);
        } else {
          --slot.level;
          seeking.push_back(slot);
        }
      }
    }
    return lhs;
  }

  node_ptr group(node_ptr n, std::vector<parent_slot>& seeking) {
    node_ptr lhs = process(std::move(n->lhs), seeking);
    if (lhs->group) raise("S0210", n->pos, "{");
    std::vector<parent_slot> inner;
    node_ptr g = process(std::move(n->rhs), inner);
    if (lhs->type == node_type::path && !inner.empty())
      resolve(lhs->items, static_cast<int>(lhs->items.size()) - 1, inner, seeking);
    else
      seeking.insert(seeking.end(), inner.begin(), inner.end());
    lhs->group = std::move(g);
    return lhs;
  }

  node_ptr binding(node_ptr n, std::vector<parent_slot>& seeking) {
    node_ptr lhs = process(std::move(n->lhs), seeking);
    if (n->str == "@" && lhs->type != node_type::path) {
      // `expr@$v` outside a path binds nothing the rest of a path could see:
      // it is `expr`, unless a later `.` makes it a step of a path
      if (!lhs->stages.empty()) raise("S0215", n->pos, "@");
      lhs->focus = n->rhs->str;
      lhs->tuple = true;
      return lhs;
    }
    lhs = wrap_path(std::move(lhs));
    node& step = *lhs->items.back();
    const std::string& var = n->rhs->str;
    if (n->str == "@") {
      if (!step.stages.empty()) raise("S0215", n->pos, "@");
      if (step.type == node_type::sort) raise("S0216", n->pos, "@");
      step.focus = var;
    } else if (step.stages.empty()) {
      step.index = var;
    } else {
      stage st;
      st.is_index = true;
      st.var = var;
      st.pos = n->pos;
      step.stages.push_back(std::move(st));
    }
    step.tuple = true;
    lhs->tuple_path = true;
    return lhs;
  }

  node_ptr sort(node_ptr n, std::vector<parent_slot>& seeking) {
    node_ptr lhs = wrap_path(process(std::move(n->lhs), seeking));
    auto step = std::make_unique<node>();
    step->type = node_type::sort;
    step->pos = n->pos;
    std::vector<parent_slot> inner;
    for (auto& term : n->sort_terms) {
      term.expr = process(std::move(term.expr), inner);
      step->sort_terms.push_back(std::move(term));
    }
    resolve(lhs->items, static_cast<int>(lhs->items.size()) - 1, inner, seeking);
    lhs->items.push_back(std::move(step));
    for (auto& s : lhs->items)
      if (s->tuple) lhs->tuple_path = true;
    return lhs;
  }

  int label_ = 0;
};

}  // namespace

node_ptr process_ast(node_ptr raw) {
  processor p;
  return p.run(std::move(raw));
}

}  // namespace simpul::mappings::jsonata
