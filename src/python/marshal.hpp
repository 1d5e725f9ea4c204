// Values <-> Python objects: the one marshaling layer for every Python boundary (embedded
// natively, inside the wasm, and the extension module). Call with the GIL held.
//
//   JSON      null/bool/int/float/str/list/dict, both ways (int stays int, float stays float)
//   text      str                      binary   bytes (bytes, bytearray, memoryview back)
//   tensor    numpy.ndarray, read-only, sharing the runtime's buffer (no copy); where numpy is
//             missing, a read-only memoryview with the same format and shape
//   audio     remotemedia.Audio(samples, sample_rate), samples float32 of shape (frames, channels)
//             shared the same way
// Arrays coming back (ndarray, Audio.samples) are shared, not copied, when they are C-contiguous.
#pragma once

#include <string>

#include "core/value.hpp"
#include "python/interpreter.hpp"

namespace rm::py {

// Called once after the interpreter started: prepares the buffer type, finds remotemedia.Audio.
void init_marshal();

// A new reference, or null with a Python exception set.
PyObject* to_python(const Value& v);
PyObject* json_to_python(const Json& j);

// `where` names the value in errors ("return value of process()").
Result<Value> from_python(PyObject* o, const std::string& where);

}  // namespace rm::py
