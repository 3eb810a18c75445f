#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>
#include <vector>

#include "security/error.h"
#include "security/pii_detect.h"

namespace simpul::security {

/// Which fields hold personal data. Declarative, from config:
///   paths:      "pelapor.nik", "$.pelapor.kontak.email", "$..email",
///               "items[*].telepon", "*.nik" — dot-separated object keys;
///               "$" (root) optional; ".." = at any depth; "*" = any one key;
///               array steps ("[*]", "[0]") are transparent: a path applies
///               to every element.
///   name_keys:  object keys (case-insensitive) whose values are names or
///               addresses: masked word by word ("B*** S******").
///   nik_keys:   keys whose values are NIK / No. KK even when implausible.
///   detectors:  NIK/KK, phone, e-mail found anywhere inside other strings.
struct masking_policy {
  std::vector<std::string> paths;
  std::vector<std::string> name_keys{"nama",   "nama_lengkap", "name",        "full_name",
                                     "nama_ibu", "nama_ibu_kandung", "alamat", "address",
                                     "tempat_lahir"};
  std::vector<std::string> nik_keys{"nik", "no_kk", "nomor_kk", "no_ktp", "nkk"};
  pii::detectors detect{};
};

/// Applies a masking_policy to JSON documents and to free text.
///
/// Lifecycle: built once from the policy (`make` validates the paths) and
/// immutable afterwards; share as shared_ptr<const masker>. Threading: all
/// members are const and safe from any thread. Cost: one linear pass; no
/// regex, no allocation when a text line holds nothing to mask beyond the
/// returned copy.
class masker {
 public:
  static result<masker> make(masking_policy policy);

  /// Masked free text (log lines, error messages): detectors only.
  std::string mask_text(std::string_view text) const;

  /// Masks `value` in place (paths, keys, then detectors on the strings left).
  void mask_json(rapidjson::Value& value, rapidjson::Document::AllocatorType& alloc) const;
  /// A masked copy.
  rapidjson::Document masked_copy(const rapidjson::Value& value) const;
  /// Parses, masks and serialises; an error when `json` does not parse.
  result<std::string> mask_json_text(std::string_view json) const;

 private:
  struct segment {
    std::string key;  ///< "*" matches any key
    bool any_depth = false;
  };
  using path = std::vector<segment>;

  static constexpr int max_depth = 200;
  void walk(rapidjson::Value& v, std::vector<std::string_view>& keys,
            rapidjson::Document::AllocatorType& alloc, int depth) const;
  static bool match_from(const path& p, std::size_t si, const std::vector<std::string_view>& keys,
                         std::size_t ki);
  void mask_all(rapidjson::Value& v, rapidjson::Document::AllocatorType& alloc, bool words,
                int depth) const;
  bool path_matches(const std::vector<std::string_view>& keys) const;
  static bool key_in(std::string_view key, const std::vector<std::string>& list);

  masking_policy policy_;
  std::vector<path> paths_;
};

}  // namespace simpul::security
