#include "mappings/jsonata/parser.h"

#include <string>

#include "mappings/jsonata/error.h"
#include "mappings/jsonata/lexer.h"
#include "mappings/jsonata/process.h"
#include "mappings/jsonata/regex.h"
#include "mappings/jsonata/signature.h"

namespace simpul::mappings::jsonata {
namespace {

int binding_power(const token& t) {
  if (t.kind != token_kind::op) return 0;
  const std::string& s = t.text;
  if (s == "." ) return 75;
  if (s == "[" || s == "(" || s == "@" || s == "#") return 80;
  if (s == "{") return 70;
  if (s == "*" || s == "/" || s == "%") return 60;
  if (s == "+" || s == "-" || s == "&") return 50;
  if (s == "=" || s == "!=" || s == "<" || s == "<=" || s == ">" || s == ">=" || s == "in" ||
      s == "~>" || s == "^" || s == "?:" || s == "??")
    return 40;
  if (s == "and") return 30;
  if (s == "or") return 25;
  if (s == "?") return 20;
  if (s == ":=") return 10;
  return 0;
}

bool ends_operand(const token& t) {
  switch (t.kind) {
    case token_kind::op:
      return t.text == ")" || t.text == "]" || t.text == "}" || t.text == "*" || t.text == "%";
    case token_kind::end:
      return false;
    default:
      return true;
  }
}

node_ptr make_node(node_type type, std::int64_t pos) {
  auto n = std::make_unique<node>();
  n->type = type;
  n->pos = pos;
  return n;
}

class parser {
 public:
  explicit parser(std::string_view text) : lex_(text) { cur_ = lex_.next(true); }

  node_ptr parse_all() {
    node_ptr n = expression(0);
    if (cur_.kind != token_kind::end) raise("S0201", cur_.pos, token_text(cur_));
    return n;
  }

 private:
  static std::string token_text(const token& t) {
    if (t.kind == token_kind::end) return "(end)";
    return t.text;
  }
  bool is_op(const char* s) const { return cur_.kind == token_kind::op && cur_.text == s; }
  token advance() {
    token t = std::move(cur_);
    cur_ = lex_.next(!ends_operand(t));
    return t;
  }
  void expect(const char* s) {
    if (cur_.kind == token_kind::end) raise("S0203", cur_.pos, "", s);
    if (!is_op(s)) raise("S0202", cur_.pos, token_text(cur_), s);
    advance();
  }

  // An operand inside brackets: at the end of the text the closer is what is
  // missing (`[1,` wants "]"), where after an operator it is the operand (S0207).
  node_ptr operand(const char* closer) {
    if (cur_.kind == token_kind::end) raise("S0203", cur_.pos, "", closer);
    return expression(0);
  }

  node_ptr expression(int rbp) {
    // bounded so that parsing and evaluating stay within the native stack
    struct depth_guard {
      int& d;
      explicit depth_guard(int& x) : d(x) { ++d; }
      ~depth_guard() { --d; }
    } guard(depth_);
    if (depth_ > max_depth) raise("S0201", cur_.pos, token_text(cur_), "expression nested too deeply");
    token t = advance();
    node_ptr left = nud(std::move(t));
    // each infix step deepens the tree on its left without recursing here:
    // it counts towards the same bound (`1+1+...`, `a.a.a...`)
    int chain = 0;
    while (rbp < binding_power(cur_)) {
      if (depth_ >= max_depth)
        raise("S0201", cur_.pos, token_text(cur_), "expression nested too deeply");
      ++chain;
      depth_ += 1;
      token op = advance();
      left = led(std::move(op), std::move(left));
    }
    depth_ -= chain;
    return left;
  }

  node_ptr literal(value v, std::int64_t pos) {
    auto n = make_node(node_type::literal, pos);
    n->lit = std::move(v);
    return n;
  }

  node_ptr nud(token t) {
    switch (t.kind) {
      case token_kind::end:
        raise("S0207", t.pos);
      case token_kind::number:
        return literal(value::number(t.number), t.pos);
      case token_kind::string: {
        auto n = literal(value::string(t.text), t.pos);
        n->str = std::move(t.text);
        return n;
      }
      case token_kind::value:
        return literal(t.text == "null" ? value::null() : value::boolean(t.text == "true"), t.pos);
      case token_kind::variable: {
        auto n = make_node(node_type::variable, t.pos);
        n->str = std::move(t.text);
        return n;
      }
      case token_kind::regex: {
        auto n = make_node(node_type::regex, t.pos);
        n->re = compile_regex(t.text, t.flags);
        if (!n->re) raise("S0302", t.pos, t.text);
        return n;
      }
      case token_kind::name: {
        if (t.text == "function" && is_op("(")) return lambda(t.pos);
        auto n = make_node(node_type::name, t.pos);
        n->str = std::move(t.text);
        return n;
      }
      case token_kind::op:
        break;
    }
    const std::string& s = t.text;
    if (s == "-") {
      node_ptr operand = expression(70);
      if (operand->type == node_type::literal && operand->lit.is_number()) {
        operand->lit = value::number(-operand->lit.as_number());
        return operand;
      }
      auto n = make_node(node_type::negate, t.pos);
      n->lhs = std::move(operand);
      return n;
    }
    if (s == "*") return make_node(node_type::wildcard, t.pos);
    if (s == "**") return make_node(node_type::descendant, t.pos);
    if (s == "%") return make_node(node_type::parent, t.pos);
    if (s == "and" || s == "or" || s == "in") {
      auto n = make_node(node_type::name, t.pos);
      n->str = s;
      return n;
    }
    if (s == "(") {
      auto n = make_node(node_type::block, t.pos);
      while (!is_op(")")) {
        n->items.push_back(operand(")"));
        if (!is_op(";")) break;
        advance();
      }
      expect(")");
      return n;
    }
    if (s == "[") {
      auto n = make_node(node_type::array_ctor, t.pos);
      while (!is_op("]")) {
        node_ptr item = operand("]");
        // `..` is a range only directly inside an array constructor
        if (is_op("..")) {
          token r = advance();
          auto range = make_node(node_type::binary, r.pos);
          range->op = binary_op::range;
          range->str = "..";
          range->lhs = std::move(item);
          range->rhs = operand("]");
          item = std::move(range);
        }
        n->items.push_back(std::move(item));
        if (!is_op(",")) break;
        advance();
      }
      expect("]");
      return n;
    }
    if (s == "{") return object_body(t.pos);
    if (s == "|") {
      auto n = make_node(node_type::transform, t.pos);
      n->lhs = expression(0);
      expect("|");
      n->rhs = expression(0);
      if (is_op(",")) {
        advance();
        n->third = expression(0);
      }
      expect("|");
      return n;
    }
    raise("S0211", t.pos, s);
  }

  node_ptr object_body(std::int64_t pos) {
    auto n = make_node(node_type::object_ctor, pos);
    while (!is_op("}")) {
      node_ptr k = operand(":");
      expect(":");
      node_ptr v = operand("}");
      n->pairs.emplace_back(std::move(k), std::move(v));
      if (!is_op(",")) break;
      advance();
    }
    expect("}");
    return n;
  }

  node_ptr lambda(std::int64_t pos) {
    auto n = make_node(node_type::lambda, pos);
    expect("(");
    while (!is_op(")")) {
      if (cur_.kind == token_kind::end) raise("S0203", cur_.pos, "", ")");
      if (cur_.kind != token_kind::variable) raise("S0208", cur_.pos, token_text(cur_), token_text(cur_));
      auto p = make_node(node_type::variable, cur_.pos);
      p->str = cur_.text;
      n->items.push_back(std::move(p));
      advance();
      if (!is_op(",")) break;
      advance();
    }
    expect(")");
    if (is_op("<")) {
      std::string text = lex_.raw_signature();
      n->sig = parse_signature(text, cur_.pos);
      cur_ = lex_.next(true);
    }
    expect("{");
    n->rhs = operand("}");
    expect("}");
    return n;
  }

  node_ptr led(token t, node_ptr left) {
    const std::string& s = t.text;
    auto bin = [&](node_type type) {
      auto n = make_node(type, t.pos);
      n->str = s;
      n->lhs = std::move(left);
      return n;
    };
    if (s == "(") {
      auto n = bin(node_type::call);
      while (!is_op(")")) {
        if (is_op("?")) {
          n->items.push_back(make_node(node_type::placeholder, cur_.pos));
          n->type = node_type::partial;
          advance();
        } else {
          n->items.push_back(operand(")"));
        }
        if (!is_op(",")) break;
        advance();
      }
      expect(")");
      return n;
    }
    if (s == "[") {
      auto n = bin(node_type::binary);  // predicate, rewritten by process()
      if (is_op("]")) {
        advance();
        return n;  // `[]`: rhs stays empty
      }
      n->rhs = operand("]");
      expect("]");
      return n;
    }
    if (s == "{") {
      auto n = bin(node_type::binary);
      n->rhs = object_body(t.pos);
      return n;
    }
    if (s == "?") {
      auto n = bin(node_type::condition);
      n->rhs = expression(0);
      if (is_op(":")) {
        advance();
        n->third = expression(0);
      }
      return n;
    }
    if (s == ":=") {
      if (left->type != node_type::variable) raise("S0212", t.pos, s);
      auto n = bin(node_type::bind);
      n->rhs = expression(9);
      return n;
    }
    if (s == "^") {
      auto n = bin(node_type::sort);
      expect("(");
      while (!is_op(")")) {
        sort_term term;
        if (is_op("<")) {
          advance();
        } else if (is_op(">")) {
          term.descending = true;
          advance();
        }
        term.expr = operand(")");
        n->sort_terms.push_back(std::move(term));
        if (!is_op(",")) break;
        advance();
      }
      expect(")");
      return n;
    }
    if (s == "@" || s == "#") {
      if (cur_.kind != token_kind::variable) raise("S0214", cur_.pos, s);
      auto n = bin(node_type::binary);
      n->rhs = make_node(node_type::variable, cur_.pos);
      n->rhs->str = cur_.text;
      advance();
      return n;
    }
    if (s == "~>") {
      auto n = bin(node_type::apply);
      n->rhs = expression(40);
      return n;
    }
    auto n = bin(node_type::binary);
    int bp = binding_power(t);
    n->rhs = expression(bp);
    static const std::pair<const char*, binary_op> ops[] = {
        {"+", binary_op::add},      {"-", binary_op::sub},     {"*", binary_op::mul},
        {"/", binary_op::div},      {"%", binary_op::mod},     {"=", binary_op::eq},
        {"!=", binary_op::ne},      {"<", binary_op::lt},      {"<=", binary_op::le},
        {">", binary_op::gt},       {">=", binary_op::ge},     {"&", binary_op::concat},
        {"and", binary_op::and_},   {"or", binary_op::or_},    {"in", binary_op::in},
        {"..", binary_op::range},   {"??", binary_op::coalesce}, {"?:", binary_op::elvis},
    };
    for (const auto& [text, op] : ops)
      if (s == text) n->op = op;
    if (s != "." && n->op == binary_op::add && s != "+") raise("S0204", t.pos, s);
    return n;
  }

  static constexpr int max_depth = 500;
  lexer lex_;
  token cur_;
  int depth_ = 0;
};

}  // namespace

node_ptr parse_expression(std::string_view text) {
  parser p(text);
  node_ptr raw = p.parse_all();
  return process_ast(std::move(raw));
}

}  // namespace simpul::mappings::jsonata
