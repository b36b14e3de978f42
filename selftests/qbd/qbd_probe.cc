// SPDX-License-Identifier: GPL-2.0
//
// qbd_probe: the host side of the qbd wire protocol in userspace, for
// testing qbd-target. Connects an admin queue, opens a volume, connects I/O
// queues and checks what the target answers. Prints TAP.
//
//   qbd_probe [-a ADDR] [-p PORT] [-H HOST] [-v VOLUME] [-s SECRET_FILE]
//             [-q QUEUES] [-d DEPTH] COMMAND [ARG]
//   COMMAND: info | verify | flush | discard | readonly | malicious |
//            resize FILE | all
//
// Buffers the target reads or writes are exposed through type 2 memory
// windows bound per request: the target answers such requests with
// SEND_WITH_INV, and Soft-RoCE can only invalidate a memory window (or a
// fast-registration MR, which userspace does not have), not a plain MR.
#include <endian.h>
#include <fcntl.h>
#include <getopt.h>
#include <infiniband/verbs.h>
#include <netdb.h>
#include <rdma/rdma_cma.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <vmhost/qbd.h>

namespace
{

std::string opt_addr = "192.0.2.1", opt_host = "probe", opt_vol = "vol0",
	    opt_secret;
int opt_port = QBD_DEFAULT_PORT, opt_queues = 2, opt_depth = 4;

int test_no;
int failures;

__attribute__((format(printf, 2, 3))) void tap(bool ok, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("%s %d %s\n", ok ? "ok" : "not ok", ++test_no, buf);
	fflush(stdout);
	if (!ok)
		failures++;
}

__attribute__((format(printf, 1, 2))) void diag(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("# %s\n", buf);
	fflush(stdout);
}

constexpr int TIMEOUT_MS = 20000;
constexpr uint32_t DATA_MAX = 1 << 20;
constexpr uint32_t SEND_MAX = sizeof(qbd_req) + 65536;
constexpr uint32_t RECV_SIZE = sizeof(qbd_rsp) + sizeof(qbd_info);
constexpr int NRECV = 16;

struct Rsp {
	bool ok = false; // a response arrived
	qbd_rsp rsp{};
	qbd_info info{};
	uint32_t len = 0;
	bool with_inv = false;
	uint32_t inv_rkey = 0;
	uint16_t status() const
	{
		return le16toh(rsp.status);
	}
};

// One rdma_cm connection, queue qid; all synchronous.
class Queue {
    public:
	~Queue()
	{
		if (id_ && connected_)
			rdma_disconnect(id_);
		if (id_ && id_->qp)
			rdma_destroy_qp(id_);
		if (mw_)
			ibv_dealloc_mw(mw_);
		if (mr_)
			ibv_dereg_mr(mr_);
		if (cq_)
			ibv_destroy_cq(cq_);
		if (pd_)
			ibv_dealloc_pd(pd_);
		if (id_)
			rdma_destroy_id(id_);
		if (ch_)
			rdma_destroy_event_channel(ch_);
		free(mem_);
	}

	// Connects with this private data. True: established, *rep filled.
	// False: *rej_status is the target's status, or -1 for no valid
	// rejection (an error).
	bool connect(const void *pd, uint8_t pd_len, qbd_cm_rep *rep,
		     int *rej_status)
	{
		*rej_status = -1;
		ch_ = rdma_create_event_channel();
		if (!ch_ || rdma_create_id(ch_, &id_, nullptr, RDMA_PS_TCP))
			return err("rdma_create_id");
		addrinfo *ai;
		std::string port = std::to_string(opt_port);
		if (getaddrinfo(opt_addr.c_str(), port.c_str(), nullptr, &ai))
			return err("getaddrinfo");
		int r = rdma_resolve_addr(id_, nullptr, ai->ai_addr, 5000);
		freeaddrinfo(ai);
		if (r || !wait_event(RDMA_CM_EVENT_ADDR_RESOLVED))
			return err("resolve address");
		if (rdma_resolve_route(id_, 5000) ||
		    !wait_event(RDMA_CM_EVENT_ROUTE_RESOLVED))
			return err("resolve route");
		pd_ = ibv_alloc_pd(id_->verbs);
		cq_ = ibv_create_cq(id_->verbs, 256, nullptr, nullptr, 0);
		size_t len = SEND_MAX + NRECV * RECV_SIZE + DATA_MAX;
		if (posix_memalign(&mem_, 4096, len) || !pd_ || !cq_)
			return err("allocate");
		memset(mem_, 0, len);
		send_ = (uint8_t *)mem_;
		recv_ = send_ + SEND_MAX;
		data_ = recv_ + NRECV * RECV_SIZE;
		mr_ = ibv_reg_mr(
			pd_, mem_, len,
			IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_READ |
				IBV_ACCESS_REMOTE_WRITE | IBV_ACCESS_MW_BIND);
		if (!mr_)
			return err("register memory");
		mw_ = ibv_alloc_mw(pd_, IBV_MW_TYPE_2);
		ibv_qp_init_attr qa{};
		qa.send_cq = qa.recv_cq = cq_;
		qa.qp_type = IBV_QPT_RC;
		qa.cap.max_send_wr = 64;
		qa.cap.max_recv_wr = NRECV;
		qa.cap.max_send_sge = 1;
		qa.cap.max_recv_sge = 1;
		if (rdma_create_qp(id_, pd_, &qa))
			return err("create QP");
		for (int i = 0; i < NRECV; i++)
			post_recv(i);
		ibv_device_attr da{};
		ibv_query_device(id_->verbs, &da);
		rdma_conn_param cp{};
		cp.private_data = pd;
		cp.private_data_len = pd_len;
		cp.responder_resources = std::min(da.max_qp_rd_atom, 16);
		cp.initiator_depth = std::min(da.max_qp_init_rd_atom, 16);
		cp.retry_count = 7;
		cp.rnr_retry_count = 7;
		if (rdma_connect(id_, &cp))
			return err("rdma_connect");
		rdma_cm_event *ev;
		if (!get_event(&ev))
			return err("no connect event");
		bool ok = false;
		if (ev->event == RDMA_CM_EVENT_ESTABLISHED) {
			if (ev->param.conn.private_data_len >= sizeof(*rep)) {
				memcpy(rep, ev->param.conn.private_data,
				       sizeof(*rep));
				ok = true;
				connected_ = true;
			} else {
				diag("REP without qbd_cm_rep");
			}
		} else if (ev->event == RDMA_CM_EVENT_REJECTED) {
			qbd_cm_rej rej;
			if (ev->param.conn.private_data &&
			    ev->param.conn.private_data_len >= sizeof(rej)) {
				memcpy(&rej, ev->param.conn.private_data,
				       sizeof(rej));
				if (le32toh(rej.magic) == QBD_MAGIC) {
					*rej_status = le16toh(rej.status);
					rej_version_ = le16toh(rej.version);
				}
			}
		} else {
			diag("connect: %s", rdma_event_str(ev->event));
		}
		rdma_ack_cm_event(ev);
		return ok;
	}

	// Sends header + payload; waits for the response when want_rsp.
	Rsp request(const qbd_req &req, const void *payload, uint32_t plen,
		    bool want_rsp = true)
	{
		memcpy(send_, &req, sizeof(req));
		if (plen)
			memcpy(send_ + sizeof(req), payload, plen);
		ibv_sge sge = { (uintptr_t)send_, (uint32_t)sizeof(req) + plen,
				mr_->lkey };
		ibv_send_wr wr{}, *bad;
		wr.wr_id = 1;
		wr.sg_list = &sge;
		wr.num_sge = 1;
		wr.opcode = IBV_WR_SEND;
		wr.send_flags = IBV_SEND_SIGNALED;
		Rsp r;
		if (ibv_post_send(id_->qp, &wr, &bad)) {
			diag("post send failed");
			return r;
		}
		if (!want_rsp)
			return r;
		return wait_rsp(TIMEOUT_MS);
	}

	// Waits for one received message (a response or an event).
	Rsp wait_rsp(int timeout_ms)
	{
		Rsp r;
		ibv_wc wc;
		while (poll(&wc, timeout_ms, true)) {
			if (wc.status != IBV_WC_SUCCESS) {
				diag("completion error: %s",
				     ibv_wc_status_str(wc.status));
				broken_ = true;
				return r;
			}
			if (wc.opcode != IBV_WC_RECV)
				continue;
			uint8_t *b = recv_ + wc.wr_id * RECV_SIZE;
			r.len = wc.byte_len;
			memcpy(&r.rsp, b, sizeof(r.rsp));
			if (wc.byte_len >= RECV_SIZE)
				memcpy(&r.info, b + sizeof(r.rsp),
				       sizeof(r.info));
			// rdma_rxe copies the kernel's wc_flags to userspace
			// unchanged, and the kernel's IB_WC_WITH_INVALIDATE
			// (1 << 2) is IBV_WC_IP_CSUM_OK here: accept both.
			r.with_inv = wc.wc_flags & (IBV_WC_WITH_INV | 1 << 2);
			r.inv_rkey = wc.invalidated_rkey;
			r.ok = true;
			post_recv(wc.wr_id);
			return r;
		}
		return r;
	}

	// Binds the memory window over data[0..len): the rkey to send.
	uint32_t bind(uint32_t len, bool remote_write)
	{
		if (!mw_) {
			diag("no memory window: using the MR's rkey");
			return mr_->rkey;
		}
		ibv_send_wr wr{}, *bad;
		wr.wr_id = 2;
		wr.opcode = IBV_WR_BIND_MW;
		wr.send_flags = IBV_SEND_SIGNALED;
		wr.bind_mw.mw = mw_;
		wr.bind_mw.rkey = ibv_inc_rkey(mw_->rkey);
		wr.bind_mw.bind_info.mr = mr_;
		wr.bind_mw.bind_info.addr = (uintptr_t)data_;
		wr.bind_mw.bind_info.length = len;
		wr.bind_mw.bind_info.mw_access_flags =
			remote_write ? IBV_ACCESS_REMOTE_WRITE :
				       IBV_ACCESS_REMOTE_READ;
		if (ibv_post_send(id_->qp, &wr, &bad)) {
			diag("bind MW failed");
			return 0;
		}
		ibv_wc wc;
		if (!poll(&wc, TIMEOUT_MS, false) ||
		    wc.status != IBV_WC_SUCCESS) {
			diag("bind MW completion failed");
			return 0;
		}
		mw_->rkey = wr.bind_mw.rkey;
		return mw_->rkey;
	}

	// True when the target disconnected this queue (or its QP broke).
	bool gone(int timeout_ms)
	{
		if (broken_)
			return true;
		auto end = std::chrono::steady_clock::now() +
			   std::chrono::milliseconds(timeout_ms);
		int fl = fcntl(ch_->fd, F_GETFL);
		fcntl(ch_->fd, F_SETFL, fl | O_NONBLOCK);
		while (std::chrono::steady_clock::now() < end) {
			rdma_cm_event *ev;
			if (rdma_get_cm_event(ch_, &ev) == 0) {
				bool d = ev->event ==
					 RDMA_CM_EVENT_DISCONNECTED;
				rdma_ack_cm_event(ev);
				if (d) {
					connected_ = false;
					return true;
				}
			}
			ibv_wc wc;
			if (ibv_poll_cq(cq_, 1, &wc) > 0 &&
			    wc.status != IBV_WC_SUCCESS)
				broken_ = true;
			if (broken_)
				return true;
			std::this_thread::sleep_for(
				std::chrono::milliseconds(5));
		}
		return false;
	}

	uint8_t *data() const
	{
		return data_;
	}
	uint64_t data_addr() const
	{
		return (uintptr_t)data_;
	}
	int rej_version() const
	{
		return rej_version_;
	}

    private:
	bool err(const char *what)
	{
		diag("%s: %s", what, strerror(errno));
		return false;
	}
	bool get_event(rdma_cm_event **ev)
	{
		return rdma_get_cm_event(ch_, ev) == 0;
	}
	bool wait_event(rdma_cm_event_type t)
	{
		rdma_cm_event *ev;
		if (!get_event(&ev))
			return false;
		bool ok = ev->event == t;
		if (!ok)
			diag("got %s", rdma_event_str(ev->event));
		rdma_ack_cm_event(ev);
		return ok;
	}
	void post_recv(uint64_t i)
	{
		ibv_sge sge = { (uintptr_t)(recv_ + i * RECV_SIZE), RECV_SIZE,
				mr_->lkey };
		ibv_recv_wr wr{}, *bad;
		wr.wr_id = i;
		wr.sg_list = &sge;
		wr.num_sge = 1;
		ibv_post_recv(id_->qp, &wr, &bad);
	}
	// Polls for a receive (recv) or any send-side completion.
	bool poll(ibv_wc *out, int timeout_ms, bool recv)
	{
		auto end = std::chrono::steady_clock::now() +
			   std::chrono::milliseconds(timeout_ms);
		do {
			ibv_wc wc;
			int n = ibv_poll_cq(cq_, 1, &wc);
			if (n > 0) {
				bool is_recv = wc.opcode & IBV_WC_RECV;
				if (wc.status != IBV_WC_SUCCESS ||
				    is_recv == recv) {
					*out = wc;
					return true;
				}
				continue; // a send completion
			}
			std::this_thread::sleep_for(
				std::chrono::microseconds(200));
		} while (std::chrono::steady_clock::now() < end);
		diag("timed out");
		return false;
	}

	rdma_event_channel *ch_ = nullptr;
	rdma_cm_id *id_ = nullptr;
	ibv_pd *pd_ = nullptr;
	ibv_cq *cq_ = nullptr;
	ibv_mr *mr_ = nullptr;
	ibv_mw *mw_ = nullptr;
	void *mem_ = nullptr;
	uint8_t *send_, *recv_, *data_;
	bool connected_ = false, broken_ = false;
	int rej_version_ = -1;
};

qbd_cm_req cm_req(uint16_t qid, uint16_t depth, uint64_t session,
		  uint16_t version = QBD_VERSION)
{
	qbd_cm_req r{};
	r.magic = htole32(QBD_MAGIC);
	r.version = htole16(version);
	r.qid = htole16(qid);
	r.depth = htole16(depth);
	r.inline_size = htole32(65536);
	r.session = htole64(session);
	return r;
}

uint32_t next_tag = 1;

qbd_req mkreq(uint8_t op, uint64_t off, uint32_t len, uint32_t rkey = 0,
	      uint64_t addr = 0, uint8_t flags = 0)
{
	qbd_req r{};
	r.opcode = op;
	r.flags = flags;
	r.tag = htole32(next_tag++);
	r.offset = htole64(off);
	r.length = htole32(len);
	r.rkey = htole32(rkey);
	r.addr = htole64(addr);
	return r;
}

std::string read_secret(const std::string &path)
{
	FILE *f = fopen(path.c_str(), "r");
	if (!f)
		return "";
	char buf[128];
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	std::string s(buf, n);
	if (!s.empty() && s.back() == '\n')
		s.pop_back();
	return s;
}

// An admin queue with an open volume.
struct Session {
	std::unique_ptr<Queue> admin;
	qbd_cm_rep rep{};
	Rsp open;
	uint64_t id = 0;
	uint64_t capacity = 0;
	uint32_t max_io = 0, inline_size = 0;
	uint16_t queues = 0, depth = 0;
	uint32_t caps = 0;
};

qbd_open mkopen(const std::string &host, const std::string &vol,
		const std::string &secret, const uint8_t *nonce,
		uint32_t flags = 0)
{
	qbd_open op{};
	memcpy(op.host, host.data(),
	       std::min<size_t>(host.size(), QBD_NAME_MAX));
	memcpy(op.volume, vol.data(),
	       std::min<size_t>(vol.size(), QBD_NAME_MAX));
	op.flags = htole32(flags);
	op.queues = htole16(opt_queues);
	op.depth = htole16(opt_depth);
	if (!secret.empty()) {
		uint8_t msg[QBD_NONCE_LEN + 2 * QBD_NAME_MAX];
		memcpy(msg, nonce, QBD_NONCE_LEN);
		memcpy(msg + QBD_NONCE_LEN, op.host, QBD_NAME_MAX);
		memcpy(msg + QBD_NONCE_LEN + QBD_NAME_MAX, op.volume,
		       QBD_NAME_MAX);
		unsigned len = QBD_MAC_LEN;
		HMAC(EVP_sha256(), secret.data(), secret.size(), msg,
		     sizeof(msg), op.mac, &len);
	}
	return op;
}

// Connects the admin queue and sends OPEN. *status: the OPEN's status, or
// -1 when no answer.
std::unique_ptr<Session> open_session(const std::string &host,
				      const std::string &vol,
				      const std::string &secret, int *status,
				      uint32_t flags = 0)
{
	auto s = std::make_unique<Session>();
	s->admin = std::make_unique<Queue>();
	qbd_cm_req req = cm_req(0, QBD_ADMIN_DEPTH, 0);
	int rej;
	*status = -1;
	if (!s->admin->connect(&req, sizeof(req), &s->rep, &rej)) {
		diag("admin connect refused: %d", rej);
		return nullptr;
	}
	qbd_open op = mkopen(host, vol, secret, s->rep.nonce, flags);
	s->open = s->admin->request(mkreq(QBD_OP_OPEN, 0, 0), &op, sizeof(op));
	if (!s->open.ok)
		return nullptr;
	*status = s->open.status();
	auto &i = s->open.info;
	s->id = le64toh(i.session);
	s->capacity = le64toh(i.capacity);
	s->max_io = le32toh(i.max_io);
	s->queues = le16toh(i.queues);
	s->depth = le16toh(i.depth);
	s->caps = le32toh(i.caps);
	return s;
}

std::unique_ptr<Queue> connect_io(const Session &s, uint16_t qid,
				  qbd_cm_rep *rep, int *rej)
{
	auto q = std::make_unique<Queue>();
	qbd_cm_req req = cm_req(qid, opt_depth, s.id);
	if (!q->connect(&req, sizeof(req), rep, rej))
		return nullptr;
	return q;
}

void fill(uint8_t *p, uint32_t len, uint32_t seed)
{
	for (uint32_t i = 0; i < len; i += 4) {
		uint32_t v = seed * 2654435761u + i;
		memcpy(p + i, &v, 4);
	}
}

bool check(const uint8_t *p, uint32_t len, uint32_t seed)
{
	for (uint32_t i = 0; i < len; i += 4) {
		uint32_t v = seed * 2654435761u + i;
		if (memcmp(p + i, &v, 4))
			return false;
	}
	return true;
}

bool all_zero(const uint8_t *p, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

// WRITE (inline when rkey == 0, else through the window); returns status.
int do_write(Queue &q, uint64_t off, uint32_t len, uint32_t seed,
	     bool inline_data, uint8_t flags = 0, bool *inv_ok = nullptr)
{
	if (inline_data) {
		std::vector<uint8_t> buf(len);
		fill(buf.data(), len, seed);
		Rsp r = q.request(mkreq(QBD_OP_WRITE, off, len, 0, 0, flags),
				  buf.data(), len);
		if (inv_ok)
			*inv_ok = r.ok && !r.with_inv;
		return r.ok ? r.status() : -1;
	}
	fill(q.data(), len, seed);
	uint32_t rkey = q.bind(len, false);
	Rsp r = q.request(mkreq(QBD_OP_WRITE, off, len, rkey, q.data_addr(),
				flags),
			  nullptr, 0);
	if (inv_ok)
		*inv_ok = r.ok && r.with_inv && r.inv_rkey == rkey;
	return r.ok ? r.status() : -1;
}

int do_read(Queue &q, uint64_t off, uint32_t len, bool *inv_ok = nullptr,
	    uint32_t *rlen = nullptr)
{
	memset(q.data(), 0xee, len);
	uint32_t rkey = q.bind(len, true);
	Rsp r = q.request(mkreq(QBD_OP_READ, off, len, rkey, q.data_addr()),
			  nullptr, 0);
	if (inv_ok)
		*inv_ok = r.ok && r.with_inv && r.inv_rkey == rkey;
	if (rlen)
		*rlen = le32toh(r.rsp.length);
	return r.ok ? r.status() : -1;
}

int do_simple(Queue &q, uint8_t op, uint64_t off, uint32_t len)
{
	Rsp r = q.request(mkreq(op, off, len), nullptr, 0);
	return r.ok ? r.status() : -1;
}

struct Setup {
	std::unique_ptr<Session> s;
	std::vector<std::unique_ptr<Queue> > io;
};

bool setup(Setup &st, int nqueues, uint32_t flags = 0)
{
	int status;
	st.s = open_session(opt_host, opt_vol, opt_secret, &status, flags);
	bool ok = st.s && status == QBD_S_OK;
	tap(ok, "open volume %s as host %s", opt_vol.c_str(), opt_host.c_str());
	if (!ok) {
		diag("open status %d", status);
		return false;
	}
	diag("session %016llx capacity %llu max_io %u queues %u depth %u "
	     "caps %#x block %u",
	     (unsigned long long)st.s->id, (unsigned long long)st.s->capacity,
	     st.s->max_io, st.s->queues, st.s->depth, st.s->caps,
	     le32toh(st.s->open.info.block_size));
	bool all = true;
	for (int q = 1; q <= nqueues; q++) {
		qbd_cm_rep rep;
		int rej;
		auto io = connect_io(*st.s, q, &rep, &rej);
		if (!io) {
			diag("queue %d refused: %d", q, rej);
			all = false;
			break;
		}
		if (q == 1) {
			st.s->inline_size = le32toh(rep.inline_size);
			diag("queue 1: depth %u inline %u max_io %u",
			     le16toh(rep.depth), st.s->inline_size,
			     le32toh(rep.max_io));
		}
		st.io.push_back(std::move(io));
	}
	tap(all, "connect %d I/O queues", nqueues);
	return all;
}

void cmd_info()
{
	Setup st;
	setup(st, 1);
	if (!st.s)
		return;
	Rsp r = st.s->admin->request(mkreq(QBD_OP_KEEPALIVE, 0, 0), nullptr, 0);
	tap(r.ok && r.status() == QBD_S_OK &&
		    le64toh(r.info.session) == st.s->id,
	    "keepalive returns the session's info");
}

void cmd_verify()
{
	Setup st;
	if (!setup(st, opt_queues))
		return;
	uint64_t base = 0;
	uint32_t inl = st.s->inline_size;
	struct {
		uint32_t len;
		bool inline_data;
		uint8_t flags;
	} cases[] = {
		{ 512, true, 0 },
		{ 4096, true, 0 },
		{ inl, true, 0 },
		{ 4096, false, 0 },
		{ 65536, false, 0 },
		{ 4096, false, QBD_REQ_FUA },
		{ 512, true, QBD_REQ_FUA },
		{ std::min<uint32_t>(st.s->max_io, 1 << 20), false, 0 },
	};
	uint32_t seed = 1;
	for (auto &io : st.io) {
		for (auto &c : cases) {
			if (c.len == 0 || (c.inline_data && c.len > inl) ||
			    base + c.len > st.s->capacity)
				continue;
			bool inv;
			int w = do_write(*io, base, c.len, seed, c.inline_data,
					 c.flags, &inv);
			tap(w == QBD_S_OK && inv,
			    "%s%s write of %u bytes at %llu (%s)",
			    c.inline_data ? "inline" : "RDMA READ",
			    c.flags ? " FUA" : "", c.len,
			    (unsigned long long)base,
			    c.inline_data ? "plain SEND" :
					    "SEND_WITH_INV of its rkey");
			uint32_t rlen = 0;
			int r = do_read(*io, base, c.len, &inv, &rlen);
			tap(r == QBD_S_OK && inv && rlen == c.len &&
				    check(io->data(), c.len, seed),
			    "read back %u bytes at %llu matches "
			    "(SEND_WITH_INV, length %u)",
			    c.len, (unsigned long long)base, rlen);
			base += c.len;
			seed++;
		}
	}
}

void cmd_flush()
{
	Setup st;
	if (!setup(st, 1))
		return;
	Queue &q = *st.io[0];
	tap(do_write(q, 0, 4096, 77, false) == QBD_S_OK, "write before flush");
	tap(do_simple(q, QBD_OP_FLUSH, 0, 0) == QBD_S_OK, "flush");
}

void cmd_discard()
{
	Setup st;
	if (!setup(st, 1))
		return;
	Queue &q = *st.io[0];
	const uint32_t len = 65536;
	uint64_t off = 1 << 20;
	for (uint8_t op : { QBD_OP_DISCARD, QBD_OP_WRITE_ZEROES }) {
		const char *name = op == QBD_OP_DISCARD ? "discard" :
							  "write-zeroes";
		bool w = do_write(q, off, len, 5, false) == QBD_S_OK &&
			 do_read(q, off, len) == QBD_S_OK &&
			 check(q.data(), len, 5);
		tap(w, "%s: data written first", name);
		tap(do_simple(q, op, off, len) == QBD_S_OK, "%s of %u bytes",
		    name, len);
		tap(do_read(q, off, len) == QBD_S_OK && all_zero(q.data(), len),
		    "%s: reads back zeroes", name);
		off += len;
	}
}

void cmd_readonly()
{
	Setup st;
	if (!setup(st, 1, QBD_OPEN_READ_ONLY))
		return;
	Queue &q = *st.io[0];
	tap(st.s->caps & QBD_CAP_READ_ONLY, "read-only open has CAP_READ_ONLY");
	tap(do_read(q, 0, 4096) == QBD_S_OK, "read-only open: read works");
	tap(do_write(q, 0, 512, 1, true) == QBD_S_READ_ONLY,
	    "read-only open: inline write gets READ_ONLY");
	tap(do_write(q, 0, 4096, 1, false) == QBD_S_READ_ONLY,
	    "read-only open: RDMA write gets READ_ONLY");
	tap(do_simple(q, QBD_OP_DISCARD, 0, 4096) == QBD_S_READ_ONLY,
	    "read-only open: discard gets READ_ONLY");
}

void cmd_resize(const std::string &file)
{
	Setup st;
	if (!setup(st, 1))
		return;
	struct stat sb;
	if (stat(file.c_str(), &sb) < 0 ||
	    truncate(file.c_str(), sb.st_size + (1 << 20)) < 0) {
		tap(false, "grow %s", file.c_str());
		return;
	}
	Rsp ev = st.s->admin->wait_rsp(10000);
	tap(ev.ok && le32toh(ev.rsp.tag) == QBD_TAG_EVENT &&
		    ev.rsp.opcode == QBD_OP_EVENT &&
		    ev.status() == QBD_EVENT_RESIZE,
	    "resize event after the file grew");
	truncate(file.c_str(), sb.st_size + (2 << 20));
	Rsp none = st.s->admin->wait_rsp(2500);
	tap(!none.ok, "no second event before a keepalive");
	Rsp ka =
		st.s->admin->request(mkreq(QBD_OP_KEEPALIVE, 0, 0), nullptr, 0);
	tap(ka.ok && le64toh(ka.info.capacity) ==
			     uint64_t(sb.st_size) + (2 << 20),
	    "keepalive shows the new capacity (%llu)",
	    (unsigned long long)le64toh(ka.info.capacity));
	truncate(file.c_str(), sb.st_size + (3 << 20));
	Rsp again = st.s->admin->wait_rsp(10000);
	tap(again.ok && le32toh(again.rsp.tag) == QBD_TAG_EVENT,
	    "the keepalive re-armed the event");
	truncate(file.c_str(), sb.st_size);
}

void expect_rej(const char *what, const void *pd, uint8_t len, int want)
{
	Queue q;
	qbd_cm_rep rep;
	int rej;
	bool ok = q.connect(pd, len, &rep, &rej);
	tap(!ok && rej == want, "%s: rejected with status %d (got %d)", what,
	    want, ok ? 0 : rej);
}

void cmd_malicious()
{
	Setup st;
	if (!setup(st, 1))
		return;
	Session &s = *st.s;
	Queue &q = *st.io[0];

	// Connection requests.
	uint8_t garbage[56];
	for (size_t i = 0; i < sizeof(garbage); i++)
		garbage[i] = i * 37 + 11;
	expect_rej("garbage private data", garbage, sizeof(garbage),
		   QBD_S_INVALID);
	{
		Queue v0;
		qbd_cm_req r = cm_req(0, 4, 0, 0);
		qbd_cm_rep rep;
		int rej;
		bool ok = v0.connect(&r, sizeof(r), &rep, &rej);
		tap(!ok && rej == QBD_S_VERSION && v0.rej_version() == 1,
		    "version 0: rejected with VERSION, target speaks 1");
	}
	qbd_cm_req r = cm_req(1, 4, s.id ^ 0x5a5a5a5a);
	expect_rej("I/O queue naming a wrong session", &r, sizeof(r),
		   QBD_S_NO_SESSION);
	r = cm_req(s.queues + 1, 4, s.id);
	expect_rej("qid beyond the granted queues", &r, sizeof(r),
		   QBD_S_INVALID);
	r = cm_req(1, 4, s.id);
	expect_rej("qid already connected", &r, sizeof(r), QBD_S_BUSY);

	// OPEN.
	int status;
	auto bad =
		open_session(opt_host, "no-such-volume", opt_secret, &status);
	tap(status == QBD_S_NO_VOLUME, "open of an unknown volume: NO_VOLUME");
	bad = open_session("intruder", opt_vol, opt_secret, &status);
	tap(status == QBD_S_ACCESS, "open by a host not allowed: ACCESS");
	if (!opt_secret.empty()) {
		bad = open_session(opt_host, opt_vol, opt_secret + "x",
				   &status);
		tap(status == QBD_S_ACCESS, "open with a wrong secret: ACCESS");
	}
	{
		qbd_open op =
			mkopen(opt_host, opt_vol, opt_secret, s.rep.nonce);
		Rsp r2 = s.admin->request(mkreq(QBD_OP_OPEN, 0, 0), &op,
					  sizeof(op));
		tap(r2.ok && r2.status() == QBD_S_INVALID,
		    "second OPEN on one admin queue: INVALID");
	}

	// I/O requests.
	uint64_t cap = s.capacity;
	auto expect = [&](const char *what, const qbd_req &req,
			  const void *payload, uint32_t plen, int want) {
		Rsp rr = q.request(req, payload, plen);
		bool inv_ok = req.rkey ? (rr.with_inv &&
					  rr.inv_rkey == le32toh(req.rkey)) :
					 !rr.with_inv;
		bool ok = rr.ok && rr.status() == want &&
			  le32toh(rr.rsp.tag) == le32toh(req.tag) &&
			  le32toh(rr.rsp.length) == 0 && inv_ok;
		if (!ok && rr.ok)
			diag("tag %u/%u length %u with_inv %d %#x/%#x",
			     le32toh(rr.rsp.tag), le32toh(req.tag),
			     le32toh(rr.rsp.length), rr.with_inv, rr.inv_rkey,
			     le32toh(req.rkey));
		tap(ok, "%s: status %d (got %d)%s", what, want,
		    rr.ok ? rr.status() : -1,
		    req.rkey ? ", SEND_WITH_INV of its rkey" : "");
	};
	uint8_t buf[8192] = {};
	uint32_t rk = q.bind(4096, true);
	uint64_t a = q.data_addr();
	expect("unknown opcode", mkreq(0x42, 0, 4096, 0), nullptr, 0,
	       QBD_S_INVALID);
	expect("unaligned offset", mkreq(QBD_OP_READ, 100, 4096, rk, a),
	       nullptr, 0, QBD_S_INVALID);
	rk = q.bind(4096, true);
	expect("unaligned length", mkreq(QBD_OP_READ, 0, 1000, rk, a), nullptr,
	       0, QBD_S_INVALID);
	rk = q.bind(4096, true);
	expect("read beyond capacity", mkreq(QBD_OP_READ, cap, 4096, rk, a),
	       nullptr, 0, QBD_S_RANGE);
	rk = q.bind(4096, true);
	expect("read across the end",
	       mkreq(QBD_OP_READ, cap - 512, 4096, rk, a), nullptr, 0,
	       QBD_S_RANGE);
	rk = q.bind(4096, true);
	expect("offset + length overflows",
	       mkreq(QBD_OP_READ, UINT64_MAX - 511, 4096, rk, a), nullptr, 0,
	       QBD_S_RANGE);
	rk = q.bind(4096, true);
	expect("length > max_io", mkreq(QBD_OP_READ, 0, s.max_io + 4096, rk, a),
	       nullptr, 0, QBD_S_INVALID);
	expect("inline length mismatch", mkreq(QBD_OP_WRITE, 0, 4096, 0), buf,
	       512, QBD_S_INVALID);
	expect("inline write longer than inline size",
	       mkreq(QBD_OP_WRITE, 0, 8192, 0), buf,
	       std::min<uint32_t>(8192, s.inline_size), QBD_S_INVALID);
	expect("read without rkey", mkreq(QBD_OP_READ, 0, 4096, 0), nullptr, 0,
	       QBD_S_INVALID);
	expect("admin opcode on an I/O queue", mkreq(QBD_OP_KEEPALIVE, 0, 0),
	       nullptr, 0, QBD_S_INVALID);
	expect("OPEN on an I/O queue", mkreq(QBD_OP_OPEN, 0, 0), nullptr, 0,
	       QBD_S_INVALID);
	rk = q.bind(4096, true);
	expect("unknown flags", mkreq(QBD_OP_READ, 0, 4096, rk, a, 0x80),
	       nullptr, 0, QBD_S_INVALID);
	expect("flush with a length", mkreq(QBD_OP_FLUSH, 0, 4096), nullptr, 0,
	       QBD_S_INVALID);
	rk = q.bind(4096, true);
	expect("zero-length read", mkreq(QBD_OP_READ, 0, 0, rk, a), nullptr, 0,
	       QBD_S_INVALID);
	expect("discard beyond capacity", mkreq(QBD_OP_DISCARD, cap, 4096),
	       nullptr, 0, QBD_S_RANGE);

	// The queue still serves.
	tap(do_write(q, 0, 4096, 9, true) == QBD_S_OK &&
		    do_read(q, 0, 4096) == QBD_S_OK && check(q.data(), 4096, 9),
	    "the same queue still serves after bad requests");

	// A bogus rkey cannot be answered: the target's RDMA WRITE fails and
	// that connection goes down. The others must not notice.
	if (s.queues >= 2) {
		qbd_cm_rep rep;
		int rej;
		auto q2 = connect_io(s, 2, &rep, &rej);
		if (q2) {
			q2->request(mkreq(QBD_OP_READ, 0, 4096, 0x0badbad0,
					  q2->data_addr()),
				    nullptr, 0, false);
			tap(q2->gone(20000),
			    "bogus rkey: that queue is disconnected");
		} else {
			tap(false, "connect queue 2 (refused %d)", rej);
		}
	}
	Rsp ka = s.admin->request(mkreq(QBD_OP_KEEPALIVE, 0, 0), nullptr, 0);
	tap(ka.ok && ka.status() == QBD_S_OK, "admin queue still answers");
	tap(do_write(q, 8192, 4096, 10, false) == QBD_S_OK &&
		    do_read(q, 8192, 4096) == QBD_S_OK &&
		    check(q.data(), 4096, 10),
	    "queue 1 still serves after the broken queue");
	Setup fresh;
	if (setup(fresh, 1))
		tap(do_read(*fresh.io[0], 0, 4096) == QBD_S_OK &&
			    check(fresh.io[0]->data(), 4096, 9),
		    "a new session sees the data");
}

void usage()
{
	fprintf(stderr,
		"usage: qbd_probe [-a ADDR] [-p PORT] [-H HOST] [-v VOLUME] "
		"[-s SECRET_FILE]\n"
		"                 [-q QUEUES] [-d DEPTH] COMMAND [ARG]\n"
		"COMMAND: info | verify | flush | discard | readonly | "
		"malicious | resize FILE | all\n");
	exit(2);
}

} // namespace

int main(int argc, char **argv)
{
	int c;
	while ((c = getopt(argc, argv, "a:p:H:v:s:q:d:h")) != -1) {
		switch (c) {
		case 'a':
			opt_addr = optarg;
			break;
		case 'p':
			opt_port = atoi(optarg);
			break;
		case 'H':
			opt_host = optarg;
			break;
		case 'v':
			opt_vol = optarg;
			break;
		case 's':
			opt_secret = read_secret(optarg);
			if (opt_secret.empty()) {
				fprintf(stderr, "qbd_probe: cannot read %s\n",
					optarg);
				return 2;
			}
			break;
		case 'q':
			opt_queues = atoi(optarg);
			break;
		case 'd':
			opt_depth = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	std::string cmd = argv[optind];
	printf("TAP version 13\n");
	if (cmd == "info")
		cmd_info();
	else if (cmd == "verify")
		cmd_verify();
	else if (cmd == "flush")
		cmd_flush();
	else if (cmd == "discard")
		cmd_discard();
	else if (cmd == "readonly")
		cmd_readonly();
	else if (cmd == "malicious")
		cmd_malicious();
	else if (cmd == "resize" && optind + 1 < argc)
		cmd_resize(argv[optind + 1]);
	else if (cmd == "all") {
		cmd_verify();
		cmd_flush();
		cmd_discard();
		cmd_malicious();
	} else
		usage();
	printf("1..%d\n", test_no);
	return failures ? 1 : 0;
}
