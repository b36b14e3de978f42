// SPDX-License-Identifier: GPL-2.0
#include "genl.h"

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/handlers.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <exception>

namespace vmhost::genl
{

Error::Error(ErrorKind kind, int err, std::string extack,
	     const std::string &what)
	: std::runtime_error(what)
	, kind_(kind)
	, err_(err)
	, extack_(std::move(extack))
{
}

Error Error::kernel(int err, const std::string &extack)
{
	std::string what = std::strerror(err);

	if (!extack.empty())
		what += ": " + extack;
	return Error(ErrorKind::Kernel, err, extack, what);
}

namespace
{

// The errno closest to a libnl error code (libnl keeps no reverse map).
int errno_of(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_NOMEM:
		return ENOMEM;
	case NLE_PERM:
		return EPERM;
	case NLE_NOACCESS:
		return EACCES;
	case NLE_AGAIN:
		return EAGAIN;
	case NLE_INTR:
		return EINTR;
	case NLE_BAD_SOCK:
		return EBADF;
	case NLE_OBJ_NOTFOUND:
		return ENOENT;
	case NLE_MSGSIZE:
		return EMSGSIZE;
	case NLE_PROTO_MISMATCH:
		return EPROTONOSUPPORT;
	default:
		return EIO;
	}
}

[[noreturn]] void fail(const std::string &what, int nlerr)
{
	throw Error(ErrorKind::Local, errno_of(nlerr), "",
		    what + ": " + nl_geterror(nlerr));
}

[[noreturn]] void fail_errno(const std::string &what, int err)
{
	throw Error(ErrorKind::Local, err, "",
		    what + ": " + std::strerror(err));
}

[[noreturn]] void protocol_error(const std::string &what)
{
	throw Error(ErrorKind::Protocol, EPROTO, "", what);
}

struct CbDeleter {
	void operator()(nl_cb *cb) const
	{
		nl_cb_put(cb);
	}
};
using CbPtr = std::unique_ptr<nl_cb, CbDeleter>;

// One request and its answers, or one batch of notifications.
struct Exchange {
	int family_id = -1;
	int maxattr = 0;
	const Socket::Handle *handle = nullptr;
	bool check_seq = false;
	std::uint32_t seq = 0;
	bool done = false; // the ack, the error or the end of the dump
	bool interrupted = false; // NLM_F_DUMP_INTR
	int err = 0; // the kernel's errno
	std::string extack;
	std::exception_ptr failure; // thrown by the handler
};

// The libnl callbacks below never throw: libnl is C.

int on_seq_check(nl_msg *msg, void *arg)
{
	auto *x = static_cast<Exchange *>(arg);
	const nlmsghdr *nlh = nlmsg_hdr(msg);

	if (x->check_seq && nlh->nlmsg_seq != x->seq)
		return NL_SKIP; // a late answer to an earlier request
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		x->interrupted = true;
	return NL_OK;
}

int on_valid(nl_msg *msg, void *arg)
{
	auto *x = static_cast<Exchange *>(arg);
	const nlmsghdr *nlh = nlmsg_hdr(msg);

	// After a handler failed, the rest is only drained.
	if (x->failure || !x->handle || !*x->handle ||
	    nlh->nlmsg_type != x->family_id)
		return NL_OK;
	try {
		Attrs attrs(nlh, x->maxattr);

		(*x->handle)(attrs);
	} catch (...) {
		x->failure = std::current_exception();
	}
	return NL_OK;
}

int on_finish(nl_msg *msg, void *arg)
{
	auto *x = static_cast<Exchange *>(arg);
	const nlmsghdr *nlh = nlmsg_hdr(msg);
	int err = 0;

	// A dump that failed part way ends with the error in NLMSG_DONE.
	x->done = true;
	if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(err)))
		std::memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
	if (err < 0) {
		x->err = -err;
		x->extack = extack_message(nlh);
	}
	return NL_STOP;
}

int on_ack(nl_msg *, void *arg)
{
	static_cast<Exchange *>(arg)->done = true;
	return NL_STOP;
}

int on_error(sockaddr_nl *, nlmsgerr *e, void *arg)
{
	auto *x = static_cast<Exchange *>(arg);
	// libnl hands over the payload; the header (flags, length) precedes.
	auto *nlh = reinterpret_cast<const nlmsghdr *>(
		reinterpret_cast<const char *>(e) - NLMSG_HDRLEN);

	x->done = true;
	x->err = e->error < 0 ? -e->error : e->error;
	x->extack = extack_message(nlh);
	return NL_STOP;
}

CbPtr make_cb(Exchange &x)
{
	CbPtr cb(nl_cb_alloc(NL_CB_DEFAULT));

	if (!cb)
		fail_errno("cannot allocate netlink callbacks", ENOMEM);
	nl_cb_set(cb.get(), NL_CB_SEQ_CHECK, NL_CB_CUSTOM, on_seq_check, &x);
	nl_cb_set(cb.get(), NL_CB_VALID, NL_CB_CUSTOM, on_valid, &x);
	nl_cb_set(cb.get(), NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &x);
	nl_cb_set(cb.get(), NL_CB_ACK, NL_CB_CUSTOM, on_ack, &x);
	nl_cb_err(cb.get(), NL_CB_CUSTOM, on_error, &x);
	return cb;
}

} // namespace

std::string extack_message(const nlmsghdr *nlh)
{
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) ||
	    nlh->nlmsg_len < NLMSG_HDRLEN)
		return "";

	const std::size_t payload = nlh->nlmsg_len - NLMSG_HDRLEN;
	std::size_t off;

	if (nlh->nlmsg_type == NLMSG_ERROR) {
		// struct nlmsgerr, then the request's payload unless capped.
		if (payload < sizeof(nlmsgerr))
			return "";
		off = sizeof(nlmsgerr);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
			auto *e =
				static_cast<const nlmsgerr *>(NLMSG_DATA(nlh));

			if (e->msg.nlmsg_len < NLMSG_HDRLEN)
				return "";
			off += e->msg.nlmsg_len - NLMSG_HDRLEN;
		}
	} else if (nlh->nlmsg_type == NLMSG_DONE) {
		off = sizeof(int); // the dump's error
	} else {
		return "";
	}
	off = NLMSG_ALIGN(off);
	if (off >= payload)
		return "";

	nlattr *tb[NLMSGERR_ATTR_MAX + 1] = {};
	auto *head = reinterpret_cast<nlattr *>(
		static_cast<char *>(NLMSG_DATA(nlh)) + off);
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, head,
		      static_cast<int>(payload - off), nullptr) < 0)
		return "";

	std::string msg;
	if (const nlattr *a = tb[NLMSGERR_ATTR_MSG]) {
		auto *s = static_cast<const char *>(nla_data(a));

		msg.assign(s, strnlen(s, nla_len(a)));
	}
	if (const nlattr *a = tb[NLMSGERR_ATTR_MISS_TYPE];
	    a && nla_len(a) == sizeof(std::uint32_t)) {
		std::string miss =
			"missing attribute " +
			std::to_string(nla_get_u32(const_cast<nlattr *>(a)));

		msg = msg.empty() ? miss : msg + " (" + miss + ")";
	}
	return msg;
}

Attrs::Attrs(const nlmsghdr *nlh, int maxattr)
	: tb_(maxattr < 0 ? 1 : maxattr + 1, nullptr)
{
	auto *h = const_cast<nlmsghdr *>(nlh);

	if (maxattr < 0)
		throw std::logic_error("Attrs: negative maxattr");
	if (!genlmsg_valid_hdr(h, 0))
		protocol_error("a generic netlink message without its header");
	cmd_ = genlmsg_hdr(h)->cmd;
	int rc = genlmsg_parse(h, 0, tb_.data(), maxattr, nullptr);
	if (rc < 0)
		protocol_error(std::string("cannot parse a generic netlink "
					   "message: ") +
			       nl_geterror(rc));
	head_ = genlmsg_attrdata(genlmsg_hdr(h), 0);
	len_ = genlmsg_attrlen(genlmsg_hdr(h), 0);
}

Attrs::Attrs(const nlattr *nest, int maxattr)
	: tb_(maxattr < 0 ? 1 : maxattr + 1, nullptr)
{
	auto *n = const_cast<nlattr *>(nest);

	if (maxattr < 0)
		throw std::logic_error("Attrs: negative maxattr");
	if (!n)
		throw std::logic_error("Attrs: no nest");
	int rc = nla_parse_nested(tb_.data(), maxattr, n, nullptr);
	if (rc < 0)
		protocol_error(std::string("cannot parse nested attribute ") +
			       std::to_string(nla_type(n)) + ": " +
			       nl_geterror(rc));
	head_ = static_cast<nlattr *>(nla_data(n));
	len_ = nla_len(n);
}

std::vector<const nlattr *> Attrs::all(int type) const
{
	std::vector<const nlattr *> v;
	nlattr *a;
	int rem;

	nla_for_each_attr(a, head_, len_, rem)
		if (nla_type(a) == type)
			v.push_back(a);
	return v;
}

std::optional<std::string_view> Attrs::bytes(int type) const
{
	const nlattr *a = get(type);

	if (!a)
		return std::nullopt;
	return std::string_view(static_cast<const char *>(nla_data(a)),
				nla_len(a));
}

const nlattr *Attrs::get(int type) const
{
	if (type < 0 || static_cast<std::size_t>(type) >= tb_.size())
		return nullptr;
	return tb_[type];
}

const void *Attrs::data(int type, std::size_t size) const
{
	const nlattr *a = get(type);

	if (!a)
		return nullptr;
	if (static_cast<std::size_t>(nla_len(a)) != size)
		protocol_error("attribute " + std::to_string(type) + " has " +
			       std::to_string(nla_len(a)) +
			       " bytes, expected " + std::to_string(size));
	return nla_data(a);
}

namespace
{

template <class T> std::optional<T> load(const void *p)
{
	T v;

	if (!p)
		return std::nullopt;
	std::memcpy(&v, p, sizeof(v)); // u64 values may be unaligned
	return v;
}

} // namespace

std::optional<std::uint8_t> Attrs::u8(int type) const
{
	return load<std::uint8_t>(data(type, 1));
}

std::optional<std::uint16_t> Attrs::u16(int type) const
{
	return load<std::uint16_t>(data(type, 2));
}

std::optional<std::uint32_t> Attrs::u32(int type) const
{
	return load<std::uint32_t>(data(type, 4));
}

std::optional<std::uint64_t> Attrs::u64(int type) const
{
	return load<std::uint64_t>(data(type, 8));
}

std::optional<std::string> Attrs::str(int type) const
{
	const nlattr *a = get(type);

	if (!a)
		return std::nullopt;
	auto *s = static_cast<const char *>(nla_data(a));
	std::size_t len = nla_len(a);
	std::size_t n = strnlen(s, len);
	if (n == len)
		protocol_error("string attribute " + std::to_string(type) +
			       " lacks its NUL");
	return std::string(s, n);
}

namespace
{

void put(nl_msg *msg, int type, std::size_t size, const void *data)
{
	int rc = nla_put(msg, type, static_cast<int>(size), data);

	if (rc < 0)
		fail("cannot add attribute " + std::to_string(type), rc);
}

} // namespace

Message &Message::put_u8(int type, std::uint8_t v)
{
	put(msg_, type, sizeof(v), &v);
	return *this;
}

Message &Message::put_u16(int type, std::uint16_t v)
{
	put(msg_, type, sizeof(v), &v);
	return *this;
}

Message &Message::put_u32(int type, std::uint32_t v)
{
	put(msg_, type, sizeof(v), &v);
	return *this;
}

Message &Message::put_u64(int type, std::uint64_t v)
{
	put(msg_, type, sizeof(v), &v);
	return *this;
}

Message &Message::put_string(int type, const std::string &v)
{
	put(msg_, type, v.size() + 1, v.c_str());
	return *this;
}

Message &Message::put_flag(int type)
{
	put(msg_, type, 0, nullptr);
	return *this;
}

void SockDeleter::operator()(nl_sock *sk) const
{
	nl_socket_free(sk); // closes it
}

void MsgDeleter::operator()(nl_msg *msg) const
{
	nlmsg_free(msg);
}

Socket::Socket(const std::string &family, std::uint8_t version)
	: sk_(nl_socket_alloc())
	, family_(family)
	, version_(version)
{
	int one = 1;

	if (!sk_)
		fail_errno("cannot allocate a netlink socket", ENOMEM);
	int rc = genl_connect(sk_.get());
	if (rc < 0)
		fail("cannot open a generic netlink socket", rc);
	// The kernel's error messages; a kernel without them still answers.
	setsockopt(nl_socket_get_fd(sk_.get()), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	// Size the receive buffer to the message instead of truncating.
	nl_socket_enable_msg_peek(sk_.get());

	rc = genl_ctrl_resolve(sk_.get(), family.c_str());
	if (rc == -NLE_OBJ_NOTFOUND)
		throw Error(ErrorKind::FamilyNotFound, ENOENT, "",
			    "generic netlink family '" + family +
				    "' not found");
	if (rc < 0)
		fail("cannot resolve generic netlink family '" + family + "'",
		     rc);
	id_ = rc;
	// Requests ask for their ack themselves (not for dumps).
	nl_socket_disable_auto_ack(sk_.get());
}

void Socket::exchange(std::uint8_t cmd, int flags, int maxattr,
		      const Build &build, const Handle &handle)
{
	MsgPtr msg(nlmsg_alloc());

	if (!msg)
		fail_errno("cannot allocate a netlink message", ENOMEM);
	if (!genlmsg_put(msg.get(), NL_AUTO_PORT, NL_AUTO_SEQ, id_, 0, flags,
			 cmd, version_))
		fail_errno("cannot build a netlink message", EMSGSIZE);
	if (build) {
		Message m(msg.get());

		build(m);
	}

	Exchange x;
	x.family_id = id_;
	x.maxattr = maxattr;
	x.handle = &handle;
	CbPtr cb = make_cb(x);

	int rc = nl_send_auto(sk_.get(), msg.get());
	if (rc < 0)
		fail("cannot send to generic netlink family '" + family_ + "'",
		     rc);
	x.seq = nlmsg_hdr(msg.get())->nlmsg_seq;
	x.check_seq = true;
	while (!x.done) {
		rc = nl_recvmsgs(sk_.get(), cb.get());
		if (rc < 0 && !x.done)
			fail("cannot receive from generic netlink family '" +
				     family_ + "'",
			     rc);
	}
	if (x.failure)
		std::rethrow_exception(x.failure);
	if (x.err)
		throw Error::kernel(x.err, x.extack);
	if (x.interrupted)
		throw Error(ErrorKind::Kernel, EAGAIN, "",
			    "the dump was interrupted by a concurrent change, "
			    "try again");
}

void Socket::request(std::uint8_t cmd, int maxattr, const Build &build,
		     const Handle &handle)
{
	exchange(cmd, NLM_F_ACK, maxattr, build, handle);
}

void Socket::dump(std::uint8_t cmd, int maxattr, const Build &build,
		  const Handle &handle)
{
	exchange(cmd, NLM_F_DUMP, maxattr, build, handle);
}

void Socket::subscribe(const std::string &group)
{
	int grp = genl_ctrl_resolve_grp(sk_.get(), family_.c_str(),
					group.c_str());

	if (grp == -NLE_OBJ_NOTFOUND)
		throw Error(ErrorKind::GroupNotFound, ENOENT, "",
			    "generic netlink family '" + family_ +
				    "' has no multicast group '" + group + "'");
	if (grp < 0)
		fail("cannot resolve multicast group '" + group + "'", grp);
	int rc = nl_socket_add_membership(sk_.get(), grp);
	if (rc < 0)
		fail("cannot join multicast group '" + group + "'", rc);
	// Room for bursts; capped at net.core.rmem_max without privilege.
	nl_socket_set_buffer_size(sk_.get(), 1 << 20, 0);
}

void Socket::listen(int maxattr, const Handle &handle,
		    const std::function<bool()> &stop,
		    const sigset_t *wait_mask,
		    const std::function<void()> &lost)
{
	const int fd = nl_socket_get_fd(sk_.get());
	Exchange x;
	CbPtr cb = make_cb(x);

	while (!(stop && stop())) {
		pollfd p = { fd, POLLIN, 0 };

		if (ppoll(&p, 1, nullptr, wait_mask) < 0) {
			if (errno == EINTR)
				continue;
			fail_errno("cannot wait for notifications", errno);
		}
		if (p.revents & POLLERR) {
			int err = 0;
			socklen_t len = sizeof(err);

			getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
			if (err == ENOBUFS) {
				if (lost)
					lost();
				continue;
			}
			if (err)
				fail_errno("notification socket", err);
		}
		if (!(p.revents & POLLIN))
			continue;

		x = Exchange();
		x.family_id = id_;
		x.maxattr = maxattr;
		x.handle = &handle;
		int rc = nl_recvmsgs(sk_.get(), cb.get());
		if (x.failure)
			std::rethrow_exception(x.failure);
		if (rc == -NLE_NOMEM) { // ENOBUFS from recvmsg
			if (lost)
				lost();
		} else if (rc < 0) {
			fail("cannot receive notifications", rc);
		}
	}
}

} // namespace vmhost::genl
