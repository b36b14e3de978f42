// SPDX-License-Identifier: GPL-2.0
// qbd-target's configuration: the JSON file, the command line that adds to
// and overrides it, and the checks both go through.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "json.h"

namespace qbd
{

// A configuration or command-line mistake: the daemon exits 2, the message
// says what to change.
struct UsageError : std::runtime_error {
	using std::runtime_error::runtime_error;
};

struct Allow {
	std::string host;
	std::string secret_file; // empty: identity-only access
	std::string secret; // the file's bytes, filled by load_secrets()
};

struct VolumeConfig {
	std::string name;
	std::string path;
	bool read_only = false;
	std::vector<Allow> allow;
};

struct Listen {
	std::string addr; // numeric IPv4 or IPv6, or a host name
	uint16_t port = 0;
	bool operator==(const Listen &) const = default;
};

struct Config {
	std::vector<Listen> listen; // empty after merge: 0.0.0.0:4460
	std::vector<VolumeConfig> volumes;
	std::string stats_file;
	uint32_t inline_size = 4096;
	uint32_t max_io = 1u << 20;
	uint32_t depth = 128; // per I/O queue, <= QBD_MAX_DEPTH
	uint32_t queues = 64; // per session, <= QBD_MAX_QUEUES
	uint64_t max_discard = 1ull << 30;

	const VolumeConfig *volume(const std::string &name) const;
	VolumeConfig *volume(const std::string &name);
};

// What the command line asked for, before it is merged with the file.
struct CmdLine {
	std::string config_file;
	std::vector<Listen> listen;
	std::vector<std::string> exports; // NAME=PATH[,ro]
	std::vector<std::string> allows; // VOLUME=HOST[,secret-file=PATH]
	std::string stats_file;
	int64_t inline_size = -1, max_io = -1, depth = -1, queues = -1;
	bool help = false, version = false, dump_config = false;
};

CmdLine parse_cmdline(int argc, char *const argv[]);
// ADDR, ADDR:PORT, [V6ADDR]:PORT or a bare IPv6 address.
Listen parse_listen(const std::string &s);
// The file's document (a JSON object; unknown keys are refused).
Config parse_config(const std::string &text, const std::string &origin);
// The file (if any), then the command line over it; checked.
Config merge(const Config &file, const CmdLine &cl);
// Refuses an inconsistent configuration (throws UsageError).
void check(const Config &c);
// Reads every allow entry's secret file.
void load_secrets(Config &c);
// One secret file: mode must not give group or others any access; one
// trailing newline is stripped; 1..QBD_SECRET_MAX bytes.
std::string load_secret(const std::string &path);
// The merged configuration as JSON (secrets left out).
vmhost::json::Json to_json(const Config &c);

extern const char usage_text[];

} // namespace qbd
