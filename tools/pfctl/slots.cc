// SPDX-License-Identifier: GPL-2.0
#include "slots.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

#include "cli.h"

namespace pfctl
{

namespace fs = std::filesystem;

namespace
{

// An open file descriptor, closed when it goes out of scope.
class Fd {
    public:
	explicit Fd(int fd)
		: fd_(fd)
	{
	}
	Fd(const Fd &) = delete;
	Fd &operator=(const Fd &) = delete;
	~Fd()
	{
		if (fd_ >= 0)
			::close(fd_);
	}
	int get() const
	{
		return fd_;
	}

    private:
	int fd_;
};

} // namespace

std::string slot_refusal(const Slot &s, bool remove, bool force)
{
	if (s.card)
		return "port " + s.port +
		       " leads to the card itself (its PF or one of its "
		       "switches): pfctl does not power it";
	if (!s.hotplug)
		return "port " + s.port + " has no hot-plug controller";
	if (!s.occupied)
		return "the slot at " + s.port + " is empty" +
		       (remove ? "" : ": nothing to power on");
	if (remove && s.in_use && !force)
		return "function " + s.function.value_or("?") +
		       " is in use (vfio-pci open, or a block device open); "
		       "force overrides";
	return "";
}

bool slot_add_is_done(const Slot &s)
{
	return s.power && s.function.has_value();
}

fs::path find_slot_dir(const fs::path &slots, const Slot &s)
{
	std::error_code ec;

	if (!s.bus)
		return {};
	// pciehp's slots are device 0 of the port's secondary bus.
	for (const auto &d : fs::directory_iterator(slots, ec)) {
		std::ifstream f(d.path() / "address");
		std::string addr;

		if (f >> addr && (addr == *s.bus || addr == *s.bus + ":00"))
			return d.path();
	}
	return {};
}

void set_slot_power(const fs::path &dir, bool on)
{
	fs::path file = dir / "power";
	Fd fd(::open(file.c_str(), O_WRONLY | O_CLOEXEC));

	if (fd.get() < 0)
		throw vmhost::cli::Failure("cannot open " + file.string() +
					   ": " + std::strerror(errno));
	// The hot-plug driver answers the write once the slot is on (the
	// function enumerated and probed) or off (the function removed).
	ssize_t n = ::write(fd.get(), on ? "1" : "0", 1);

	if (n != 1)
		throw vmhost::cli::Failure(
			"the hot-plug driver refused to power the slot " +
			std::string(on ? "on" : "off") + " (" + file.string() +
			"): " + std::strerror(n < 0 ? errno : EIO));
}

} // namespace pfctl
