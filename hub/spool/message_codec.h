#pragma once

#include <string>
#include <string_view>

#include "hub/error.h"
#include "hub/message.h"

namespace simpul::spool {

/// Binary encoding of every field of simpul::message, versioned so a later
/// hub can still read what an older one spooled. Decoding checks every length
/// against the input and returns `spool.corrupt` instead of trusting it.
void encode_message(std::string& out, const message& m);
/// Exactly how many bytes `encode_message` appends for `m` (to reserve once).
std::size_t encoded_size(const message& m);
/// `consumed` (optional) receives how many bytes of `in` the message used;
/// what follows it is the caller's (e.g. the spool's original-message trailer).
result<message> decode_message(std::string_view in, std::size_t* consumed = nullptr);

}  // namespace simpul::spool
