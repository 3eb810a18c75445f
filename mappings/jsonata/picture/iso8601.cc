#include "mappings/jsonata/picture/iso8601.h"

#include <string>

#include "mappings/jsonata/picture/civil_time.h"

namespace simpul::mappings::jsonata::picture::detail {
namespace {

class reader {
 public:
  explicit reader(std::string_view text) : text_(text) {}

  bool done() const { return pos_ == text_.size(); }
  bool take(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  // Exactly `n` ASCII digits.
  bool number(int n, int& out) {
    if (pos_ + n > text_.size()) return false;
    out = 0;
    for (int i = 0; i < n; ++i) {
      const char c = text_[pos_ + i];
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
    }
    pos_ += n;
    return true;
  }
  // One or more digits, keeping the first three as milliseconds.
  bool fraction(int& millis) {
    const std::size_t start = pos_;
    millis = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      if (pos_ - start < 3) millis = millis * 10 + (text_[pos_] - '0');
      ++pos_;
    }
    for (std::size_t k = pos_ - start; k < 3; ++k) millis *= 10;
    return pos_ > start;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::expected<std::int64_t, picture_error> parse_iso8601(std::string_view text) {
  auto bad = [&] {
    return std::unexpected(picture_error{
        "D3110", "The argument of the toMillis function must be an ISO 8601 formatted timestamp. "
                 "Given " + std::string(text)});
  };
  reader r(text);
  int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, millis = 0, offset = 0;
  if (!r.number(4, year)) return bad();
  if (r.take('-')) {
    if (!r.number(2, month)) return bad();
    if (r.take('-')) {
      if (!r.number(2, day)) return bad();
      if (r.take('T')) {
        if (!r.number(2, hour) || !r.take(':') || !r.number(2, minute) || !r.take(':') ||
            !r.number(2, second)) {
          return bad();
        }
        if (r.take('.') && !r.fraction(millis)) return bad();
        if (!r.take('Z') && !r.done()) {
          int sign = 0;
          if (r.take('+')) sign = 1;
          else if (r.take('-')) sign = -1;
          int oh = 0, om = 0;
          if (sign == 0 || !r.number(2, oh)) return bad();
          r.take(':');
          if (!r.number(2, om)) return bad();
          offset = sign * (oh * 60 + om);
        }
      }
    }
  }
  if (!r.done()) return bad();
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    return bad();
  }
  const std::int64_t days = days_from_civil(year, month, day);
  return days * kMillisPerDay + hour * 3'600'000LL + minute * 60'000LL + second * 1000LL + millis -
         offset * 60'000LL;
}

}  // namespace simpul::mappings::jsonata::picture::detail
