#include "cli/args.hpp"

namespace rm {

bool take_value(const std::vector<std::string>& argv, std::size_t& i, std::string& out) {
  if (i + 1 >= argv.size()) return false;
  out = argv[++i];
  return true;
}

bool parse_count(const std::string& text, std::size_t max_digits, unsigned long long& out) {
  if (text.empty() || text.size() > max_digits || text.find_first_not_of("0123456789") != std::string::npos)
    return false;
  out = std::stoull(text);
  return true;
}

int common_option(Cli& cli, const std::vector<std::string>& argv, std::size_t& i, const char* command,
                  const char* help) {
  const std::string& a = argv[i];
  if (a == "-h" || a == "--help") {
    std::fputs(help, stdout);
    return 0;
  }
  if (a != "--error-format") return kOtherOption;
  std::string v;
  if (!take_value(argv, i, v) || (v != "json" && v != "text"))
    return cli.usage("--error-format takes text or json", command);
  return kOptionTaken;  // main() already applied it, so that every error honours it
}

int package_option(Cli& cli, const std::vector<std::string>& argv, std::size_t& i, const char* command,
                   PackageRunOptions& options, bool allow_unsigned) {
  const std::string& a = argv[i];
  std::string v;
  if (a == "--trusted-key") {
    if (!take_value(argv, i, v)) return cli.usage("--trusted-key needs a public key file", command);
    options.trusted_keys.push_back(v);
  } else if (allow_unsigned && a == "--allow-unsigned") {
    options.allow_unsigned = true;
  } else if (a == "--max-size") {
    if (!take_value(argv, i, v) || !parse_count(v, 18, options.max_size) || options.max_size == 0)
      return cli.usage("--max-size needs a number of bytes (at least 1)", command);
  } else {
    return kOtherOption;
  }
  return kOptionTaken;
}

}  // namespace rm
