// The examples of the JSONata documentation (jsonata-js docs/: simple,
// predicate, path-operators, other-operators, programming, regex, the
// function library pages and date-time), each checked against the engine.
// The two sample documents are the ones the docs' prose describes (Fred
// Smith's address book and the Firefly account).

#include <gtest/gtest.h>

#include "tests/mappings/jsonata/eval_helper.h"

namespace simpul::mappings::jsonata {
namespace {

using testing::run;

const char* const address_book = R"({
  "FirstName": "Fred", "Surname": "Smith", "Age": 28,
  "Address": {"Street": "Hursley Park", "City": "Winchester", "Postcode": "SO21 2JN"},
  "Phone": [
    {"type": "home", "number": "0203 544 1234"},
    {"type": "office", "number": "01962 001234"},
    {"type": "office", "number": "01962 001235"},
    {"type": "mobile", "number": "077 7700 1234"}
  ],
  "Email": [
    {"type": "work", "address": ["fred.smith@my-work.com", "fsmith@my-work.com"]},
    {"type": "home", "address": ["freddy@my-social.com", "frederic.smith@very-serious.com"]}
  ],
  "Other": {"Over 18 ?": true, "Misc": null,
            "Alternative.Address": {"Street": "Brick Lane", "City": "London", "Postcode": "E1 6RF"}}
})";

const char* const account = R"({"Account": {
  "Account Name": "Firefly",
  "Order": [
    {"OrderID": "order103", "Product": [
      {"Product Name": "Bowler Hat", "ProductID": 858383, "SKU": "0406654608",
       "Description": {"Colour": "Purple", "Width": 300, "Height": 200, "Depth": 210, "Weight": 0.75},
       "Price": 34.45, "Quantity": 2},
      {"Product Name": "Trilby hat", "ProductID": 858236, "SKU": "0406634348",
       "Description": {"Colour": "Orange", "Width": 300, "Height": 200, "Depth": 210, "Weight": 0.6},
       "Price": 21.67, "Quantity": 1}]},
    {"OrderID": "order104", "Product": [
      {"Product Name": "Bowler Hat", "ProductID": 858383, "SKU": "040657863",
       "Description": {"Colour": "Purple", "Width": 300, "Height": 200, "Depth": 210, "Weight": 0.75},
       "Price": 34.45, "Quantity": 4},
      {"ProductID": 345664, "SKU": "0406654603", "Product Name": "Cloak",
       "Description": {"Colour": "Black", "Width": 30, "Height": 20, "Depth": 210, "Weight": 2},
       "Price": 107.99, "Quantity": 1}]}
  ]}})";

struct example {
  const char* expr;
  const char* expected;
};

void check(std::initializer_list<example> examples, std::string_view input = {}) {
  for (const auto& e : examples) EXPECT_EQ(run(e.expr, input), e.expected) << e.expr;
}

TEST(DocsExamples, PathsAndPredicates) {
  check({
      {"Address.City", "\"Winchester\""},
      {"Phone.number", R"(["0203 544 1234","01962 001234","01962 001235","077 7700 1234"])"},
      {"Phone[type='mobile']", R"({"type":"mobile","number":"077 7700 1234"})"},
      {"Phone[type='mobile'].number", "\"077 7700 1234\""},
      {"Phone[type='office'].number", R"(["01962 001234","01962 001235"])"},
      {"Phone[0].number", "\"0203 544 1234\""},
      {"Phone[type='home'].number", "\"0203 544 1234\""},
      {"Phone[-1].number", "\"077 7700 1234\""},
      {"Phone[1.7].number", "\"01962 001234\""},
      {"Phone[[0,2]].number", R"(["0203 544 1234","01962 001235"])"},
      {"Address[].City", R"(["Winchester"])"},
      {"Phone[0][].number", R"(["0203 544 1234"])"},
      {"Phone[][type='home'].number", R"(["0203 544 1234"])"},
      {"Phone[type='office'].number[]", R"(["01962 001234","01962 001235"])"},
      {"Address.*", R"(["Hursley Park","Winchester","SO21 2JN"])"},
      {"*.Postcode", "\"SO21 2JN\""},
      {"**.Postcode", R"(["SO21 2JN","E1 6RF"])"},
      {"Other.`Over 18 ?`", "true"},
      {"Phone[$contains(number, /^077/)]", R"({"type":"mobile","number":"077 7700 1234"})"},
      {"$each(Address, function($v, $k) {$k & \": \" & $v})",
       R"(["Street: Hursley Park","City: Winchester","Postcode: SO21 2JN"])"},
      {"$map(Email.address, function($v, $i, $a) { 'Item ' & ($i+1) & ' of ' & $count($a) & ': ' & $v })",
       R"(["Item 1 of 4: fred.smith@my-work.com","Item 2 of 4: fsmith@my-work.com",)"
       R"("Item 3 of 4: freddy@my-social.com","Item 4 of 4: frederic.smith@very-serious.com"])"},
      {"( $first5Capitalized := $substring(?, 0, 5) ~> $uppercase(?); $first5Capitalized(Address.City) )",
       "\"WINCH\""},
  }, address_book);
}

TEST(DocsExamples, AccountOrders) {
  check({
      {"Account.Order.Product.(Price * Quantity)", "[68.9,21.67,137.8,107.99]"},
      {"Account.Order.OrderID.$uppercase()", R"(["ORDER103","ORDER104"])"},
      {"Account.Order.Product^(Price).SKU", R"(["0406634348","0406654608","040657863","0406654603"])"},
      {"Account.Order.Product^(>Price).SKU", R"(["0406654603","0406654608","040657863","0406634348"])"},
      {"Account.Order.Product^(>Price, <Quantity).Quantity", "[1,2,4,1]"},
      {"Account.Order.Product^(Price * Quantity).SKU", R"(["0406634348","0406654608","0406654603","040657863"])"},
      {"$sum(Account.Order.Product.(Price * Quantity))", "336.36"},
      {"Account.Order.Product.(Price * Quantity) ~> $sum()", "336.36"},
      {"$distinct(Account.Order.Product.Description.Colour)", R"(["Purple","Orange","Black"])"},
      {"$sort(Account.Order.Product, function($l, $r) { $l.Description.Weight > $r.Description.Weight }).SKU",
       R"(["0406634348","0406654608","040657863","0406654603"])"},
      {"$filter(Account.Order.Product, function($v, $i, $a) { $v.Price > $average($a.Price) }).SKU",
       "\"0406654603\""},
      {"$single(Account.Order.Product, function($v, $i, $a) { $v.SKU = \"0406654608\" }).ProductID", "858383"},
      {"Account.Order.Product.$sift(function($v, $k) {$k ~> /^Product/})",
       R"([{"Product Name":"Bowler Hat","ProductID":858383},{"Product Name":"Trilby hat","ProductID":858236},)"
       R"({"Product Name":"Bowler Hat","ProductID":858383},{"ProductID":345664,"Product Name":"Cloak"}])"},
      {"Account.Order.Product[`Product Name` ~> /hat/i].ProductID", "[858383,858236,858383]"},
      {"Account.( $AccName := function() { $.'Account Name' }; Order[OrderID = 'order104'].Product{ "
       "'Account': $AccName(), 'SKU-' & $string(ProductID): $.'Product Name' } )",
       R"({"Account":"Firefly","SKU-858383":"Bowler Hat","SKU-345664":"Cloak"})"},
      {"{ \"invoiceTime\": $now() = $now(), \"total\": $sum(Account.Order.Product.(Price * Quantity)) }",
       R"({"invoiceTime":true,"total":336.36})"},
      {"($t := $ ~> |Account.Order.Product|{'Price': Price * 2}|; $sum($t.Account.Order.Product.Price))",
       "397.12"},
      {"($x := $ ~> |Account.Order.Product|{'Total': Price * Quantity}, ['Price', 'Quantity']|;"
       " [$x.Account.Order.Product.Total, $exists($x.Account.Order.Product.Price)])",
       "[68.9,21.67,137.8,107.99,false]"},
      {"Account.Order.Product.{'o': %.OrderID, 'n': `Product Name`}[0]", R"({"o":"order103","n":"Bowler Hat"})"},
  }, account);
}

TEST(DocsExamples, StringFunctions) {
  check({
      {"[1..5].$string()", R"(["1","2","3","4","5"])"},
      {"$formatBase(35, 2) ~> $pad(-8, '0')", "\"00100011\""},
      {"$contains(\"Hello World\", /wo/)", "false"},
      {"$split(\"too much, punctuation. hard; to read\", /[ ,.;]+/, 3) ~> $join(', ')",
       "\"too, much, punctuation\""},
      {"$match(\"ababbabbcc\",/a(b+)/)",
       R"([{"match":"ab","index":0,"groups":["b"]},{"match":"abb","index":2,"groups":["bb"]},)"
       R"({"match":"abb","index":5,"groups":["bb"]}])"},
      {"$replace(\"John Smith\", /(\\w+)\\s(\\w+)/, \"$2, $1\")", "\"Smith, John\""},
      {"$replace(\"265USD\", /([0-9]+)USD/, \"$$$1\")", "\"$265\""},
      {"( $convert := function($m) { ($number($m.groups[0]) - 32) * 5/9 & \"C\" };"
       " $replace(\"temperature = 68F today\", /(\\d+)F/, $convert) )",
       "\"temperature = 20C today\""},
      {"$eval('a', {'a': 5})", "5"},
      {"$eval('1 +')", "error:D3120"},
  });
}

TEST(DocsExamples, NumericFunctions) {
  check({
      {"[\"1\", \"2\", \"3\", \"4\", \"5\"].$number()", "[1,2,3,4,5]"},
      {"$number('0o17')", "15"},
      {"$number('0b101')", "5"},
      {"$number(true)", "1"},
      {"$abs(5)", "5"},
      {"$floor(5)", "5"},
      {"$floor(5.8)", "5"},
      {"$ceil(5.8)", "6"},
      {"$ceil(-5.3)", "-5"},
      {"$round(123.456, -2)", "100"},
      {"$sqrt(2)", "1.4142135623730951"},
      {"$power(-1, 0.5)", "error:D3061"},
      {"$formatNumber(34.555, \"#0.00;(#0.00)\")", "\"34.56\""},
      {"$formatNumber(-34.555, \"#0.00;(#0.00)\")", "\"(34.56)\""},
      {"$formatNumber(0.14, \"###pm\", {\"per-mille\": \"pm\"})", "\"140pm\""},
      {"$formatNumber(1234.5678, \"①①.①①①e①\", {\"zero-digit\": \"\\u245f\"})", "\"①②.③④⑥e②\""},
      {"$formatBase(10, 1)", "error:D3100"},
      {"$parseInteger(\"twelve thousand, four hundred and seventy-six\", 'w')", "12476"},
      {"$formatInteger(2, '1;o')", "\"2nd\""},
      {"$formatInteger(12, 'w;o')", "\"twelfth\""},
  });
}

TEST(DocsExamples, ArrayObjectAndHigherOrder) {
  check({
      {"[1..5] ~> $reverse()", "[5,4,3,2,1]"},
      {"$sort($shuffle([1..9]))", "[1,2,3,4,5,6,7,8,9]"},
      {"$keys([{'a':1},{'b':2,'a':3}])", R"(["a","b"])"},
      {"$lookup([{'a':1},{'a':2},{'b':3}], 'a')", "[1,2]"},
      {"$spread([{'a':1},{'b':2,'c':3}])", R"([{"a":1},{"b":2},{"c":3}])"},
      {"$merge([1])", "error:T0412"},
      {"$map([2], function($v) { $v * 2 })", "4"},
      {"$map([], function($v) { $v * 2 })", "undefined"},
      {"$map([1..5], $string)", R"(["1","2","3","4","5"])"},
      {"( $product := function($i, $j){$i * $j}; $reduce([1..5], $product) )", "120"},
      {"( $twice := function($f) { function($x){ $f($f($x)) } }; $add3 := function($y){ $y + 3 };"
       " $add6 := $twice($add3); $add6(7) )",
       "13"},
  });
}

TEST(DocsExamples, OperatorsAndProgramming) {
  check({
      {"\"Hello\" & \"World\"", "\"HelloWorld\""},
      {"foo.bar ?: 42", "42"},
      {"0 ?? 1", "0"},
      {"'' ?? 'fallback'", "\"\""},
      {"'' ?: 'fallback'", "\"fallback\""},
      {"( $uppertrim := $trim ~> $uppercase; $uppertrim(\"   Hello    World   \") )", "\"HELLO WORLD\""},
      {"( $normalize := $uppercase ~> $trim; $normalize(\"   Some   Words   \") )", "\"SOME WORDS\""},
      {"function($l, $w, $h){ $l * $w * $h }(10, 10, 5)", "500"},
      {"( $factorial:= function($x){ $x <= 1 ? 1 : $x * $factorial($x-1) }; $factorial(4) )", "24"},
      {"( $factorial := function($x){( $iter := function($x, $acc) { $x <= 1 ? $acc : $iter($x - 1, $x * $acc) };"
       " $iter($x, 1) )}; $factorial(170) )",
       "7.257415615308004e+306"},
      {"( $first5 := $substring(?, 0, 5); $first5(\"Hello, World\") )", "\"Hello\""},
      {"( $firstN := $substring(?, 0, ?); $first5 := $firstN(?, 5); $first5(\"Hello, World\") )", "\"Hello\""},
      {"λ($f) { λ($x) { $x($x) }( λ($g) { $f( (λ($a) {$g($g)($a)}))})}(λ($f) { λ($n) { $n < 2 ? 1 : $n * $f($n - 1) } })(6)",
       "720"},
      {"( $fib := λ($n) { $n <= 1 ? $n : $fib($n-1) + $fib($n-2) }; [1,2,3,4,5,6,7,8,9] . $fib($) )",
       "[1,1,2,3,5,8,13,21,34]"},
      {"( $matcher := /[a-z]*an[a-z]*/i; $m := $matcher('A man, a plan, a canal, Panama!');"
       " [$m.match, $m.start, $m.end, $m.next().match] )",
       R"(["man",2,5,"plan"])"},
      {"$x := 5", "5"},
      {"5 := 5", "error:S0212"},
  });
}

TEST(DocsExamples, DatesAndTimes) {
  check({
      {"$fromMillis(1510067557121, '[M01]/[D01]/[Y0001] [h#1]:[m01][P]')", "\"11/07/2017 3:12pm\""},
      {"$fromMillis(1510067557121, '[H01]:[m01]:[s01] [z]', '-0500')", "\"10:12:37 GMT-05:00\""},
      {"$toMillis('10/12/2018', '[D]/[M]/[Y]') ~> $fromMillis('[M]/[D]/[Y]')", "\"12/10/2018\""},
      {"$toMillis('10/12/2018', '[D]/[M]/[Y]') ~> $fromMillis('[FNn], [D1o] [MNn] [YI]')",
       "\"Monday, 10th December MMXVIII\""},
      {"$toMillis('27 March 2018', '[D] [MNn] [Y]') ~> $fromMillis()", "\"2018-03-27T00:00:00.000Z\""},
      {"$now('[Y]') = $substring($now(), 0, 4)", "true"},
  });
}

// Behaviour the docs state in prose, beyond the worked examples.
TEST(DocsExamples, DocumentedRules) {
  check({
      // regex flags are i and m only: a `g` after the literal is not part of it
      {"$match('Hello World', /o/g)", "error:S0202"},
      // $base64encode treats each character as one byte
      {"$base64encode('é')", "\"6Q==\""},
      {"$base64decode('w6k=')", "\"é\""},
      // an unmatched optional group
      {"$match('ab', /(x)?b/).groups", "[null]"},
      {"$replace('ab', /(x)?b/, function($m){ $m.groups[0] & 'z' })", "\"az\""},
      // case mapping beyond ASCII
      {"$uppercase('straße ﬁ')", "\"STRASSE FI\""},
      {"$lowercase('ΟΔΟΣ Σ')", "\"οδος σ\""},
      // the head of a transform must be an object or array
      {"5 ~> |a|{}|", "error:T0410"},
      // a context binding on a bare expression binds nothing and keeps its value
      // an `f` parameter needs a function, a missing one does not do
      // (found by jsonata_eval_fuzz: $reduce read the arity of nothing)
      {"$reduce([1..5], nothing)", "error:T0410"},
      {"$map([1], nothing)", "error:T0410"},
      {"$sort([2, 1], nothing)", "error:T0410"},
      // integers are written exactly by $string, other numbers to 15 digits
      {"$string(123456789012345680000)", "\"123456789012345680000\""},
      {"$string(1.2345678901234567)", "\"1.23456789012346\""},
  });
  EXPECT_EQ(run("$@$i", "[1,2,3]"), "[1,2,3]");
  // a lone surrogate from the input goes out escaped
  EXPECT_EQ(run("$", "\"\\ud800\""), "\"\\ud800\"");
  // `%` through a run of focus-bound steps: the run keeps one context
  // (and counts as the step before the run: `%.%` has nothing to reach here)
  EXPECT_EQ(run("a@$x.b@$y.{'g': $keys(%.%)}", R"({"a": [1], "b": [2]})"), "error:S0217");
  EXPECT_EQ(run("r.a@$x.b@$y.{'x': $x, 'p': $keys(%)}", R"({"r": {"a": [1], "b": [2]}})"),
            R"({"x":1,"p":["a","b"]})");
}

}  // namespace
}  // namespace simpul::mappings::jsonata
