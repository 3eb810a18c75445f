#include "mappings/jsonata/regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace simpul::mappings::jsonata {

regex_program::~regex_program() {
  if (code) pcre2_code_free(static_cast<pcre2_code*>(code));
}

std::shared_ptr<const regex_program> compile_regex(std::string_view pattern, std::string_view flags) {
  std::uint32_t options = PCRE2_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_ALT_BSUX;
  for (char f : flags) {
    if (f == 'i') options |= PCRE2_CASELESS;
    if (f == 'm') options |= PCRE2_MULTILINE;
    if (f == 's') options |= PCRE2_DOTALL;
  }
  int err = 0;
  PCRE2_SIZE offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   options, &err, &offset, nullptr);
  if (!code) return nullptr;
  pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
  auto prog = std::make_shared<regex_program>();
  prog->pattern = std::string(pattern);
  prog->flags = std::string(flags);
  prog->code = code;
  return prog;
}

std::optional<regex_match> regex_program::find(std::string_view subject, std::size_t from) const {
  auto* re = static_cast<pcre2_code*>(code);
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(re, nullptr);
  int rc = pcre2_match(re, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(), from, 0, md,
                       nullptr);
  std::optional<regex_match> result;
  if (rc > 0) {
    PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
    std::uint32_t groups = 0;
    pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &groups);
    regex_match m;
    m.start = ov[0];
    m.end = ov[1];
    for (std::uint32_t g = 1; g <= groups; ++g) {
      if (static_cast<int>(g) < rc && ov[2 * g] != PCRE2_UNSET)
        m.groups.emplace_back(std::string(subject.substr(ov[2 * g], ov[2 * g + 1] - ov[2 * g])));
      else
        m.groups.emplace_back(std::nullopt);
    }
    result = std::move(m);
  }
  pcre2_match_data_free(md);
  return result;
}

}  // namespace simpul::mappings::jsonata
