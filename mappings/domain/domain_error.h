#pragma once

#include <expected>
#include <string>
#include <utility>

namespace simpul::mappings::domain {

/// Why an SPBE value was refused. `code` is stable and upper-case, taken from
/// the proposal in the shared test vectors (`NIK_FORMAT`, `NIK_TANGGAL`,
/// `TANGGAL_TIDAK_VALID`, `TELEPON_BUKAN_INDONESIA`, ...), so mapping
/// authors and national targets see the same vocabulary. `message` is for
/// people and never repeats the full personal identifier.
struct domain_error {
  std::string code;
  std::string message;
};

template <class T>
using domain_result = std::expected<T, domain_error>;

inline std::unexpected<domain_error> make_domain_error(std::string code, std::string message) {
  return std::unexpected<domain_error>(domain_error{std::move(code), std::move(message)});
}

}  // namespace simpul::mappings::domain
