#pragma once

// The abstract syntax tree the parser builds and the evaluator walks. The
// tree is immutable after compile(): nothing in it changes while an
// expression is being evaluated, so one tree serves many threads.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "mappings/jsonata/value.h"

namespace simpul::mappings::jsonata {

struct signature;
struct regex_program;

enum class node_type : std::uint8_t {
  literal,      // string, number, boolean, null (in `lit`)
  regex,        // /pattern/flags
  name,         // field name
  variable,     // $name ("" is context, "$" is root)
  wildcard,     // *
  descendant,   // **
  parent,       // %
  path,         // steps in `items`
  binary,       // arithmetic, comparison, &, in, .., and, or, ??, ?:
  negate,       // unary minus
  array_ctor,   // [a, b]
  object_ctor,  // {k: v} with `pairs`
  condition,    // lhs ? rhs : third
  block,        // (a; b)
  bind,         // $x := rhs
  call,         // lhs(args in items)
  partial,      // lhs(args, ?)
  placeholder,  // ? inside a partial application
  lambda,       // function($a, $b)<sig>{ body in rhs }; params in items
  apply,        // lhs ~> rhs
  transform,    // | lhs | rhs, third |
  sort,         // lhs ^ (terms)
};

enum class binary_op : std::uint8_t {
  add, sub, mul, div, mod, eq, ne, lt, le, gt, ge, concat, and_, or_, in, range, coalesce, elvis
};

struct node;
using node_ptr = std::unique_ptr<node>;

struct stage {
  bool is_index = false;  // #$var binding, else a filter predicate
  node_ptr expr;
  std::string var;
  std::int64_t pos = 0;
};

struct sort_term {
  node_ptr expr;
  bool descending = false;
};

struct node {
  node_type type = node_type::literal;
  binary_op op = binary_op::add;
  std::int64_t pos = 0;
  std::string str;  // name, variable, operator text
  value lit;
  node_ptr lhs, rhs, third;
  std::vector<node_ptr> items;
  std::vector<std::pair<node_ptr, node_ptr>> pairs;
  std::vector<stage> stages;          // predicates and #$i on a step or any expression
  std::vector<sort_term> sort_terms;  // sort
  std::unique_ptr<node> group;        // {k: v} grouping on a path or expression (object_ctor)
  std::shared_ptr<const signature> sig;
  std::shared_ptr<const regex_program> re;

  // Path step annotations set by post-processing.
  std::string focus;     // @$v
  std::string index;     // #$i directly after the step
  std::string ancestor;  // label bound to this step's input, for %
  bool tuple = false;    // this step needs tuple streams
  bool keep_array = false;
  bool keep_singleton_array = false;  // path: result keeps a singleton array
  bool thunk = false;                 // call in tail position of a lambda body
  bool tuple_path = false;            // path: some step is a tuple step
  bool consarray = false;             // array constructor as first/last path step
  bool distinct_keys = false;         // object constructor: every key a different string literal
};

}  // namespace simpul::mappings::jsonata
