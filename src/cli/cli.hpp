// What every command of the `remotemedia` CLI shares: error reporting and result printing.
#pragma once

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/pipeline.hpp"
#include "core/text.hpp"

namespace rm {

struct Cli {
  bool json_errors = false;

  int report(const Error& e) const {
    if (json_errors) {
      std::string out = error_to_json(e).dump();
      std::fprintf(stderr, "%s\n", out.c_str());
    } else {
      // For a terminal: what a manifest or an input put in the message (a node id, a value) is
      // escaped (inspect's printable) and clipped, never acted on as a terminal control sequence.
      const auto text = [](const std::string& s, std::size_t max) { return printable(clipped(s, max)); };
      std::fprintf(stderr, "remotemedia: error: %s\n", text(e.message, kMaxMessageBytes).c_str());
      if (!e.field.empty()) std::fprintf(stderr, "  field: %s\n", text(e.field, 200).c_str());
      if (!e.suggestion.empty() && e.message.find("did you mean") == std::string::npos)
        std::fprintf(stderr, "  hint: did you mean '%s'?\n", text(e.suggestion, 200).c_str());
      if (!e.traceback.empty()) {
        // Line by line: the traceback's own line breaks stay.
        std::size_t start = 0;
        while (start < e.traceback.size()) {
          std::size_t end = e.traceback.find('\n', start);
          if (end == std::string::npos) end = e.traceback.size();
          std::fprintf(stderr, "%s\n", text(e.traceback.substr(start, end - start), kMaxMessageBytes).c_str());
          start = end + 1;
        }
      }
    }
    return exit_code_for(e.kind);
  }

  int usage(const std::string& message, const char* help_command) const {
    Error e;
    e.kind = ErrorKind::Usage;
    e.code = "usage";
    e.message = message + " (see `remotemedia " + help_command + " --help`)";
    return report(e);
  }
};

// The first error writing stdout (errno), 0 when none.
inline int& stdout_errno() {
  static int first = 0;
  return first;
}

// Flushes stdout and keeps the first write error's errno. (A line-buffered stream may already have
// failed inside fputc, after which fflush has nothing left to write and returns 0: ferror tells.)
inline void note_stdout_error() {
  const bool failed = std::fflush(stdout) != 0 || std::ferror(stdout);
  if (failed && stdout_errno() == 0) stdout_errno() = errno ? errno : EIO;
}

inline void print(const std::string& s) {
  errno = 0;  // what a failed write below sets is what is reported
  std::fwrite(s.data(), 1, s.size(), stdout);
  std::fputc('\n', stdout);
  note_stdout_error();
}

// The command's exit code once its output is out: output that could not be written (a full
// disk, a closed pipe) is an error (code stdout_not_writable, exit 3), never a silent success.
inline int finish_output(const Cli& cli, int code) {
  note_stdout_error();
  if (stdout_errno() == 0) return code;
  Error e;
  e.kind = ErrorKind::InvalidInput;
  e.code = "stdout_not_writable";
  e.message = std::string("cannot write the output to stdout: ") + std::strerror(stdout_errno());
  const int failed = cli.report(e);
  return code != 0 ? code : failed;
}

// ---- packages (package_commands.cpp natively; under WASI the host opens packages) --------------

struct PackageRunOptions {
  std::vector<std::string> trusted_keys;  // --trusted-key: .pub files or their base64 line
  bool allow_unsigned = false;
  unsigned long long max_size = 0;  // --max-size; 0: the default limit
};

// A verified package unpacked into a fresh temporary folder, removed again on destruction.
class UnpackedPackage {
 public:
  virtual ~UnpackedPackage() = default;
  virtual const std::string& manifest_path() const = 0;
};

// Verifies the package (signature and trust as the options say), then unpacks it for `run`.
Result<std::unique_ptr<UnpackedPackage>> unpack_for_run(const std::string& path, const PackageRunOptions& options);

int cmd_keygen(Cli& cli, const std::vector<std::string>& args);
int cmd_pack(Cli& cli, const std::vector<std::string>& args);
int cmd_verify(Cli& cli, const std::vector<std::string>& args);
int cmd_inspect(Cli& cli, const std::vector<std::string>& args);
// The help text of a package command, or nullptr.
const char* package_command_help(const std::string& command);

}  // namespace rm
