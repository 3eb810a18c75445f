#include "mappings/jsonata/picture/integer_words.h"

#include <array>
#include <cmath>
#include <vector>

#include "mappings/jsonata/picture/unicode.h"

namespace simpul::mappings::jsonata::picture::detail {
namespace {

constexpr std::array<std::string_view, 20> kSmall = {
    "Zero",    "One",     "Two",       "Three",    "Four",     "Five",    "Six",
    "Seven",   "Eight",   "Nine",      "Ten",      "Eleven",   "Twelve",  "Thirteen",
    "Fourteen", "Fifteen", "Sixteen",  "Seventeen", "Eighteen", "Nineteen"};
constexpr std::array<std::string_view, 20> kSmallOrdinal = {
    "Zeroth",     "First",      "Second",      "Third",       "Fourth",
    "Fifth",      "Sixth",      "Seventh",     "Eighth",      "Ninth",
    "Tenth",      "Eleventh",   "Twelfth",     "Thirteenth",  "Fourteenth",
    "Fifteenth",  "Sixteenth",  "Seventeenth", "Eighteenth",  "Nineteenth"};
constexpr std::array<std::string_view, 8> kTens = {"Twenty", "Thirty",  "Forty",  "Fifty",
                                                   "Sixty",  "Seventy", "Eighty", "Ninety"};
constexpr std::array<std::string_view, 8> kTensOrdinal = {
    "Twentieth", "Thirtieth", "Fortieth", "Fiftieth", "Sixtieth", "Seventieth", "Eightieth",
    "Ninetieth"};
// Scales above a hundred; bigger numbers nest ("ten billion trillion").
constexpr std::array<std::string_view, 4> kScales = {"Thousand", "Million", "Billion", "Trillion"};

// `joined` says whether words precede this group, which decides between
// ", " (before a group of hundreds or more) and " and " (before a smaller one).
void append_words(std::string& out, double n, bool joined, bool ordinal) {
  if (n < 20) {
    if (joined) out += " and ";
    out += ordinal ? kSmallOrdinal[static_cast<int>(n)] : kSmall[static_cast<int>(n)];
    return;
  }
  if (n < 100) {
    const int tens = static_cast<int>(n / 10);
    const int units = static_cast<int>(n) % 10;
    if (joined) out += " and ";
    out += (ordinal && units == 0) ? kTensOrdinal[tens - 2] : kTens[tens - 2];
    if (units > 0) {
      out += '-';
      append_words(out, units, false, ordinal);
    }
    return;
  }
  if (n < 1000) {
    const int hundreds = static_cast<int>(n / 100);
    const double rest = n - hundreds * 100.0;
    if (joined) out += ", ";
    out += kSmall[hundreds];
    out += " Hundred";
    if (rest > 0) {
      append_words(out, rest, true, ordinal);
    } else if (ordinal) {
      out += "th";
    }
    return;
  }
  int scale = static_cast<int>(std::floor(std::log10(n) / 3));
  if (scale > static_cast<int>(kScales.size())) scale = kScales.size();
  const double factor = std::pow(10.0, scale * 3);
  double head = std::floor(n / factor);
  // log10 can land just below an exact power of a thousand.
  if (head < 1) {
    --scale;
    head = std::floor(n / std::pow(10.0, scale * 3));
  }
  const double rest = n - head * std::pow(10.0, scale * 3);
  if (joined) out += ", ";
  append_words(out, head, false, false);
  out += ' ';
  out += kScales[scale - 1];
  if (rest > 0) {
    append_words(out, rest, true, ordinal);
  } else if (ordinal) {
    out += "th";
  }
}

std::optional<double> word_value(std::string_view lower) {
  for (std::size_t i = 0; i < kSmall.size(); ++i) {
    if (ascii_lower(kSmall[i]) == lower || ascii_lower(kSmallOrdinal[i]) == lower) {
      return static_cast<double>(i);
    }
  }
  for (std::size_t i = 0; i < kTens.size(); ++i) {
    if (ascii_lower(kTens[i]) == lower || ascii_lower(kTensOrdinal[i]) == lower) {
      return static_cast<double>((i + 2) * 10);
    }
  }
  if (lower == "hundred" || lower == "hundredth") return 100.0;
  double scale = 1000;
  for (std::string_view name : kScales) {
    const std::string l = ascii_lower(name);
    if (lower == l || lower == l + "th") return scale;
    scale *= 1000;
  }
  return std::nullopt;
}

int roman_digit(char c) {
  switch (c) {
    case 'i': return 1;
    case 'v': return 5;
    case 'x': return 10;
    case 'l': return 50;
    case 'c': return 100;
    case 'd': return 500;
    case 'm': return 1000;
    default: return 0;
  }
}

}  // namespace

std::string number_to_words(double value, bool ordinal) {
  std::string out;
  append_words(out, value, false, ordinal);
  return out;
}

bool is_number_word(std::string_view lower_word) {
  return lower_word == "and" || word_value(lower_word).has_value();
}

std::optional<double> words_to_number(std::string_view text) {
  // Sum of segments: a small word adds to the open segment (or opens a new
  // one after a finished thousand-or-more segment); a scale word multiplies.
  std::vector<double> segments{0};
  std::string word;
  bool any = false;
  auto flush = [&]() -> bool {
    if (word.empty()) return true;
    const std::string lower = ascii_lower(word);
    word.clear();
    if (lower == "and") return true;
    const auto v = word_value(lower);
    if (!v) return false;
    any = true;
    if (*v < 100) {
      double top = segments.back();
      if (top >= 1000) {
        segments.push_back(*v);
      } else {
        segments.back() = top + *v;
      }
    } else {
      segments.back() *= *v;
    }
    return true;
  };
  for (char c : text) {
    if (c == ' ' || c == '-' || c == ',' || c == '\t' || c == '\n') {
      if (!flush()) return std::nullopt;
    } else {
      word.push_back(c);
    }
  }
  if (!flush() || !any) return std::nullopt;
  double total = 0;
  for (double s : segments) total += s;
  return total;
}

std::string to_roman(double value, bool upper) {
  static constexpr std::array<std::pair<int, std::string_view>, 13> kTable = {{
      {1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"},
      {40, "xl"}, {10, "x"}, {9, "ix"}, {5, "v"}, {4, "iv"}, {1, "i"}}};
  std::string out;
  double n = value;
  for (const auto& [v, s] : kTable) {
    while (n >= v) {
      out += s;
      n -= v;
    }
  }
  return upper ? ascii_upper(out) : out;
}

std::optional<double> from_roman(std::string_view text) {
  double total = 0;
  int previous = 0;
  for (auto it = text.rbegin(); it != text.rend(); ++it) {
    const int d = roman_digit(static_cast<char>(ascii_lower(static_cast<unsigned char>(*it))));
    if (d == 0) return std::nullopt;
    if (d < previous) {
      total -= d;
    } else {
      total += d;
      previous = d;
    }
  }
  return total;
}

std::string to_alphabetic(double value, bool upper) {
  std::string out;
  double n = value;
  const char base = upper ? 'A' : 'a';
  while (n >= 1) {
    const double rem = std::fmod(n - 1, 26);
    out.insert(out.begin(), static_cast<char>(base + static_cast<int>(rem)));
    n = std::floor((n - 1) / 26);
  }
  return out;
}

std::optional<double> from_alphabetic(std::string_view text) {
  double total = 0;
  for (char c : text) {
    const char l = static_cast<char>(ascii_lower(static_cast<unsigned char>(c)));
    if (l < 'a' || l > 'z') return std::nullopt;
    total = total * 26 + (l - 'a' + 1);
  }
  return total;
}

}  // namespace simpul::mappings::jsonata::picture::detail
