#include "python/interpreter.hpp"

#include <cstdlib>

#include "python/marshal.hpp"

#include <string>

#ifndef RM_PYTHON_EXECUTABLE
#define RM_PYTHON_EXECUTABLE "python3"
#endif
#ifndef RM_PYTHON_PACKAGE_DIR
#define RM_PYTHON_PACKAGE_DIR ""
#endif

namespace rm::py {

namespace {

Result<> start() {
  if (Py_IsInitialized()) {
    // Loaded as the extension module (remotemedia._core) by a running interpreter: use that one
    // interpreter as it is (its sys.path, its stdout); a second Py_Initialize would break it.
    Gil gil;
    init_marshal();
    return {};
  }
  PyConfig config;
  PyConfig_InitPythonConfig(&config);
  config.install_signal_handlers = 0;  // Ctrl-C stays the host process's business
  config.parse_argv = 0;
#ifdef RM_PYTHON_SEARCH_PATH
  // Inside the wasm: a fixed layout under the guest's /usr (the stdlib zip and our package),
  // mapped by the runner. No site-packages.
  PyStatus status = PyConfig_SetBytesString(&config, &config.home, RM_PYTHON_HOME);
  config.site_import = 0;
  config.write_bytecode = 0;  // a sandboxed guest leaves no __pycache__ in the host's folders
  config.module_search_paths_set = 1;
  {
    std::string paths = RM_PYTHON_SEARCH_PATH;
    for (std::size_t start = 0; !PyStatus_Exception(status) && start <= paths.size();) {
      std::size_t end = paths.find(':', start);
      if (end == std::string::npos) end = paths.size();
      std::wstring wide(paths.begin() + static_cast<long>(start), paths.begin() + static_cast<long>(end));
      status = PyWideStringList_Append(&config.module_search_paths, wide.c_str());
      start = end + 1;
    }
  }
#else
  // The installation this binary was built against (Debian's /usr/bin/python3.11), not whichever
  // python3 comes first on PATH: that decides the standard library and site-packages (numpy).
  PyStatus status = PyConfig_SetBytesString(&config, &config.program_name, RM_PYTHON_EXECUTABLE);
#endif
  if (!PyStatus_Exception(status)) status = Py_InitializeFromConfig(&config);
  PyConfig_Clear(&config);
  if (PyStatus_Exception(status))
    return fail(
        ErrorKind::Internal, "python_start_failed",
        std::string("cannot start the embedded Python: ") + (status.err_msg ? status.err_msg : "unknown error"));
  // The runtime's own package: $REMOTEMEDIA_PYTHON_DIR, else the source tree's python/ folder.
  const char* dir = std::getenv("REMOTEMEDIA_PYTHON_DIR");
  add_to_path(dir && *dir ? dir : RM_PYTHON_PACKAGE_DIR);
  // Results own stdout: whatever Python code prints goes to stderr, with the logs.
  PyRun_SimpleString("import sys\nsys.stdout = sys.stderr\n");
  init_marshal();
  // Nobody holds the GIL between calls: each call takes it with a Gil guard.
  PyEval_SaveThread();
  return {};
}

}  // namespace

Result<> ensure_started() {
  static const Result<> started = start();  // thread-safe once
  return started;
}

void add_to_path(const std::string& dir) {
  if (dir.empty()) return;
  PyObject* path = PySys_GetObject("path");  // borrowed
  Ref entry(PyUnicode_FromString(dir.c_str()));
  if (!path || !entry) {
    PyErr_Clear();
    return;
  }
  int present = PySequence_Contains(path, entry.get());
  if (present == 0) PyList_Insert(path, 0, entry.get());
  PyErr_Clear();
}

Error take_exception(ErrorKind kind, std::string code, const std::string& context) {
  Error e;
  e.kind = kind;
  e.code = std::move(code);
  PyObject *type = nullptr, *value = nullptr, *tb = nullptr;
  PyErr_Fetch(&type, &value, &tb);
  PyErr_NormalizeException(&type, &value, &tb);
  Ref type_ref(type), tb_ref(tb);
  if (!value) {
    e.message = context + ": unknown Python error";
    return e;
  }
  if (tb) PyException_SetTraceback(value, tb);
  Ref exc(value);
  PyObject* raw = value;
  Ref type_name(PyObject_GetAttrString(reinterpret_cast<PyObject*>(Py_TYPE(raw)), "__name__"));
  Ref text(PyObject_Str(raw));
  std::string name = type_name ? PyUnicode_AsUTF8(type_name.get()) : "Exception";
  std::string what = text ? PyUnicode_AsUTF8(text.get()) : "";
  e.message = context + ": " + name + (what.empty() ? "" : ": " + what);
  // traceback.format_exception(exc) joined.
  if (Ref tb_module(PyImport_ImportModule("traceback")); tb_module) {
    Ref lines(PyObject_CallMethod(tb_module.get(), "format_exception", "O", raw));
    Ref empty(PyUnicode_FromString(""));
    if (lines && empty) {
      Ref joined(PyUnicode_Join(empty.get(), lines.get()));
      if (joined) e.traceback = PyUnicode_AsUTF8(joined.get());
    }
  }
  while (!e.traceback.empty() && e.traceback.back() == '\n') e.traceback.pop_back();
  PyErr_Clear();
  return e;
}

Result<Ref> import_module(const std::string& name) {
  Ref module(PyImport_ImportModule(name.c_str()));
  if (!module)
    return fail(take_exception(ErrorKind::InvalidInput, "python_import_error", "cannot import '" + name + "'"));
  return module;
}

}  // namespace rm::py
