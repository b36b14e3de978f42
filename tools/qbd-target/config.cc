// SPDX-License-Identifier: GPL-2.0
#include "config.h"

#include <fcntl.h>
#include <getopt.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <vmhost/qbd.h>

namespace qbd
{

using vmhost::json::Json;

const char usage_text[] =
	"usage: qbd-target [-c FILE] [-l ADDR[:PORT]]... [-e NAME=PATH[,ro]]...\n"
	"                  [-a VOLUME=HOST[,secret-file=PATH]]... [--stats-file PATH]\n"
	"                  [--inline-size N] [--max-io N] [--depth N] [--queues N]\n"
	"                  [--dump-config] [-h] [-V]\n"
	"Exports files and block devices to qbd hosts over RDMA.\n"
	"  -c, --config FILE       JSON configuration (qbd-target(8))\n"
	"  -l, --listen ADDR[:PORT]  listen there too (default 0.0.0.0:4460)\n"
	"  -e, --export NAME=PATH[,ro]  export PATH as volume NAME\n"
	"  -a, --allow VOLUME=HOST[,secret-file=PATH]  let HOST open VOLUME\n"
	"      --stats-file PATH   statistics as JSON, rewritten every second\n"
	"      --inline-size N     largest inline write (default 4096)\n"
	"      --max-io N          largest READ/WRITE (default 1M)\n"
	"      --depth N           requests in flight per I/O queue (default 128)\n"
	"      --queues N          I/O queues per session (default 64)\n"
	"      --dump-config       print the merged configuration and exit\n"
	"Sizes take K, M or G (powers of 1024).\n";

const VolumeConfig *Config::volume(const std::string &name) const
{
	for (auto &v : volumes)
		if (v.name == name)
			return &v;
	return nullptr;
}

VolumeConfig *Config::volume(const std::string &name)
{
	for (auto &v : volumes)
		if (v.name == name)
			return &v;
	return nullptr;
}

static uint64_t parse_size(const std::string &what, const std::string &s)
{
	size_t pos = 0;
	unsigned long long v;

	if (s.empty() || s[0] == '-' || s[0] == '+')
		throw UsageError(what + ": '" + s + "' is not a size");
	try {
		v = std::stoull(s, &pos, 0);
	} catch (const std::exception &) {
		throw UsageError(what + ": '" + s + "' is not a size");
	}
	std::string suffix = s.substr(pos);
	unsigned shift = 0;
	if (suffix == "k" || suffix == "K")
		shift = 10;
	else if (suffix == "m" || suffix == "M")
		shift = 20;
	else if (suffix == "g" || suffix == "G")
		shift = 30;
	else if (!suffix.empty())
		throw UsageError(what + ": '" + s +
				 "' is not a size (suffixes: K, M, G)");
	if (shift && v > (UINT64_MAX >> shift))
		throw UsageError(what + ": '" + s + "' is too large");
	return v << shift;
}

Listen parse_listen(const std::string &s)
{
	Listen l;
	std::string port;

	if (s.empty())
		throw UsageError("listen address: empty");
	if (s[0] == '[') {
		auto end = s.find(']');
		if (end == std::string::npos)
			throw UsageError("listen address '" + s +
					 "': missing ']'");
		l.addr = s.substr(1, end - 1);
		if (end + 1 < s.size()) {
			if (s[end + 1] != ':')
				throw UsageError(
					"listen address '" + s +
					"': expected ':PORT' after ']'");
			port = s.substr(end + 2);
		}
	} else if (std::count(s.begin(), s.end(), ':') == 1) {
		auto c = s.find(':');
		l.addr = s.substr(0, c);
		port = s.substr(c + 1);
	} else {
		l.addr = s; // IPv4, name, or bare IPv6
	}
	if (l.addr.empty())
		throw UsageError("listen address '" + s + "': no address");
	l.port = QBD_DEFAULT_PORT;
	if (!port.empty()) {
		char *end;
		errno = 0;
		unsigned long p = strtoul(port.c_str(), &end, 10);
		if (*end || errno || p == 0 || p > 65535 || port[0] == '-')
			throw UsageError("listen address '" + s +
					 "': port must be 1..65535");
		l.port = p;
	}
	return l;
}

CmdLine parse_cmdline(int argc, char *const argv[])
{
	enum { O_STATS = 256, O_INLINE, O_MAXIO, O_DEPTH, O_QUEUES, O_DUMP };
	static const option opts[] = {
		{ "config", required_argument, nullptr, 'c' },
		{ "listen", required_argument, nullptr, 'l' },
		{ "export", required_argument, nullptr, 'e' },
		{ "allow", required_argument, nullptr, 'a' },
		{ "stats-file", required_argument, nullptr, O_STATS },
		{ "inline-size", required_argument, nullptr, O_INLINE },
		{ "max-io", required_argument, nullptr, O_MAXIO },
		{ "depth", required_argument, nullptr, O_DEPTH },
		{ "queues", required_argument, nullptr, O_QUEUES },
		{ "dump-config", no_argument, nullptr, O_DUMP },
		{ "help", no_argument, nullptr, 'h' },
		{ "version", no_argument, nullptr, 'V' },
		{},
	};
	CmdLine cl;
	int c;

	optind = 0; // reset: tests call this more than once
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:l:e:a:hV", opts, nullptr)) !=
	       -1) {
		std::string arg = optarg ? optarg : "";
		switch (c) {
		case 'c':
			cl.config_file = arg;
			break;
		case 'l':
			cl.listen.push_back(parse_listen(arg));
			break;
		case 'e':
			cl.exports.push_back(arg);
			break;
		case 'a':
			cl.allows.push_back(arg);
			break;
		case O_STATS:
			if (arg.empty())
				throw UsageError("--stats-file: empty path");
			cl.stats_file = arg;
			break;
		case O_INLINE:
			cl.inline_size = parse_size("--inline-size", arg);
			break;
		case O_MAXIO:
			cl.max_io = parse_size("--max-io", arg);
			break;
		case O_DEPTH:
			cl.depth = parse_size("--depth", arg);
			break;
		case O_QUEUES:
			cl.queues = parse_size("--queues", arg);
			break;
		case O_DUMP:
			cl.dump_config = true;
			break;
		case 'h':
			cl.help = true;
			break;
		case 'V':
			cl.version = true;
			break;
		case ':':
			throw UsageError(std::string("option '") +
					 argv[optind - 1] + "' needs a value");
		default:
			throw UsageError(std::string("unknown option '") +
					 argv[optind - 1] + "' (see --help)");
		}
	}
	if (optind < argc)
		throw UsageError(std::string("unexpected argument '") +
				 argv[optind] + "' (see --help)");
	return cl;
}

static uint64_t get_uint(const Json &j, const std::string &key,
			 const std::string &where)
{
	if (j.is_number_unsigned())
		return j.get<uint64_t>();
	if (j.is_string())
		return parse_size(where + key, j.get<std::string>());
	throw UsageError(where + key + ": expected a number or size string");
}

static std::string get_string(const Json &j, const std::string &key,
			      const std::string &where)
{
	if (!j.is_string() || j.get<std::string>().empty())
		throw UsageError(where + key + ": expected a non-empty string");
	return j.get<std::string>();
}

static void only_keys(const Json &obj, std::initializer_list<const char *> keys,
		      const std::string &where)
{
	if (!obj.is_object())
		throw UsageError(where + ": expected an object");
	for (auto &[k, _] : obj.items()) {
		bool ok = false;
		for (auto *known : keys)
			ok |= k == known;
		if (!ok)
			throw UsageError(where + ": unknown key '" + k + "'");
	}
}

Config parse_config(const std::string &text, const std::string &origin)
{
	Json doc;
	Config c;

	try {
		doc = Json::parse(text);
	} catch (const Json::parse_error &e) {
		throw UsageError(origin + ": not valid JSON: " + e.what());
	}
	only_keys(doc,
		  { "listen", "volumes", "stats_file", "inline_size", "max_io",
		    "depth", "queues", "max_discard" },
		  origin);
	std::string w = origin + ": ";
	if (doc.contains("listen")) {
		auto &l = doc["listen"];
		if (!l.is_array())
			throw UsageError(w + "listen: expected an array of "
					     "\"ADDR[:PORT]\" strings");
		for (auto &e : l)
			c.listen.push_back(
				parse_listen(get_string(e, "listen[]", w)));
	}
	if (doc.contains("stats_file"))
		c.stats_file = get_string(doc["stats_file"], "stats_file", w);
	if (doc.contains("inline_size"))
		c.inline_size = get_uint(doc["inline_size"], "inline_size", w);
	if (doc.contains("max_io"))
		c.max_io = get_uint(doc["max_io"], "max_io", w);
	if (doc.contains("depth"))
		c.depth = get_uint(doc["depth"], "depth", w);
	if (doc.contains("queues"))
		c.queues = get_uint(doc["queues"], "queues", w);
	if (doc.contains("max_discard"))
		c.max_discard = get_uint(doc["max_discard"], "max_discard", w);
	if (doc.contains("volumes")) {
		auto &vs = doc["volumes"];
		if (!vs.is_array())
			throw UsageError(w + "volumes: expected an array");
		for (auto &v : vs) {
			std::string vw = w + "volumes[" +
					 std::to_string(c.volumes.size()) + "]";
			only_keys(v, { "name", "path", "read_only", "allow" },
				  vw);
			VolumeConfig vc;
			vw += ".";
			if (!v.contains("name") || !v.contains("path"))
				throw UsageError(vw + " needs \"name\" and "
						      "\"path\"");
			vc.name = get_string(v["name"], "name", vw);
			vc.path = get_string(v["path"], "path", vw);
			if (v.contains("read_only")) {
				if (!v["read_only"].is_boolean())
					throw UsageError(vw +
							 "read_only: "
							 "expected true or "
							 "false");
				vc.read_only = v["read_only"].get<bool>();
			}
			if (v.contains("allow")) {
				if (!v["allow"].is_array())
					throw UsageError(vw + "allow: expected "
							      "an array");
				for (auto &a : v["allow"]) {
					std::string aw = vw + "allow[]";
					only_keys(a, { "host", "secret_file" },
						  aw);
					Allow al;
					if (!a.contains("host"))
						throw UsageError(aw +
								 " needs "
								 "\"host\"");
					al.host = get_string(a["host"], "host",
							     aw + ".");
					if (a.contains("secret_file"))
						al.secret_file = get_string(
							a["secret_file"],
							"secret_file",
							aw + ".");
					vc.allow.push_back(al);
				}
			}
			if (c.volume(vc.name))
				throw UsageError(w + "volume '" + vc.name +
						 "' is defined twice");
			c.volumes.push_back(vc);
		}
	}
	return c;
}

static void add_allow(VolumeConfig &v, const Allow &a)
{
	for (auto &e : v.allow)
		if (e.host == a.host) {
			e = a; // the command line overrides the file
			return;
		}
	v.allow.push_back(a);
}

Config merge(const Config &file, const CmdLine &cl)
{
	Config c = file;

	for (auto &l : cl.listen)
		if (std::find(c.listen.begin(), c.listen.end(), l) ==
		    c.listen.end())
			c.listen.push_back(l);
	for (auto &e : cl.exports) {
		auto eq = e.find('=');
		if (eq == std::string::npos || eq == 0 || eq + 1 == e.size())
			throw UsageError("--export '" + e +
					 "': expected NAME=PATH[,ro]");
		std::string name = e.substr(0, eq), path = e.substr(eq + 1);
		bool ro = false;
		if (path.size() > 3 && path.ends_with(",ro")) {
			ro = true;
			path.resize(path.size() - 3);
		} else if (path.size() > 3 && path.ends_with(",rw")) {
			path.resize(path.size() - 3);
		}
		if (auto *v = c.volume(name)) {
			v->path = path; // override the file's volume
			v->read_only = ro;
		} else {
			c.volumes.push_back({ name, path, ro, {} });
		}
	}
	for (auto &e : cl.allows) {
		auto eq = e.find('=');
		if (eq == std::string::npos || eq == 0 || eq + 1 == e.size())
			throw UsageError(
				"--allow '" + e +
				"': expected VOLUME=HOST[,secret-file=PATH]");
		std::string vol = e.substr(0, eq), rest = e.substr(eq + 1);
		Allow a;
		auto comma = rest.find(',');
		a.host = rest.substr(0, comma);
		if (comma != std::string::npos) {
			std::string opt = rest.substr(comma + 1);
			const std::string key = "secret-file=";
			if (!opt.starts_with(key) || opt.size() == key.size())
				throw UsageError("--allow '" + e +
						 "': the only option is "
						 "secret-file=PATH");
			a.secret_file = opt.substr(key.size());
		}
		if (a.host.empty())
			throw UsageError("--allow '" + e + "': empty host");
		auto *v = c.volume(vol);
		if (!v)
			throw UsageError("--allow '" + e + "': no volume '" +
					 vol +
					 "' (define it with -e or in "
					 "the config file first)");
		add_allow(*v, a);
	}
	if (!cl.stats_file.empty())
		c.stats_file = cl.stats_file;
	if (cl.inline_size >= 0)
		c.inline_size = cl.inline_size;
	if (cl.max_io >= 0)
		c.max_io = cl.max_io;
	if (cl.depth >= 0)
		c.depth = cl.depth;
	if (cl.queues >= 0)
		c.queues = cl.queues;
	if (c.listen.empty())
		c.listen.push_back({ "0.0.0.0", QBD_DEFAULT_PORT });
	check(c);
	return c;
}

static void check_name(const std::string &what, const std::string &n)
{
	if (n.empty() || n.size() > QBD_NAME_MAX)
		throw UsageError(what + " '" + n + "': must be 1.." +
				 std::to_string(QBD_NAME_MAX) + " bytes");
	if (n.find('\0') != std::string::npos)
		throw UsageError(what + ": contains a NUL byte");
}

void check(const Config &c)
{
	if (c.max_io < 4096 || c.max_io % 4096 || c.max_io > (64u << 20))
		throw UsageError(
			"max_io " + std::to_string(c.max_io) +
			": must be a multiple of 4096 from 4096 to 64M");
	if (c.inline_size % QBD_SECTOR_SIZE || c.inline_size > c.max_io ||
	    c.inline_size > (1u << 20))
		throw UsageError("inline_size " +
				 std::to_string(c.inline_size) +
				 ": must be a multiple of 512, at most max_io "
				 "and 1M");
	if (c.depth < 1 || c.depth > QBD_MAX_DEPTH)
		throw UsageError("depth " + std::to_string(c.depth) +
				 ": must be 1.." +
				 std::to_string(QBD_MAX_DEPTH));
	if (c.queues < 1 || c.queues > QBD_MAX_QUEUES)
		throw UsageError("queues " + std::to_string(c.queues) +
				 ": must be 1.." +
				 std::to_string(QBD_MAX_QUEUES));
	if (c.max_discard % 4096 || c.max_discard > UINT32_MAX)
		throw UsageError("max_discard: must be a multiple of 4096 "
				 "below 4G (0: no discard)");
	if (c.volumes.empty())
		throw UsageError("no volume to export: add -e NAME=PATH or "
				 "\"volumes\" to the config file");
	for (auto &v : c.volumes) {
		check_name("volume name", v.name);
		if (v.path.empty())
			throw UsageError("volume '" + v.name + "': empty path");
		if (v.allow.empty())
			throw UsageError("volume '" + v.name +
					 "': no host may open it: add -a " +
					 v.name + "=HOST or an \"allow\" list");
		for (auto &a : v.allow)
			check_name("volume '" + v.name + "': host", a.host);
	}
}

std::string load_secret(const std::string &path)
{
	int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		throw UsageError("secret file " + path + ": " +
				 std::strerror(errno));
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		throw UsageError("secret file " + path +
				 ": not a regular file");
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		close(fd);
		throw UsageError("secret file " + path +
				 " is accessible by group or others: "
				 "chmod 600 " +
				 path);
	}
	std::string s;
	char buf[256];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0 &&
	       s.size() <= QBD_SECRET_MAX + 1)
		s.append(buf, n);
	int err = errno;
	close(fd);
	if (n < 0)
		throw UsageError("secret file " + path + ": " +
				 std::strerror(err));
	if (!s.empty() && s.back() == '\n')
		s.pop_back();
	if (s.empty() || s.size() > QBD_SECRET_MAX)
		throw UsageError("secret file " + path +
				 ": the secret must be "
				 "1.." +
				 std::to_string(QBD_SECRET_MAX) +
				 " bytes (one trailing newline is ignored)");
	return s;
}

void load_secrets(Config &c)
{
	for (auto &v : c.volumes)
		for (auto &a : v.allow)
			if (!a.secret_file.empty())
				a.secret = load_secret(a.secret_file);
}

Json to_json(const Config &c)
{
	Json j = Json::object();
	j["listen"] = Json::array();
	for (auto &l : c.listen) {
		bool v6 = l.addr.find(':') != std::string::npos;
		j["listen"].push_back((v6 ? "[" + l.addr + "]" : l.addr) + ":" +
				      std::to_string(l.port));
	}
	if (!c.stats_file.empty())
		j["stats_file"] = c.stats_file;
	j["inline_size"] = c.inline_size;
	j["max_io"] = c.max_io;
	j["depth"] = c.depth;
	j["queues"] = c.queues;
	j["max_discard"] = c.max_discard;
	j["volumes"] = Json::array();
	for (auto &v : c.volumes) {
		Json jv = { { "name", v.name },
			    { "path", v.path },
			    { "read_only", v.read_only } };
		jv["allow"] = Json::array();
		for (auto &a : v.allow) {
			Json ja = { { "host", a.host } };
			if (!a.secret_file.empty())
				ja["secret_file"] = a.secret_file;
			jv["allow"].push_back(ja);
		}
		j["volumes"].push_back(jv);
	}
	return j;
}

} // namespace qbd
