// SPDX-License-Identifier: GPL-2.0
#include "signals.h"

namespace vmhost
{

namespace
{

volatile sig_atomic_t stop_requested;

void on_signal(int)
{
	stop_requested = 1;
}

} // namespace

StopSignals::StopSignals()
{
	struct sigaction sa = {};
	sigset_t stop;

	stop_requested = 0;
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, &old_int_);
	sigaction(SIGTERM, &sa, &old_term_);
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, &old_mask_);
	wait_mask_ = old_mask_;
	sigdelset(&wait_mask_, SIGINT);
	sigdelset(&wait_mask_, SIGTERM);
}

StopSignals::~StopSignals()
{
	sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
	sigaction(SIGINT, &old_int_, nullptr);
	sigaction(SIGTERM, &old_term_, nullptr);
}

bool StopSignals::stopped() const
{
	return stop_requested != 0;
}

} // namespace vmhost
