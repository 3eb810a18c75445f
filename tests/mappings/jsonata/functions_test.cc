// The documented examples of each built-in (JSONata docs: string, numeric,
// aggregation, boolean, array, object, higher-order functions).

#include <gtest/gtest.h>

#include "tests/mappings/jsonata/eval_helper.h"

namespace simpul::mappings::jsonata {
namespace {

using testing::run;

struct example {
  const char* expr;
  const char* expected;
};

void check(std::initializer_list<example> examples, std::string_view input = {}) {
  for (const auto& e : examples) EXPECT_EQ(run(e.expr, input), e.expected) << e.expr;
}

TEST(Functions, String) {
  check({
      {"$string(5)", "\"5\""},
      {"$string([1, 2.5, {'a': true}])", "\"[1,2.5,{\\\"a\\\":true}]\""},
      {"$string(0.1 + 0.2)", "\"0.3\""},
      {"$length('Hello World')", "11"},
      {"$length('\xF0\x9D\x84\x9E')", "1"},
      {"$substring('Hello World', 3)", "\"lo World\""},
      {"$substring('Hello World', 3, 5)", "\"lo Wo\""},
      {"$substring('Hello World', -4)", "\"orld\""},
      {"$substring('Hello World', -4, 2)", "\"or\""},
      {"$substringBefore('Hello World', ' ')", "\"Hello\""},
      {"$substringAfter('Hello World', ' ')", "\"World\""},
      {"$uppercase('Hello World')", "\"HELLO WORLD\""},
      {"$lowercase('Hello World')", "\"hello world\""},
      {"$uppercase('jalan raya café čapek')", "\"JALAN RAYA CAFÉ ČAPEK\""},
      {"$lowercase('ΑΒΓ ПРИВЕТ')", "\"αβγ привет\""},
      {"$trim(' Hello \\n World ')", "\"Hello World\""},
      {"$pad('foo', 5)", "\"foo  \""},
      {"$pad('foo', -5)", "\"  foo\""},
      {"$pad('foo', -5, '#')", "\"##foo\""},
      {"$formatBase(100, 2)", "\"1100100\""},
      {"$formatBase(2555, 16)", "\"9fb\""},
      {"$contains('abracadabra', 'bra')", "true"},
      {"$contains('abracadabra', /a.*a/)", "true"},
      {"$contains('abracadabra', /ar.*a/)", "false"},
      {"$contains('Hello World', /wo/i)", "true"},
      {"$split('so many words', ' ')", R"(["so","many","words"])"},
      {"$split('so many words', ' ', 2)", R"(["so","many"])"},
      {"$split('too much, punctuation. hard; to read', /[ ,.;]+/)",
       R"(["too","much","punctuation","hard","to","read"])"},
      {"$join(['a','b','c'])", "\"abc\""},
      {"$join(['a','b','c'], ', ')", "\"a, b, c\""},
      {"$replace('John Smith and John Jones', 'John', 'Mr')", "\"Mr Smith and Mr Jones\""},
      {"$replace('John Smith and John Jones', 'John', 'Mr', 1)", "\"Mr Smith and John Jones\""},
      {"$replace('abracadabra', /bra/, '*')", "\"a*cada*\""},
      {"$replace('abracadabra', /a.*?a/, '*')", "\"*c*bra\""},
      {"$replace('$12.50', /\\$(\\d+)\\.(\\d+)/, '$1 dollars')", "\"12 dollars\""},
      {"$eval('[1,2,3]')", "[1,2,3]"},
      {"$eval('[1,$string(2),3]')", "[1,\"2\",3]"},
      {"$base64encode('myuser:mypass')", "\"bXl1c2VyOm15cGFzcw==\""},
      {"$base64decode('bXl1c2VyOm15cGFzcw==')", "\"myuser:mypass\""},
      {"$encodeUrlComponent('?x=test')", "\"%3Fx%3Dtest\""},
      {"$encodeUrl('https://mozilla.org/?x=шеллы')", "\"https://mozilla.org/?x=%D1%88%D0%B5%D0%BB%D0%BB%D1%8B\""},
      {"$decodeUrlComponent('%3Fx%3Dtest')", "\"?x=test\""},
      {"$decodeUrl('https://mozilla.org/?x=%D1%88%D0%B5%D0%BB%D0%BB%D1%8B')", "\"https://mozilla.org/?x=шеллы\""},
  });
}

TEST(Functions, Numeric) {
  check({
      {"$number('5')", "5"},
      {"$number('0x12')", "18"},
      {"$number('abc')", "error:D3030"},
      {"$abs(-5)", "5"},
      {"$floor(-5.3)", "-6"},
      {"$ceil(5.3)", "6"},
      {"$round(123.456)", "123"},
      {"$round(123.456, 2)", "123.46"},
      {"$round(123.456, -1)", "120"},
      {"$round(11.5)", "12"},
      {"$round(12.5)", "12"},
      {"$round(125, -1)", "120"},
      {"$power(2, 8)", "256"},
      {"$power(2, 0.5)", "1.4142135623730951"},
      {"$power(2, -2)", "0.25"},
      {"$sqrt(4)", "2"},
      {"$sqrt(-1)", "error:D3060"},
      {"$random() < 1", "true"},
  });
}

TEST(Functions, Aggregation) {
  check({
      {"$sum([5,1,3,7,4])", "20"},
      {"$max([5,1,3,7,4])", "7"},
      {"$min([5,1,3,7,4])", "1"},
      {"$average([5,1,3,7,4])", "4"},
      {"$sum(['a'])", "error:T0412"},
  });
}

TEST(Functions, Boolean) {
  check({
      {"$boolean('')", "false"},
      {"$boolean([0, 1])", "true"},
      {"$boolean({})", "false"},
      {"$boolean($boolean)", "false"},
      {"$not(true)", "false"},
      {"$exists(nothing)", "false"},
  });
}

TEST(Functions, Array) {
  check({
      {"$count([1,2,3,1])", "4"},
      {"$count('hello')", "1"},
      {"$append([1,2,3], [4,5,6])", "[1,2,3,4,5,6]"},
      {"$append([1,2,3], 4)", "[1,2,3,4]"},
      {"$append('Hello', 'World')", R"(["Hello","World"])"},
      {"$sort([3,1,2])", "[1,2,3]"},
      {"$sort(['b','a'], function($l, $r){ $l < $r })", R"(["b","a"])"},
      {"$sort([1,'a'])", "error:D3070"},
      {"$reverse(['Hello', 'World'])", R"(["World","Hello"])"},
      {"$count($shuffle([1,2,3]))", "3"},
      {"$distinct([1,2,3,3,4,3,5])", "[1,2,3,4,5]"},
      {"$zip([1,2,3], [4,5,6])", "[[1,4],[2,5],[3,6]]"},
      {"$zip([1,2,3],[4,5],[7,8,9])", "[[1,4,7],[2,5,8]]"},
  });
}

TEST(Functions, Object) {
  check({
      {"$keys({'a': 1, 'b': 2})", R"(["a","b"])"},
      {"$lookup({'a': 1}, 'a')", "1"},
      {"$spread({'a': 1, 'b': 2})", R"([{"a":1},{"b":2}])"},
      {"$merge([{'a': 1}, {'b': 2}, {'a': 3}])", R"({"a":3,"b":2})"},
      {"$each({'a': 1, 'b': 2}, function($v, $k){ $k & '=' & $v })", R"(["a=1","b=2"])"},
      {"$sift({'a': 1, 'b': 2}, function($v){ $v > 1 })", R"({"b":2})"},
      {"$type({})", "\"object\""},
      {"$type(nothing)", "undefined"},
      {"$error('boom')", "error:D3137"},
      {"$assert(1 = 2, 'no')", "error:D3141"},
  });
}

TEST(Functions, HigherOrder) {
  check({
      {"$map([1,2,3], function($v){ $v * 2 })", "[2,4,6]"},
      {"$map([1,2,3], $string)", R"(["1","2","3"])"},
      {"$map(['a','b'], function($v, $i){ $v & $i })", R"(["a0","b1"])"},
      {"$filter([1,2,3,4], function($v){ $v % 2 = 0 })", "[2,4]"},
      {"$single([1,2,3], function($v){ $v = 2 })", "2"},
      {"$single([1,2,3], function($v){ $v > 1 })", "error:D3138"},
      {"$reduce([1,2,3,4], function($a, $b){ $a + $b })", "10"},
      {"$reduce([1,2,3,4], function($a, $b){ $a + $b }, 10)", "20"},
  });
}

TEST(Functions, PicturesAndDates) {
  check({
      {"$formatNumber(12345.6, '#,###.00')", "\"12,345.60\""},
      {"$formatNumber(0.14, '01%')", "\"14%\""},
      {"$formatNumber(1234.5678, '00.000e0')", "\"12.346e2\""},
      {"$formatInteger(2789, 'w')", "\"two thousand, seven hundred and eighty-nine\""},
      {"$formatInteger(1999, 'I')", "\"MCMXCIX\""},
      {"$parseInteger('12,345,678', '#,##0')", "12345678"},
      {"$fromMillis(1510067557121)", "\"2017-11-07T15:12:37.121Z\""},
      {"$fromMillis(1521801216617, '[D01]/[M01]/[Y0001] [h#1]:[m01][P]')", "\"23/03/2018 10:33am\""},
      {"$toMillis('2017-11-07T15:07:54.972Z')", "1510067274972"},
      {"$millis() = $toMillis($now())", "true"},
      {"$formatNumber(1, 5)", "error:T0410"},
  });
}

}  // namespace
}  // namespace simpul::mappings::jsonata
