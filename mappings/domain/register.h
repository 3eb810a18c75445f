#pragma once

#include <expected>

#include "mappings/jsonata/error.h"
#include "mappings/jsonata/registry.h"

namespace simpul::mappings::domain {

class region_table;

/// Registers the SPBE domain functions as JSONata host functions
/// ($idDateToIso, $rupiahToDecimal, $nikValid, $nikParse, $nipParse,
/// $regionNormalize, $regionValid, $phoneToE164, $maskNik, $maskPhone,
/// $maskEmail); docs/mappings.md lists them with examples. An undefined
/// argument gives an undefined result; a refused value raises a JSONata
/// error whose code is the domain code (NIK_FORMAT, TANGGAL_TIDAK_VALID...).
/// `regions` (may be null) must outlive the registry: with it $regionValid
/// and $nikParse check that codes exist; without it they check format only.
std::expected<void, jsonata::jsonata_error> register_domain_functions(
    jsonata::function_registry& registry, const region_table* regions);

}  // namespace simpul::mappings::domain
