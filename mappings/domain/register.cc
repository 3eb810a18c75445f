#include "mappings/domain/register.h"

#include <span>
#include <string>
#include <vector>

#include "mappings/domain/budget_code.h"
#include "mappings/domain/indonesian_date.h"
#include "mappings/domain/masking.h"
#include "mappings/domain/nik.h"
#include "mappings/domain/nip.h"
#include "mappings/domain/phone.h"
#include "mappings/domain/region_code.h"
#include "mappings/domain/region_table.h"
#include "mappings/domain/rupiah.h"
#include "mappings/jsonata/function.h"

namespace simpul::mappings::domain {
namespace {

namespace js = jsonata;
using args_t = std::span<const js::value>;

js::value str(std::string_view s) { return js::value::string(s); }

js::value string_list(const std::vector<std::string>& items) {
  auto a = js::value::new_array();
  for (const auto& s : items) a.push(str(s));
  return a;
}

// The objects below are built from distinct literal keys: no lookup needed.
void put(const js::value& obj, std::string_view key, js::value v) { obj.add(str(key), std::move(v)); }

// Turns a domain result into a JSONata value, raising the domain code on refusal.
template <class T, class F>
js::value convert(const domain_result<T>& r, js::host_error& err, F&& to_value) {
  if (!r) {
    err.code = r.error().code;
    err.message = r.error().message;
    return {};
  }
  return to_value(*r);
}

// A string -> string function whose result comes from a domain_result<string>.
template <class F>
js::host_impl string_fn(F fn) {
  return [fn](args_t args, js::host_error& err) -> js::value {
    if (args.empty() || !args[0].is_string()) return {};
    return convert(fn(args[0].as_string()), err, [](const std::string& s) { return str(s); });
  };
}

// A string -> string function that never fails (masking).
template <class F>
js::host_impl mask_fn(F fn) {
  return [fn](args_t args, js::host_error&) -> js::value {
    if (args.empty() || !args[0].is_string()) return {};
    return str(fn(args[0].as_string()));
  };
}

js::value nik_object(const nik_info& n) {
  auto o = js::value::new_object();
  o.obj_mut().entries.reserve(8);
  put(o, "nik", str(n.nik));
  put(o, "province", str(n.province_code));
  put(o, "regency", str(n.regency_code));
  put(o, "district", str(n.district_code));
  put(o, "birthDate", str(n.birth_date));
  put(o, "sex", str(n.sex));
  put(o, "serial", str(n.serial));
  put(o, "warnings", string_list(n.warnings));
  return o;
}

js::value nip_object(const nip_info& n) {
  auto o = js::value::new_object();
  o.obj_mut().entries.reserve(6);
  put(o, "nip", str(n.nip));
  put(o, "birthDate", str(n.birth_date));
  put(o, "tmt", str(n.tmt));
  put(o, "sex", str(n.sex));
  put(o, "serial", str(n.serial));
  put(o, "warnings", string_list(n.warnings));
  return o;
}

// {"kode": ..., "<level name>": prefix, ...} of a budget code.
template <std::size_t N>
js::value budget_object(const budget_code& c, const char* const (&names)[N]) {
  auto o = js::value::new_object();
  put(o, "kode", str(c.code));
  for (std::size_t i = 0; i < N && i < c.levels.size(); ++i) put(o, names[i], str(c.levels[i]));
  return o;
}

js::value account_object(const account_code& a) {
  auto o = js::value::new_object();
  if (!a.sub_kegiatan.code.empty()) put(o, "sub_kegiatan", budget_object(a.sub_kegiatan, kSubKegiatanLevels));
  put(o, "rekening", budget_object(a.rekening, kRekeningLevels));
  return o;
}

}  // namespace

std::expected<void, js::jsonata_error> register_domain_functions(js::function_registry& registry,
                                                                   const region_table* regions) {
  struct entry {
    const char* name;
    const char* signature;
    js::host_impl fn;
  };
  nik_options nik_opts;
  nik_opts.regions = regions;
  std::vector<entry> entries{
      {"idDateToIso", "<s-:s>",
       string_fn([](std::string_view s) { return parse_indonesian_date(s); })},
      {"idDateTimeToIso", "<s-s?:s>",
       [](args_t args, js::host_error& err) -> js::value {
         if (args.empty() || !args[0].is_string()) return {};
         std::string_view zone = args.size() > 1 && args[1].is_string() ? args[1].as_string() : "";
         return convert(parse_indonesian_datetime(args[0].as_string(), zone), err,
                        [](const std::string& s) { return str(s); });
       }},
      {"rupiahToDecimal", "<s-:s>", string_fn([](std::string_view s) { return parse_rupiah(s); })},
      {"phoneToE164", "<s-:s>", string_fn([](std::string_view s) { return normalize_phone(s); })},
      {"regionNormalize", "<s-:s>",
       string_fn([](std::string_view s) { return normalize_region_code(s); })},
      {"nikValid", "<s-:b>",
       [nik_opts](args_t args, js::host_error&) -> js::value {
         if (args.empty() || !args[0].is_string()) return {};
         return js::value::boolean(nik_valid(args[0].as_string(), nik_opts));
       }},
      {"nikParse", "<s-:o>",
       [nik_opts](args_t args, js::host_error& err) -> js::value {
         if (args.empty() || !args[0].is_string()) return {};
         return convert(parse_nik(args[0].as_string(), nik_opts), err, nik_object);
       }},
      {"nipParse", "<s-:o>",
       [](args_t args, js::host_error& err) -> js::value {
         if (args.empty() || !args[0].is_string()) return {};
         return convert(parse_nip(args[0].as_string()), err, nip_object);
       }},
      {"regionValid", "<s-:b>",
       [regions](args_t args, js::host_error&) -> js::value {
         if (args.empty() || !args[0].is_string()) return {};
         auto s = args[0].as_string();
         bool ok = regions ? regions->check(s).has_value() : normalize_region_code(s).has_value();
         return js::value::boolean(ok);
       }},
      {"kodeRekening", "<s-:o>",
       [](args_t args, js::host_error& err) -> js::value {
         if (args.empty() || !args[0].is_string()) return {};
         return convert(parse_account_code(args[0].as_string()), err, account_object);
       }},
      {"kodeSubKegiatan", "<s-:o>",
       [](args_t args, js::host_error& err) -> js::value {
         if (args.empty() || !args[0].is_string()) return {};
         return convert(parse_kode_sub_kegiatan(args[0].as_string()), err,
                        [](const budget_code& c) { return budget_object(c, kSubKegiatanLevels); });
       }},
      {"maskNik", "<s-:s>", mask_fn([](std::string_view s) { return mask_nik(s); })},
      {"maskPhone", "<s-:s>", mask_fn([](std::string_view s) { return mask_phone(s); })},
      {"maskEmail", "<s-:s>", mask_fn([](std::string_view s) { return mask_email(s); })},
  };
  for (auto& e : entries) {
    auto r = registry.add(e.name, e.signature, std::move(e.fn));
    if (!r) return r;
  }
  return {};
}

}  // namespace simpul::mappings::domain
