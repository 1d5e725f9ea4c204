// remotemedia._core: the runtime as a CPython extension module (nanobind). It runs inside the
// caller's interpreter (interpreter.cpp starts no second one) and converts values with the same
// marshaling layer as the embedded Python nodes, so arrays and audio cross without copies.
//
// Only this translation unit is compiled with exceptions: nanobind reports Python errors by
// throwing. Runtime errors stay values until here, where they become remotemedia.errors classes.
#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <deque>
#include <mutex>
#include <utility>

#include "core/pipeline.hpp"
#include "core/registry.hpp"
#include "package/package.hpp"
#include "python/interpreter.hpp"
#include "python/marshal.hpp"

namespace nb = nanobind;

namespace rm::py {
namespace {

// Invalid-input errors (exit code 3) are about the manifest unless they came from the inputs.
enum class Stage { Manifest, Inputs, Run };

[[noreturn]] void raise(const Error& e, Stage stage) {
  const char* name = "PipelineError";
  switch (e.kind) {
    case ErrorKind::InvalidInput: name = stage == Stage::Inputs ? "InputError" : "ManifestError"; break;
    case ErrorKind::Runtime: name = "NodeError"; break;
    case ErrorKind::Internal: name = "InternalError"; break;
    case ErrorKind::Usage: break;
  }
  nb::object cls = nb::module_::import_("remotemedia.errors").attr(name);
  nb::object error = nb::steal(json_to_python(*error_to_json(e).find("error")));
  if (!error.is_valid()) throw nb::python_error();
  // Messages may quote undecodable bytes (file names): never fail on them here.
  nb::object message =
      nb::steal(PyUnicode_DecodeUTF8(e.message.data(), static_cast<Py_ssize_t>(e.message.size()), "replace"));
  if (!message.is_valid()) throw nb::python_error();
  nb::object exc = cls(message, error);
  PyErr_SetObject(cls.ptr(), exc.ptr());
  throw nb::python_error();
}

template <class T>
T value_or_raise(Result<T> r, Stage stage) {
  if (!r) raise(r.error(), stage);
  return std::move(*r);
}

void start() {
  if (auto started = ensure_started(); !started) raise(started.error(), Stage::Run);
}

// JSON text or a dict (any JSON-shaped Python value).
Json manifest_from(nb::handle manifest) {
  if (PyUnicode_Check(manifest.ptr())) {
    Py_ssize_t n = 0;
    const char* text = PyUnicode_AsUTF8AndSize(manifest.ptr(), &n);
    if (!text) throw nb::python_error();
    return value_or_raise(parse_json(std::string_view(text, static_cast<std::size_t>(n))), Stage::Manifest);
  }
  Value v = value_or_raise(from_python(manifest.ptr(), "the manifest"), Stage::Manifest);
  if (!v.is_json())
    raise(fail(ErrorKind::InvalidInput, "invalid_manifest", "the manifest must be JSON text or a dict").error(),
          Stage::Manifest);
  return std::move(v.json());
}

// A list (or tuple) of items; each crosses like a Python node's return value (arrays and Audio
// shared, not copied), and JSON items in the tagged forms of docs/data.md are converted as the CLI does.
std::vector<Value> inputs_from(nb::handle inputs) {
  PyObject* seq = inputs.ptr();
  if (!PyList_Check(seq) && !PyTuple_Check(seq))
    raise(
        fail(ErrorKind::InvalidInput, "invalid_input",
             std::string("inputs must be a list of items (wrap a single item as [item]), got ") + Py_TYPE(seq)->tp_name)
            .error(),
        Stage::Inputs);
  const Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
  std::vector<Value> items;
  items.reserve(static_cast<std::size_t>(n));
  for (Py_ssize_t i = 0; i < n; ++i) {
    const auto index = static_cast<std::size_t>(i);
    auto v = from_python(PySequence_Fast_GET_ITEM(seq, i), "input item " + std::to_string(i));
    if (!v) {
      Error e = v.error();
      e.kind = ErrorKind::InvalidInput;
      e.field = "input[" + std::to_string(i) + "]";
      e.item = i;
      raise(e, Stage::Inputs);
    }
    items.push_back(v->is_json() ? value_or_raise(input_from_json(std::move(v->json()), index), Stage::Inputs)
                                 : std::move(*v));
  }
  return items;
}

// A loaded graph that owns the node types it uses. The registry is process-wide, and loading a
// manifest with Python node types updates it (the provider) while pipelines of other Python threads
// may be running: they must not point into it. Loading holds the GIL, which serializes it with
// every other load (the only writers), and copying the types needs the GIL too (a Python node
// type holds its class). Destroy it with the GIL held.
struct LoadedGraph {
  rm::Graph graph;
  std::vector<NodeInfo> types;
};

LoadedGraph load(const Json& doc, const std::string& base_dir) {
  LoadedGraph g{value_or_raise(load_graph(doc, base_dir), Stage::Manifest), {}};
  g.types.reserve(g.graph.infos.size());
  for (const NodeInfo* info : g.graph.infos) g.types.push_back(*info);
  for (std::size_t i = 0; i < g.types.size(); ++i) g.graph.infos[i] = &g.types[i];
  return g;
}

nb::dict execute_manifest(nb::handle manifest, nb::handle inputs, int threads, const std::string& base_dir) {
  start();
  Json doc = manifest_from(manifest);
  std::vector<Value> items = inputs.is_none() ? std::vector<Value>{} : inputs_from(inputs);
  ExecutionOptions options;
  options.threads = threads;
  options.pipeline_dir = base_dir;
  LoadedGraph graph = load(doc, base_dir);
  auto result = [&] {
    // C++ nodes run without the GIL; Python nodes take it for each call, on whichever thread.
    nb::gil_scoped_release release;
    return run_graph(graph.graph, std::move(items), options);
  }();
  RunOutput run = value_or_raise(std::move(result), Stage::Run);
  Json info = graph.graph.info_json();
  nb::list outputs;
  for (const Value& v : run.outputs) {
    nb::object item = nb::steal(to_python(v));
    if (!item.is_valid()) throw nb::python_error();
    outputs.append(item);
  }
  nb::dict response;
  response["status"] = "success";
  response["outputs"] = outputs;
  response["execution_time_ms"] = run.execution_time_ms;
  response["graph_info"] = nb::steal(json_to_python(info));
  return response;
}

// A session (core/executor.hpp) kept open across calls: the graph loaded and its nodes opened
// once, items pushed one at a time, outputs collected as the runtime produces them (on its
// threads, without the GIL) and handed out as Python objects by take_outputs().
class PySession {
 public:
  PySession(nb::handle manifest, int threads, const std::string& base_dir, std::size_t queue) {
    start();
    Json doc = manifest_from(manifest);
    graph_ = std::make_unique<LoadedGraph>(load(doc, base_dir));
    ExecutionOptions options;
    options.threads = threads;
    options.pipeline_dir = base_dir;
    options.queue_batches = queue;
    auto opened = [&] {
      nb::gil_scoped_release release;  // Python nodes' constructors take the GIL themselves
      return Session::open(graph_->graph, options, [this](std::vector<Value> batch) {
        std::lock_guard lock(mutex_);
        for (auto& v : batch) ready_.push_back(std::move(v));
      });
    }();
    session_ = value_or_raise(std::move(opened), Stage::Run);
  }

  ~PySession() {
    if (session_) {
      nb::gil_scoped_release release;  // steps still running may be Python nodes
      session_.reset();
    }
  }

  void push(nb::handle item) {
    if (!session_) raise(closed_error("push"), Stage::Run);
    const std::size_t index = session_->items_pushed();
    auto v = from_python(item.ptr(), "input item " + std::to_string(index));
    if (!v) {
      Error e = v.error();
      e.kind = ErrorKind::InvalidInput;
      e.field = "input[" + std::to_string(index) + "]";
      e.item = static_cast<long long>(index);
      raise(e, Stage::Inputs);
    }
    Value value =
        v->is_json() ? value_or_raise(input_from_json(std::move(v->json()), index), Stage::Inputs) : std::move(*v);
    auto pushed = [&] {
      nb::gil_scoped_release release;  // push may wait for room (backpressure) or run the steps
      return session_->push(std::move(value));
    }();
    if (!pushed) raise(pushed.error(), Stage::Run);
  }

  nb::list take_outputs() {
    std::deque<Value> taken;
    {
      std::lock_guard lock(mutex_);
      taken.swap(ready_);
    }
    nb::list out;
    for (const Value& v : taken) {
      nb::object item = nb::steal(to_python(v));
      if (!item.is_valid()) throw nb::python_error();
      out.append(item);
    }
    return out;
  }

  nb::list close() {
    if (!session_) raise(closed_error("close"), Stage::Run);
    pushed_at_close_ = session_->items_pushed();
    auto closed = [&] {
      nb::gil_scoped_release release;
      auto r = session_->close();
      session_.reset();
      return r;
    }();
    if (!closed) raise(closed.error(), Stage::Run);
    return take_outputs();
  }

  std::size_t items_pushed() const { return session_ ? session_->items_pushed() : pushed_at_close_; }
  bool is_open() const { return session_ != nullptr; }

 private:
  static Error closed_error(const char* what) {
    return fail(ErrorKind::Usage, "session_closed", std::string(what) + "() on a closed session").error();
  }

  std::unique_ptr<LoadedGraph> graph_;  // outlives the session
  std::unique_ptr<Session> session_;
  std::size_t pushed_at_close_ = 0;
  std::mutex mutex_;
  std::deque<Value> ready_;
};

nb::object to_object(const Json& j) {
  nb::object o = nb::steal(json_to_python(j));
  if (!o.is_valid()) throw nb::python_error();
  return o;
}

}  // namespace
}  // namespace rm::py

NB_MODULE(_core, m) {
  using namespace rm;
  using namespace rm::py;
  m.doc() = "The RemoteMedia runtime (C++) as an extension module; use it through the remotemedia package.";

  m.def(
      "execute_pipeline",
      [](nb::handle manifest, int threads, const std::string& base_dir) {
        return execute_manifest(manifest, nb::none(), threads, base_dir);
      },
      nb::arg("manifest"), nb::kw_only(), nb::arg("threads") = 0, nb::arg("base_dir") = ".",
      "Runs a manifest (JSON text or a dict) without input items and returns the response dict:\n"
      "status, outputs (Python objects), execution_time_ms, graph_info.\n\n"
      "threads: 0 for all cores, 1 to run serially. base_dir: the folder that relative paths in the\n"
      "manifest (python.paths, files, models) are relative to. Errors raise remotemedia.PipelineError\n"
      "subclasses carrying the runtime's error object.");
  m.def("execute_pipeline_with_input", &execute_manifest, nb::arg("manifest"), nb::arg("inputs"), nb::kw_only(),
        nb::arg("threads") = 0, nb::arg("base_dir") = ".",
        "Runs a manifest (JSON text or a dict) on a list of input items and returns the response dict\n"
        "(status, outputs, execution_time_ms, graph_info). numpy arrays and remotemedia.Audio cross\n"
        "without copying, both ways; outputs that are arrays are read-only views of the runtime's buffers.");

  nb::class_<PySession>(m, "Session",
                        "An open pipeline (remotemedia.Pipeline.session() wraps it): push() items, take_outputs()\n"
                        "what has come out so far, close() at end of input (returns the last outputs).")
      .def(nb::init<nb::handle, int, const std::string&, std::size_t>(), nb::arg("manifest"), nb::kw_only(),
           nb::arg("threads") = 0, nb::arg("base_dir") = ".", nb::arg("queue") = 8,
           "Loads the manifest and opens its nodes once. threads: 0 for all cores, 1 serial (each push\n"
           "then runs the item through the pipeline before it returns). queue: pushed items not yet\n"
           "through the pipeline before push() blocks (backpressure).")
      .def("push", &PySession::push, nb::arg("item").none(),
           "Pushes one input item; blocks while `queue` items are in flight. A node's failure raises\n"
           "here (or in close()) as a PipelineError subclass.")
      .def("take_outputs", &PySession::take_outputs, "The outputs produced since the last call, in order.")
      .def("close", &PySession::close, "End of input: flushes and closes the nodes; returns the remaining outputs.")
      .def_prop_ro("items_pushed", &PySession::items_pushed)
      .def_prop_ro("is_open", &PySession::is_open);

  m.def(
      "validate",
      [](nb::handle manifest, const std::string& base_dir) {
        start();
        Json doc = manifest_from(manifest);
        return to_object(load(doc, base_dir).graph.info_json());
      },
      nb::arg("manifest"), nb::kw_only(), nb::arg("base_dir") = ".",
      "Checks a manifest as `remotemedia validate` does; returns its graph_info.");

  m.def(
      "node_types",
      [] {
        nb::list out;
        for (const NodeInfo& info : Registry::global().all())
          if (info.origin == "c++") out.append(to_object(info.to_json()));
        return out;
      },
      "The compiled-in node types: name, category, description and params (name, type, default or\n"
      "required, choices, aliases, doc), as `remotemedia nodes info` shows them.");

  m.def(
      "pack",
      [](nb::handle manifest, const std::string& output, const std::string& base_dir,
         const std::vector<std::string>& models, const std::string& python_dir, const std::string& sign,
         const std::string& wasm_dir) {
        start();
        pkg::PackOptions options;
        options.manifest_json = manifest_from(manifest).dump();
        options.base_dir = base_dir;
        options.output_path = output;
        options.models = models;
        options.python_dir = python_dir;
        options.secret_key_path = sign;
        options.wasm_dir = wasm_dir;
        // With the GIL held, as every load of a manifest here (see `load`): the packer validates it.
        auto summary = pkg::pack(options);
        return to_object(value_or_raise(std::move(summary), Stage::Manifest).to_json());
      },
      nb::arg("manifest"), nb::arg("output"), nb::kw_only(), nb::arg("base_dir") = ".",
      nb::arg("models") = std::vector<std::string>{}, nb::arg("python_dir") = "", nb::arg("sign") = "",
      nb::arg("wasm_dir") = "",
      "Writes a .rmpkg package, as `remotemedia pack` does (the same packer): the manifest, the WASI\n"
      "module it needs, Python files, models, provenance, a signature with `sign` (a secret key file).\n"
      "Returns the summary the CLI prints.");

  m.def(
      "validate_params",
      [](const std::string& node_type, nb::handle params, const std::string& node_id) {
        const NodeInfo* info = Registry::global().find(node_type);
        if (!info)
          raise(fail(ErrorKind::InvalidInput, "unknown_node_type", "unknown node type '" + node_type + "'").error(),
                Stage::Manifest);
        Value given = value_or_raise(from_python(params.ptr(), "the params"), Stage::Manifest);
        if (!given.is_json())
          raise(fail(ErrorKind::InvalidInput, "invalid_param_value", "params must be JSON values").error(),
                Stage::Manifest);
        auto checked = validate_params(info->params, given.json(), node_id, "params");
        return to_object(value_or_raise(std::move(checked), Stage::Manifest).json());
      },
      nb::arg("node_type"), nb::arg("params"), nb::arg("node_id") = "",
      "Checks params against a node type's schema as a manifest would be checked; returns them with\n"
      "the defaults filled in.");
}
