// SPDX-License-Identifier: GPL-2.0
#include "cli.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <set>

namespace vmhost::cli
{

const std::string Invocation::empty_;

bool Invocation::is(const std::string &object_name,
		    const std::string &command_name) const
{
	return object && object->name == object_name && command &&
	       (command_name.empty() || command->name == command_name);
}

const std::string &Invocation::get(const std::string &param,
				   const std::string &fallback) const
{
	auto it = values.find(param);

	return it == values.end() || it->second.empty() ? fallback :
							  it->second.back();
}

std::string Invocation::name() const
{
	std::string n = object ? object->name : "";

	if (command && !command->name.empty())
		n += " " + command->name;
	return n;
}

namespace
{

struct GlobalOption {
	char short_name;
	const char *long_name;
	const char *help;
};

const GlobalOption kOptions[] = {
	{ 'j', "--json", "JSON output" },
	{ 'p', "--pretty", "indented JSON, for people (with -j)" },
	{ 'b', "--batch",
	  "run the commands in FILE, one a line (- for stdin)" },
	{ 'V', "--version", "print the version and exit" },
	{ 'h', "--help", "print this help and exit" },
};

// show and list name the same thing everywhere.
std::vector<std::string> spellings(const Command &c)
{
	if (c.name == "show")
		return { "show", "list" };
	if (c.name == "list")
		return { "list", "show" };
	return { c.name };
}

// Index in `cmds` of the command `word` names (a unique prefix of one of
// its spellings), or throws.
std::size_t match_command(const Object &o, const std::string &word)
{
	std::vector<std::string> names;
	std::vector<std::size_t> owner;

	for (std::size_t i = 0; i < o.commands.size(); i++)
		for (const auto &s : spellings(o.commands[i])) {
			names.push_back(s);
			owner.push_back(i);
		}
	// Several spellings of one command matching is not ambiguous.
	std::set<std::size_t> hits;
	for (std::size_t i = 0; i < names.size(); i++) {
		if (names[i] == word)
			return owner[i];
		if (!word.empty() && names[i].starts_with(word))
			hits.insert(owner[i]);
	}
	if (hits.size() == 1)
		return *hits.begin();
	std::vector<std::string> choices;
	for (const auto &c : o.commands)
		choices.push_back(c.name);
	// Let match_keyword word the error the same way as everywhere else.
	return match_keyword(o.name + " command", word, choices);
}

std::string join(const std::vector<std::string> &v, const char *sep)
{
	std::string s;

	for (const auto &w : v)
		s += (s.empty() ? "" : sep) + w;
	return s;
}

// "a, b or c" (or "and").
std::string word_list(const std::vector<std::string> &v,
		      const char *last = " or ")
{
	if (v.size() < 2)
		return join(v, "");
	std::vector<std::string> head(v.begin(), v.end() - 1);
	return join(head, ", ") + last + v.back();
}

std::string or_list(const std::vector<std::string> &v)
{
	return word_list(v);
}

std::string param_synopsis(const Param &p)
{
	std::string value =
		p.choices.empty() ? p.value : "{" + join(p.choices, "|") + "}";
	std::string s;

	switch (p.kind) {
	case Param::Keyword:
		s = p.name + " " + value;
		break;
	case Param::Flag:
		s = p.name;
		break;
	case Param::Positional:
		s = p.choices.empty() ? p.name : value;
		break;
	}
	if (!p.required)
		s = "[" + s + "]";
	if (p.repeat)
		s += "...";
	return s;
}

std::string command_synopsis(const Grammar &g, const Object &o,
			     const Command &c)
{
	std::string s = g.tool + " " + o.name;

	if (!c.name.empty())
		s += " " + c.name;
	for (const auto &p : c.params)
		s += " " + param_synopsis(p);
	return s;
}

std::string topic(const Object *o, const Command *c)
{
	std::string t = o ? o->name : "";

	if (c && !c->name.empty() && o && o->commands.size() > 1)
		t += " " + c->name;
	return t;
}

// What parse() and complete() share: the walk over the words.
struct Walk {
	const Grammar &g;
	Invocation inv;
	std::size_t positional = 0; // next Positional parameter to fill

	explicit Walk(const Grammar &grammar)
		: g(grammar)
	{
	}

	std::string where() const
	{
		return topic(inv.object, inv.command);
	}

	[[noreturn]] void fail(const std::string &msg) const
	{
		throw UsageError(msg, where());
	}

	// The Keyword or Flag parameter `word` names, or nullptr.
	const Param *keyword(const std::string &word) const
	{
		const Param *hit = nullptr;
		int hits = 0;

		for (const auto &p : inv.command->params) {
			if (p.kind == Param::Positional)
				continue;
			if (p.name == word)
				return &p;
			if (!word.empty() && p.name.starts_with(word)) {
				hit = &p;
				hits++;
			}
		}
		if (hits > 1) {
			std::vector<std::string> c;
			for (const auto &p : inv.command->params)
				if (p.kind != Param::Positional &&
				    p.name.starts_with(word))
					c.push_back(p.name);
			fail(inv.name() + ": '" + word +
			     "' is ambiguous: " + join(c, ", "));
		}
		return hit;
	}

	const Param *next_positional()
	{
		const auto &params = inv.command->params;

		while (positional < params.size()) {
			const Param &p = params[positional];

			if (p.kind == Param::Positional)
				return &p;
			positional++;
		}
		return nullptr;
	}

	void store(const Param &p, const std::string &value)
	{
		auto &v = inv.values[p.name];

		if (!v.empty() && !p.repeat)
			fail(inv.name() + ": " + p.name + " given twice");
		if (p.choices.empty()) {
			v.push_back(value);
			return;
		}
		try {
			v.push_back(p.choices[match_keyword(p.name, value,
							    p.choices)]);
		} catch (const UsageError &e) {
			fail(inv.name() + ": " + e.what());
		}
	}

	// The argument word w[i]: a keyword (then i moves to its value), a
	// flag or the next positional value.
	void argument(const std::vector<std::string> &w, std::size_t &i)
	{
		const std::string &word = w[i];
		const Param *p = keyword(word);

		if (p) {
			if (p->kind == Param::Flag) {
				store(*p, "");
				return;
			}
			if (i + 1 >= w.size())
				fail(inv.name() + ": " + p->name + " needs " +
				     (p->choices.empty() ?
					      "a value (" + p->value + ")" :
					      or_list(p->choices)));
			const std::string &value = w[i + 1];
			for (const auto &other : inv.command->params)
				if (other.kind != Param::Positional &&
				    &other != p && other.name == value)
					fail(inv.name() + ": " + p->name +
					     " needs a value (" +
					     (p->choices.empty() ?
						      p->value :
						      or_list(p->choices)) +
					     "), not '" + value + "'");
			store(*p, w[++i]);
			return;
		}
		const Param *pos = next_positional();
		if (pos) {
			if (!pos->repeat)
				positional++;
			store(*pos, word);
			return;
		}
		std::string hint;
		std::size_t dashes = word.find_first_not_of('-');
		std::string bare =
			dashes == std::string::npos ? "" : word.substr(dashes);
		std::size_t eq = bare.find('=');
		if (eq != std::string::npos)
			bare.resize(eq);
		if (bare != word && !bare.empty() && keyword(bare))
			hint = " (write '" + bare +
			       " VALUE': keywords take "
			       "no dashes and no '=')";
		else if (word.size() > 1 && word[0] == '-')
			hint = " (options go before OBJECT)";
		fail(inv.name() + ": unexpected argument '" + word + "'" +
		     hint);
	}

	void finish()
	{
		std::vector<std::string> missing;

		for (const auto &p : inv.command->params)
			if (p.required && !inv.has(p.name))
				missing.push_back(p.kind == Param::Positional ?
							  p.name :
							  p.name + " " +
								  p.value);
		if (!missing.empty())
			fail(inv.name() + ": needs " +
			     word_list(missing, " and "));
	}
};

bool global_option(const std::string &w, Invocation &inv)
{
	for (const auto &o : kOptions) {
		if (w != o.long_name)
			continue;
		if (o.short_name == 'b')
			return false; // takes a value: parse() has it
		if (o.short_name == 'j')
			inv.json = true;
		else if (o.short_name == 'p')
			inv.pretty = true;
		else if (o.short_name == 'V')
			inv.special = Invocation::Version;
		else
			inv.special = Invocation::Help;
		return true;
	}
	if (w.size() < 2 || w[0] != '-' || w[1] == '-')
		return false;
	// Short options, possibly bundled: -jp.
	for (std::size_t k = 1; k < w.size(); k++) {
		bool known = false;

		for (const auto &o : kOptions)
			if (w[k] == o.short_name)
				known = global_option(o.long_name, inv);
		if (!known)
			return false;
	}
	return true;
}

std::vector<std::string> object_names(const Grammar &g)
{
	std::vector<std::string> v;

	for (const auto &o : g.objects)
		v.push_back(o.name);
	return v;
}

} // namespace

std::string usage(const Grammar &g, const Object *o, const Command *c)
{
	std::string s;

	if (o && c) {
		s = "Usage: " + command_synopsis(g, *o, *c) + "\n";
		if (!c->summary.empty())
			s += "\n" + c->summary + "\n";
		return s;
	}
	if (o) {
		std::vector<std::string> names;
		for (const auto &cmd : o->commands)
			names.push_back(cmd.name);
		if (o->commands.size() > 1)
			s = "Usage: " + g.tool + " " + o->name + " { " +
			    join(names, " | ") + " } ...\n\n";
		for (const auto &cmd : o->commands) {
			s += "  " + command_synopsis(g, *o, cmd) + "\n";
			if (!cmd.summary.empty())
				s += "      " + cmd.summary + "\n";
		}
		if (o->commands.size() > 1)
			s += "\nWith no COMMAND: " + o->commands[0].name +
			     ".\n";
		return s;
	}
	s = "Usage: " + g.tool + " [OPTIONS] OBJECT [COMMAND [ARGS]]\n" +
	    "       " + g.tool + " [OPTIONS] -b FILE\n" + "       " + g.tool +
	    " help | OBJECT help | OBJECT COMMAND help\n" + "\nObjects:\n";
	std::size_t width = 0;
	for (const auto &obj : g.objects)
		width = std::max(width, obj.name.size());
	for (const auto &obj : g.objects)
		s += "  " + obj.name +
		     std::string(width + 2 - obj.name.size(), ' ') +
		     obj.summary + "\n";
	s += "\nOptions:\n";
	for (const auto &opt : kOptions) {
		std::string flags = std::string("-") + opt.short_name + ", " +
				    opt.long_name +
				    (opt.short_name == 'b' ? " FILE" : "");
		s += "  " + flags + std::string(18 - flags.size(), ' ') +
		     opt.help + "\n";
	}
	s += "\n" + g.description + "\n" +
	     "Words may be abbreviated to any unique prefix; show and list\n"
	     "are the same. Exit status: 0 done, 1 failed, 2 bad usage, 3 not\n"
	     "loaded or not running. See " +
	     g.see_also + ".\n";
	return s;
}

Invocation parse(const Grammar &g, const std::vector<std::string> &args)
{
	Walk walk(g);
	Invocation &inv = walk.inv;
	std::size_t i = 0;

	for (; i < args.size() && args[i].size() > 1 && args[i][0] == '-';
	     i++) {
		if (args[i] == "--complete") {
			std::vector<std::string> rest(args.begin() + i + 1,
						      args.end());
			if (!rest.empty() && rest[0] == "--")
				rest.erase(rest.begin());
			inv.special = Invocation::Complete;
			inv.completions = complete(g, rest);
			return inv;
		}
		if (args[i] == "-b" || args[i] == "--batch") {
			if (++i >= args.size())
				throw UsageError(args[i - 1] + " needs a FILE");
			inv.batch = args[i];
			continue;
		}
		if (!global_option(args[i], inv))
			throw UsageError("unknown option '" + args[i] + "'");
	}
	if (!inv.batch.empty() && inv.special == Invocation::None) {
		if (i < args.size())
			throw UsageError("-b runs the commands in " +
					 inv.batch + ": nothing goes after it");
		inv.special = Invocation::Batch;
		return inv;
	}
	if (inv.special == Invocation::Help) {
		inv.help = usage(g);
		return inv;
	}
	if (inv.special == Invocation::Version)
		return inv;
	if (i >= args.size())
		throw UsageError("which object? " + or_list(object_names(g)));

	std::vector<std::string> names = object_names(g);
	names.push_back("help");
	std::size_t k = match_keyword("object", args[i++], names);
	if (k == g.objects.size()) {
		inv.special = Invocation::Help;
		inv.help = usage(g);
		return inv;
	}
	inv.object = &g.objects[k];

	const Object &o = *inv.object;
	if (o.commands.size() == 1 && o.commands[0].name.empty()) {
		inv.command = &o.commands[0];
	} else if (i >= args.size()) {
		inv.command = &o.commands[0];
	} else if (args[i] == "help") {
		inv.special = Invocation::Help;
		inv.help = usage(g, &o);
		return inv;
	} else {
		try {
			inv.command = &o.commands[match_command(o, args[i++])];
		} catch (const UsageError &e) {
			throw UsageError(e.what(), o.name);
		}
	}
	if (i < args.size() && args[i] == "help") {
		inv.special = Invocation::Help;
		inv.help = o.commands.size() > 1 ? usage(g, &o, inv.command) :
						   usage(g, &o);
		return inv;
	}
	while (i < args.size()) {
		walk.argument(args, i);
		i++;
	}
	walk.finish();
	return inv;
}

std::vector<std::string> complete(const Grammar &g,
				  const std::vector<std::string> &words)
{
	std::vector<std::string> out;
	const std::string cur = words.empty() ? "" : words.back();
	std::vector<std::string> done(
		words.begin(), words.empty() ? words.end() : words.end() - 1);
	auto offer = [&](const std::vector<std::string> &cands) {
		for (const auto &c : cands)
			if (c.starts_with(cur))
				out.push_back(c);
	};
	std::size_t i = 0;

	while (i < done.size() && done[i].size() > 1 && done[i][0] == '-') {
		// A FILE comes next, and nothing after it: bash's file names.
		if (done[i] == "-b" || done[i] == "--batch")
			return out;
		i++;
	}
	if (i == done.size()) {
		if (cur.starts_with("-")) {
			for (const auto &o : kOptions)
				offer({ std::string("-") + o.short_name,
					o.long_name });
			return out;
		}
		auto names = object_names(g);
		names.push_back("help");
		offer(names);
		return out;
	}

	Walk walk(g);
	Invocation &inv = walk.inv;
	try {
		std::size_t k =
			match_keyword("object", done[i++], object_names(g));
		inv.object = &g.objects[k];
		const Object &o = *inv.object;
		if (o.commands.size() == 1 && o.commands[0].name.empty()) {
			inv.command = &o.commands[0];
		} else if (i == done.size()) {
			std::vector<std::string> names;
			for (const auto &c : o.commands)
				for (const auto &s : spellings(c))
					names.push_back(s);
			names.push_back("help");
			offer(names);
			return out;
		} else {
			inv.command = &o.commands[match_command(o, done[i++])];
		}
		while (i < done.size()) {
			// A keyword whose value is the word being completed?
			const Param *p = walk.keyword(done[i]);

			if (p && p->kind == Param::Keyword &&
			    i + 1 == done.size()) {
				offer(p->choices);
				return out;
			}
			walk.argument(done, i);
			i++;
		}
	} catch (const UsageError &) {
		return out;
	}
	std::vector<std::string> cands;
	for (const auto &p : inv.command->params) {
		if (p.kind == Param::Positional)
			continue;
		if (!inv.has(p.name) || p.repeat)
			cands.push_back(p.name);
	}
	if (const Param *pos = walk.next_positional())
		cands.insert(cands.end(), pos->choices.begin(),
			     pos->choices.end());
	// "help" where it is a word parse() takes and not the only candidate
	// bash would then insert where a path or number goes.
	if (inv.values.empty() &&
	    (!cands.empty() || inv.command->params.empty()))
		cands.push_back("help");
	offer(cands);
	return out;
}

std::string errno_text(int err, const std::string &needs)
{
	if (err < 0)
		err = -err;
	std::string s = std::strerror(err);

	if ((err == EPERM || err == EACCES) && !needs.empty())
		s += " (needs " + needs + ")";
	return s;
}

namespace
{

// One command line's words: parsed, answered or run, its exit status.
int run_one(const Grammar &g, const std::vector<std::string> &args,
	    const std::function<int(const Invocation &)> &exec,
	    Invocation *out = nullptr)
{
	Invocation inv;
	auto usage_error = [&](const UsageError &e) {
		std::cerr << g.tool << ": " << e.what() << "\nTry '" << g.tool
			  << (e.topic().empty() ? "" : " " + e.topic())
			  << " help'.\n";
		return kExitUsage;
	};

	try {
		inv = parse(g, args);
	} catch (const UsageError &e) {
		return usage_error(e);
	} catch (const std::exception &e) {
		std::cerr << g.tool << ": " << e.what() << "\n";
		return kExitFailed;
	}
	if (out)
		*out = inv;
	switch (inv.special) {
	case Invocation::Help:
		std::cout << inv.help << std::flush;
		return std::cout ? kExitOk : kExitFailed;
	case Invocation::Version:
		std::cout << g.tool << " " << g.version << "\n" << std::flush;
		return std::cout ? kExitOk : kExitFailed;
	case Invocation::Complete:
		for (const auto &c : inv.completions)
			std::cout << c << "\n";
		return kExitOk;
	case Invocation::Batch:
		if (!out) {
			std::cerr
				<< g.tool
				<< ": a batch line cannot run another batch\n";
			return kExitUsage;
		}
		return kExitOk;
	case Invocation::None:
		break;
	}
	try {
		return exec(inv);
	} catch (const UsageError &e) {
		return usage_error(UsageError(
			e.what(), e.topic().empty() ?
					  topic(inv.object, inv.command) :
					  e.topic()));
	} catch (const Failure &e) {
		std::cerr << g.tool << ": " << inv.name() << ": " << e.what()
			  << "\n";
		return e.code();
	} catch (const std::exception &e) {
		std::cerr << g.tool << ": " << inv.name() << ": " << e.what()
			  << "\n";
		return kExitFailed;
	}
}

// A batch line's words: split at blanks, up to a word that starts a
// '#' comment.
std::vector<std::string> batch_words(const std::string &line)
{
	std::vector<std::string> words;
	std::istringstream in(line);
	std::string w;

	while (in >> w && w[0] != '#')
		words.push_back(w);
	return words;
}

int run_batch(const Grammar &g, const Invocation &outer,
	      const std::function<int(const Invocation &)> &exec)
{
	const std::string &name = outer.batch;
	std::ifstream file;
	std::istream *in = &std::cin;
	std::vector<std::string> opts;
	std::string line;
	unsigned int n = 0;

	if (name != "-") {
		file.open(name);
		if (!file) {
			std::cerr << g.tool << ": " << name << ": "
				  << std::strerror(errno) << "\n";
			return kExitFailed;
		}
		in = &file;
	}
	if (outer.json)
		opts.push_back("--json");
	if (outer.pretty)
		opts.push_back("--pretty");
	while (std::getline(*in, line)) {
		std::vector<std::string> words = batch_words(line);
		int rc;

		n++;
		if (words.empty())
			continue;
		words.insert(words.begin(), opts.begin(), opts.end());
		rc = run_one(g, words, exec);
		if (rc != kExitOk) {
			std::cerr
				<< g.tool << ": " << name << ":" << n
				<< ": failed; the lines after it were not run\n";
			return rc;
		}
	}
	if (in->bad()) {
		std::cerr << g.tool << ": " << name << ": read error\n";
		return kExitFailed;
	}
	return kExitOk;
}

} // namespace

int main(const Grammar &g, int argc, char **argv,
	 const std::function<int(const Invocation &)> &exec)
{
	std::vector<std::string> args(argv + 1, argv + argc);
	Invocation inv;
	int rc = run_one(g, args, exec, &inv);

	if (rc == kExitOk && inv.special == Invocation::Batch)
		return run_batch(g, inv, exec);
	return rc;
}

} // namespace vmhost::cli
