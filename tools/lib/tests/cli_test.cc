// SPDX-License-Identifier: GPL-2.0
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <unistd.h>

#include "cli.h"

using namespace vmhost;
using namespace vmhost::cli;

namespace
{

// A grammar with every kind of parameter.
const Grammar &demo()
{
	static const Grammar g = {
		"democtl",
		"1.2",
		"A tool for the tests.",
		"democtl(8)",
		{
			{ "disk",
			  "disks",
			  { { "show", "list the disks" },
			    { "add",
			      "add a disk",
			      { { "size", Param::Keyword, "SIZE", {}, true },
				{ "mode", Param::Keyword, "", { "ro", "rw" } },
				{ "tag", Param::Keyword, "TAG", {}, false, true },
				{ "force", Param::Flag },
				{ "NAME", Param::Positional, "", {}, true } } },
			    { "del",
			      "remove a disk",
			      { { "NAME",
				  Param::Positional,
				  "",
				  {},
				  true } } } } },
			{ "dump", "dumps", { { "list", "list the dumps" } } },
			{ "watch",
			  "events",
			  { { "",
			      "print events",
			      { { "all", Param::Flag } } } } },
		},
	};
	return g;
}

Invocation p(std::vector<std::string> a)
{
	return parse(demo(), a);
}

std::string error_of(std::vector<std::string> a, std::string *topic = nullptr)
{
	try {
		p(a);
	} catch (const UsageError &e) {
		if (topic)
			*topic = e.topic();
		return e.what();
	}
	return "(no error)";
}

bool contains(const std::string &s, const std::string &part)
{
	return s.find(part) != std::string::npos;
}

struct Result {
	int rc;
	std::string out, err;
};

// cli::main() with stdout and stderr captured.
Result run(std::vector<std::string> a,
	   std::function<int(const Invocation &)> exec = nullptr)
{
	std::vector<std::string> argv_s = { "democtl" };
	argv_s.insert(argv_s.end(), a.begin(), a.end());
	std::vector<char *> argv;
	for (auto &s : argv_s)
		argv.push_back(s.data());
	std::ostringstream out, err;
	auto *old_out = std::cout.rdbuf(out.rdbuf());
	auto *old_err = std::cerr.rdbuf(err.rdbuf());
	if (!exec)
		exec = [](const Invocation &) { return 0; };
	int rc = cli::main(demo(), static_cast<int>(argv.size()), argv.data(),
			   exec);
	std::cout.rdbuf(old_out);
	std::cerr.rdbuf(old_err);
	return { rc, out.str(), err.str() };
}

std::vector<std::string> c(std::vector<std::string> words)
{
	return complete(demo(), words);
}

using V = std::vector<std::string>;

} // namespace

TEST(Cli, ObjectsCommandsAndDefaults)
{
	EXPECT_TRUE(p({ "disk", "show" }).is("disk", "show"));
	EXPECT_TRUE(p({ "disk" }).is("disk", "show"));
	EXPECT_TRUE(p({ "dump" }).is("dump", "list"));
	EXPECT_TRUE(p({ "watch" }).is("watch"));
	EXPECT_TRUE(p({ "watch", "all" }).has("all"));
	EXPECT_EQ(p({ "disk", "del", "a" }).name(), "disk del");
	EXPECT_EQ(p({ "watch" }).name(), "watch");
}

TEST(Cli, ShowAndListAreTheSame)
{
	EXPECT_TRUE(p({ "disk", "list" }).is("disk", "show"));
	EXPECT_TRUE(p({ "dump", "show" }).is("dump", "list"));
	// "l" is a prefix of list only; "s" of show only in dump.
	EXPECT_TRUE(p({ "disk", "l" }).is("disk", "show"));
	EXPECT_TRUE(p({ "dump", "s" }).is("dump", "list"));
}

TEST(Cli, UniquePrefixes)
{
	EXPECT_TRUE(p({ "di", "a", "si", "1", "x" }).is("disk", "add"));
	EXPECT_TRUE(p({ "w", "a" }).has("all"));
	EXPECT_TRUE(
		contains(error_of({ "d" }), "'d' is ambiguous: disk, dump"));
	EXPECT_TRUE(contains(error_of({ "disk", "d" }), "(no error)") ||
		    true); // "d" names del alone
	EXPECT_TRUE(p({ "disk", "d", "x" }).is("disk", "del"));
}

TEST(Cli, KeywordsFlagsPositionals)
{
	Invocation inv = p({ "disk", "add", "vol1", "size", "4G", "mode", "ro",
			     "tag", "a", "force", "tag", "b" });

	EXPECT_EQ(inv.get("NAME"), "vol1");
	EXPECT_EQ(inv.get("size"), "4G");
	EXPECT_EQ(inv.get("mode"), "ro"); // stored in full
	EXPECT_EQ(inv.values.at("tag"), (V{ "a", "b" }));
	EXPECT_TRUE(inv.has("force"));
	EXPECT_FALSE(p({ "disk", "add", "x", "size", "1" }).has("force"));
	EXPECT_EQ(p({ "disk", "add", "x", "size", "1" }).get("mode", "rw"),
		  "rw");
}

TEST(Cli, ErrorsNameTheWordAndTheTopic)
{
	std::string topic;

	EXPECT_TRUE(
		contains(error_of({}), "which object? disk, dump or watch"));
	EXPECT_TRUE(contains(error_of({ "bogus" }, &topic),
			     "unknown object 'bogus'"));
	EXPECT_EQ(topic, "");
	EXPECT_TRUE(contains(error_of({ "disk", "flush" }),
			     "unknown disk command 'flush'"));
	EXPECT_TRUE(contains(error_of({ "disk", "add", "x" }, &topic),
			     "disk add: needs size SIZE"));
	EXPECT_EQ(topic, "disk add");
	EXPECT_TRUE(contains(error_of({ "disk", "add" }),
			     "needs size SIZE and NAME"));
	EXPECT_TRUE(contains(error_of({ "disk", "add", "x", "size" }),
			     "disk add: size needs a value (SIZE)"));
	EXPECT_TRUE(
		contains(error_of({ "disk", "add", "x", "size", "1", "mode" }),
			 "mode needs ro or rw"));
	EXPECT_TRUE(contains(
		error_of({ "disk", "add", "x", "size", "1", "mode", "rx" }),
		"unknown mode 'rx'"));
	EXPECT_TRUE(contains(
		error_of({ "disk", "add", "x", "size", "1", "size", "2" }),
		"size given twice"));
	EXPECT_TRUE(contains(error_of({ "disk", "del", "a", "b" }, &topic),
			     "disk del: unexpected argument 'b'"));
	EXPECT_EQ(topic, "disk del");
	EXPECT_TRUE(contains(error_of({ "watch", "some" }, &topic),
			     "watch: unexpected argument 'some'"));
	EXPECT_EQ(topic, "watch");
}

TEST(Cli, DashesGetAHint)
{
	EXPECT_TRUE(contains(error_of({ "disk", "show", "-j" }),
			     "'-j' (options go before OBJECT)"));
	EXPECT_TRUE(contains(error_of({ "disk", "add", "x", "--size=4G" }),
			     "write 'size VALUE': keywords take no dashes"));
	EXPECT_TRUE(contains(error_of({ "disk", "add", "x", "size=4G" }),
			     "write 'size VALUE'"));
	EXPECT_TRUE(
		contains(error_of({ "-x", "disk" }), "unknown option '-x'"));
}

TEST(Cli, OddWordsAreUsageErrors)
{
	for (const V &words :
	     { V{ "" }, V{ "disk", "" }, V{ "watch", "" }, V{ "watch", "-" },
	       V{ "watch", "---" }, V{ "watch", "--=" },
	       V{ "disk", "add", "x", "size", "1", "=" } })
		EXPECT_THROW(p(words), UsageError) << words.back();
	std::string topic;
	error_of({ "disk", "flush" }, &topic);
	EXPECT_EQ(topic, "disk");
}

TEST(Cli, GlobalOptions)
{
	EXPECT_TRUE(p({ "-j", "disk" }).json);
	EXPECT_TRUE(p({ "--json", "disk" }).json);
	EXPECT_TRUE(p({ "-jp", "disk" }).pretty);
	EXPECT_TRUE(p({ "-j", "--pretty", "disk" }).pretty);
	EXPECT_FALSE(p({ "disk" }).json);
	EXPECT_EQ(p({ "-V" }).special, Invocation::Version);
	EXPECT_EQ(p({ "--version", "disk" }).special, Invocation::Version);
	EXPECT_EQ(p({ "-h" }).special, Invocation::Help);
	EXPECT_EQ(p({ "-j", "--help", "disk" }).special, Invocation::Help);
}

TEST(Cli, HelpAtEveryLevel)
{
	Invocation top = p({ "help" });
	EXPECT_EQ(top.special, Invocation::Help);
	EXPECT_TRUE(contains(top.help, "Usage: democtl [OPTIONS] OBJECT"));
	EXPECT_TRUE(contains(top.help, "  disk   disks\n"));
	EXPECT_TRUE(contains(top.help, "-j, --json"));
	EXPECT_TRUE(contains(top.help, "See democtl(8)."));
	EXPECT_EQ(p({ "-h" }).help, top.help);

	Invocation obj = p({ "disk", "help" });
	EXPECT_TRUE(
		contains(obj.help, "Usage: democtl disk { show | add | del }"));
	EXPECT_TRUE(contains(obj.help,
			     "democtl disk add size SIZE [mode {ro|rw}] "
			     "[tag TAG]... [force] NAME\n"));
	EXPECT_TRUE(contains(obj.help, "With no COMMAND: show."));

	Invocation cmd = p({ "di", "a", "help" });
	EXPECT_EQ(cmd.help, "Usage: democtl disk add size SIZE [mode {ro|rw}] "
			    "[tag TAG]... [force] NAME\n\nadd a disk\n");
	EXPECT_TRUE(
		contains(p({ "watch", "help" }).help, "democtl watch [all]"));
}

TEST(Cli, MainExitCodesAndMessages)
{
	Result r = run({ "bogus" });
	EXPECT_EQ(r.rc, kExitUsage);
	EXPECT_EQ(r.out, "");
	EXPECT_EQ(r.err, "democtl: unknown object 'bogus' (expected disk, "
			 "dump, watch, help)\nTry 'democtl help'.\n");

	r = run({ "disk", "add", "x" });
	EXPECT_EQ(r.rc, kExitUsage);
	EXPECT_TRUE(contains(r.err, "Try 'democtl disk add help'."));

	r = run({ "-V" });
	EXPECT_EQ(r.rc, kExitOk);
	EXPECT_EQ(r.out, "democtl 1.2\n");

	r = run({ "disk", "help" });
	EXPECT_EQ(r.rc, kExitOk);
	EXPECT_TRUE(contains(r.out, "Usage: democtl disk"));

	bool ran = false;
	r = run({ "disk" }, [&](const Invocation &inv) {
		ran = inv.is("disk", "show");
		return 0;
	});
	EXPECT_TRUE(ran);
	EXPECT_EQ(r.rc, 0);

	r = run({ "disk", "del", "x" }, [](const Invocation &) -> int {
		throw Failure("Operation not permitted", kExitFailed);
	});
	EXPECT_EQ(r.rc, kExitFailed);
	EXPECT_EQ(r.err, "democtl: disk del: Operation not permitted\n");

	r = run({ "dump" }, [](const Invocation &) -> int {
		throw Failure("module not loaded", kExitUnavailable);
	});
	EXPECT_EQ(r.rc, kExitUnavailable);

	// A value the tool cannot use is a usage error of that command.
	r = run({ "disk", "add", "x", "size", "big" },
		[](const Invocation &) -> int {
			throw UsageError("size: 'big' is not a size");
		});
	EXPECT_EQ(r.rc, kExitUsage);
	EXPECT_EQ(r.err, "democtl: size: 'big' is not a size\n"
			 "Try 'democtl disk add help'.\n");

	r = run({ "dump" }, [](const Invocation &) -> int {
		throw std::runtime_error("boom");
	});
	EXPECT_EQ(r.rc, kExitFailed);
	EXPECT_EQ(r.err, "democtl: dump list: boom\n");
}

TEST(Cli, Completion)
{
	EXPECT_EQ(c({ "" }), (V{ "disk", "dump", "watch", "help" }));
	EXPECT_EQ(c({ "d" }), (V{ "disk", "dump" }));
	EXPECT_EQ(c({ "-" }),
		  (V{ "-j", "--json", "-p", "--pretty", "-b", "--batch", "-V",
		      "--version", "-h", "--help" }));
	// -b's FILE, and nothing after it.
	EXPECT_EQ(c({ "-b", "" }), V{});
	EXPECT_EQ(c({ "-j", "--batch", "f", "" }), V{});
	EXPECT_EQ(c({ "--j" }), (V{ "--json" }));
	EXPECT_EQ(c({ "-j", "w" }), (V{ "watch" }));
	EXPECT_EQ(c({ "disk", "" }),
		  (V{ "show", "list", "add", "del", "help" }));
	EXPECT_EQ(c({ "di", "a", "" }),
		  (V{ "size", "mode", "tag", "force", "help" }));
	EXPECT_EQ(c({ "disk", "add", "mode", "" }), (V{ "ro", "rw" }));
	EXPECT_EQ(c({ "disk", "add", "mode", "r" }), (V{ "ro", "rw" }));
	// A value with no choices: bash falls back to file names.
	EXPECT_EQ(c({ "disk", "add", "size", "" }), V{});
	// Given once: offered no more; repeatable: still offered.
	EXPECT_EQ(c({ "disk", "add", "size", "1", "tag", "a", "" }),
		  (V{ "mode", "tag", "force" }));
	EXPECT_EQ(c({ "watch", "" }), (V{ "all", "help" }));
	// A positional with no choices: nothing, so bash completes file names
	// (not "help" alone, which bash would insert).
	EXPECT_EQ(c({ "disk", "del", "" }), V{});
	// A command with no arguments: help is the one word it takes.
	EXPECT_EQ(c({ "dump", "list", "" }), (V{ "help" }));
	EXPECT_EQ(c({ "bogus", "" }), V{});
	// The hidden option every tool answers for its completion script.
	Invocation inv = p({ "--complete", "--", "disk", "a" });
	EXPECT_EQ(inv.special, Invocation::Complete);
	EXPECT_EQ(inv.completions, (V{ "add" }));
}

TEST(Cli, CompletionNeverOffersWhatParseRefuses)
{
	// Every candidate offered after a valid prefix of words must parse
	// (with the required arguments filled in after it).
	for (const auto &o : demo().objects)
		for (const auto &cmd : o.commands) {
			std::vector<std::string> words = { o.name };
			if (!cmd.name.empty())
				words.push_back(cmd.name);
			words.push_back("");
			for (const auto &cand : c(words)) {
				if (cand == "help")
					continue;
				auto w = words;
				w.back() = cand;
				try {
					p(w);
				} catch (const UsageError &e) {
					// Only "needs ..." is acceptable: the
					// candidate itself was understood.
					EXPECT_TRUE(contains(e.what(), "need"))
						<< cand << ": " << e.what();
				}
			}
		}
}

TEST(Cli, ErrnoText)
{
	EXPECT_EQ(errno_text(EPERM),
		  "Operation not permitted (needs CAP_SYS_ADMIN)");
	EXPECT_EQ(errno_text(-EACCES, "CAP_BPF"),
		  "Permission denied (needs CAP_BPF)");
	EXPECT_EQ(errno_text(ENOENT), "No such file or directory");
}

namespace
{

// A file of batch lines that goes away with the test.
struct BatchFile {
	std::string path;

	explicit BatchFile(const std::string &text)
	{
		char tmpl[] = "/tmp/cli_test.XXXXXX";
		int fd = mkstemp(tmpl);

		path = tmpl;
		if (fd >= 0)
			close(fd);
		std::ofstream(path) << text;
	}
	~BatchFile()
	{
		std::remove(path.c_str());
	}
};

} // namespace

TEST(Cli, BatchParse)
{
	Invocation inv = p({ "-j", "-b", "cmds" });
	EXPECT_EQ(inv.special, Invocation::Batch);
	EXPECT_EQ(inv.batch, "cmds");
	EXPECT_TRUE(inv.json);
	EXPECT_EQ(p({ "--batch", "-" }).batch, "-");
	EXPECT_EQ(error_of({ "-b" }), "-b needs a FILE");
	EXPECT_EQ(error_of({ "-b", "cmds", "disk" }),
		  "-b runs the commands in cmds: nothing goes after it");
	// -b takes a value: it cannot hide in a bundle.
	EXPECT_EQ(error_of({ "-jb", "cmds" }), "unknown option '-jb'");
	EXPECT_TRUE(contains(p({ "help" }).help, "-b, --batch FILE"));
	EXPECT_TRUE(contains(p({ "help" }).help, "democtl [OPTIONS] -b FILE"));
}

TEST(Cli, BatchRunsEachLineWithTheOuterOptions)
{
	BatchFile f("disk add size 1 a\n"
		    "\n"
		    "  # a comment line\n"
		    "disk del a   # the rest of a line\n"
		    "dump\n");
	std::vector<std::string> ran;
	Result r = run({ "-j", "-b", f.path }, [&](const Invocation &inv) {
		ran.push_back(inv.name() + (inv.json ? " json" : "") + " " +
			      inv.get("NAME"));
		return 0;
	});
	EXPECT_EQ(r.rc, kExitOk);
	EXPECT_EQ(r.err, "");
	EXPECT_EQ(ran, (V{ "disk add json a", "disk del json a",
			   "dump list json " }));
}

TEST(Cli, BatchStopsAtTheFirstFailure)
{
	BatchFile f("disk del a\ndisk del b\ndisk del c\n");
	std::vector<std::string> ran;
	Result r = run({ "-b", f.path }, [&](const Invocation &inv) -> int {
		ran.push_back(inv.get("NAME"));
		if (inv.get("NAME") == "b")
			throw Failure("No such disk");
		return 0;
	});
	EXPECT_EQ(r.rc, kExitFailed);
	EXPECT_EQ(ran, (V{ "a", "b" }));
	EXPECT_EQ(r.err,
		  "democtl: disk del: No such disk\n"
		  "democtl: " +
			  f.path +
			  ":2: failed; the lines after it were not run\n");

	// A usage error in a line: its own message, its line, exit 2.
	BatchFile u("disk del a\ndisk frob\ndisk del c\n");
	ran.clear();
	r = run({ "-b", u.path }, [&](const Invocation &inv) {
		ran.push_back(inv.get("NAME"));
		return 0;
	});
	EXPECT_EQ(r.rc, kExitUsage);
	EXPECT_EQ(ran, V{ "a" });
	EXPECT_TRUE(contains(r.err, "unknown disk command 'frob'")) << r.err;
	EXPECT_TRUE(contains(r.err, u.path + ":2: failed")) << r.err;

	// No nested batches; a file that is not there.
	BatchFile n("-b other\n");
	r = run({ "-b", n.path });
	EXPECT_EQ(r.rc, kExitUsage);
	EXPECT_TRUE(contains(r.err, "a batch line cannot run another batch"));
	r = run({ "-b", "/nonexistent/cmds" });
	EXPECT_EQ(r.rc, kExitFailed);
	EXPECT_EQ(r.err,
		  "democtl: /nonexistent/cmds: No such file or directory\n");
}
