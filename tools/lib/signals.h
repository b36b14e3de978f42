// SPDX-License-Identifier: GPL-2.0
// Stopping a tool's wait (a monitor's) on SIGINT or SIGTERM without losing
// the signal: while a StopSignals lives, both are blocked except during the
// waits that use wait_mask() (ppoll(2), genl::Socket::listen), and a
// handler records that one came; stopped() says so. The destructor puts the
// signal mask and the handlers back.
#pragma once

#include <csignal>

namespace vmhost
{

class StopSignals {
    public:
	StopSignals();
	~StopSignals();
	StopSignals(const StopSignals &) = delete;
	StopSignals &operator=(const StopSignals &) = delete;

	// The signal mask to wait with: the caller's, without SIGINT and
	// SIGTERM.
	const sigset_t *wait_mask() const
	{
		return &wait_mask_;
	}
	// True once SIGINT or SIGTERM arrived.
	bool stopped() const;

    private:
	sigset_t old_mask_, wait_mask_;
	struct sigaction old_int_, old_term_;
};

} // namespace vmhost
