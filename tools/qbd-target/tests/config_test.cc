// SPDX-License-Identifier: GPL-2.0
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

#include "config.h"

using namespace qbd;

namespace
{

CmdLine parse(std::vector<std::string> args)
{
	args.insert(args.begin(), "qbd-target");
	std::vector<char *> argv;
	for (auto &a : args)
		argv.push_back(a.data());
	argv.push_back(nullptr);
	return parse_cmdline(argv.size() - 1, argv.data());
}

// JSON with ' for ", to keep the literals readable.
std::string J(std::string s)
{
	for (auto &c : s)
		if (c == '\'')
			c = '"';
	return s;
}

const std::string example =
	J("{'listen': ['192.0.2.1', '[fd00::1]:4461'],"
	  " 'stats_file': '/run/qbd-target/stats.json',"
	  " 'depth': 64, 'max_io': '512K',"
	  " 'volumes': ["
	  "  {'name': 'vol0', 'path': '/srv/vol0.img',"
	  "   'allow': [{'host': 'host-a',"
	  "              'secret_file': '/etc/qbd-target/a.key'},"
	  "             {'host': 'host-b'}]},"
	  "  {'name': 'golden', 'path': '/dev/vg/golden', 'read_only': true,"
	  "   'allow': [{'host': 'host-a'}]}]}");

} // namespace

TEST(Listen, Forms)
{
	EXPECT_EQ(parse_listen("192.0.2.1"), (Listen{ "192.0.2.1", 4460 }));
	EXPECT_EQ(parse_listen("192.0.2.1:99"), (Listen{ "192.0.2.1", 99 }));
	EXPECT_EQ(parse_listen("[::1]:7"), (Listen{ "::1", 7 }));
	EXPECT_EQ(parse_listen("[::1]"), (Listen{ "::1", 4460 }));
	EXPECT_EQ(parse_listen("fd00::1"), (Listen{ "fd00::1", 4460 }));
	EXPECT_THROW(parse_listen("1.2.3.4:0"), UsageError);
	EXPECT_THROW(parse_listen("1.2.3.4:70000"), UsageError);
	EXPECT_THROW(parse_listen("1.2.3.4:x"), UsageError);
	EXPECT_THROW(parse_listen("[::1"), UsageError);
	EXPECT_THROW(parse_listen(""), UsageError);
}

TEST(ConfigFile, Example)
{
	Config c = parse_config(example, "cfg");
	ASSERT_EQ(c.listen.size(), 2u);
	EXPECT_EQ(c.listen[1], (Listen{ "fd00::1", 4461 }));
	EXPECT_EQ(c.depth, 64u);
	EXPECT_EQ(c.max_io, 512u << 10);
	ASSERT_EQ(c.volumes.size(), 2u);
	EXPECT_FALSE(c.volumes[0].read_only);
	EXPECT_TRUE(c.volumes[1].read_only);
	EXPECT_EQ(c.volumes[0].allow[0].secret_file, "/etc/qbd-target/a.key");
	EXPECT_EQ(c.volumes[0].allow[1].secret_file, "");
	Config m = merge(c, {});
	EXPECT_EQ(m.listen.size(), 2u); // no default added
}

TEST(ConfigFile, Refusals)
{
	EXPECT_THROW(parse_config("{", "f"), UsageError);
	EXPECT_THROW(parse_config("[]", "f"), UsageError);
	EXPECT_THROW(parse_config(J("{'depht': 3}"), "f"), UsageError);
	EXPECT_THROW(parse_config(J("{'depth': -3}"), "f"), UsageError);
	EXPECT_THROW(parse_config(J("{'volumes': [{'name': 'a'}]}"), "f"),
		     UsageError);
	EXPECT_THROW(parse_config(J("{'volumes': [{'name': 'a', 'path': '/x',"
				    " 'read_only': 'yes'}]}"),
				  "f"),
		     UsageError);
	EXPECT_THROW(parse_config(J("{'volumes': [{'name': 'a', 'path': '/x'},"
				    " {'name': 'a', 'path': '/y'}]}"),
				  "f"),
		     UsageError);
	EXPECT_THROW(parse_config(J("{'volumes': [{'name': 'a', 'path': '/x',"
				    " 'allow': [{'hots': 'h'}]}]}"),
				  "f"),
		     UsageError);
	try {
		parse_config(J("{'listen': '1.2.3.4'}"), "/etc/q.json");
		FAIL();
	} catch (const UsageError &e) {
		EXPECT_NE(std::string(e.what()).find("/etc/q.json: listen"),
			  std::string::npos)
			<< e.what();
	}
}

TEST(CmdLine, ExportsAndAllowsWithoutFile)
{
	CmdLine cl = parse({ "-l",
			     "192.0.2.1",
			     "-e",
			     "v=/tmp/v.img",
			     "-e",
			     "r=/tmp/r.img,ro",
			     "-a",
			     "v=h1",
			     "-a",
			     "v=h2,secret-file=/tmp/k",
			     "-a",
			     "r=h1",
			     "--depth",
			     "32",
			     "--max-io",
			     "256K",
			     "--inline-size",
			     "8K",
			     "--stats-file",
			     "/tmp/s" });
	Config c = merge({}, cl);
	ASSERT_EQ(c.volumes.size(), 2u);
	EXPECT_EQ(c.volumes[0].path, "/tmp/v.img");
	EXPECT_FALSE(c.volumes[0].read_only);
	EXPECT_EQ(c.volumes[1].path, "/tmp/r.img");
	EXPECT_TRUE(c.volumes[1].read_only);
	ASSERT_EQ(c.volumes[0].allow.size(), 2u);
	EXPECT_EQ(c.volumes[0].allow[1].secret_file, "/tmp/k");
	EXPECT_EQ(c.depth, 32u);
	EXPECT_EQ(c.max_io, 256u << 10);
	EXPECT_EQ(c.inline_size, 8192u);
	EXPECT_EQ(c.stats_file, "/tmp/s");
}

TEST(CmdLine, DefaultListen)
{
	Config c = merge({}, parse({ "-e", "v=/x", "-a", "v=h" }));
	ASSERT_EQ(c.listen.size(), 1u);
	EXPECT_EQ(c.listen[0], (Listen{ "0.0.0.0", 4460 }));
}

TEST(CmdLine, AddsToAndOverridesTheFile)
{
	Config file = parse_config(example, "cfg");
	CmdLine cl = parse({ "-l", "192.0.2.9", "-l", "192.0.2.1", "--depth",
			     "16", "-e", "vol0=/other.img,ro", "-a",
			     "vol0=host-a", "-a", "golden=host-z", "-e",
			     "new=/new.img", "-a", "new=host-n" });
	Config c = merge(file, cl);
	EXPECT_EQ(c.listen.size(),
		  3u); // one added, the duplicate merged
	EXPECT_EQ(c.depth, 16u);
	EXPECT_EQ(c.max_io, 512u << 10); // the file's, not overridden
	auto *v = c.volume("vol0");
	ASSERT_TRUE(v);
	EXPECT_EQ(v->path, "/other.img");
	EXPECT_TRUE(v->read_only);
	ASSERT_EQ(v->allow.size(), 2u);
	EXPECT_EQ(v->allow[0].secret_file, ""); // replaced by -a
	EXPECT_EQ(c.volume("golden")->allow.size(), 2u);
	EXPECT_TRUE(c.volume("new"));
}

TEST(CmdLine, Refusals)
{
	EXPECT_THROW(parse({ "--bogus" }), UsageError);
	EXPECT_THROW(parse({ "-l" }), UsageError);
	EXPECT_THROW(parse({ "extra" }), UsageError);
	EXPECT_THROW(parse({ "--depth", "x" }), UsageError);
	EXPECT_THROW(parse({ "--depth", "-1" }), UsageError);
	EXPECT_THROW(merge({}, parse({ "-e", "novalue" })), UsageError);
	EXPECT_THROW(merge({}, parse({ "-e", "=/x" })), UsageError);
	EXPECT_THROW(merge({}, parse({ "-e", "v=/x", "-a", "w=h" })),
		     UsageError); // no such volume
	EXPECT_THROW(merge({}, parse({ "-e", "v=/x", "-a", "v=h,key=/k" })),
		     UsageError);
	EXPECT_THROW(merge({}, parse({ "-e", "v=/x" })),
		     UsageError); // no allow
	EXPECT_THROW(merge({}, parse({})), UsageError); // no volume
	std::string longname(65, 'n');
	EXPECT_THROW(merge({}, parse({ "-e", longname + "=/x", "-a",
				       longname + "=h" })),
		     UsageError);
}

TEST(CmdLine, Limits)
{
	auto with = [](std::vector<std::string> extra) {
		std::vector<std::string> a = { "-e", "v=/x", "-a", "v=h" };
		a.insert(a.end(), extra.begin(), extra.end());
		return merge({}, parse(a));
	};
	EXPECT_NO_THROW(with({ "--depth", "1024", "--queues", "64" }));
	EXPECT_THROW(with({ "--depth", "1025" }), UsageError);
	EXPECT_THROW(with({ "--depth", "0" }), UsageError);
	EXPECT_THROW(with({ "--queues", "65" }), UsageError);
	EXPECT_THROW(with({ "--max-io", "6000" }), UsageError);
	EXPECT_THROW(with({ "--inline-size", "1000" }), UsageError);
	EXPECT_THROW(with({ "--max-io", "8K", "--inline-size", "16K" }),
		     UsageError);
	EXPECT_NO_THROW(with({ "--inline-size", "0" }));
}

namespace
{

std::string secret_file(const std::string &content, mode_t mode)
{
	char path[] = "/tmp/qbd-secret-XXXXXX";
	int fd = mkstemp(path);
	EXPECT_GE(fd, 0);
	EXPECT_EQ(write(fd, content.data(), content.size()),
		  (ssize_t)content.size());
	fchmod(fd, mode);
	close(fd);
	return path;
}

} // namespace

TEST(Secret, OneTrailingNewlineStripped)
{
	auto p = secret_file("s3cret\n", 0600);
	EXPECT_EQ(load_secret(p), "s3cret");
	unlink(p.c_str());
	p = secret_file("s3cret\n\n", 0400);
	EXPECT_EQ(load_secret(p), "s3cret\n");
	unlink(p.c_str());
	p = secret_file("s3cret", 0600);
	EXPECT_EQ(load_secret(p), "s3cret");
	unlink(p.c_str());
}

TEST(Secret, RefusesGroupOrOtherAccess)
{
	for (mode_t m : { 0640, 0604, 0660, 0601 }) {
		auto p = secret_file("s3cret\n", m);
		try {
			load_secret(p);
			ADD_FAILURE() << std::oct << m;
		} catch (const UsageError &e) {
			EXPECT_NE(std::string(e.what()).find("chmod 600"),
				  std::string::npos);
		}
		unlink(p.c_str());
	}
}

TEST(Secret, RefusesEmptyTooLongOrMissing)
{
	auto p = secret_file("\n", 0600);
	EXPECT_THROW(load_secret(p), UsageError);
	unlink(p.c_str());
	p = secret_file(std::string(65, 'k'), 0600);
	EXPECT_THROW(load_secret(p), UsageError);
	unlink(p.c_str());
	p = secret_file(std::string(64, 'k') + "\n", 0600);
	EXPECT_EQ(load_secret(p).size(), 64u);
	unlink(p.c_str());
	EXPECT_THROW(load_secret("/nonexistent/qbd.key"), UsageError);
}

TEST(Config, JsonRoundTrip)
{
	Config c = merge(parse_config(example, "cfg"), {});
	auto j = to_json(c);
	Config back = merge(parse_config(j.dump(), "dump"), {});
	EXPECT_EQ(to_json(back), j);
	EXPECT_EQ(j["listen"][1], "[fd00::1]:4461");
}
