#include "mappings/domain/indonesian_date.h"

#include <array>
#include <cstdio>
#include <optional>
#include <utility>

#include "mappings/domain/civil_date.h"

namespace simpul::mappings::domain {
namespace {

constexpr int kTwoDigitPivot = 70;  // 00-69 -> 20xx, 70-99 -> 19xx

struct month_name {
  std::string_view name;
  int month;
};
constexpr std::array<month_name, 47> kMonths{{
    {"januari", 1}, {"jan", 1}, {"djanuari", 1}, {"january", 1},
    {"februari", 2}, {"pebruari", 2}, {"feb", 2}, {"peb", 2}, {"february", 2},
    {"maret", 3}, {"mar", 3}, {"march", 3},
    {"april", 4}, {"apr", 4},
    {"mei", 5}, {"may", 5},
    {"juni", 6}, {"jun", 6}, {"djuni", 6}, {"june", 6},
    {"juli", 7}, {"jul", 7}, {"djuli", 7}, {"july", 7},
    {"agustus", 8}, {"agu", 8}, {"agt", 8}, {"ags", 8}, {"agus", 8}, {"agust", 8}, {"aug", 8}, {"august", 8},
    {"september", 9}, {"sep", 9}, {"sept", 9},
    {"oktober", 10}, {"okt", 10}, {"oct", 10}, {"october", 10},
    {"november", 11}, {"nopember", 11}, {"nov", 11}, {"nop", 11},
    {"desember", 12}, {"des", 12}, {"dec", 12}, {"december", 12},
}};

constexpr std::array<std::string_view, 15> kWeekdays{
    "senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu", "ahad",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

struct cursor {
  std::string_view s;
  std::size_t i = 0;

  bool eof() const { return i >= s.size(); }
  char peek(std::size_t ahead = 0) const { return i + ahead < s.size() ? s[i + ahead] : '\0'; }
  bool take(char c) {
    if (peek() != c) return false;
    ++i;
    return true;
  }
  bool skip_spaces() {
    const std::size_t start = i;
    while (!eof() && (s[i] == ' ' || s[i] == '\t')) ++i;
    return i > start;
  }
  std::string_view digits(std::size_t max) {
    const std::size_t start = i;
    while (!eof() && is_digit(s[i]) && i - start < max) ++i;
    return s.substr(start, i - start);
  }
  std::string word() {
    std::string w;
    while (!eof() && is_alpha(s[i])) w.push_back(lower(s[i++]));
    return w;
  }
};

std::unexpected<domain_error> invalid(std::string message) {
  return make_domain_error("TANGGAL_TIDAK_VALID", std::move(message));
}

int month_from_name(std::string_view word) {
  for (const auto& m : kMonths) {
    if (m.name == word) return m.month;
  }
  return 0;
}

int expand_year(std::string_view digits) {
  const int v = digits_value(digits);
  if (digits.size() == 2) return v < kTwoDigitPivot ? 2000 + v : 1900 + v;
  return digits.size() == 4 ? v : -1;
}

void skip_weekday(cursor& c) {
  const std::size_t start = c.i;
  std::string w = c.word();
  if (w == "jum" && c.peek() == '\'') {  // Jum'at
    ++c.i;
    w += c.word();
  }
  for (const auto d : kWeekdays) {
    if (d == w) {
      c.take(',');
      c.skip_spaces();
      return;
    }
  }
  c.i = start;  // not a weekday: leave it for the month parser to reject
}

domain_result<civil_date> parse_date(cursor& c) {
  c.skip_spaces();
  if (is_alpha(c.peek())) skip_weekday(c);
  const auto first = c.digits(4);
  civil_date d;
  if (first.size() == 4) {  // ISO YYYY-MM-DD
    d.year = digits_value(first);
    if (!c.take('-')) return invalid("expected '-' after a 4-digit year");
    const auto mm = c.digits(2);
    if (mm.size() != 2 || !c.take('-')) return invalid("expected YYYY-MM-DD");
    const auto dd = c.digits(2);
    if (dd.size() != 2) return invalid("expected YYYY-MM-DD");
    d.month = digits_value(mm);
    d.day = digits_value(dd);
  } else if (first.size() == 1 || first.size() == 2) {
    d.day = digits_value(first);
    const char sep = c.peek();
    if ((sep == '/' || sep == '-' || sep == '.') && is_digit(c.peek(1))) {
      ++c.i;
      const auto mm = c.digits(2);
      if (!c.take(sep)) return invalid("expected the same separator between month and year");
      const auto yy = c.digits(4);
      d.month = digits_value(mm);
      d.year = expand_year(yy);
      if (d.year < 0) return invalid("expected a 2- or 4-digit year");
    } else {
      const bool dashed = c.take('-');
      if (!dashed) c.take('.');
      c.skip_spaces();
      const std::string name = c.word();
      d.month = month_from_name(name);
      if (d.month == 0) return invalid(name.empty() ? "expected a month" : "unknown month name '" + name + "'");
      c.take('.');
      if (!(dashed ? c.take('-') : c.skip_spaces())) return invalid("expected a space before the year");
      d.year = expand_year(c.digits(4));
      if (d.year < 0) return invalid("expected a 2- or 4-digit year");
    }
  } else {
    return invalid("expected a date such as 17/08/2024 or 17 Agustus 2024");
  }
  if (!d.valid()) return invalid("no such calendar date (day-month-year order)");
  return d;
}

struct clock_time {
  int hour = 0, minute = 0, second = 0;
};

std::optional<std::string> parse_zone(cursor& c) {
  c.skip_spaces();
  if (c.peek() == '+' || c.peek() == '-') {
    const char sign = c.s[c.i++];
    const auto hh = c.digits(2);
    if (hh.size() != 2) return std::nullopt;
    c.take(':');
    auto mm = c.digits(2);
    if (mm.empty()) mm = "00";
    if (mm.size() != 2 || digits_value(hh) > 14 || digits_value(mm) > 59) return std::nullopt;
    return std::string(1, sign) + std::string(hh) + ":" + std::string(mm);
  }
  const std::size_t start = c.i;
  const std::string w = c.word();
  const std::string off = zone_offset(w);
  if (off.empty()) {
    c.i = start;
    return std::nullopt;
  }
  return off;
}

}  // namespace

std::string zone_offset(std::string_view zone) {
  std::string z;
  for (const char ch : zone) z.push_back(lower(ch));
  if (z == "wib") return "+07:00";
  if (z == "wita") return "+08:00";
  if (z == "wit") return "+09:00";
  if (z == "z" || z == "utc" || z == "gmt") return "+00:00";
  return {};
}

domain_result<std::string> parse_indonesian_date(std::string_view text) {
  cursor c{text};
  auto d = parse_date(c);
  if (!d) return std::unexpected(d.error());
  c.skip_spaces();
  if (!c.eof()) return invalid("unexpected text after the date");
  return d->iso();
}

domain_result<std::string> parse_indonesian_datetime(std::string_view text, std::string_view default_zone) {
  std::string zone;
  if (!default_zone.empty()) {
    zone = zone_offset(default_zone);
    if (zone.empty()) {
      cursor zc{default_zone};
      if (auto z = parse_zone(zc); z && zc.eof()) zone = *z;
    }
    if (zone.empty()) {
      return make_domain_error("TANGGAL_ZONA_TIDAK_DIKENAL",
                               "unknown time zone '" + std::string(default_zone) + "' (expected WIB, WITA, WIT, UTC or +HH:MM)");
    }
  }
  cursor c{text};
  auto d = parse_date(c);
  if (!d) return std::unexpected(d.error());
  clock_time t;
  const bool iso_t = c.take('T');
  if (!iso_t) {
    c.take(',');
    c.skip_spaces();
    const std::size_t before = c.i;
    const std::string w = c.word();
    if (w == "pukul" || w == "jam" || w == "pkl") {
      c.take('.');
      c.skip_spaces();
    } else {
      c.i = before;
    }
  }
  if (is_digit(c.peek())) {
    const auto hh = c.digits(2);
    const char sep = c.peek();
    if (sep != ':' && sep != '.') return invalid("expected HH.MM or HH:MM");
    ++c.i;
    const auto mm = c.digits(2);
    if (mm.size() != 2) return invalid("expected two-digit minutes");
    t.hour = digits_value(hh);
    t.minute = digits_value(mm);
    if (c.peek() == sep && is_digit(c.peek(1))) {
      ++c.i;
      const auto ss = c.digits(2);
      if (ss.size() != 2) return invalid("expected two-digit seconds");
      t.second = digits_value(ss);
      if (c.take('.') || c.take(',')) c.digits(9);  // fractions of a second are dropped
    }
    if (t.hour > 23 || t.minute > 59 || t.second > 59) return invalid("no such time of day");
    if (auto z = parse_zone(c)) zone = *z;
  } else if (iso_t) {
    return invalid("expected a time after 'T'");
  }
  c.skip_spaces();
  if (!c.eof()) return invalid("unexpected text after the date and time");
  char buf[40];
  std::snprintf(buf, sizeof buf, "T%02d:%02d:%02d", t.hour, t.minute, t.second);
  return d->iso() + buf + zone;
}

}  // namespace simpul::mappings::domain
