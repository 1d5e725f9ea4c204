// Errors are values: every fallible call returns Result<T> (std::expected), never throws,
// because the WASI libc++ has no exceptions.
#pragma once

#include <expected>
#include <string>
#include <utility>

namespace rm {

// What went wrong, coarse enough to pick an exit code and an error "type" for JSON.
enum class ErrorKind {
  Usage,         // bad command-line arguments
  InvalidInput,  // malformed or invalid manifest, input data or file
  Runtime,       // a node failed while the pipeline ran
  Internal,      // a bug in the runtime itself
};

struct Error {
  ErrorKind kind = ErrorKind::Internal;
  std::string code;        // stable machine-readable identifier, e.g. "unknown_node_type"
  std::string message;     // one human sentence, names the node / field / expectation
  std::string node;        // node id, when the error belongs to a node
  std::string field;       // path of the offending field, e.g. "nodes[1].params.factor"
  std::string suggestion;  // closest known name, when there is one
  std::string traceback;   // foreign stack trace (e.g. Python), when there is one
  int line = 0;            // 1-based position in a JSON document, 0 when unknown
  int column = 0;
  long long item = -1;  // index of the input item being processed, -1 when unknown
};

template <class T = void>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(ErrorKind kind, std::string code, std::string message) {
  Error e;
  e.kind = kind;
  e.code = std::move(code);
  e.message = std::move(message);
  return std::unexpected<Error>(std::move(e));
}

inline std::unexpected<Error> fail(Error e) { return std::unexpected<Error>(std::move(e)); }

// Process exit codes, documented in the README.
inline int exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Usage: return 2;
    case ErrorKind::InvalidInput: return 3;
    case ErrorKind::Runtime: return 4;
    case ErrorKind::Internal: return 5;
  }
  return 5;
}

inline const char* kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Usage: return "usage_error";
    case ErrorKind::InvalidInput: return "invalid_input";
    case ErrorKind::Runtime: return "runtime_error";
    case ErrorKind::Internal: return "internal_error";
  }
  return "internal_error";
}

}  // namespace rm

// Early return on error, in the style of whisper.cpp's plain C checks.
#define RM_TRY(var, expr)                                                     \
  auto var##_result = (expr);                                                 \
  if (!var##_result) return std::unexpected(std::move(var##_result.error())); \
  auto var = std::move(*var##_result)

#define RM_CHECK(expr)                                                                  \
  do {                                                                                  \
    auto rm_check_result_ = (expr);                                                     \
    if (!rm_check_result_) return std::unexpected(std::move(rm_check_result_.error())); \
  } while (0)
