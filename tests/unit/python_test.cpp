// Python nodes natively: marshaling (zero-copy arrays both ways), the node contract under faults,
// and the GIL under the thread-pool scheduler.
#include <unistd.h>
#include <cstdio>
#include <string>

#include "core/executor.hpp"
#include "core/pipeline.hpp"
#include "python/interpreter.hpp"
#include "python/marshal.hpp"
#include "test_util.hpp"

namespace rm {
namespace {

using test::J;

class PythonTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(py::ensure_started()); }
};

// Evaluates a Python expression (GIL held).
py::Ref eval(const char* expr) {
  py::Ref globals(PyDict_New());
  PyDict_SetItemString(globals.get(), "__builtins__", PyEval_GetBuiltins());
  py::Ref r(PyRun_String(expr, Py_eval_input, globals.get(), globals.get()));
  if (!r) PyErr_Print();
  return r;
}

// The data pointer numpy reports for an array (its __array_interface__).
std::uintptr_t array_address(PyObject* array) {
  py::Ref iface(PyObject_GetAttrString(array, "__array_interface__"));
  PyObject* data = PyDict_GetItemString(iface.get(), "data");  // (address, read_only)
  return static_cast<std::uintptr_t>(PyLong_AsUnsignedLongLong(PyTuple_GetItem(data, 0)));
}

TEST_F(PythonTest, TensorReachesNumpyWithoutCopy) {
  std::vector<float> samples{1, 2, 3, 4, 5, 6};
  Tensor t;
  t.dtype = DType::Float32;
  t.shape = {2, 3};
  t.data = Blob::copy_of(samples.data(), samples.size() * sizeof(float));
  py::Gil gil;
  py::Ref array(py::to_python(Value(t)));
  ASSERT_TRUE(array);
  EXPECT_EQ(array_address(array.get()), reinterpret_cast<std::uintptr_t>(t.data.data()));
  py::Ref flags(PyObject_GetAttrString(array.get(), "flags"));
  py::Ref w(PyObject_GetAttrString(flags.get(), "writeable"));
  EXPECT_EQ(w.get(), Py_False) << "the runtime's buffers are immutable";
  // And back: the same Blob, not a copy.
  auto back = py::from_python(array.get(), "test");
  ASSERT_TRUE(back);
  ASSERT_NE(back->tensor(), nullptr);
  EXPECT_EQ(back->tensor()->data.data(), t.data.data());
  EXPECT_EQ(back->tensor()->shape, t.shape);
}

TEST_F(PythonTest, NumpyArrayComesBackWithoutCopy) {
  py::Gil gil;
  py::Ref reshaped = eval("__import__('numpy').arange(12, dtype='int32').reshape(3, 4)");
  ASSERT_TRUE(reshaped);
  auto v = py::from_python(reshaped.get(), "test");
  ASSERT_TRUE(v) << test::describe(v.error());
  ASSERT_NE(v->tensor(), nullptr);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(v->tensor()->data.data()), array_address(reshaped.get()));
  EXPECT_EQ(v->tensor()->dtype, DType::Int32);
  EXPECT_EQ(v->tensor()->shape, (std::vector<std::int64_t>{3, 4}));
  // The Blob keeps the array alive after Python dropped it.
  const auto* data = reinterpret_cast<const std::int32_t*>(v->tensor()->data.data());
  reshaped = py::Ref();
  EXPECT_EQ(data[11], 11);
}

TEST_F(PythonTest, AudioIsFramesByChannelsAndKeepsItsRate) {
  Audio a = Audio::from_samples({0.1f, -0.1f, 0.2f, -0.2f, 0.3f, -0.3f}, 22050, 2);
  py::Gil gil;
  py::Ref obj(py::to_python(Value(a)));
  ASSERT_TRUE(obj);
  py::Ref samples(PyObject_GetAttrString(obj.get(), "samples"));
  py::Ref shape(PyObject_GetAttrString(samples.get(), "shape"));
  EXPECT_EQ(PyLong_AsLong(PyTuple_GetItem(shape.get(), 0)), 3);
  EXPECT_EQ(PyLong_AsLong(PyTuple_GetItem(shape.get(), 1)), 2);
  EXPECT_EQ(array_address(samples.get()), reinterpret_cast<std::uintptr_t>(a.samples.data()));
  auto back = py::from_python(obj.get(), "test");
  ASSERT_TRUE(back);
  ASSERT_NE(back->audio(), nullptr);
  EXPECT_EQ(back->audio()->sample_rate, 22050);
  EXPECT_EQ(back->audio()->channels, 2);
  EXPECT_EQ(back->audio()->samples.data(), a.samples.data());
}

TEST_F(PythonTest, JsonRoundTripKeepsIntsAndFloatsApart) {
  Json j = J(R"({"i":1,"f":1.0,"big":9007199254740993,"s":"h\u00e9","l":[true,null,[2.5]],"o":{"b":1,"a":2}})");
  py::Gil gil;
  py::Ref obj(py::json_to_python(j));
  auto back = py::from_python(obj.get(), "test");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->json().dump(), j.dump());
}

TEST_F(PythonTest, FailsOnIntBeyond64Bits) {
  py::Gil gil;
  py::Ref big = eval("123456789012345678901234567890");
  auto v = py::from_python(big.get(), "the return value");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, "python_unserializable");
}

TEST_F(PythonTest, CleanupRunsAfterProcessRaises) {
  char dir[] = "/tmp/rm-python-test-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string marker = std::string(dir) + "/cleaned";
  const std::string code =
      "class Fails:\n"
      "    def process(self, x):\n"
      "        raise RuntimeError('boom')\n"
      "    def cleanup(self):\n"
      "        open('" +
      marker + "', 'w').write('yes')\n";
  Json manifest = J(R"({"version":"v1","nodes":[{"id":"f","node_type":"PythonNode","params":{"class":"Fails"}}]})");
  manifest.as_object()[1].second.as_array()[0].find("params")->set("code", code);
  auto graph = load_graph(manifest);
  ASSERT_TRUE(graph) << test::describe(graph.error());
  auto r = run_pipeline(*graph, J("[1]"), {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "python_exception");
  EXPECT_NE(r.error().traceback.find("RuntimeError: boom"), std::string::npos) << r.error().traceback;
  EXPECT_EQ(access(marker.c_str(), F_OK), 0) << "cleanup() did not run";
  std::remove(marker.c_str());
  rmdir(dir);
}

// C++ and Python nodes side by side on the thread pool, many times: the GIL is taken around every
// Python call and never held otherwise, so this neither deadlocks nor races.
TEST_F(PythonTest, ThreadPoolWithPythonNodesMatchesSerialRun) {
  auto graph = load_graph(J(R"({"version":"v1","nodes":[
      {"id":"src","node_type":"Echo","params":{"times":2}},
      {"id":"py1","node_type":"DataTransformNode","params":{"operation":"increment"}},
      {"id":"cpp","node_type":"MultiplyNode","params":{"factor":3}},
      {"id":"py2","node_type":"DataTransformNode","params":{"operation":"double"}},
      {"id":"join","node_type":"BatchNode","params":{"size":5}}],
    "connections":[{"from":"src","to":"py1"},{"from":"src","to":"cpp"},{"from":"cpp","to":"py2"},
                   {"from":"py1","to":"join"},{"from":"py2","to":"join"}]})"));
  ASSERT_TRUE(graph) << test::describe(graph.error());
  Json inputs = Json::array();
  for (int i = 0; i < 300; ++i) inputs.push_back(i);
  auto serial = run_pipeline(*graph, inputs, ExecutionOptions{.threads = 1, .batch_size = 16});
  ASSERT_TRUE(serial);
  for (int run = 0; run < 100; ++run) {
    auto threaded = run_pipeline(*graph, inputs, ExecutionOptions{.threads = 4, .batch_size = 16});
    ASSERT_TRUE(threaded) << test::describe(threaded.error());
    ASSERT_EQ(*threaded->find("outputs"), *serial->find("outputs")) << "run " << run;
  }
}

}  // namespace
}  // namespace rm
