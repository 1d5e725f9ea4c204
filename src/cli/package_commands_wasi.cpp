// Under WASI the host verifies and opens packages (tools/remotemedia-wasi, web/src/package.ts):
// a module cannot vouch for a package that may contain a replacement for itself.
#include "cli/cli.hpp"

namespace rm {
namespace {

std::unexpected<Error> host_only(const std::string& what) {
  return fail(ErrorKind::Usage, "not_in_wasi",
              what +
                  " is done by the host under WASI: use the native CLI, or tools/remotemedia-wasi, which "
                  "verifies a package and runs its own module");
}

int report(Cli& cli, const std::string& what) { return cli.report(host_only(what).error()); }

}  // namespace

const char* package_command_help(const std::string&) { return nullptr; }

Result<std::unique_ptr<UnpackedPackage>> unpack_for_run(const std::string&, const PackageRunOptions&) {
  return host_only("running a package");
}
int cmd_keygen(Cli& cli, const std::vector<std::string>&) { return report(cli, "keygen"); }
int cmd_pack(Cli& cli, const std::vector<std::string>&) { return report(cli, "pack"); }
int cmd_verify(Cli& cli, const std::vector<std::string>&) { return report(cli, "verify"); }
int cmd_inspect(Cli& cli, const std::vector<std::string>&) { return report(cli, "inspect"); }

}  // namespace rm
