// SPDX-License-Identifier: GPL-2.0
// What qbdctl says when a request fails.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>

#include "errors.h"

using namespace qbd;
namespace genl = vmhost::genl;
namespace cli = vmhost::cli;

namespace
{

std::string text(int err)
{
	return std::strerror(err);
}

Invocation connect_inv()
{
	return parse({ "connect", "[2001:db8::1]:7000", "vol1" });
}

} // namespace

TEST(Errors, NotLoaded)
{
	genl::Error e(genl::ErrorKind::FamilyNotFound, ENOENT, "",
		      "generic netlink family 'qbd' not found");
	for (auto inv : { parse({ "list" }), connect_inv() }) {
		cli::Failure f = explain(e, inv);
		EXPECT_EQ(f.code(), cli::kExitUnavailable);
		EXPECT_STREQ(f.what(), "qbd module not loaded (modprobe qbd)");
	}
}

TEST(Errors, Permission)
{
	cli::Failure f = explain(genl::Error::kernel(EPERM, ""), connect_inv());
	EXPECT_EQ(f.code(), cli::kExitFailed);
	EXPECT_EQ(std::string(f.what()),
		  text(EPERM) + " (needs CAP_SYS_ADMIN)");
	f = explain(genl::Error::kernel(EPERM, ""),
		    parse({ "disconnect", "qbd1" }));
	EXPECT_EQ(std::string(f.what()),
		  text(EPERM) + " (needs CAP_SYS_ADMIN)");
	// The kernel's message replaces the guess.
	f = explain(genl::Error::kernel(EPERM, "not in the initial netns"),
		    connect_inv());
	EXPECT_EQ(std::string(f.what()),
		  text(EPERM) + ": not in the initial netns");
}

TEST(Errors, ExtackVerbatim)
{
	cli::Failure f = explain(
		genl::Error::kernel(EINVAL, "queues: exceeds the device's 16"),
		connect_inv());
	EXPECT_EQ(std::string(f.what()),
		  text(EINVAL) + ": queues: exceeds the device's 16");
	f = explain(genl::Error::kernel(ECONNREFUSED, "rdma_cm: rejected"),
		    connect_inv());
	EXPECT_EQ(std::string(f.what()),
		  "[2001:db8::1]:7000 refused the connection (is qbd-target "
		  "running there, listening on port 7000?): " +
			  text(ECONNREFUSED) + ": rdma_cm: rejected");
}

TEST(Errors, ConnectMeanings)
{
	auto says = [](int err, const char *part) {
		std::string msg =
			explain(genl::Error::kernel(err, ""), connect_inv())
				.what();
		EXPECT_NE(msg.find(part), std::string::npos) << msg;
		EXPECT_NE(msg.find(text(err)), std::string::npos) << msg;
	};
	says(ETIMEDOUT, "cannot reach [2001:db8::1]:7000");
	says(EHOSTUNREACH, "RDMA link");
	says(ENODEV, "no RDMA device routes to");
	says(EACCES, "check host-id and secret-file");
	says(ENOENT, "has no volume 'vol1'");
	says(EROFS, "connect it with ro");
	says(EEXIST, "already connected");
	says(EBUSY, "fewer queues");
	says(EPROTONOSUPPORT, "another qbd protocol version");
}

TEST(Errors, NoSuchDevice)
{
	for (int err : { ENOENT, ENODEV }) {
		for (auto inv :
		     { parse({ "show", "qbd9" }), parse({ "disc", "9" }),
		       parse({ "reset", "qbd9" }) }) {
			std::string msg =
				explain(genl::Error::kernel(err, ""), inv)
					.what();
			EXPECT_EQ(msg, "no device qbd9 (qbdctl list shows the "
				       "devices): " +
					       text(err));
		}
	}
	// Nothing to add: the errno text alone.
	EXPECT_EQ(std::string(explain(genl::Error::kernel(EIO, ""),
				      parse({ "show", "qbd9" }))
				      .what()),
		  text(EIO));
}

TEST(Errors, ResetNotLive)
{
	std::string msg = explain(genl::Error::kernel(EBUSY, "qbd: device is "
							     "not live"),
				  parse({ "reset", "qbd2" }))
				  .what();
	EXPECT_EQ(msg, "qbd2 is not live: it is already reconnecting "
		       "or has failed (qbdctl show qbd2): " +
			       text(EBUSY) + ": qbd: device is not live");
	// Disconnect's EBUSY still means "being connected or disconnected".
	msg = explain(genl::Error::kernel(EBUSY, ""),
		      parse({ "disconnect", "qbd2" }))
		      .what();
	EXPECT_NE(msg.find("is busy"), std::string::npos);
}

TEST(Errors, LocalAndProtocol)
{
	genl::Error e(genl::ErrorKind::Protocol, EPROTO, "",
		      "the qbd module's device message lacks name");
	cli::Failure f = explain(e, parse({ "list" }));
	EXPECT_EQ(f.code(), cli::kExitFailed);
	EXPECT_STREQ(f.what(), e.what());
}
