// SPDX-License-Identifier: GPL-2.0
//
// qbd_fake_target: a qbd target in one thread that speaks the protocol
// correctly but for one deliberate violation, to test how the kernel host
// copes with a broken target. It serves a 16 MiB volume held in memory
// whose byte at offset o is (o * 7 + 3) & 0xff, to any host and under any
// volume name, and grants one I/O queue.
//
//   qbd_fake_target [-l ADDR] [-p PORT] [-m MODE] [-s BYTES]
//
// MODE future-version and short-rep break every admin connection's REP;
// the others break the first READ response of the process (with -s, the
// first READ of BYTES bytes), and the target behaves from then on:
//   bad-tag    a tag of another generation, plain SEND
//   tag-range  a tag beyond the queue's depth, plain SEND
//   short-len  a length of 512 bytes less than the request's
//   bad-status status 999
//   wrong-op   opcode WRITE
//   dup        the correct response, then the same again by plain SEND
//   wrong-inv  SEND_WITH_INV naming a key the host did not give
//   garbage    a 5-byte message, plain SEND
//   no-inv     the correct response by plain SEND (legal)
//   none       no violation
// Logs one line per event to stderr; exits on SIGTERM or SIGINT.
#include <endian.h>
#include <fcntl.h>
#include <getopt.h>
#include <infiniband/verbs.h>
#include <netdb.h>
#include <poll.h>
#include <rdma/rdma_cma.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/rand.h>

#include <vmhost/qbd.h>

namespace
{

constexpr uint64_t CAPACITY = 16 << 20;
constexpr uint32_t MAX_IO = 1 << 20;
constexpr uint32_t INLINE_MAX = 4096;
constexpr int CQ_SIZE = 4096;

enum class Mode {
	none,
	future_version,
	short_rep,
	bad_tag,
	tag_range,
	short_len,
	bad_status,
	wrong_op,
	dup,
	wrong_inv,
	garbage,
	no_inv,
};

constexpr std::pair<std::string_view, Mode> mode_names[] = {
	{ "none", Mode::none },
	{ "future-version", Mode::future_version },
	{ "short-rep", Mode::short_rep },
	{ "bad-tag", Mode::bad_tag },
	{ "tag-range", Mode::tag_range },
	{ "short-len", Mode::short_len },
	{ "bad-status", Mode::bad_status },
	{ "wrong-op", Mode::wrong_op },
	{ "dup", Mode::dup },
	{ "wrong-inv", Mode::wrong_inv },
	{ "garbage", Mode::garbage },
	{ "no-inv", Mode::no_inv },
};

Mode mode = Mode::none;
uint32_t trigger_bytes; // 0: any READ
bool misbehaved;

const char *mode_name()
{
	for (auto &[name, m] : mode_names)
		if (m == mode)
			return name.data();
	return "?";
}

__attribute__((format(printf, 1, 2))) void log(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("qbd_fake_target: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

[[noreturn]] void die(const char *what)
{
	throw std::runtime_error(std::string(what) + ": " + strerror(errno));
}

template <auto F> struct Free {
	void operator()(auto *p) const
	{
		F(p);
	}
};
using ChannelPtr =
	std::unique_ptr<rdma_event_channel, Free<rdma_destroy_event_channel> >;
using IdPtr = std::unique_ptr<rdma_cm_id, Free<rdma_destroy_id> >;
using PdPtr = std::unique_ptr<ibv_pd, Free<ibv_dealloc_pd> >;
using CompChannelPtr =
	std::unique_ptr<ibv_comp_channel, Free<ibv_destroy_comp_channel> >;
using CqPtr = std::unique_ptr<ibv_cq, Free<ibv_destroy_cq> >;
using MrPtr = std::unique_ptr<ibv_mr, Free<ibv_dereg_mr> >;

// wr_id: the connection's serial above what the completion is for.
enum Kind : uint64_t { K_RECV = 1, K_SEND, K_READ };
uint64_t wr_id(uint32_t serial, Kind k, uint32_t idx)
{
	return (uint64_t)serial << 32 | k << 24 | idx;
}

void set_nonblock(int fd)
{
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK))
		die("fcntl");
}

// Things every connection shares: the device's PD, one CQ, the volume.
struct Device {
	PdPtr pd;
	CompChannelPtr comp;
	CqPtr cq;
	std::vector<uint8_t> volume = std::vector<uint8_t>(CAPACITY);
	MrPtr volume_mr;

	explicit Device(ibv_context *verbs)
		: pd(ibv_alloc_pd(verbs))
		, comp(ibv_create_comp_channel(verbs))
	{
		if (!pd || !comp)
			die("allocate a PD");
		cq.reset(ibv_create_cq(verbs, CQ_SIZE, nullptr, comp.get(), 0));
		if (!cq || ibv_req_notify_cq(cq.get(), 0))
			die("create a CQ");
		set_nonblock(comp->fd);
		for (size_t o = 0; o < volume.size(); o++)
			volume[o] = (o * 7 + 3) & 0xff;
		volume_mr.reset(ibv_reg_mr(pd.get(), volume.data(),
					   volume.size(),
					   IBV_ACCESS_LOCAL_WRITE));
		if (!volume_mr)
			die("register the volume");
	}
};

// One accepted queue: its QP and receive buffers.
struct Conn {
	IdPtr id; // set once accepted
	ibv_qp *qp = nullptr;
	uint32_t serial;
	uint16_t qid = 0, depth = 0;
	uint32_t inline_size = 0;
	size_t rbuf_size = 0;
	std::vector<uint8_t> rbufs;
	MrPtr rbufs_mr;
	std::map<uint32_t, qbd_req> reads; // RDMA READs of writes in flight
	uint32_t next_read = 0;

	explicit Conn(uint32_t serial_)
		: serial(serial_)
	{
	}

	~Conn()
	{
		if (id && id->qp)
			rdma_destroy_qp(id.get());
	}

	// Sets up queue @req.qid on @cm_id. On failure the caller destroys
	// what it made on @cm_id.
	void setup(rdma_cm_id *cm_id, Device &dev, const qbd_cm_req &req)
	{
		qid = le16toh(req.qid);
		depth = std::min<uint16_t>(le16toh(req.depth),
					   qid ? QBD_MAX_DEPTH :
						 QBD_ADMIN_DEPTH);
		inline_size =
			qid ? std::min(le32toh(req.inline_size), INLINE_MAX) :
			      0;
		rbuf_size = qid ? sizeof(qbd_req) + inline_size :
				  QBD_ADMIN_MSG_MAX;
		rbufs.resize(rbuf_size * depth);
		rbufs_mr.reset(ibv_reg_mr(dev.pd.get(), rbufs.data(),
					  rbufs.size(),
					  IBV_ACCESS_LOCAL_WRITE));
		if (!rbufs_mr)
			die("register receive buffers");
		ibv_qp_init_attr qa{};
		qa.send_cq = qa.recv_cq = dev.cq.get();
		qa.qp_type = IBV_QPT_RC;
		qa.cap.max_send_wr = 3 * depth + 4;
		qa.cap.max_recv_wr = depth;
		qa.cap.max_send_sge = 1;
		qa.cap.max_recv_sge = 1;
		qa.cap.max_inline_data = sizeof(qbd_rsp) + sizeof(qbd_info);
		if (rdma_create_qp(cm_id, dev.pd.get(), &qa))
			die("create a QP");
		qp = cm_id->qp;
		for (uint32_t i = 0; i < depth; i++)
			post_recv(i);
	}

	void post_recv(uint32_t i)
	{
		ibv_sge sge{ (uintptr_t)&rbufs[i * rbuf_size],
			     (uint32_t)rbuf_size, rbufs_mr->lkey };
		ibv_recv_wr wr{}, *bad;
		wr.wr_id = wr_id(serial, K_RECV, i);
		wr.sg_list = &sge;
		wr.num_sge = 1;
		if (ibv_post_recv(qp, &wr, &bad))
			die("post a receive");
	}

	// Sends @len bytes of @msg, invalidating @rkey unless it is 0.
	// Optionally after an RDMA WRITE (@data) of a read.
	void send(const void *msg, uint32_t len, uint32_t rkey,
		  ibv_send_wr *data = nullptr)
	{
		ibv_sge sge{ (uintptr_t)msg, len, 0 };
		ibv_send_wr wr{}, *bad;
		wr.wr_id = wr_id(serial, K_SEND, 0);
		wr.sg_list = &sge;
		wr.num_sge = 1;
		wr.opcode = rkey ? IBV_WR_SEND_WITH_INV : IBV_WR_SEND;
		wr.invalidate_rkey = rkey;
		wr.send_flags = IBV_SEND_SIGNALED | IBV_SEND_INLINE;
		if (data)
			data->next = &wr;
		if (ibv_post_send(qp, data ? data : &wr, &bad))
			log("queue %u: cannot post a send: %s", qid,
			    strerror(errno));
	}
};

class Target {
    public:
	Target(const char *addr, const char *port);
	void run();

    private:
	ChannelPtr ch_;
	IdPtr listen_;
	std::unique_ptr<Device> dev_;
	std::map<uint32_t, std::unique_ptr<Conn> > conns_;
	uint32_t next_serial_ = 1;
	uint64_t session_ = 0x5e55000000000000; // the last opened
	uint16_t depth_ = 1;

	Conn *conn_of(rdma_cm_id *id);
	void cm_event();
	void connect_request(rdma_cm_id *id, const rdma_conn_param &param);
	void completions();
	void recv(Conn &c, uint32_t slot, const ibv_wc &wc);
	void admin(Conn &c, const qbd_req &req, const uint8_t *payload,
		   uint32_t len);
	void io(Conn &c, const qbd_req &req, const uint8_t *payload,
		uint32_t len);
	void answer_read(Conn &c, const qbd_req &req);
	void answer(Conn &c, const qbd_req &req, uint16_t status,
		    uint32_t length);
};

Target::Target(const char *addr, const char *port)
	: ch_(rdma_create_event_channel())
{
	rdma_cm_id *id;
	if (!ch_ || rdma_create_id(ch_.get(), &id, nullptr, RDMA_PS_TCP))
		die("rdma_create_id");
	listen_.reset(id);
	addrinfo hints{}, *ai;
	hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
	if (getaddrinfo(addr, port, &hints, &ai))
		throw std::runtime_error("bad address");
	int r = rdma_bind_addr(id, ai->ai_addr);
	freeaddrinfo(ai);
	if (r || !id->verbs)
		die("bind (no RDMA device at that address?)");
	dev_ = std::make_unique<Device>(id->verbs);
	if (rdma_listen(id, 16))
		die("rdma_listen");
	set_nonblock(ch_->fd);
}

Conn *Target::conn_of(rdma_cm_id *id)
{
	auto it = conns_.find((uint32_t)(uintptr_t)id->context);
	return it == conns_.end() ? nullptr : it->second.get();
}

void Target::connect_request(rdma_cm_id *id, const rdma_conn_param &param)
{
	qbd_cm_req req{};
	auto reject = [&](uint16_t status, const char *why) {
		qbd_cm_rej rej{ htole32(QBD_MAGIC), htole16(QBD_VERSION),
				htole16(status) };
		log("connect request rejected: %s", why);
		rdma_reject(id, &rej, sizeof(rej));
		rdma_destroy_id(id);
	};
	if (param.private_data_len < sizeof(req))
		return reject(QBD_S_INVALID, "short private data");
	memcpy(&req, param.private_data, sizeof(req));
	if (le32toh(req.magic) != QBD_MAGIC || !le16toh(req.depth) ||
	    le16toh(req.qid) > 1)
		return reject(QBD_S_INVALID, "bad private data");

	uint32_t serial = next_serial_++;
	auto c = std::make_unique<Conn>(serial);
	try {
		c->setup(id, *dev_, req);
	} catch (const std::exception &e) {
		log("queue %u: %s", le16toh(req.qid), e.what());
		if (id->qp)
			rdma_destroy_qp(id);
		c.reset();
		return reject(QBD_S_BUSY, "out of resources");
	}
	c->id.reset(id);
	qbd_cm_rep rep{};
	rep.magic = htole32(QBD_MAGIC);
	rep.version = htole16(QBD_VERSION);
	rep.qid = req.qid;
	rep.depth = htole16(c->depth);
	rep.inline_size = htole32(c->inline_size);
	rep.max_io = htole32(MAX_IO);
	uint8_t rep_len = sizeof(rep);
	if (!c->qid) {
		RAND_bytes(rep.nonce, sizeof(rep.nonce));
		if (mode == Mode::future_version)
			rep.version = htole16(QBD_VERSION + 1);
		else if (mode == Mode::short_rep)
			rep_len = 8;
	}
	rdma_conn_param cp{};
	cp.private_data = &rep;
	cp.private_data_len = rep_len;
	// The event speaks from our side: initiator_depth is how many RDMA
	// READs the host lets us have outstanding.
	cp.initiator_depth = param.initiator_depth;
	cp.responder_resources = param.responder_resources;
	cp.retry_count = 7;
	cp.rnr_retry_count = 7;
	id->context = (void *)(uintptr_t)serial;
	if (rdma_accept(id, &cp)) {
		log("queue %u: rdma_accept: %s", c->qid, strerror(errno));
		return; // ~Conn destroys the QP and the id
	}
	log("queue %u: accepted (depth %u, inline %u, rd %u, REP %u bytes, "
	    "version %u)",
	    c->qid, c->depth, c->inline_size, cp.initiator_depth, rep_len,
	    le16toh(rep.version));
	conns_[serial] = std::move(c);
}

void Target::cm_event()
{
	rdma_cm_event *ev;

	while (rdma_get_cm_event(ch_.get(), &ev) == 0) {
		rdma_cm_id *id = ev->id;
		auto type = ev->event;
		if (type == RDMA_CM_EVENT_CONNECT_REQUEST) {
			rdma_conn_param param = ev->param.conn;
			std::vector<uint8_t> pd(param.private_data_len);
			if (param.private_data)
				memcpy(pd.data(), param.private_data,
				       pd.size());
			else
				pd.clear();
			param.private_data = pd.data();
			param.private_data_len = pd.size();
			rdma_ack_cm_event(ev);
			connect_request(id, param);
			continue;
		}
		Conn *c = conn_of(id);
		rdma_ack_cm_event(ev);
		if (!c)
			continue;
		switch (type) {
		case RDMA_CM_EVENT_ESTABLISHED:
			log("queue %u: established", c->qid);
			break;
		case RDMA_CM_EVENT_DISCONNECTED:
		case RDMA_CM_EVENT_TIMEWAIT_EXIT:
		case RDMA_CM_EVENT_CONNECT_ERROR:
		case RDMA_CM_EVENT_UNREACHABLE:
		case RDMA_CM_EVENT_REJECTED:
			log("queue %u: %s, freed", c->qid,
			    rdma_event_str(type));
			conns_.erase(c->serial);
			break;
		case RDMA_CM_EVENT_DEVICE_REMOVAL:
			throw std::runtime_error("RDMA device removed");
		default:
			log("queue %u: %s", c->qid, rdma_event_str(type));
			break;
		}
	}
}

void Target::answer(Conn &c, const qbd_req &req, uint16_t status,
		    uint32_t length)
{
	struct {
		qbd_rsp rsp;
		qbd_info info;
	} msg{};
	msg.rsp.tag = req.tag;
	msg.rsp.status = htole16(status);
	msg.rsp.opcode = req.opcode;
	msg.rsp.length = htole32(status ? 0 : length);
	c.send(&msg, sizeof(msg.rsp), status ? 0 : le32toh(req.rkey));
}

// A READ's data and answer, where the one violation happens.
void Target::answer_read(Conn &c, const qbd_req &req)
{
	uint32_t len = le32toh(req.length), rkey = le32toh(req.rkey);
	ibv_sge sge{ (uintptr_t)&dev_->volume[le64toh(req.offset)], len,
		     dev_->volume_mr->lkey };
	ibv_send_wr data{};
	data.sg_list = &sge;
	data.num_sge = 1;
	data.opcode = IBV_WR_RDMA_WRITE;
	data.wr.rdma.remote_addr = le64toh(req.addr);
	data.wr.rdma.rkey = rkey;

	qbd_rsp rsp{
		req.tag, htole16(QBD_S_OK), req.opcode, 0, htole32(len), 0
	};
	bool now = !misbehaved && mode != Mode::none &&
		   mode != Mode::future_version && mode != Mode::short_rep &&
		   (!trigger_bytes || len == trigger_bytes);
	if (!now)
		return c.send(&rsp, sizeof(rsp), rkey, &data);
	misbehaved = true;
	uint32_t inv = rkey, rsp_len = sizeof(rsp);
	switch (mode) {
	case Mode::bad_tag:
		rsp.tag = htole32(le32toh(req.tag) ^ 0x00010000);
		inv = 0;
		break;
	case Mode::tag_range:
		rsp.tag = htole32((le32toh(req.tag) & 0xffff0000) | 0xfff0);
		inv = 0;
		break;
	case Mode::short_len:
		rsp.length = htole32(len - QBD_SECTOR_SIZE);
		break;
	case Mode::bad_status:
		rsp.status = htole16(999);
		break;
	case Mode::wrong_op:
		rsp.opcode = QBD_OP_WRITE;
		break;
	case Mode::dup:
		log("queue %u: READ tag %#x rkey %#x: misbehaving (dup): "
		    "answered, then again by plain SEND",
		    c.qid, le32toh(req.tag), rkey);
		c.send(&rsp, sizeof(rsp), rkey, &data);
		return c.send(&rsp, sizeof(rsp), 0);
	case Mode::wrong_inv:
		inv = rkey ^ 1;
		break;
	case Mode::garbage:
		rsp_len = 5;
		inv = 0;
		break;
	case Mode::no_inv:
		inv = 0;
		break;
	default:
		break;
	}
	log("queue %u: READ tag %#x rkey %#x: misbehaving (%s): tag %#x "
	    "status %u opcode %#x length %u, %u bytes, %s %#x",
	    c.qid, le32toh(req.tag), rkey, mode_name(), le32toh(rsp.tag),
	    le16toh(rsp.status), rsp.opcode, le32toh(rsp.length), rsp_len,
	    inv ? "invalidating" : "plain SEND", inv);
	c.send(&rsp, rsp_len, inv, &data);
}

void Target::io(Conn &c, const qbd_req &req, const uint8_t *payload,
		uint32_t len)
{
	uint64_t off = le64toh(req.offset);
	uint32_t bytes = le32toh(req.length), rkey = le32toh(req.rkey);
	bool data = req.opcode == QBD_OP_READ || req.opcode == QBD_OP_WRITE;

	if (data &&
	    (bytes > MAX_IO || off > CAPACITY || bytes > CAPACITY - off ||
	     bytes % QBD_SECTOR_SIZE || off % QBD_SECTOR_SIZE))
		return answer(c, req, QBD_S_RANGE, 0);
	switch (req.opcode) {
	case QBD_OP_READ:
		if (!rkey)
			return answer(c, req, QBD_S_INVALID, 0);
		return answer_read(c, req);
	case QBD_OP_WRITE:
		if (!rkey) {
			if (len != bytes)
				return answer(c, req, QBD_S_INVALID, 0);
			memcpy(&dev_->volume[off], payload, bytes);
			return answer(c, req, QBD_S_OK, bytes);
		} else {
			uint32_t n = c.next_read++;
			ibv_sge sge{ (uintptr_t)&dev_->volume[off], bytes,
				     dev_->volume_mr->lkey };
			ibv_send_wr wr{}, *bad;
			wr.wr_id = wr_id(c.serial, K_READ, n);
			wr.sg_list = &sge;
			wr.num_sge = 1;
			wr.opcode = IBV_WR_RDMA_READ;
			wr.send_flags = IBV_SEND_SIGNALED;
			wr.wr.rdma.remote_addr = le64toh(req.addr);
			wr.wr.rdma.rkey = rkey;
			if (ibv_post_send(c.qp, &wr, &bad))
				return answer(c, req, QBD_S_IO, 0);
			c.reads[n] = req;
			return;
		}
	case QBD_OP_FLUSH:
		return answer(c, req, QBD_S_OK, 0);
	default:
		return answer(c, req, QBD_S_UNSUPPORTED, 0);
	}
}

void Target::admin(Conn &c, const qbd_req &req, const uint8_t *payload,
		   uint32_t len)
{
	struct {
		qbd_rsp rsp;
		qbd_info info;
	} msg{};
	msg.rsp.tag = req.tag;
	msg.rsp.opcode = req.opcode;
	msg.info.capacity = htole64(CAPACITY);
	msg.info.caps = htole32(QBD_CAP_FLUSH | QBD_CAP_FUA);
	msg.info.block_size = htole32(512);
	msg.info.max_io = htole32(MAX_IO);
	msg.info.queues = htole16(1);

	switch (req.opcode) {
	case QBD_OP_OPEN: {
		qbd_open open{};
		if (len < sizeof(open)) {
			msg.rsp.status = htole16(QBD_S_INVALID);
			break;
		}
		memcpy(&open, payload, sizeof(open));
		open.host[QBD_NAME_MAX - 1] = open.volume[QBD_NAME_MAX - 1] = 0;
		msg.info.session = htole64(++session_);
		depth_ = std::min<uint16_t>(
			std::max<uint16_t>(le16toh(open.depth), 1),
			QBD_MAX_DEPTH);
		msg.info.depth = htole16(depth_);
		log("queue 0: OPEN host %s volume %s queues %u depth %u: "
		    "session %#llx",
		    open.host, open.volume, le16toh(open.queues),
		    le16toh(open.depth),
		    (unsigned long long)le64toh(msg.info.session));
		break;
	}
	case QBD_OP_KEEPALIVE:
	case QBD_OP_CLOSE:
		msg.info.session = htole64(session_);
		msg.info.depth = htole16(depth_);
		break;
	default:
		msg.rsp.status = htole16(QBD_S_INVALID);
		break;
	}
	c.send(&msg, sizeof(msg), 0);
}

void Target::recv(Conn &c, uint32_t slot, const ibv_wc &wc)
{
	const uint8_t *buf = &c.rbufs[slot * c.rbuf_size];
	qbd_req req{};
	if (wc.byte_len < sizeof(req)) {
		log("queue %u: short request (%u bytes)", c.qid, wc.byte_len);
		c.post_recv(slot);
		return;
	}
	memcpy(&req, buf, sizeof(req));
	if (!c.qid)
		admin(c, req, buf + sizeof(req), wc.byte_len - sizeof(req));
	else
		io(c, req, buf + sizeof(req), wc.byte_len - sizeof(req));
	c.post_recv(slot);
}

void Target::completions()
{
	ibv_cq *cq;
	void *ctx;

	while (ibv_get_cq_event(dev_->comp.get(), &cq, &ctx) == 0)
		ibv_ack_cq_events(cq, 1);
	if (ibv_req_notify_cq(dev_->cq.get(), 0))
		die("ibv_req_notify_cq");
	ibv_wc wcs[32];
	int n;
	while ((n = ibv_poll_cq(dev_->cq.get(), 32, wcs)) > 0) {
		for (int i = 0; i < n; i++) {
			const ibv_wc &wc = wcs[i];
			auto it = conns_.find(wc.wr_id >> 32);
			if (it == conns_.end())
				continue; // a queue already freed
			Conn &c = *it->second;
			Kind k = (Kind)(wc.wr_id >> 24 & 0xff);
			uint32_t idx = wc.wr_id & 0xffffff;
			if (wc.status != IBV_WC_SUCCESS) {
				if (wc.status != IBV_WC_WR_FLUSH_ERR)
					log("queue %u: work request failed: "
					    "%s; disconnecting",
					    c.qid,
					    ibv_wc_status_str(wc.status));
				rdma_disconnect(c.id.get());
				continue;
			}
			if (k == K_RECV) {
				recv(c, idx, wc);
			} else if (k == K_READ) {
				qbd_req req = c.reads[idx];
				c.reads.erase(idx);
				answer(c, req, QBD_S_OK, le32toh(req.length));
			}
		}
	}
}

void Target::run()
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, nullptr);
	int sfd = signalfd(-1, &set, 0);
	if (sfd < 0)
		die("signalfd");
	log("listening, mode %s", mode_name());
	for (;;) {
		pollfd fds[] = { { ch_->fd, POLLIN, 0 },
				 { dev_->comp->fd, POLLIN, 0 },
				 { sfd, POLLIN, 0 } };
		if (poll(fds, 3, -1) < 0 && errno != EINTR)
			die("poll");
		if (fds[2].revents)
			break;
		if (fds[1].revents)
			completions();
		if (fds[0].revents)
			cm_event();
	}
	close(sfd);
	log("exiting, %zu queues connected", conns_.size());
	for (auto &[serial, c] : conns_)
		rdma_disconnect(c->id.get());
	conns_.clear();
}

} // namespace

int main(int argc, char **argv)
{
	const char *addr = "192.0.2.1", *port = "4470";
	int opt;

	while ((opt = getopt(argc, argv, "l:p:m:s:")) != -1) {
		switch (opt) {
		case 'l':
			addr = optarg;
			break;
		case 'p':
			port = optarg;
			break;
		case 'm': {
			auto it = std::find_if(
				std::begin(mode_names), std::end(mode_names),
				[](auto &m) { return m.first == optarg; });
			if (it == std::end(mode_names)) {
				fprintf(stderr, "unknown mode %s\n", optarg);
				return 2;
			}
			mode = it->second;
			break;
		}
		case 's':
			trigger_bytes = strtoul(optarg, nullptr, 0);
			break;
		default:
			fprintf(stderr,
				"usage: %s [-l ADDR] [-p PORT] [-m MODE] "
				"[-s BYTES]\n",
				argv[0]);
			return 2;
		}
	}
	try {
		Target t(addr, port);
		t.run();
	} catch (const std::exception &e) {
		log("%s", e.what());
		return 1;
	}
	return 0;
}
