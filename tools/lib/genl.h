// SPDX-License-Identifier: GPL-2.0
// A small RAII layer over libnl-genl-3 for vmhost's tools: resolve a
// generic netlink family, send a request (do or dump) and hand every reply's
// attributes to a callback, listen to a multicast group. Kernel errors
// become genl::Error, carrying the errno and the kernel's extended-ack
// message.
//
//   genl::Socket s("vmem", VMEM_FAMILY_VERSION);
//   s.dump(VMEM_CMD_POOL_GET, VMEM_A_POOL_MAX, {},
//          [&](const genl::Attrs &a) { pools.push_back(decode(a)); });
//   s.request(VMEM_CMD_RANGE_DEL, VMEM_A_RANGE_MAX,
//             [&](genl::Message &m) { m.put_u64(VMEM_A_RANGE_START, start); });
#pragma once

#include <signal.h>

#include <cerrno>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct nl_sock;
struct nl_msg;
struct nlattr;
struct nlmsghdr;

namespace vmhost::genl
{

enum class ErrorKind {
	Kernel, // the kernel answered the request with an error
	FamilyNotFound, // no such generic netlink family: module not loaded
	GroupNotFound, // the family has no such multicast group
	Protocol, // a message that does not parse as expected
	Local, // socket, memory or message building in this process
};

class Error : public std::runtime_error {
    public:
	// what() is `what`; for ErrorKind::Kernel make it with kernel().
	Error(ErrorKind kind, int err, std::string extack,
	      const std::string &what);
	// A kernel error: what() is "strerror(err)" or "strerror(err): extack".
	static Error kernel(int err, const std::string &extack);

	ErrorKind kind() const noexcept
	{
		return kind_;
	}
	// A positive errno value.
	int error() const noexcept
	{
		return err_;
	}
	// The kernel's extended-ack message, "" if it sent none.
	const std::string &extack() const noexcept
	{
		return extack_;
	}

    private:
	ErrorKind kind_;
	int err_;
	std::string extack_;
};

// The value of an attribute a message must carry. A missing one is the
// module's protocol error (ErrorKind::Protocol, EPROTO): "the <module>
// module's <object> message lacks <name>".
template <class T>
T required(const std::optional<T> &v, const char *module, const char *object,
	   const char *name)
{
	if (!v)
		throw Error(ErrorKind::Protocol, EPROTO, "",
			    std::string("the ") + module + " module's " +
				    object + " message lacks " + name);
	return *v;
}

// The extended-ack text of an NLMSG_ERROR or NLMSG_DONE message: its
// NLMSGERR_ATTR_MSG, plus "missing attribute N" when the kernel names a
// missing attribute; "" if it carries none.
std::string extack_message(const nlmsghdr *nlh);

// The attributes of one received generic netlink message, indexed by type.
// Only valid during the callback it is passed to: copy what you keep.
class Attrs {
    public:
	// Parses `nlh` (generic netlink header, then attributes of types up
	// to maxattr; larger types are ignored). Throws ErrorKind::Protocol.
	Attrs(const nlmsghdr *nlh, int maxattr);
	// Parses the attributes nested in `nest` (an attribute of type nest
	// of another Attrs, valid as long as it is), up to maxattr; cmd() is
	// 0. Throws ErrorKind::Protocol.
	Attrs(const nlattr *nest, int maxattr);

	std::uint8_t cmd() const
	{
		return cmd_;
	}
	// The attribute of this type, nullptr if absent.
	const nlattr *get(int type) const;
	bool has(int type) const
	{
		return get(type) != nullptr;
	}
	// Typed values: nullopt if absent; ErrorKind::Protocol if the
	// attribute has the wrong size (or a string lacks its NUL).
	std::optional<std::uint8_t> u8(int type) const;
	std::optional<std::uint16_t> u16(int type) const;
	std::optional<std::uint32_t> u32(int type) const;
	std::optional<std::uint64_t> u64(int type) const;
	std::optional<std::string> str(int type) const;
	// The payload of a binary attribute, any size; nullopt if absent.
	std::optional<std::string_view> bytes(int type) const;
	// Every attribute of this type, in the order sent: for a type that
	// may repeat (multi-attr), of which get() sees only the last.
	std::vector<const nlattr *> all(int type) const;

    private:
	const void *data(int type, std::size_t size) const;

	std::uint8_t cmd_ = 0;
	std::vector<nlattr *> tb_;
	nlattr *head_ = nullptr; // the attributes parsed, for all()
	int len_ = 0;
};

// A request being built: attribute puts throw ErrorKind::Local when the
// message is full.
class Message {
    public:
	explicit Message(nl_msg *msg)
		: msg_(msg)
	{
	}
	Message &put_u8(int type, std::uint8_t v);
	Message &put_u16(int type, std::uint16_t v);
	Message &put_u32(int type, std::uint32_t v);
	// No pad attribute: the kernel reads u64 values at any alignment,
	// and a pad type outside an operation's policy would be rejected.
	Message &put_u64(int type, std::uint64_t v);
	Message &put_string(int type, const std::string &v);
	Message &put_flag(int type);
	nl_msg *get() const
	{
		return msg_;
	}

    private:
	nl_msg *msg_;
};

struct SockDeleter {
	void operator()(nl_sock *sk) const;
};
struct MsgDeleter {
	void operator()(nl_msg *msg) const;
};
using SockPtr = std::unique_ptr<nl_sock, SockDeleter>;
using MsgPtr = std::unique_ptr<nl_msg, MsgDeleter>;

// A generic netlink socket bound to one family.
class Socket {
    public:
	using Build = std::function<void(Message &)>;
	using Handle = std::function<void(const Attrs &)>;

	// Connects and resolves `family`: ErrorKind::FamilyNotFound when the
	// kernel has no such family (its module is not loaded), Local on
	// other failures. `version` goes into every request's header.
	explicit Socket(const std::string &family, std::uint8_t version = 1);

	const std::string &family() const
	{
		return family_;
	}
	int family_id() const
	{
		return id_;
	}
	nl_sock *get() const
	{
		return sk_.get();
	}

	// Sends `cmd` with the attributes `build` puts (none if empty) and
	// waits for the kernel's acknowledgement; `handle` (if set) sees
	// every reply before it, parsed up to `maxattr`.
	void request(std::uint8_t cmd, int maxattr, const Build &build,
		     const Handle &handle = {});
	// The same as a dump (NLM_F_DUMP): `handle` sees one message per
	// object, and dump() returns once the dump is complete.
	void dump(std::uint8_t cmd, int maxattr, const Build &build,
		  const Handle &handle);

	// Joins the family's multicast group `group`: GroupNotFound if the
	// family has none of that name.
	void subscribe(const std::string &group);

	// Receives notifications of the subscribed groups and hands each to
	// `handle` until `stop` returns true; `stop` is asked before every
	// wait. The waits run with signal mask `wait_mask` (as ppoll(2)) if
	// given: block the signals that set the stop condition and pass a
	// mask without them, and no signal is lost between ask and wait.
	// `lost` (if set) is told when the kernel dropped notifications
	// because this socket's receive buffer was full.
	void listen(int maxattr, const Handle &handle,
		    const std::function<bool()> &stop,
		    const sigset_t *wait_mask = nullptr,
		    const std::function<void()> &lost = {});

    private:
	void exchange(std::uint8_t cmd, int flags, int maxattr,
		      const Build &build, const Handle &handle);

	SockPtr sk_;
	std::string family_;
	std::uint8_t version_;
	int id_ = -1;
};

} // namespace vmhost::genl
