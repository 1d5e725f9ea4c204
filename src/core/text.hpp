// Text from outside (manifests, inputs, packages) on its way into a message or onto a terminal:
// one UTF-8 check, one escaping, one length limit, shared by every command and every error.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace rm {

// Is `text` well-formed UTF-8 (no overlong forms, surrogates or values past Unicode)?
bool valid_utf8(std::string_view text);

// Control characters (and DEL) as \xNN, never acted on by a terminal; every byte outside ASCII
// too when the text is not UTF-8, so that what is printed always is.
std::string printable(std::string_view text);

// At most `max_bytes` of `text` (cut at a UTF-8 character boundary), followed by
// "... (N bytes in all)" when it was longer: a 10 MB value is never echoed whole.
std::string clipped(std::string_view text, std::size_t max_bytes = 200);

// The most of an error message that is printed (the parts it quotes are clipped shorter).
constexpr std::size_t kMaxMessageBytes = 4096;

}  // namespace rm
