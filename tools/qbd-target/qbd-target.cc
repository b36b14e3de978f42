// SPDX-License-Identifier: GPL-2.0
// qbd-target: exports files and block devices to qbd hosts over RDMA
// (qbd-target(8)).
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "config.h"
#include "json.h"
#include "target.h"

#include <vmhost/qbd.h>

int main(int argc, char *argv[])
{
	qbd::Config cfg;

	try {
		qbd::CmdLine cl = qbd::parse_cmdline(argc, argv);
		if (cl.help) {
			fputs(qbd::usage_text, stdout);
			return 0;
		}
		if (cl.version) {
			printf("qbd-target %s (protocol %d)\n", VMHOST_VERSION,
			       QBD_VERSION);
			return 0;
		}
		qbd::Config file;
		if (!cl.config_file.empty()) {
			std::ifstream in(cl.config_file);
			if (!in)
				throw qbd::UsageError(
					"cannot read config file " +
					cl.config_file);
			std::stringstream ss;
			ss << in.rdbuf();
			file = qbd::parse_config(ss.str(), cl.config_file);
		}
		cfg = qbd::merge(file, cl);
		if (cl.dump_config) {
			puts(vmhost::json::dump(qbd::to_json(cfg), true)
				     .c_str());
			return 0;
		}
		qbd::load_secrets(cfg);
	} catch (const qbd::UsageError &e) {
		fprintf(stderr, "qbd-target: %s\n", e.what());
		return 2;
	}
	// Every thread inherits this mask; the control thread takes the
	// signals through a signalfd.
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, nullptr);
	signal(SIGPIPE, SIG_IGN);
	return qbd::run_target(cfg);
}
