// Command-line options that several commands share, so each is parsed (and reported) one way.
#pragma once

#include <string>
#include <vector>

#include "cli/cli.hpp"

namespace rm {

// What the option helpers return besides an exit code (>= 0: stop with it).
constexpr int kOtherOption = -1;  // argv[i] is not theirs
constexpr int kOptionTaken = -2;  // handled; i is on its last argument

// The value after option argv[i] (i moves to it); false when there is none.
bool take_value(const std::vector<std::string>& argv, std::size_t& i, std::string& out);
// A non-negative integer of at most `max_digits` digits.
bool parse_count(const std::string& text, std::size_t max_digits, unsigned long long& out);

// -h/--help (prints `help`, returns 0) and --error-format FMT.
int common_option(Cli& cli, const std::vector<std::string>& argv, std::size_t& i, const char* command,
                  const char* help);
// --trusted-key K, --max-size N and (when `allow_unsigned`) --allow-unsigned.
int package_option(Cli& cli, const std::vector<std::string>& argv, std::size_t& i, const char* command,
                   PackageRunOptions& options, bool allow_unsigned);

}  // namespace rm
