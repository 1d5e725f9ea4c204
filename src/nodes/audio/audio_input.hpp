// The check every audio node makes first.
#pragma once

#include <string>

#include "core/node.hpp"

namespace rm {

inline Result<const Audio*> audio_input(const Value& item) {
  if (const Audio* a = item.audio()) return a;
  return node_error("not_audio", std::string("expected audio, got ") + kind_name(item.kind()) +
                                     " (feed a WAV file with -i, or the __audio__ JSON form)");
}

}  // namespace rm
