// What every command of the `remotemedia` CLI shares: error reporting and result printing.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/pipeline.hpp"

namespace rm {

struct Cli {
  bool json_errors = false;

  int report(const Error& e) const {
    if (json_errors) {
      std::string out = error_to_json(e).dump();
      std::fprintf(stderr, "%s\n", out.c_str());
    } else {
      std::fprintf(stderr, "remotemedia: error: %s\n", e.message.c_str());
      if (!e.field.empty()) std::fprintf(stderr, "  field: %s\n", e.field.c_str());
      if (!e.suggestion.empty() && e.message.find("did you mean") == std::string::npos)
        std::fprintf(stderr, "  hint: did you mean '%s'?\n", e.suggestion.c_str());
      if (!e.traceback.empty()) std::fprintf(stderr, "%s\n", e.traceback.c_str());
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

inline void print(const std::string& s) {
  std::fwrite(s.data(), 1, s.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
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
