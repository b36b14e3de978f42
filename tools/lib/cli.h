// SPDX-License-Identifier: GPL-2.0
// The one command-line convention of vmhost's tools, iproute2's grammar:
//
//   TOOL [OPTIONS] OBJECT [COMMAND [ARGS]]
//
// OPTIONS: -j/--json, -p/--pretty, -b/--batch FILE, -V/--version,
// -h/--help. `TOOL -b FILE` runs FILE's lines as commands, one a line, in
// one process, stopping at the first that fails (as `ip -batch`). OBJECT and
// COMMAND, keywords and their choice values may be abbreviated to any
// unique prefix; a missing COMMAND means the object's first (show or
// list, which are accepted for each other); `help` works at every level
// (TOOL help, TOOL OBJECT help, TOOL OBJECT COMMAND help). ARGS are
// keywords, each followed by its value ("max-wait 50"), flags ("daemon")
// and positional values, in any order that leaves the positional ones in
// theirs.
//
// A tool describes its grammar as data (Grammar); parsing, usage text,
// error messages, exit codes and bash completion all come from that one
// description, so they cannot disagree.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "args.h"

namespace vmhost::cli
{

// Exit status of every vmhost tool.
enum Exit : int {
	kExitOk = 0,
	kExitFailed = 1, // the operation failed or the kernel refused it
	kExitUsage = 2, // bad usage: nothing was done
	kExitUnavailable = 3, // the component is not loaded or not running
};

struct Param {
	enum Kind {
		Keyword, // NAME VALUE
		Flag, // NAME
		Positional, // VALUE
	};
	Param(std::string name_, Kind kind_ = Keyword, std::string value_ = "",
	      std::vector<std::string> choices_ = {}, bool required_ = false,
	      bool repeat_ = false)
		: name(std::move(name_))
		, kind(kind_)
		, value(std::move(value_))
		, choices(std::move(choices_))
		, required(required_)
		, repeat(repeat_)
	{
	}

	std::string name; // keyword or flag; for Positional, its placeholder
	Kind kind;
	std::string value; // placeholder in usage text ("MS", "ADDR")
	std::vector<std::string> choices; // allowed values, any unique prefix
	bool required; // must be given
	bool repeat; // may be given more than once
};

struct Command {
	Command(std::string name_, std::string summary_ = "",
		std::vector<Param> params_ = {})
		: name(std::move(name_))
		, summary(std::move(summary_))
		, params(std::move(params_))
	{
	}

	std::string name; // "" for an object that is its own command
	std::string summary;
	std::vector<Param> params;
};

struct Object {
	std::string name;
	std::string summary;
	std::vector<Command> commands; // commands[0] runs when none is named
};

struct Grammar {
	std::string tool;
	std::string version;
	std::string description; // a sentence or two for `TOOL help`
	std::string see_also; // "vmemctl(8)"
	std::vector<Object> objects;
};

// What the command line asked for.
struct Invocation {
	enum Special { None, Help, Version, Complete, Batch };
	Special special = None;
	bool json = false; // -j
	bool pretty = false; // -p
	std::string batch; // Batch: -b FILE, "-" for standard input
	const Object *object = nullptr;
	const Command *command = nullptr;
	// Values by parameter name, in the order given; a flag has one "".
	// Choice values are stored in full, not as the prefix typed.
	std::map<std::string, std::vector<std::string> > values;
	std::string help; // Help: the usage text of the level asked for
	std::vector<std::string> completions; // Complete: the candidates

	bool is(const std::string &object_name,
		const std::string &command_name = "") const;
	bool has(const std::string &param) const
	{
		return values.count(param) != 0;
	}
	// The (last) value of `param`; `fallback` when it was not given.
	const std::string &get(const std::string &param,
			       const std::string &fallback = empty_) const;
	// "range add": names the operation in error messages.
	std::string name() const;

    private:
	static const std::string empty_;
};

// The part of turning an Invocation into a tool's typed request that
// every tool shares: copies -j and -p into `req` and maps help and
// version (parse() answers them; tests see them) to `help` and `version`.
// False when that is all there is to interpret.
template <class Request, class Command>
bool interpret_common(const Invocation &c, Request &req, Command help,
		      Command version)
{
	req.json = c.json;
	req.pretty = c.pretty;
	if (c.special == Invocation::Version) {
		req.command = version;
		return false;
	}
	if (c.special != Invocation::None || !c.command) {
		req.command = help;
		return false;
	}
	return true;
}

// Parses argv[1..]. Throws UsageError naming the word it cannot use;
// UsageError::level() is the object (and command) the error belongs to,
// so the hint can point at the right `help`.
Invocation parse(const Grammar &g, const std::vector<std::string> &args);

// The usage text of the whole tool, one object, or one command.
std::string usage(const Grammar &g, const Object *o = nullptr,
		  const Command *c = nullptr);

// Candidates for the last of `words` (the word being completed, possibly
// ""), given the words before it; the hidden `--complete` option of every
// tool prints these one per line for its bash completion. A value that is
// a path or a number has no candidates (bash then falls back to file
// names).
std::vector<std::string> complete(const Grammar &g,
				  const std::vector<std::string> &words);

// An error from an operation, reported as "TOOL: OBJECT COMMAND: message"
// with exit status `code`.
class Failure : public std::runtime_error {
    public:
	Failure(const std::string &msg, int code = kExitFailed)
		: std::runtime_error(msg)
		, code_(code)
	{
	}
	int code() const
	{
		return code_;
	}

    private:
	int code_;
};

// The common main(): parses, answers help, version and completion itself,
// runs `exec` for everything else (for -b, once for each line of the
// file, with the options given before -b; blank lines and words from a
// '#' on are skipped) and turns exceptions into the shared messages and
// exit codes:
//   UsageError   "TOOL: message" + "Try 'TOOL [OBJECT] help'.", exit 2
//   Failure      "TOOL: OBJECT COMMAND: message", its code
//   anything else "TOOL: OBJECT COMMAND: message", exit 1
// A batch stops at the first line that does not exit 0, says
// "TOOL: FILE:LINE: ..." and exits with that line's status.
int main(const Grammar &g, int argc, char **argv,
	 const std::function<int(const Invocation &)> &exec);

// Text for errno `err` ("Operation not permitted"), with a hint on what
// is missing for EPERM/EACCES: "(needs CAP_SYS_ADMIN)".
std::string errno_text(int err, const std::string &needs = "CAP_SYS_ADMIN");

} // namespace vmhost::cli
