#include "python/marshal.hpp"

#include <cstring>
#include <memory>
#include <vector>

#ifdef RM_HAVE_NUMPY
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>
#endif

namespace rm::py {

namespace {

// ---------------------------------------------------------------------------------------------
// BlobBuffer: a Python object that lends a Blob through the buffer protocol, read-only. It is
// the owner behind every array or memoryview the runtime hands to Python, so the bytes live as
// long as Python uses them, and no byte is copied.

struct BlobBuffer {
  PyObject_HEAD Blob* blob;
  char format[4];
  int ndim;
  Py_ssize_t shape[8];
  Py_ssize_t strides[8];
  Py_ssize_t itemsize;
};

int blob_getbuffer(PyObject* self, Py_buffer* view, int flags) {
  auto* b = reinterpret_cast<BlobBuffer*>(self);
  if (flags & PyBUF_WRITABLE) {
    PyErr_SetString(PyExc_BufferError, "remotemedia buffers are read-only: copy the data to change it");
    return -1;
  }
  view->obj = Py_NewRef(self);
  view->buf = const_cast<std::byte*>(b->blob->data());
  view->len = static_cast<Py_ssize_t>(b->blob->size());
  view->readonly = 1;
  view->itemsize = b->itemsize;
  view->format = (flags & PyBUF_FORMAT) ? b->format : nullptr;
  view->ndim = b->ndim;
  view->shape = (flags & PyBUF_ND) ? b->shape : nullptr;
  view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES ? b->strides : nullptr;
  view->suboffsets = nullptr;
  view->internal = nullptr;
  return 0;
}

void blob_dealloc(PyObject* self) {
  delete reinterpret_cast<BlobBuffer*>(self)->blob;
  Py_TYPE(self)->tp_free(self);
}

PyBufferProcs blob_buffer_procs = {blob_getbuffer, nullptr};

PyTypeObject BlobBufferType = [] {
  PyTypeObject t{PyVarObject_HEAD_INIT(nullptr, 0)};
  t.tp_name = "remotemedia.Buffer";
  t.tp_basicsize = sizeof(BlobBuffer);
  t.tp_dealloc = blob_dealloc;
  t.tp_as_buffer = &blob_buffer_procs;
  t.tp_flags = Py_TPFLAGS_DEFAULT;
  t.tp_doc = "read-only bytes owned by the remotemedia runtime";
  return t;
}();

struct Format {
  DType dtype;
  const char* code;
  int numpy_type;
};
// numpy type numbers are stable ABI constants; they are listed here so that builds without numpy
// (WASI) share the table.
constexpr Format kFormats[] = {
    {DType::Bool, "?", 0},    {DType::Int8, "b", 1},     {DType::UInt8, "B", 2},    {DType::Int16, "h", 3},
    {DType::UInt16, "H", 4},  {DType::Int32, "i", 5},    {DType::UInt32, "I", 6},   {DType::Int64, "q", 9},
    {DType::UInt64, "Q", 10}, {DType::Float16, "e", 23}, {DType::Float32, "f", 11}, {DType::Float64, "d", 12},
};

const Format& format_of(DType d) {
  for (const auto& f : kFormats)
    if (f.dtype == d) return f;
  return kFormats[0];
}

PyObject* make_buffer(const Blob& blob, DType dtype, const std::vector<std::int64_t>& shape) {
  if (shape.size() > 8) {
    PyErr_SetString(PyExc_ValueError, "arrays of more than 8 dimensions are not supported");
    return nullptr;
  }
  auto* b = PyObject_New(BlobBuffer, &BlobBufferType);
  if (!b) return nullptr;
  b->blob = new Blob(blob);
  std::strncpy(b->format, format_of(dtype).code, sizeof b->format);
  b->ndim = static_cast<int>(shape.size());
  b->itemsize = static_cast<Py_ssize_t>(dtype_size(dtype));
  Py_ssize_t stride = b->itemsize;
  for (int d = b->ndim - 1; d >= 0; --d) {
    b->shape[d] = static_cast<Py_ssize_t>(shape[static_cast<std::size_t>(d)]);
    b->strides[d] = stride;
    stride *= b->shape[d];
  }
  return reinterpret_cast<PyObject*>(b);
}

#ifdef RM_HAVE_NUMPY
// numpy is imported on first need, so pipelines without arrays never pay its start-up (~40 ms).
// 0: not tried yet, 1: ready, -1: not installed. Changed with the GIL held.
int numpy_state = 0;

bool numpy_ready(bool import_if_missing) {
  if (numpy_state != 0) return numpy_state > 0;
  if (!import_if_missing) {
    // Nobody imported numpy yet, so no object can be a numpy array.
    Ref name(PyUnicode_FromString("numpy"));
    Ref loaded(name ? PyImport_GetModule(name.get()) : nullptr);
    PyErr_Clear();
    if (!loaded) return false;
  }
  numpy_state = _import_array() >= 0 ? 1 : -1;
  if (numpy_state < 0) PyErr_Clear();
  return numpy_state > 0;
}
#endif

// An array (numpy) or memoryview over a Blob, sharing its memory.
PyObject* array_over(const Blob& blob, DType dtype, const std::vector<std::int64_t>& shape) {
  Ref owner(make_buffer(blob, dtype, shape));
  if (!owner) return nullptr;
#ifdef RM_HAVE_NUMPY
  if (numpy_ready(/*import_if_missing=*/true)) {
    std::vector<npy_intp> dims(shape.begin(), shape.end());
    PyObject* arr =
        PyArray_New(&PyArray_Type, static_cast<int>(dims.size()), dims.data(), format_of(dtype).numpy_type, nullptr,
                    const_cast<std::byte*>(blob.data()), 0, NPY_ARRAY_C_CONTIGUOUS | NPY_ARRAY_ALIGNED, nullptr);
    if (!arr) return nullptr;
    if (PyArray_SetBaseObject(reinterpret_cast<PyArrayObject*>(arr), owner.release()) < 0) {
      Py_DECREF(arr);
      return nullptr;
    }
    return arr;
  }
#endif
  return PyMemoryView_FromObject(owner.get());
}

Ref audio_class;  // remotemedia.Audio

std::unexpected<Error> unserializable(const std::string& where, PyObject* o, const std::string& hint = "") {
  std::string type = Py_TYPE(o)->tp_name;
  return fail(ErrorKind::Runtime, "python_unserializable",
              where + " has type '" + type + "', which cannot leave Python (expected None, bool, int, float, str, " +
                  "list, tuple, dict with str keys, bytes, a numpy array or remotemedia.Audio)" + hint);
}

Result<Json> json_from_python(PyObject* o, const std::string& where, int depth);

// A buffer the runtime can keep: shares the object's memory when it is C-contiguous.
Result<Tensor> tensor_from_buffer(PyObject* o, const std::string& where) {
  // Our own buffer coming back unchanged: reuse the Blob.
  PyObject* base = o;
#ifdef RM_HAVE_NUMPY
  if (numpy_ready(false) && PyArray_Check(o)) base = PyArray_BASE(reinterpret_cast<PyArrayObject*>(o));
#endif
  if (PyMemoryView_Check(o)) base = PyMemoryView_GET_BUFFER(o)->obj;
  Py_buffer view;
  if (PyObject_GetBuffer(o, &view, PyBUF_RECORDS_RO) < 0) {
    PyErr_Clear();
    return unserializable(where, o);
  }
  struct Release {
    Py_buffer* v;
    ~Release() { PyBuffer_Release(v); }
  } release{&view};
  Tensor t;
  const char* fmt = view.format ? view.format : "B";
  if (*fmt == '<' || *fmt == '=' || *fmt == '@') ++fmt;
  bool known = false;
  for (const auto& f : kFormats)
    if (std::strcmp(fmt, f.code) == 0 || (f.dtype == DType::Int64 && std::strcmp(fmt, "l") == 0) ||
        (f.dtype == DType::UInt64 && std::strcmp(fmt, "L") == 0)) {
      t.dtype = f.dtype;
      known = true;
      break;
    }
  if (!known) return unserializable(where, o, std::string("; unsupported element format '") + fmt + "'");
  for (int d = 0; d < view.ndim; ++d) t.shape.push_back(static_cast<std::int64_t>(view.shape[d]));
  if (!PyBuffer_IsContiguous(&view, 'C')) {
    // A strided view (a slice, a transpose): the one case that costs a copy.
    std::vector<std::byte> bytes(static_cast<std::size_t>(view.len));
    if (PyBuffer_ToContiguous(bytes.data(), &view, view.len, 'C') < 0)
      return fail(take_exception(ErrorKind::Runtime, "python_unserializable", where));
    t.data = Blob::from_vector(std::move(bytes));
    return t;
  }
  if (base && Py_TYPE(base) == &BlobBufferType) {
    const Blob& mine = *reinterpret_cast<BlobBuffer*>(base)->blob;
    if (view.buf == mine.data() && static_cast<std::size_t>(view.len) == mine.size()) {
      t.data = mine;
      return t;
    }
  }
  // Keep the exporting object alive as long as the runtime uses its memory.
  PyObject* keep = Py_NewRef(o);
  std::shared_ptr<const void> owner(keep, [](const void* p) {
    Gil gil;
    Py_DECREF(const_cast<PyObject*>(static_cast<const PyObject*>(p)));
  });
  t.data = Blob(static_cast<const std::byte*>(view.buf), static_cast<std::size_t>(view.len), std::move(owner));
  return t;
}

Result<Json> json_from_python(PyObject* o, const std::string& where, int depth) {
  if (depth > 200) return fail(ErrorKind::Runtime, "python_unserializable", where + " is nested too deeply");
  if (o == Py_None) return Json();
  if (PyBool_Check(o)) return Json(o == Py_True);
  if (PyLong_Check(o)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (overflow) return fail(ErrorKind::Runtime, "python_unserializable", where + " holds an int beyond 64 bits");
    return Json(v);
  }
  if (PyFloat_Check(o)) return Json(PyFloat_AS_DOUBLE(o));
  if (PyUnicode_Check(o)) {
    Py_ssize_t n;
    const char* s = PyUnicode_AsUTF8AndSize(o, &n);
    if (!s) return fail(take_exception(ErrorKind::Runtime, "python_unserializable", where));
    return Json(std::string(s, static_cast<std::size_t>(n)));
  }
  if (PyList_Check(o) || PyTuple_Check(o)) {
    Ref seq(PySequence_Fast(o, ""));
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq.get());
    Json::Array out;
    out.reserve(static_cast<std::size_t>(n));
    for (Py_ssize_t i = 0; i < n; ++i) {
      RM_TRY(item, json_from_python(PySequence_Fast_GET_ITEM(seq.get(), i), where, depth + 1));
      out.push_back(std::move(item));
    }
    return Json(std::move(out));
  }
  if (PyDict_Check(o)) {
    Json::Object out;
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (PyDict_Next(o, &pos, &key, &value)) {
      if (!PyUnicode_Check(key))
        return fail(ErrorKind::Runtime, "python_unserializable",
                    where + " has a dict key of type '" + Py_TYPE(key)->tp_name + "' (JSON keys are strings)");
      RM_TRY(item, json_from_python(value, where, depth + 1));
      out.emplace_back(PyUnicode_AsUTF8(key), std::move(item));
    }
    return Json(std::move(out));
  }
#ifdef RM_HAVE_NUMPY
  if (numpy_ready(false) && PyArray_IsScalar(o, Generic)) {  // numpy.float32(1.5) and friends
    Ref item(PyObject_CallMethod(o, "item", nullptr));
    if (!item) return fail(take_exception(ErrorKind::Runtime, "python_unserializable", where));
    return json_from_python(item.get(), where, depth + 1);
  }
#endif
  std::string hint =
      depth > 0 && PyObject_CheckBuffer(o) ? "; inside a list or dict, convert arrays with .tolist()" : "";
  return unserializable(where, o, hint);
}

}  // namespace

void init_marshal() {
  if (PyType_Ready(&BlobBufferType) < 0) PyErr_Clear();
  if (Ref module(PyImport_ImportModule("remotemedia")); module) {
    audio_class = Ref(PyObject_GetAttrString(module.get(), "Audio"));
  }
  PyErr_Clear();
}

PyObject* json_to_python(const Json& j) {
  switch (j.kind()) {
    case Json::Kind::Null: Py_RETURN_NONE;
    case Json::Kind::Bool: return PyBool_FromLong(j.as_bool());
    case Json::Kind::Int: return PyLong_FromLongLong(j.as_int());
    case Json::Kind::Float: return PyFloat_FromDouble(j.as_float());
    case Json::Kind::String: {
      const auto& s = j.as_string();
      return PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "surrogateescape");
    }
    case Json::Kind::Array: {
      const auto& a = j.as_array();
      Ref list(PyList_New(static_cast<Py_ssize_t>(a.size())));
      if (!list) return nullptr;
      for (std::size_t i = 0; i < a.size(); ++i) {
        PyObject* item = json_to_python(a[i]);
        if (!item) return nullptr;
        PyList_SET_ITEM(list.get(), static_cast<Py_ssize_t>(i), item);
      }
      return list.release();
    }
    case Json::Kind::Object: {
      Ref dict(PyDict_New());
      if (!dict) return nullptr;
      for (const auto& [k, v] : j.as_object()) {
        Ref value(json_to_python(v));
        if (!value || PyDict_SetItemString(dict.get(), k.c_str(), value.get()) < 0) return nullptr;
      }
      return dict.release();
    }
  }
  Py_RETURN_NONE;
}

PyObject* to_python(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::Json: return json_to_python(v.json());
    case Value::Kind::Text: {
      const auto& s = v.text()->text;
      return PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "surrogateescape");
    }
    case Value::Kind::Binary: {
      const Blob& b = v.binary()->data;
      return PyBytes_FromStringAndSize(reinterpret_cast<const char*>(b.data()), static_cast<Py_ssize_t>(b.size()));
    }
    case Value::Kind::Tensor: {
      const Tensor& t = *v.tensor();
      return array_over(t.data, t.dtype, t.shape);
    }
    case Value::Kind::Audio: {
      const Audio& a = *v.audio();
      if (!audio_class) {
        PyErr_SetString(PyExc_RuntimeError, "remotemedia.Audio is not importable");
        return nullptr;
      }
      Ref samples(array_over(a.samples, DType::Float32,
                             {static_cast<std::int64_t>(a.frames()), static_cast<std::int64_t>(a.channels)}));
      if (!samples) return nullptr;
      return PyObject_CallFunction(audio_class.get(), "Oi", samples.get(), a.sample_rate);
    }
  }
  Py_RETURN_NONE;
}

Result<Value> from_python(PyObject* o, const std::string& where) {
  if (audio_class && PyObject_IsInstance(o, audio_class.get()) == 1) {
    Ref samples(PyObject_GetAttrString(o, "samples"));
    Ref rate(PyObject_GetAttrString(o, "sample_rate"));
    if (!samples || !rate) return fail(take_exception(ErrorKind::Runtime, "python_unserializable", where));
    RM_TRY(t, tensor_from_buffer(samples.get(), where + " (Audio.samples)"));
    if (t.dtype != DType::Float32 || t.shape.empty() || t.shape.size() > 2)
      return fail(ErrorKind::Runtime, "python_unserializable",
                  where + ": Audio.samples must be float32 with shape (frames,) or (frames, channels)");
    Audio a;
    a.samples = std::move(t.data);
    a.sample_rate = static_cast<int>(PyLong_AsLong(rate.get()));
    a.channels = t.shape.size() == 2 ? static_cast<int>(t.shape[1]) : 1;
    if (a.sample_rate <= 0 || a.channels <= 0)
      return fail(ErrorKind::Runtime, "python_unserializable",
                  where + ": Audio needs a positive sample rate and channels");
    return Value(std::move(a));
  }
  if (PyBytes_Check(o) || PyByteArray_Check(o)) {
    Py_buffer view;
    if (PyObject_GetBuffer(o, &view, PyBUF_SIMPLE) < 0)
      return fail(take_exception(ErrorKind::Runtime, "python_unserializable", where));
    Blob copy = Blob::copy_of(view.buf, static_cast<std::size_t>(view.len));
    PyBuffer_Release(&view);
    return Value(Binary{std::move(copy)});
  }
  bool is_array = PyMemoryView_Check(o);
#ifdef RM_HAVE_NUMPY
  is_array = is_array || (numpy_ready(false) && PyArray_Check(o));
#endif
  if (is_array) {
    RM_TRY(t, tensor_from_buffer(o, where));
    return Value(std::move(t));
  }
  RM_TRY(j, json_from_python(o, where, 0));
  return Value(std::move(j));
}

}  // namespace rm::py
