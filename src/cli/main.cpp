// The `remotemedia` command. The same source is the native CLI and the WASI command.
#include <cstdio>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "cli/cli.hpp"
#include "cli/platform.hpp"
#include "core/files.hpp"
#include "core/path.hpp"
#include "core/pipeline.hpp"
#include "core/registry.hpp"
#include "nodes/audio/wav.hpp"

#ifndef RM_VERSION
#define RM_VERSION "0.0.0"
#endif

namespace rm {
namespace {

constexpr const char* kMainHelp = R"(remotemedia - run media and AI pipelines described by a JSON manifest

Usage: remotemedia <command> [options]

Commands:
  run MANIFEST|-       run a pipeline and print its outputs as JSON
  run PACKAGE.rmpkg    verify a package, then run its pipeline
  validate MANIFEST|-  check a manifest without running it
  nodes [list]         list the node types
  nodes info NAME      show a node type's description and parameters
  keygen               make a signing key pair (minisign format)
  pack MANIFEST        bundle a pipeline and all it needs into a signed .rmpkg
  verify PACKAGE       check a package's integrity and signature
  inspect PACKAGE      show a package's manifest, files, signer and provenance
  help [COMMAND]       show help for a command

Options:
  -h, --help           show help
  --version            print the version

Exit codes: 0 success, 2 usage error, 3 invalid manifest or input, 4 a node failed,
5 internal error.
)";

constexpr const char* kRunHelp = R"(Usage: remotemedia run MANIFEST|-|PACKAGE.rmpkg [options]

Runs the pipeline in MANIFEST (a v1 manifest file) over a list of input items and prints
{"status":"success","outputs":[...],"execution_time_ms":..,"graph_info":{...}} on stdout.
With "-" the manifest is read from standard input, either as a plain manifest or as
{"manifest":{...},"input_data":[...]}. A package (.rmpkg) is verified first and runs only when
it is signed by a trusted key (--trusted-key), or with --allow-unsigned.

Options:
  --input JSON          the input items, a JSON array (e.g. '[1,2,3]')
  -i, --input-file F    read the input items from a JSON file (an array), or a WAV file
                        (PCM 8/16/24/32-bit or 32-bit float, any rate and channels): one audio item
  -o, --output F        write the result to F instead of stdout
  --threads N           worker threads (default: all cores; 1 runs serially)
  --pretty              indent the JSON result
  --stream              a session: read input items from stdin as NDJSON (one JSON item per
                        line) and print each output as one JSON line on stdout as soon as it is
                        produced; the nodes open once, at the start (see "Streaming" below)
  --error-format FMT    how errors are printed on stderr: text (default) or json
  --trusted-key K       (packages) a signer to trust: a .pub file or its base64 line; repeatable
  --allow-unsigned      (packages) run an unsigned package, or one signed by an untrusted key
  --max-size BYTES      (packages) refuse packages whose contents exceed BYTES (default 4 GiB)
  -h, --help            show this help

Streaming (--stream): the outputs are the same values, in the same order, as a run over the same
items; each line is printed (and flushed) when the item it descends from has passed the whole
pipeline. Natively the thread pool works on the next items while one is read; under WASI each
item runs through the pipeline as it is read. End of input (EOF) flushes the nodes. A line that
is not JSON, or a node failure, ends the run with its exit code and the error on stderr (one JSON
line with --error-format json); the outputs printed before it stand.
)";

constexpr const char* kValidateHelp = R"(Usage: remotemedia validate MANIFEST|- [options]

Checks a manifest (structure, node types, parameters, connections, cycles) without running
it, and prints {"status":"valid","name":..,"graph_info":{...}} on success.

Options:
  --error-format FMT    text (default) or json
  -h, --help            show this help
)";

constexpr const char* kNodesHelp = R"(Usage: remotemedia nodes [list] [--json]
       remotemedia nodes info NAME [--json]

Lists the registered node types, or shows one with its parameters (name, type, default, doc).
)";

struct RunArgs {
  std::string manifest_path;
  std::string input_json;
  std::string input_file;
  std::string output_file;
  int threads = 0;
  bool pretty = false;
  bool stream = false;
  PackageRunOptions package;
  bool package_options = false;  // any of them given
};

bool is_package_path(const std::string& path) { return path.ends_with(".rmpkg"); }

// An error about the input, its message prefixed with where the input came from.
std::unexpected<Error> input_error(Error e, const std::string& source) {
  e.message = source + ": " + e.message;
  return fail(std::move(e));
}

// Reads the manifest, and the input items: --input JSON, -i FILE (a JSON array, or a WAV file that
// becomes one audio item), or input_data in the stdin envelope.
Result<std::pair<Json, std::vector<Value>>> load_request(const RunArgs& args) {
  RM_TRY(text, read_file(args.manifest_path));
  RM_TRY(doc, parse_json(text));
  Json inputs = Json::array();
  Json manifest = std::move(doc);
  if (args.manifest_path == "-" && manifest.is_object() && manifest.find("manifest")) {
    Json envelope = std::move(manifest);
    for (const auto& [key, value] : envelope.as_object())
      if (key != "manifest" && key != "input_data")
        return fail(ErrorKind::InvalidInput, "unknown_field",
                    "unknown field '" + key + "' in the request (expected: manifest, input_data)");
    manifest = *envelope.find("manifest");
    if (const Json* data = envelope.find("input_data")) {
      if (!args.input_json.empty() || !args.input_file.empty())
        return fail(ErrorKind::Usage, "usage", "the request on stdin has input_data; do not also pass --input or -i");
      inputs = *data;
    }
  }
  if (!args.input_json.empty()) {
    auto parsed = parse_json(args.input_json);
    if (!parsed) return input_error(parsed.error(), "--input");
    inputs = std::move(*parsed);
  } else if (!args.input_file.empty()) {
    RM_TRY(input_text, read_file(args.input_file));
    const auto bytes = std::as_bytes(std::span(input_text.data(), input_text.size()));
    if (looks_like_wav(bytes)) {
      auto audio = decode_wav(bytes);
      if (!audio) return input_error(audio.error(), args.input_file);
      std::vector<Value> items;
      items.emplace_back(std::move(*audio));
      return std::pair{std::move(manifest), std::move(items)};
    }
    auto parsed = parse_json(input_text);
    if (!parsed) return input_error(parsed.error(), args.input_file);
    inputs = std::move(*parsed);
  }
  RM_TRY(items, inputs_from_json(inputs));
  return std::pair{std::move(manifest), std::move(items)};
}

// Parses the options shared by run and validate; returns an exit code >= 0 to stop.
int parse_run_args(Cli& cli, const std::vector<std::string>& argv, RunArgs& args, bool is_run) {
  const char* command = is_run ? "run" : "validate";
  for (std::size_t i = 0; i < argv.size(); ++i) {
    if (int code = common_option(cli, argv, i, command, is_run ? kRunHelp : kValidateHelp); code != kOtherOption) {
      if (code >= 0) return code;
      continue;
    }
    if (is_run) {
      if (int code = package_option(cli, argv, i, command, args.package, true); code != kOtherOption) {
        if (code >= 0) return code;
        args.package_options = true;
        continue;
      }
    }
    const std::string& a = argv[i];
    std::string v;
    unsigned long long threads = 0;
    if (is_run && a == "--input") {
      if (!take_value(argv, i, args.input_json)) return cli.usage("--input needs a JSON array", command);
    } else if (is_run && (a == "-i" || a == "--input-file")) {
      if (!take_value(argv, i, args.input_file)) return cli.usage(a + " needs a file", command);
    } else if (is_run && (a == "-o" || a == "--output")) {
      if (!take_value(argv, i, args.output_file)) return cli.usage(a + " needs a file", command);
    } else if (is_run && a == "--threads") {
      if (!take_value(argv, i, v) || !parse_count(v, 4, threads))
        return cli.usage("--threads needs a number of threads", command);
      if (threads < 1) return cli.usage("--threads must be at least 1", command);
      args.threads = static_cast<int>(threads);
    } else if (is_run && a == "--pretty") {
      args.pretty = true;
    } else if (is_run && a == "--stream") {
      args.stream = true;
    } else if (a.size() > 1 && a[0] == '-') {
      return cli.usage("unknown option '" + a + "'", command);
    } else if (args.manifest_path.empty()) {
      args.manifest_path = a;
    } else {
      return cli.usage("unexpected argument '" + a + "'", command);
    }
  }
  if (args.manifest_path.empty()) return cli.usage("missing MANIFEST (a file, or - for stdin)", command);
  if (!args.input_json.empty() && !args.input_file.empty())
    return cli.usage("give the input either with --input or with -i, not both", command);
  if (args.stream) {
    if (args.manifest_path == "-")
      return cli.usage("--stream reads the input items from stdin: give the manifest as a file", command);
    if (!args.input_json.empty() || !args.input_file.empty())
      return cli.usage("--stream reads the input items from stdin, not from --input or -i", command);
    if (!args.output_file.empty() || args.pretty)
      return cli.usage("--stream prints one output per line on stdout: no -o or --pretty", command);
  }
  if (args.package_options && !is_package_path(args.manifest_path))
    return cli.usage("--trusted-key, --allow-unsigned and --max-size are for packages (.rmpkg)", command);
  return -1;
}

// Reads one line of stdin (without its newline) into `line`; false at end of input.
bool read_line(std::string& line) {
  line.clear();
  char buf[65536];
  while (std::fgets(buf, sizeof buf, stdin)) {
    line += buf;
    if (!line.empty() && line.back() == '\n') {
      line.pop_back();
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return true;
    }
  }
  return !line.empty();
}

// `run MANIFEST --stream`: a session fed from stdin, one JSON item per line.
int stream_run(Cli& cli, const RunArgs& args) {
  auto text = read_file(args.manifest_path);
  if (!text) return cli.report(text.error());
  auto manifest = parse_json(*text);
  if (!manifest) return cli.report(manifest.error());
  const std::string manifest_dir = dir_of(args.manifest_path);
  auto graph = load_graph(*manifest, manifest_dir);
  if (!graph) return cli.report(graph.error());
  ExecutionOptions options;
  options.threads = args.threads;
  options.pipeline_dir = manifest_dir;
  auto session = Session::open(*graph, options, [](std::vector<Value> outputs) {
    for (const auto& v : outputs) print(value_to_json(v).dump());
  });
  if (!session) return cli.report(session.error());
  // On an error the outputs of the items pushed before it are still printed, then the nodes close
  // (without flushing), then the error is reported.
  auto stop = [&](const Error& e) {
    session->reset();
    return cli.report(e);
  };
  std::string line;
  std::size_t line_number = 0;
  while (read_line(line)) {
    ++line_number;
    if (line.find_first_not_of(" \t") == std::string::npos) continue;  // blank lines separate nothing
    const std::size_t index = (*session)->items_pushed();
    auto item = parse_json(line);
    if (!item) {
      Error e = item.error();
      e.kind = ErrorKind::InvalidInput;
      e.item = static_cast<long long>(index);
      e.line = static_cast<int>(line_number);
      e.message = "stdin line " + std::to_string(line_number) + " (input item " + std::to_string(index) +
                  ") is not JSON: " + e.message;
      return stop(e);
    }
    auto value = input_from_json(std::move(*item), index);
    if (!value) {
      Error e = value.error();
      e.message = "stdin line " + std::to_string(line_number) + ": " + e.message;
      return stop(e);
    }
    if (auto pushed = (*session)->push(std::move(*value)); !pushed) return stop(pushed.error());
  }
  if (auto closed = (*session)->close(); !closed) return cli.report(closed.error());
  return 0;
}

int cmd_run(Cli& cli, const std::vector<std::string>& argv, bool is_run) {
  RunArgs args;
  if (int code = parse_run_args(cli, argv, args, is_run); code >= 0) return code;
  std::unique_ptr<UnpackedPackage> package;  // kept until the run is over
  if (is_run && is_package_path(args.manifest_path)) {
    auto unpacked = unpack_for_run(args.manifest_path, args.package);
    if (!unpacked) return cli.report(unpacked.error());
    package = std::move(*unpacked);
    args.manifest_path = package->manifest_path();
  }
  if (args.stream) return stream_run(cli, args);
  auto request = load_request(args);
  if (!request) return cli.report(request.error());
  auto& [manifest, inputs] = *request;
  const std::string manifest_dir = args.manifest_path == "-" ? "." : dir_of(args.manifest_path);
  auto graph = load_graph(manifest, manifest_dir);
  if (!graph) return cli.report(graph.error());

  Json result;
  if (!is_run) {
    result = Json::object();
    result.set("status", "valid");
    result.set("name", graph->manifest.name);
    result.set("graph_info", graph->info_json());
  } else {
    ExecutionOptions options;
    options.threads = args.threads;
    options.pipeline_dir = manifest_dir;
    auto response = run_pipeline(*graph, std::move(inputs), options);
    if (!response) return cli.report(response.error());
    result = std::move(*response);
  }
  std::string text = args.pretty ? result.dump_pretty() : result.dump();
  if (!args.output_file.empty()) {
    if (auto w = write_file(args.output_file, text + "\n"); !w) return cli.report(w.error());
  } else {
    print(text);
  }
  return 0;
}

void print_node_text(const NodeInfo& info) {
  std::printf("%s (%s)\n  %s\n", info.name.c_str(), info.category.c_str(), info.description.c_str());
  if (info.params.empty()) {
    std::printf("  parameters: none\n");
    return;
  }
  std::printf("  parameters:\n");
  for (const auto& p : info.params) {
    std::string detail = param_type_name(p.type);
    if (!p.choices.empty()) {
      detail += ": ";
      for (std::size_t i = 0; i < p.choices.size(); ++i) detail += (i ? "|" : "") + p.choices[i];
    }
    detail += p.required ? ", required" : ", default " + p.default_value.dump();
    for (const auto& alias : p.aliases) detail += ", alias " + alias;
    std::printf("    %-20s %s\n    %-20s (%s)\n", p.name.c_str(), p.doc.c_str(), "", detail.c_str());
  }
}

int cmd_nodes(Cli& cli, const std::vector<std::string>& argv) {
  bool json = false;
  std::vector<std::string> rest;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "-h" || a == "--help") {
      std::fputs(kNodesHelp, stdout);
      return 0;
    }
    if (a == "--json")
      json = true;
    else if (a == "--error-format" && i + 1 < argv.size())
      ++i;
    else if (a.size() > 1 && a[0] == '-')
      return cli.usage("unknown option '" + a + "'", "nodes");
    else
      rest.push_back(a);
  }
  Registry& registry = Registry::global();
  // Node types found at run time (Python's built-ins) are listed too.
  const Json no_manifest = Json::object();
  const std::string here = ".";
  if (auto r = registry.provide(ProviderRequest{no_manifest, here, true}); !r) return cli.report(r.error());
  if (rest.empty() || (rest.size() == 1 && rest[0] == "list")) {
    if (json) {
      Json all = Json::array();
      for (const auto& info : registry.all()) all.push_back(info.to_json());
      print(all.dump_pretty());
    } else {
      for (const auto& info : registry.all()) std::printf("%-20s %s\n", info.name.c_str(), info.description.c_str());
    }
    return 0;
  }
  if (rest[0] == "info" && rest.size() == 2) {
    const NodeInfo* info = registry.find(rest[1]);
    if (!info) {
      Error e;
      e.kind = ErrorKind::InvalidInput;
      e.code = "unknown_node_type";
      e.message = "unknown node type '" + rest[1] + "'";
      e.suggestion = closest_name(rest[1], registry.names());
      return cli.report(e);
    }
    if (json)
      print(info->to_json().dump_pretty());
    else
      print_node_text(*info);
    return 0;
  }
  return cli.usage("expected `nodes list` or `nodes info NAME`", "nodes");
}

int main_impl(Cli& cli, int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::fputs(kMainHelp, stderr);
    return 2;
  }
  // Known before any other argument is read, so that every error honours it.
  for (std::size_t i = 0; i + 1 < args.size(); ++i)
    if (args[i] == "--error-format" && args[i + 1] == "json") cli.json_errors = true;
  const std::string command = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "-h" || command == "--help") {
    std::fputs(kMainHelp, stdout);
    return 0;
  }
  if (command == "--version" || command == "version") {
    std::printf("remotemedia %s\n", RM_VERSION);
    return 0;
  }
  if (command == "help") {
    if (rest.empty())
      std::fputs(kMainHelp, stdout);
    else if (rest[0] == "run")
      std::fputs(kRunHelp, stdout);
    else if (rest[0] == "validate")
      std::fputs(kValidateHelp, stdout);
    else if (rest[0] == "nodes")
      std::fputs(kNodesHelp, stdout);
    else if (const char* help = package_command_help(rest[0]))
      std::fputs(help, stdout);
    else
      return cli.usage("unknown command '" + rest[0] + "'", "help");
    return 0;
  }
  if (command == "run") return cmd_run(cli, rest, true);
  if (command == "validate") return cmd_run(cli, rest, false);
  if (command == "nodes") return cmd_nodes(cli, rest);
  if (command == "keygen") return cmd_keygen(cli, rest);
  if (command == "pack") return cmd_pack(cli, rest);
  if (command == "verify") return cmd_verify(cli, rest);
  if (command == "inspect") return cmd_inspect(cli, rest);
  Error e;
  e.kind = ErrorKind::Usage;
  e.code = "unknown_command";
  e.message = "unknown command '" + command + "' (see `remotemedia --help`)";
  e.suggestion = closest_name(command, {"run", "validate", "nodes", "keygen", "pack", "verify", "inspect", "help"});
  return cli.report(e);
}

}  // namespace
}  // namespace rm

int main(int argc, char** argv) {
  rm::platform_init();
  rm::Cli cli;
  const int code = rm::main_impl(cli, argc, argv);
  return rm::finish_output(cli, code);  // a result that could not be written is not a success
}
