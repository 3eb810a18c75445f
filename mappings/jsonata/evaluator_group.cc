// Grouping ({} on paths and object constructors) and sorting (^). Part of
// class evaluator.

#include <algorithm>

#include "mappings/jsonata/error.h"
#include "mappings/jsonata/evaluator.h"
#include "mappings/jsonata/json.h"

namespace simpul::mappings::jsonata {

namespace {

value append_value(value acc, const value& v) {
  if (acc.is_undefined()) return v;
  if (v.is_undefined()) return acc;
  value out = value::new_sequence();
  if (acc.is_array()) {
    for (const auto& x : acc.arr().items) out.push(x);
  } else {
    out.push(acc);
  }
  if (v.is_array()) {
    for (const auto& x : v.arr().items) out.push(x);
  } else {
    out.push(v);
  }
  return out;
}

std::string json_text(const value& v) {
  std::string s;
  write_json(s, v);
  return s;
}

}  // namespace

value evaluator::eval_group(const node* ctor, const value& input, const frame_ptr& env) {
  if (!input.is_array()) {
    // one item: every key forms its own group of that item
    value result = value::new_object();
    result.obj_mut().entries.reserve(ctor->pairs.size());
    for (std::size_t pi = 0; pi < ctor->pairs.size(); ++pi) {
      value key = eval(ctor->pairs[pi].first.get(), input, env);
      if (key.is_undefined()) continue;
      if (!key.is_string()) raise("T1003", ctor->pos, "", json_text(key));
      if (!ctor->distinct_keys && result.get(key.as_string()))
        raise("D1009", ctor->pos, "", std::string(key.as_string()));
      value v = eval(ctor->pairs[pi].second.get(), input, env);
      if (!v.is_undefined()) result.add(std::move(key), std::move(v));
    }
    return result;
  }
  std::vector<tuple> items;
  if (input.is_array()) {
    for (const auto& x : input.arr().items) items.push_back({x, {}});
  } else {
    items.push_back({input, {}});
  }
  if (items.empty()) items.push_back({value(), {}});
  value result = value::new_object();
  // key -> (pair index, grouped data)
  struct group_entry {
    std::size_t pair;
    value data;
  };
  std::vector<std::pair<value, group_entry>> groups;
  for (const auto& item : items) {
    for (std::size_t pi = 0; pi < ctor->pairs.size(); ++pi) {
      value key = eval(ctor->pairs[pi].first.get(), item.focus, env);
      if (key.is_undefined()) continue;
      if (!key.is_string()) raise("T1003", ctor->pos, "", json_text(key));
      auto it = std::find_if(groups.begin(), groups.end(),
                             [&](const auto& g) { return g.first.as_string() == key.as_string(); });
      if (it == groups.end()) {
        groups.push_back({key, {pi, item.focus}});
      } else {
        if (it->second.pair != pi) raise("D1009", ctor->pos, "", std::string(key.as_string()));
        it->second.data = append_value(std::move(it->second.data), item.focus);
      }
    }
  }
  for (auto& [key, g] : groups) {  // the keys are distinct
    value v = eval(ctor->pairs[g.pair].second.get(), g.data, env);
    if (!v.is_undefined()) result.add(key, std::move(v));
  }
  return result;
}

value evaluator::eval_group_tuples(const node* ctor, const std::vector<tuple>& tuples, const frame_ptr& env) {
  value result = value::new_object();
  struct group_entry {
    std::size_t pair;
    std::vector<const tuple*> members;
  };
  std::vector<std::pair<value, group_entry>> groups;
  tuple empty;
  std::vector<const tuple*> items;
  for (const auto& t : tuples) items.push_back(&t);
  if (items.empty()) items.push_back(&empty);
  for (const tuple* t : items) {
    frame_ptr f = tuple_frame(env, *t);
    for (std::size_t pi = 0; pi < ctor->pairs.size(); ++pi) {
      value key = eval(ctor->pairs[pi].first.get(), t->focus, f);
      if (key.is_undefined()) continue;
      if (!key.is_string()) raise("T1003", ctor->pos, "", json_text(key));
      auto it = std::find_if(groups.begin(), groups.end(),
                             [&](const auto& g) { return g.first.as_string() == key.as_string(); });
      if (it == groups.end()) {
        groups.push_back({key, {pi, {t}}});
      } else {
        if (it->second.pair != pi) raise("D1009", ctor->pos, "", std::string(key.as_string()));
        it->second.members.push_back(t);
      }
    }
  }
  for (auto& [key, g] : groups) {
    // merge the group's tuples: each binding becomes the sequence of its values
    tuple merged;
    value focus;
    for (const tuple* t : g.members) {
      focus = append_value(std::move(focus), t->focus);
      for (const auto& [k, v] : t->vars) {
        auto it = std::find_if(merged.vars.begin(), merged.vars.end(), [&](const auto& e) { return e.first == k; });
        if (it == merged.vars.end())
          merged.vars.emplace_back(k, v);
        else
          it->second = append_value(std::move(it->second), v);
      }
    }
    value v = eval(ctor->pairs[g.pair].second.get(), focus, tuple_frame(env, merged));
    if (!v.is_undefined()) result.set(key, std::move(v));
  }
  return result;
}

namespace {

// Negative when a sorts before b (ascending); raises T2008 on bad keys.
int compare_keys(const value& a, const value& b, std::int64_t pos) {
  if (a.is_undefined() && b.is_undefined()) return 0;
  if (a.is_undefined()) return 1;
  if (b.is_undefined()) return -1;
  bool ok_a = a.is_number() || a.is_string();
  bool ok_b = b.is_number() || b.is_string();
  if (!ok_a || !ok_b) raise("T2008", pos, "", json_text(ok_a ? b : a));
  if (a.kind() != b.kind()) raise("T2007", pos, "", json_text(a), json_text(b));
  if (a.is_number()) return a.as_number() < b.as_number() ? -1 : a.as_number() > b.as_number() ? 1 : 0;
  return a.as_string().compare(b.as_string()) < 0 ? -1 : a.as_string() == b.as_string() ? 0 : 1;
}

}  // namespace

value evaluator::eval_sort(const node* step, const value& seq, const frame_ptr& env) {
  const auto& items = seq.arr().items;
  std::vector<std::vector<value>> keys(items.size());
  for (std::size_t i = 0; i < items.size(); ++i)
    for (const auto& term : step->sort_terms) keys[i].push_back(eval(term.expr.get(), items[i], env));
  std::vector<std::size_t> order(items.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    for (std::size_t t = 0; t < step->sort_terms.size(); ++t) {
      int c = compare_keys(keys[x][t], keys[y][t], step->pos);
      if (c != 0) return step->sort_terms[t].descending ? c > 0 : c < 0;
    }
    return false;
  });
  value out = value::new_sequence(items.size());
  for (std::size_t i : order) out.push(items[i]);
  return out;
}

void evaluator::sort_tuples(const node* step, std::vector<tuple>& tuples, const frame_ptr& env) {
  std::vector<std::vector<value>> keys(tuples.size());
  for (std::size_t i = 0; i < tuples.size(); ++i) {
    frame_ptr f = tuple_frame(env, tuples[i]);
    for (const auto& term : step->sort_terms) keys[i].push_back(eval(term.expr.get(), tuples[i].focus, f));
  }
  std::vector<std::size_t> order(tuples.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    for (std::size_t t = 0; t < step->sort_terms.size(); ++t) {
      int c = compare_keys(keys[x][t], keys[y][t], step->pos);
      if (c != 0) return step->sort_terms[t].descending ? c > 0 : c < 0;
    }
    return false;
  });
  std::vector<tuple> out;
  out.reserve(tuples.size());
  for (std::size_t i : order) out.push_back(std::move(tuples[i]));
  tuples = std::move(out);
}

}  // namespace simpul::mappings::jsonata
