// Python nodes: a user class behind the Node contract, the generic PythonNode, and the provider
// that finds the Python node types a manifest names (built-ins and its `python` modules).
#include <cstdio>

#include "core/path.hpp"
#include "core/registry.hpp"
#include "python/interpreter.hpp"
#include "python/marshal.hpp"

namespace rm::py {
namespace {

// Calls obj.method() if it exists; a missing method is not an error. Returns null on exception.
Ref call_optional(PyObject* obj, const char* method, bool& missing) {
  Ref fn(PyObject_GetAttrString(obj, method));
  missing = !fn;
  if (!fn) {
    PyErr_Clear();
    return Ref(Py_NewRef(Py_None));
  }
  return Ref(PyObject_CallNoArgs(fn.get()));
}

// A Python class instance behind the Node contract. The class is constructed with the params
// as keyword arguments.
class PythonClassNode final : public Node {
 public:
  explicit PythonClassNode(Ref cls) : cls_(std::move(cls)) {}
  ~PythonClassNode() override {
    Gil gil;  // references are dropped under the GIL
    instance_ = Ref();
    cls_ = Ref();
  }

  Result<> open(const Params& params, const NodeContext& ctx) override {
    RM_CHECK(ensure_started());
    Gil gil;
    label_ = "node '" + ctx.id + "'";
    return construct(params.json(), ctx);
  }

  Result<> process(Value item, Emitter& out) override {
    Gil gil;
    Ref arg(to_python(item));
    if (!arg) return fail(take_exception(ErrorKind::Runtime, "python_exception", "converting the input"));
    Ref result(PyObject_CallMethodOneArg(instance_.get(), process_name(), arg.get()));
    if (!result) return fail(take_exception(ErrorKind::Runtime, "python_exception", "process() raised"));
    return emit_all(result.get(), "process()", out);
  }

  Result<> flush(Emitter& out) override {
    if (!instance_) return {};
    Gil gil;
    bool missing = false;
    Ref result = call_optional(instance_.get(), "flush", missing);
    if (!result) return fail(take_exception(ErrorKind::Runtime, "python_exception", "flush() raised"));
    return emit_all(result.get(), "flush()", out);
  }

  void close() override {
    if (!instance_) return;
    Gil gil;
    bool missing = false;
    Ref result = call_optional(instance_.get(), "cleanup", missing);
    if (!result) {
      // close() cannot fail; the pipeline's own outcome stands. Say so on stderr.
      Error e = take_exception(ErrorKind::Runtime, "python_exception", label_ + ": cleanup() raised");
      std::fprintf(stderr, "remotemedia: warning: %s\n", e.message.c_str());
    }
    instance_ = Ref();
  }

 protected:
  Result<> construct(const Json& kwargs_json, const NodeContext&) {
    Ref kwargs(json_to_python(kwargs_json.is_object() ? kwargs_json : Json::object()));
    Ref args(PyTuple_New(0));
    if (!kwargs || !args) return fail(take_exception(ErrorKind::Internal, "python_exception", "preparing params"));
    instance_ = Ref(PyObject_Call(cls_.get(), args.get(), kwargs.get()));
    if (!instance_) {
      Error e = take_exception(ErrorKind::InvalidInput, "python_init_error", "constructing the node's class raised");
      if (Ref name(PyObject_GetAttrString(cls_.get(), "__name__")); name)
        e.message = "constructing " + std::string(PyUnicode_AsUTF8(name.get())) + "(**params) raised" +
                    e.message.substr(e.message.find(':'));
      PyErr_Clear();
      return fail(std::move(e));
    }
    bool missing = false;
    Ref r = call_optional(instance_.get(), "initialize", missing);
    if (!r) return fail(take_exception(ErrorKind::Runtime, "python_exception", "initialize() raised"));
    return {};
  }

 private:
  static PyObject* process_name() {
    static PyObject* name = PyUnicode_InternFromString("process");
    return name;
  }

  // None: nothing; an iterator or generator: each item it yields; anything else: one item.
  Result<> emit_all(PyObject* result, const char* what, Emitter& out) {
    if (result == Py_None) return {};
    if (PyIter_Check(result) && !PyUnicode_Check(result) && !PyBytes_Check(result)) {
      while (true) {
        Ref item(PyIter_Next(result));
        if (!item) {
          if (PyErr_Occurred())
            return fail(take_exception(ErrorKind::Runtime, "python_exception", std::string(what) + " raised"));
          return {};
        }
        RM_TRY(v, from_python(item.get(), std::string("an item yielded by ") + what));
        out.emit(std::move(v));
      }
    }
    RM_TRY(v, from_python(result, std::string("the return value of ") + what));
    out.emit(std::move(v));
    return {};
  }

  Ref cls_;
  Ref instance_;
  std::string label_;
};

// PythonNode{module | file | code, class, kwargs}: any class, without registering it.
class GenericPythonNode final : public Node {
 public:
  Result<> open(const Params& params, const NodeContext& ctx) override {
    RM_CHECK(ensure_started());
    const std::string& module = params.string("module");
    const std::string& file = params.string("file");
    const std::string& code = params.string("code");
    const std::string& cls_name = params.string("class");
    if ((!module.empty()) + (!file.empty()) + (!code.empty()) != 1)
      return fail(ErrorKind::InvalidInput, "invalid_param_value", "give exactly one of 'module', 'file' or 'code'");
    Ref cls;
    {
      Gil gil;
      Ref mod;
      if (!module.empty()) {
        RM_TRY(m, import_module(module));
        mod = std::move(m);
      } else {
        // A file (relative to the manifest) or inline code runs as a fresh module of its own.
        std::string source = code, filename = "<inline code of node '" + ctx.id + "'>";
        if (!file.empty()) {
          filename = join_path(ctx.pipeline_dir, file);
          std::FILE* f = std::fopen(open_path(filename).c_str(), "rb");
          if (!f)
            return fail(ErrorKind::InvalidInput, "python_import_error", "cannot read Python file '" + filename + "'");
          char buf[65536];
          std::size_t n;
          source.clear();
          while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) source.append(buf, n);
          std::fclose(f);
        }
        std::string name = "remotemedia_node_" + ctx.id;
        Ref compiled(Py_CompileString(source.c_str(), filename.c_str(), Py_file_input));
        if (!compiled)
          return fail(take_exception(ErrorKind::InvalidInput, "python_import_error", "cannot compile " + filename));
        mod = Ref(PyImport_ExecCodeModuleEx(name.c_str(), compiled.get(), filename.c_str()));
        if (!mod)
          return fail(
              take_exception(ErrorKind::InvalidInput, "python_import_error", "running " + filename + " raised"));
      }
      cls = Ref(PyObject_GetAttrString(mod.get(), cls_name.c_str()));
      if (!cls) {
        PyErr_Clear();
        std::string from = !module.empty() ? "module '" + module + "'"
                           : !file.empty() ? "'" + file + "'"
                                           : "the inline code";
        return fail(ErrorKind::InvalidInput, "python_class_not_found", "no class '" + cls_name + "' in " + from);
      }
    }
    inner_ = std::make_unique<PythonClassNode>(std::move(cls));
    Params kwargs(*params.find("kwargs"));
    return inner_->open(kwargs, ctx);
  }
  Result<> process(Value item, Emitter& out) override { return inner_->process(std::move(item), out); }
  Result<> flush(Emitter& out) override { return inner_ ? inner_->flush(out) : Result<>{}; }
  void close() override {
    if (inner_) inner_->close();
  }

 private:
  std::unique_ptr<PythonClassNode> inner_;
};

NodeInfo python_node_info();
RM_REGISTER_NODE(PythonNode, python_node_info());

NodeInfo python_node_info() {
  NodeInfo info{"PythonNode",
                "Runs a Python class from a module, a file or inline code, constructed with `kwargs`.",
                "python",
                {ParamSpec{.name = "module",
                           .type = ParamType::String,
                           .default_value = Json(""),
                           .doc = "module to import the class from (on sys.path or the manifest's python.paths)"},
                 ParamSpec{.name = "file",
                           .type = ParamType::String,
                           .default_value = Json(""),
                           .doc = "Python file, relative to the manifest's folder",
                           .file = true},
                 ParamSpec{.name = "code",
                           .type = ParamType::String,
                           .default_value = Json(""),
                           .doc = "inline Python source defining the class"},
                 ParamSpec{.name = "class", .type = ParamType::String, .doc = "the class name", .required = true},
                 ParamSpec{.name = "kwargs",
                           .type = ParamType::Object,
                           .default_value = Json::object(),
                           .doc = "keyword arguments for the class"}},
                [] { return std::make_unique<GenericPythonNode>(); }};
  info.feature = "python";
  return info;
}

// ---- the provider ------------------------------------------------------------------------------

bool needs_python(const ProviderRequest& request, const Registry& registry) {
  if (request.all || request.manifest.find("python")) return true;
  const Json* nodes = request.manifest.find("nodes");
  if (!nodes || !nodes->is_array()) return false;
  for (const Json& n : nodes->as_array()) {
    const Json* type = n.find("node_type");
    if (!type) type = n.find("type");
    if (type && type->is_string() && !registry.find(type->as_string())) return true;
  }
  return false;
}

// Description and documented params from remotemedia.node_schema(cls). The class itself checks
// its arguments (open_params), so these only document it.
void describe(PyObject* package, PyObject* cls, NodeInfo& info) {
  Ref schema(PyObject_CallMethod(package, "node_schema", "O", cls));
  auto json = schema ? from_python(schema.get(), "node_schema()") : Result<Value>(Value(Json()));
  PyErr_Clear();
  if (!json || !json->is_json() || !json->json().is_object()) return;
  const Json& s = json->json();
  if (const Json* doc = s.find("doc"); doc && doc->is_string()) info.description = doc->as_string();
  if (const Json* params = s.find("params"); params && params->is_array())
    for (const Json& p : params->as_array()) {
      ParamSpec spec{.name = p.find("name")->as_string(), .doc = "constructor argument"};
      spec.required = p.find("required")->as_bool();
      if (const Json* d = p.find("default")) spec.default_value = *d;
      info.params.push_back(std::move(spec));
    }
}

Result<> provide(const ProviderRequest& request, Registry& registry) {
  if (!needs_python(request, registry)) return {};
  RM_CHECK(ensure_started());
  Gil gil;
  RM_TRY(builtins, import_module("remotemedia.nodes"));
  if (const Json* python = request.manifest.find("python")) {
    if (const Json* paths = python->find("paths"))
      for (const Json& p : paths->as_array()) {
        add_to_path(join_path(request.manifest_dir, p.as_string()));
      }
    if (const Json* modules = python->find("modules"))
      for (std::size_t i = 0; i < modules->as_array().size(); ++i) {
        auto imported = import_module(modules->as_array()[i].as_string());
        if (!imported) {
          Error e = imported.error();
          e.field = "python.modules[" + std::to_string(i) + "]";
          return fail(std::move(e));
        }
      }
  }
  RM_TRY(package, import_module("remotemedia"));
  Ref table(PyObject_CallMethod(package.get(), "registered_nodes", nullptr));
  if (!table) return fail(take_exception(ErrorKind::Internal, "python_exception", "remotemedia.registered_nodes()"));
  PyObject *key, *cls;
  Py_ssize_t pos = 0;
  while (PyDict_Next(table.get(), &pos, &key, &cls)) {
    std::string name = PyUnicode_AsUTF8(key);
    Ref keep = Ref::borrow(cls);
    NodeInfo info{name, "Python node", "python", {}, [keep] {
                    Gil g;
                    return std::unique_ptr<Node>(std::make_unique<PythonClassNode>(keep));
                  }};
    info.open_params = true;
    info.origin = "python";
    info.feature = "python";
    describe(package.get(), cls, info);
    if (!registry.add_or_replace(std::move(info)) && !request.all)
      std::fprintf(stderr, "remotemedia: warning: the Python node '%s' is shadowed by the C++ node of that name\n",
                   name.c_str());
  }
  return {};
}

const ProviderRegistration python_provider{provide};

}  // namespace
}  // namespace rm::py
