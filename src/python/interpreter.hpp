// The embedded CPython interpreter: started once, on first use, by whichever thread needs it.
// Every call into Python holds the GIL through a Gil guard; no thread holds it otherwise, so
// Python nodes and C++ nodes run side by side under the thread-pool scheduler.
#pragma once

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <string>
#include <utility>

#include "core/error.hpp"

namespace rm::py {

// Starts the interpreter (once) with the runtime's `remotemedia` package importable. Inside an
// interpreter that is already running (the extension module), only prepares the marshaling; call
// it first with the GIL held there, so no other thread waits for the GIL inside this once-only step.
Result<> ensure_started();

class Gil {
 public:
  Gil() : state_(PyGILState_Ensure()) {}
  ~Gil() { PyGILState_Release(state_); }
  Gil(const Gil&) = delete;
  Gil& operator=(const Gil&) = delete;

 private:
  PyGILState_STATE state_;
};

// An owned (strong) reference.
class Ref {
 public:
  Ref() = default;
  explicit Ref(PyObject* owned) : p_(owned) {}
  static Ref borrow(PyObject* p) {
    Py_XINCREF(p);
    return Ref(p);
  }
  Ref(const Ref& o) : p_(o.p_) { Py_XINCREF(p_); }
  Ref(Ref&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  Ref& operator=(Ref o) noexcept {
    std::swap(p_, o.p_);
    return *this;
  }
  // After the interpreter finalized (the extension module's case: C++ statics such as registry
  // entries die after Python at exit), the object is gone with it: nothing to release.
  ~Ref() {
    if (p_ && Py_IsInitialized()) Py_DECREF(p_);
  }
  PyObject* get() const { return p_; }
  PyObject* release() { return std::exchange(p_, nullptr); }
  explicit operator bool() const { return p_ != nullptr; }

 private:
  PyObject* p_ = nullptr;
};

// The pending Python exception as an Error: message "Type: text", the formatted traceback in
// Error::traceback. Clears the exception. Call with the GIL held.
Error take_exception(ErrorKind kind, std::string code, const std::string& context);

// import `name`; errors carry the traceback.
Result<Ref> import_module(const std::string& name);

// Makes `dir` importable (front of sys.path, once).
void add_to_path(const std::string& dir);

}  // namespace rm::py
