// SPDX-License-Identifier: GPL-2.0
//
// qbd-target's data path. Threads:
//   control  (the caller of run_target): rdma_cm events of every id, the
//            listeners, admission of connections, reaping of finished
//            connections, signals, the once-a-second resize check and
//            statistics.
//   one per connection: its completion channel, its io_uring (I/O queues)
//            and a wake-up eventfd under one epoll; it owns the
//            connection's memory and runs every request to its response.
//   a worker per I/O connection, started on first use, for the block
//            device ioctls io_uring has no opcode for (BLKDISCARD,
//            BLKZEROOUT).
// The control thread owns every rdma_cm_id and destroys a connection (QP,
// CQ, MR, PD, ring, memory, id: in that order) only after its thread has
// ended. Sessions live in a map under Target::mu; a connection's stop
// request is an atomic and an eventfd write, safe from any thread.
#include "target.h"

#include <endian.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <liburing.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <rdma/rdma_cma.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "proto.h"
#include "stats.h"

namespace qbd
{

namespace
{

__attribute__((format(printf, 1, 2))) void log(const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", buf);
}

// --- RAII for every handle ---------------------------------------------

class Fd {
    public:
	explicit Fd(int fd = -1)
		: fd_(fd)
	{
	}
	Fd(Fd &&o) noexcept : fd_(std::exchange(o.fd_, -1))
	{
	}
	Fd &operator=(Fd &&o) noexcept
	{
		reset(std::exchange(o.fd_, -1));
		return *this;
	}
	~Fd()
	{
		reset();
	}
	void reset(int fd = -1)
	{
		if (fd_ >= 0)
			close(fd_);
		fd_ = fd;
	}
	int get() const
	{
		return fd_;
	}

    private:
	int fd_;
};

template <auto F> struct Deleter {
	template <class T> void operator()(T *p) const
	{
		if (p)
			F(p);
	}
};
using CmId = std::unique_ptr<rdma_cm_id, Deleter<rdma_destroy_id> >;
using EventChannel = std::unique_ptr<rdma_event_channel,
				     Deleter<rdma_destroy_event_channel> >;
using Pd = std::unique_ptr<ibv_pd, Deleter<ibv_dealloc_pd> >;
using CompChannel =
	std::unique_ptr<ibv_comp_channel, Deleter<ibv_destroy_comp_channel> >;
using Cq = std::unique_ptr<ibv_cq, Deleter<ibv_destroy_cq> >;
using Mr = std::unique_ptr<ibv_mr, Deleter<ibv_dereg_mr> >;

// The QP of a cm_id (rdma_create_qp / rdma_destroy_qp).
class Qp {
    public:
	Qp() = default;
	Qp(const Qp &) = delete;
	Qp &operator=(const Qp &) = delete;
	~Qp()
	{
		if (id_)
			rdma_destroy_qp(id_);
	}
	void create(rdma_cm_id *id, ibv_pd *pd, ibv_qp_init_attr *attr)
	{
		if (rdma_create_qp(id, pd, attr))
			throw std::runtime_error(std::string("create QP: ") +
						 strerror(errno));
		id_ = id;
	}

    private:
	rdma_cm_id *id_ = nullptr;
};

class Mem {
    public:
	Mem() = default;
	Mem(const Mem &) = delete;
	Mem &operator=(const Mem &) = delete;
	~Mem()
	{
		if (p_)
			munmap(p_, len_);
	}
	void alloc(size_t len)
	{
		void *p = mmap(nullptr, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			throw std::runtime_error("out of memory for buffers");
		p_ = static_cast<uint8_t *>(p);
		len_ = len;
	}
	uint8_t *get() const
	{
		return p_;
	}
	size_t size() const
	{
		return len_;
	}

    private:
	uint8_t *p_ = nullptr;
	size_t len_ = 0;
};

class Ring {
    public:
	Ring() = default;
	Ring(const Ring &) = delete;
	Ring &operator=(const Ring &) = delete;
	~Ring()
	{
		if (live_)
			io_uring_queue_exit(&r_);
	}
	void init(unsigned entries)
	{
		int err = io_uring_queue_init(entries, &r_, 0);
		if (err)
			throw std::runtime_error(std::string("io_uring: ") +
						 strerror(-err));
		live_ = true;
	}
	io_uring *get()
	{
		return &r_;
	}
	explicit operator bool() const
	{
		return live_;
	}

    private:
	io_uring r_{};
	bool live_ = false;
};

uint64_t random64()
{
	uint64_t v = 0;
	while (v == 0)
		if (getrandom(&v, sizeof(v), 0) != sizeof(v))
			v = 0;
	return v;
}

void eventfd_signal(int fd)
{
	uint64_t one = 1;
	ssize_t r = write(fd, &one, sizeof(one));
	(void)r;
}

void eventfd_drain(int fd)
{
	uint64_t v;
	ssize_t r = read(fd, &v, sizeof(v));
	(void)r;
}

size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) / a * a;
}

// --- volumes -------------------------------------------------------------

struct Volume {
	VolumeConfig cfg;
	Fd fd;
	bool blk = false;
	bool direct = true;
	bool discard = true; // the backend can discard
	uint32_t block_size = QBD_SECTOR_SIZE;
	uint32_t max_discard = 0;
	std::atomic<uint64_t> capacity{ 0 };
	std::atomic<bool> zero_range{ true }; // fallocate ZERO_RANGE works
	uint64_t notified_capacity = 0; // control thread only
	VolumeStats stats;

	void open(const Config &c);
	uint64_t read_size() const;
};

void Volume::open(const Config &c)
{
	int flags = (cfg.read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC;
	int f = ::open(cfg.path.c_str(), flags | O_DIRECT);

	if (f < 0 && errno == EINVAL) {
		log("volume %s: %s refuses O_DIRECT, using buffered I/O",
		    cfg.name.c_str(), cfg.path.c_str());
		direct = false;
		f = ::open(cfg.path.c_str(), flags);
	}
	if (f < 0)
		throw std::runtime_error("volume " + cfg.name + ": " +
					 cfg.path + ": " + strerror(errno));
	fd.reset(f);
	struct stat st;
	if (fstat(f, &st) < 0)
		throw std::runtime_error("volume " + cfg.name + ": " +
					 strerror(errno));
	if (S_ISBLK(st.st_mode)) {
		blk = true;
		int lbs = 0;
		if (ioctl(f, BLKSSZGET, &lbs) < 0 || lbs < QBD_SECTOR_SIZE)
			lbs = QBD_SECTOR_SIZE;
		block_size = lbs;
		// Discard only where the device does it.
		char path[96];
		snprintf(path, sizeof(path),
			 "/sys/dev/block/%u:%u/queue/discard_max_bytes",
			 major(st.st_rdev), minor(st.st_rdev));
		std::ifstream in(path);
		uint64_t dmax = 0;
		in >> dmax;
		discard = dmax > 0;
	} else if (S_ISREG(st.st_mode)) {
		struct statx sx;
		// O_DIRECT with 512-byte offsets needs a filesystem whose
		// direct I/O alignment allows them; otherwise buffered.
		if (direct &&
		    statx(f, "", AT_EMPTY_PATH, STATX_DIOALIGN, &sx) == 0 &&
		    (sx.stx_mask & STATX_DIOALIGN) &&
		    (sx.stx_dio_offset_align == 0 ||
		     sx.stx_dio_offset_align > QBD_SECTOR_SIZE ||
		     sx.stx_dio_mem_align > 4096)) {
			log("volume %s: %s cannot do 512-byte direct I/O, "
			    "using buffered I/O",
			    cfg.name.c_str(), cfg.path.c_str());
			int g = ::open(cfg.path.c_str(), flags);
			if (g < 0)
				throw std::runtime_error("volume " + cfg.name +
							 ": " +
							 strerror(errno));
			fd.reset(g);
			direct = false;
		}
	} else {
		throw std::runtime_error("volume " + cfg.name + ": " +
					 cfg.path +
					 " is neither a file nor a block "
					 "device");
	}
	max_discard = c.max_discard;
	if (max_discard == 0)
		discard = false;
	capacity = read_size();
	notified_capacity = capacity;
	log("volume %s: %s, %llu bytes, block %u%s%s", cfg.name.c_str(),
	    cfg.path.c_str(), (unsigned long long)capacity.load(), block_size,
	    cfg.read_only ? ", read-only" : "", direct ? "" : ", buffered");
}

uint64_t Volume::read_size() const
{
	uint64_t size = 0;

	if (blk) {
		if (ioctl(fd.get(), BLKGETSIZE64, &size) < 0)
			return capacity;
	} else {
		struct stat st;
		if (fstat(fd.get(), &st) < 0)
			return capacity;
		size = st.st_size;
	}
	return size / block_size * block_size;
}

// --- sessions and connections -----------------------------------------

class Connection;

struct Session {
	uint64_t id;
	Volume *vol;
	std::string host;
	bool read_only;
	uint16_t queues, depth;
	Connection *admin;
	std::vector<Connection *> io; // [qid], 1..queues
	bool alive = true;
	bool armed = true; // may send a resize event
};

class Target;

// What a CONNECT_REQUEST event carried, copied out before the ack.
struct ConnReq {
	std::vector<uint8_t> private_data;
	uint8_t initiator_depth = 0, responder_resources = 0;
};

enum StopMode { RUNNING, GRACEFUL, ABORT };

enum WrKind : uint64_t { WR_RECV = 1, WR_SEND, WR_WRITE, WR_READ, WR_EVENT };

uint64_t wr_id(WrKind k, uint32_t idx)
{
	return (uint64_t(k) << 32) | idx;
}

// A job for the ioctl worker and its result.
struct Job {
	uint32_t ctx;
	int fd;
	unsigned long op;
	uint64_t range[2];
	int res;
};

class Worker {
    public:
	Worker()
		: efd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
	{
		if (efd_.get() < 0)
			throw std::runtime_error("eventfd");
		th_ = std::thread([this] { loop(); });
	}
	~Worker()
	{
		{
			std::lock_guard g(m_);
			quit_ = true;
		}
		cv_.notify_one();
		th_.join();
	}
	int fd() const
	{
		return efd_.get();
	}
	void submit(const Job &j)
	{
		{
			std::lock_guard g(m_);
			jobs_.push_back(j);
		}
		cv_.notify_one();
	}
	std::deque<Job> take()
	{
		std::lock_guard g(m_);
		return std::exchange(done_, {});
	}

    private:
	void loop()
	{
		std::unique_lock g(m_);
		for (;;) {
			cv_.wait(g, [this] { return quit_ || !jobs_.empty(); });
			if (jobs_.empty())
				return;
			Job j = jobs_.front();
			jobs_.pop_front();
			g.unlock();
			j.res = ioctl(j.fd, j.op, j.range) < 0 ? -errno : 0;
			g.lock();
			done_.push_back(j);
			eventfd_signal(efd_.get());
		}
	}
	Fd efd_;
	std::mutex m_;
	std::condition_variable cv_;
	std::deque<Job> jobs_, done_;
	bool quit_ = false;
	std::thread th_;
};

// One request between its receive and the completion of its response.
struct Ctx {
	enum Stage { FREE, WAIT_BUF, WAIT_RD, RDMA_RD, BACKEND, SENDING };
	Stage stage = FREE;
	IoReq r{};
	int slot = -1; // receive slot held (inline write)
	uint32_t pg = 0, npg = 0; // data pool pages held
	uint32_t done = 0; // bytes the backend did so far
	uint16_t status = 0;
	bool punched = false;
};

struct ConnParams {
	bool admin;
	uint16_t qid, depth;
	uint32_t inline_size, max_io;
	unsigned max_rd; // RDMA READs at once
	std::shared_ptr<Session> session; // I/O queues
	Volume *vol = nullptr; // I/O queues
};

class Connection {
    public:
	// Takes the id only once fully set up: if this throws, the caller
	// still owns it (and rejects the request).
	Connection(Target &t, rdma_cm_id *id, ConnParams p);
	~Connection();
	Connection(const Connection &) = delete;
	Connection &operator=(const Connection &) = delete;

	// From the control thread, after accept.
	void start();
	// Thread-safe.
	void request_stop(StopMode m);
	void post_event();
	void join()
	{
		if (thr_.joinable())
			thr_.join();
	}

	rdma_cm_id *id() const
	{
		return id_.get();
	}
	void release_id()
	{
		(void)id_.release();
	}
	const ConnParams &params() const
	{
		return p_;
	}
	const Nonce &nonce() const
	{
		return nonce_;
	}
	std::shared_ptr<Session> session; // admin: the OPEN's (under Target::mu)
	std::string peer;

    private:
	void run();
	void poll_cq();
	void on_wc(const ibv_wc &wc);
	void on_recv(uint32_t slot, uint32_t byte_len);
	void on_send_done(uint32_t idx);
	void on_read_done(uint32_t idx);
	void on_cqe(uint32_t idx, int res);
	void begin_stop(StopMode m, const char *why);
	bool drained() const;
	void violation(const char *why);
	void fatal(const char *what, int err);

	void repost(uint32_t slot);
	int ibv_post_recv_slot(uint32_t slot);
	int alloc_ctx();
	void release(uint32_t idx);
	void respond(uint32_t idx, uint16_t status, uint32_t length,
		     const qbd_info *info = nullptr);

	void admin_request(uint32_t slot, uint32_t byte_len);
	void fill_info(qbd_info *info);

	void pump_backlog();
	void start_io(uint32_t idx, uint32_t slot, uint32_t byte_len);
	bool alloc_pages(uint32_t idx);
	void free_pages(uint32_t idx);
	void got_buffer(uint32_t idx);
	void pump_reads();
	void submit_rw(uint32_t idx);
	void submit_other(uint32_t idx);
	io_uring_sqe *sqe();
	uint8_t *buf_of(const Ctx &c);
	IoLimits limits() const;
	void finish_backend(uint32_t idx, int res);

	Target &t_;
	// Destroyed in reverse: worker, QP, MR, CQ, channel, PD, ring,
	// memory, id.
	CmId id_;
	Mem mem_;
	Ring ring_;
	Pd pd_;
	CompChannel cchan_;
	Cq cq_;
	Mr mr_;
	Qp qp_;
	std::unique_ptr<Worker> worker_;

	ConnParams p_;
	Nonce nonce_{};
	rdma_cm_id *qp_id_ = nullptr;
	Fd wake_, epoll_, ring_efd_;
	std::thread thr_;
	std::atomic<int> stop_req_{ RUNNING };
	std::atomic<bool> event_pending_{ false };

	// Layout of mem_.
	uint32_t hdr_size_ = 0, slot_size_ = 0;
	uint8_t *rsp_ = nullptr, *hdr_ = nullptr, *data_ = nullptr,
		*pool_ = nullptr;
	static constexpr uint32_t RSP_SLOT = 128;
	uint32_t nctx_ = 0, pool_pages_ = 0;

	// Connection thread state.
	std::vector<Ctx> ctx_;
	std::vector<uint32_t> free_ctx_;
	std::vector<bool> page_used_;
	std::deque<std::pair<uint32_t, uint32_t> > backlog_; // slot, byte_len
	std::deque<uint32_t> buf_wait_, rd_wait_;
	uint32_t inflight_ = 0; // received, response not posted
	uint32_t sending_ = 0; // sends posted, not completed
	uint32_t backend_ = 0; // io_uring and worker ops
	uint32_t rd_out_ = 0; // RDMA READs posted
	uint32_t sqes_ = 0; // prepared, not submitted
	StopMode mode_ = RUNNING;
	bool disconnected_ = false;
	bool opened_ = false;
	std::chrono::steady_clock::time_point stop_at_;
};

class Target {
    public:
	explicit Target(const Config &c)
		: cfg(c)
	{
	}
	int run();

	Volume *volume(const std::string &name)
	{
		for (auto &v : vols)
			if (v->cfg.name == name)
				return v.get();
		return nullptr;
	}
	// The admin connection's session, made by a successful OPEN.
	std::shared_ptr<Session> open_session(Connection *admin, Volume *v,
					      const std::string &host, bool ro,
					      const Grant &g);
	// The admin connection is going away, or closed: stop the I/O
	// queues once their requests are answered.
	void end_session(Connection *admin, const char *why);
	void rearm(Connection *admin);
	// From a connection's thread, as its last act.
	void finished(Connection *c);

	const Config cfg;
	std::vector<std::unique_ptr<Volume> > vols;
	std::mutex mu;

    private:
	void listen();
	void cm_events();
	bool connect_request(rdma_cm_id *id, const ConnReq &ev);
	void reap();
	void tick();
	void write_stats(bool force);

	std::map<uint64_t, std::shared_ptr<Session> > sessions_; // under mu
	std::vector<Connection *> finished_; // under mu
	Fd reap_fd_;
	EventChannel ch_;
	std::vector<CmId> listeners_;
	std::map<Connection *, std::unique_ptr<Connection> > conns_;
	bool stopping_ = false;
	std::vector<std::pair<std::string, StatsSnapshot> > last_stats_;
	bool stats_written_ = false;
};

// --- Connection ------------------------------------------------------

Connection::Connection(Target &t, rdma_cm_id *cid, ConnParams p)
	: t_(t)
	, p_(std::move(p))
{
	uint32_t depth = p_.depth;

	nctx_ = 2 * depth;
	if (p_.admin) {
		hdr_size_ = QBD_ADMIN_MSG_MAX;
		if (getrandom(nonce_.data(), nonce_.size(), 0) !=
		    (ssize_t)nonce_.size())
			throw std::runtime_error("getrandom failed");
	} else {
		hdr_size_ = sizeof(qbd_req);
		slot_size_ = align_up(p_.inline_size, 4096);
		uint64_t pool = std::min<uint64_t>(
			uint64_t(depth) * p_.max_io,
			std::max<uint64_t>(p_.max_io, 4u << 20));
		pool_pages_ = pool / 4096;
	}
	size_t rsp_len = align_up((nctx_ + 1) * RSP_SLOT, 4096);
	size_t hdr_len = align_up(depth * hdr_size_, 4096);
	size_t data_len = size_t(depth) * slot_size_;
	size_t pool_len = size_t(pool_pages_) * 4096;
	mem_.alloc(rsp_len + hdr_len + data_len + pool_len);
	rsp_ = mem_.get();
	hdr_ = rsp_ + rsp_len;
	data_ = hdr_ + hdr_len;
	pool_ = data_ + data_len;

	ctx_.resize(nctx_);
	for (uint32_t i = nctx_; i-- > 0;)
		free_ctx_.push_back(i);
	page_used_.assign(pool_pages_, false);

	pd_.reset(ibv_alloc_pd(cid->verbs));
	if (!pd_)
		throw std::runtime_error("allocate PD");
	cchan_.reset(ibv_create_comp_channel(cid->verbs));
	if (!cchan_)
		throw std::runtime_error("create completion channel");
	int send_wr = 2 * nctx_ + 2, recv_wr = depth;
	cq_.reset(ibv_create_cq(cid->verbs, send_wr + recv_wr, nullptr,
				cchan_.get(), 0));
	if (!cq_)
		throw std::runtime_error(std::string("create CQ: ") +
					 strerror(errno));
	mr_.reset(ibv_reg_mr(pd_.get(), mem_.get(), mem_.size(),
			     IBV_ACCESS_LOCAL_WRITE));
	if (!mr_)
		throw std::runtime_error(std::string("register memory: ") +
					 strerror(errno));
	ibv_qp_init_attr qa{};
	qa.send_cq = cq_.get();
	qa.recv_cq = cq_.get();
	qa.qp_type = IBV_QPT_RC;
	qa.cap.max_send_wr = send_wr;
	qa.cap.max_recv_wr = recv_wr;
	qa.cap.max_send_sge = 1;
	qa.cap.max_recv_sge = slot_size_ ? 2 : 1;
	qp_.create(cid, pd_.get(), &qa);

	if (!p_.admin) {
		ring_.init(std::max<uint32_t>(8, depth + 8));
		iovec iov = { mem_.get(), mem_.size() };
		int err = io_uring_register_buffers(ring_.get(), &iov, 1);
		if (err)
			throw std::runtime_error(
				std::string("io_uring register buffers: ") +
				strerror(-err) +
				(err == -ENOMEM ? " (raise RLIMIT_MEMLOCK)" :
						  ""));
	}
	wake_.reset(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
	epoll_.reset(epoll_create1(EPOLL_CLOEXEC));
	if (wake_.get() < 0 || epoll_.get() < 0)
		throw std::runtime_error("eventfd/epoll");
	int fl = fcntl(cchan_->fd, F_GETFL);
	fcntl(cchan_->fd, F_SETFL, fl | O_NONBLOCK);
	epoll_event e{};
	e.events = EPOLLIN;
	e.data.fd = cchan_->fd;
	epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, cchan_->fd, &e);
	e.data.fd = wake_.get();
	epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, wake_.get(), &e);
	if (ring_) {
		ring_efd_.reset(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
		if (ring_efd_.get() < 0 ||
		    io_uring_register_eventfd(ring_.get(), ring_efd_.get()))
			throw std::runtime_error("io_uring eventfd");
		e.data.fd = ring_efd_.get();
		epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, ring_efd_.get(), &e);
	}
	qp_id_ = cid;
	for (uint32_t i = 0; i < depth; i++)
		if (ibv_post_recv_slot(i))
			throw std::runtime_error("post receives");
	if (ibv_req_notify_cq(cq_.get(), 0))
		throw std::runtime_error("arm CQ");
	id_.reset(cid);
}

Connection::~Connection()
{
	join();
}

void Connection::start()
{
	thr_ = std::thread([this] { run(); });
}

void Connection::request_stop(StopMode m)
{
	int cur = stop_req_.load();
	while (cur < m && !stop_req_.compare_exchange_weak(cur, m))
		;
	eventfd_signal(wake_.get());
}

void Connection::post_event()
{
	event_pending_ = true;
	eventfd_signal(wake_.get());
}

void Connection::repost(uint32_t slot)
{
	if (int err = ibv_post_recv_slot(slot))
		fatal("post receive", err);
}

int Connection::ibv_post_recv_slot(uint32_t slot)
{
	ibv_sge sge[2];
	ibv_recv_wr wr{}, *bad;

	sge[0] = { (uintptr_t)(hdr_ + size_t(slot) * hdr_size_), hdr_size_,
		   mr_->lkey };
	wr.num_sge = 1;
	if (slot_size_) {
		sge[1] = { (uintptr_t)(data_ + size_t(slot) * slot_size_),
			   p_.inline_size, mr_->lkey };
		wr.num_sge = 2;
	}
	wr.wr_id = wr_id(WR_RECV, slot);
	wr.sg_list = sge;
	return ibv_post_recv(qp_id_->qp, &wr, &bad);
}

int Connection::alloc_ctx()
{
	if (free_ctx_.empty())
		return -1;
	uint32_t i = free_ctx_.back();
	free_ctx_.pop_back();
	ctx_[i] = Ctx{};
	return i;
}

void Connection::release(uint32_t idx)
{
	Ctx &c = ctx_[idx];

	if (c.slot >= 0 && mode_ != ABORT)
		repost(c.slot);
	c.slot = -1;
	free_pages(idx);
	c.stage = Ctx::FREE;
	free_ctx_.push_back(idx);
}

void Connection::fatal(const char *what, int err)
{
	log("%s queue %u: %s: %s", peer.c_str(), p_.qid, what, strerror(err));
	begin_stop(ABORT, nullptr);
}

void Connection::violation(const char *why)
{
	log("%s queue %u: protocol violation: %s; disconnecting", peer.c_str(),
	    p_.qid, why);
	if (p_.vol)
		p_.vol->stats.protocol_violations++;
	begin_stop(ABORT, nullptr);
}

void Connection::begin_stop(StopMode m, const char *why)
{
	if (m <= mode_)
		return;
	if (why)
		log("%s queue %u: %s", peer.c_str(), p_.qid, why);
	if (mode_ == RUNNING)
		stop_at_ = std::chrono::steady_clock::now();
	mode_ = m;
	// Requests received but not started are dropped: the host retries
	// them on its next connection. Those started run to their end.
	backlog_.clear();
	if (p_.admin)
		t_.end_session(this, nullptr);
	if (m == ABORT) {
		buf_wait_.clear(); // they hold nothing yet
		for (auto idx : std::exchange(rd_wait_, {}))
			release(idx);
		if (!disconnected_) {
			rdma_disconnect(id_.get()); // the QP flushes
			disconnected_ = true;
		}
	}
}

bool Connection::drained() const
{
	if (backend_ || rd_out_ || !buf_wait_.empty() || !rd_wait_.empty())
		return false;
	if (sending_ == 0)
		return true;
	// A host that vanished without a word: give its sends 10 s.
	return std::chrono::steady_clock::now() - stop_at_ >
	       std::chrono::seconds(10);
}

void Connection::run()
{
	for (;;) {
		int req = stop_req_.load();
		if (req > mode_)
			begin_stop(StopMode(req), nullptr);
		poll_cq();
		if (ring_) {
			io_uring_cqe *cqe;
			while (io_uring_peek_cqe(ring_.get(), &cqe) == 0) {
				uint32_t idx = io_uring_cqe_get_data64(cqe);
				int res = cqe->res;
				io_uring_cqe_seen(ring_.get(), cqe);
				on_cqe(idx, res);
			}
		}
		if (worker_)
			for (auto &j : worker_->take())
				on_cqe(j.ctx, j.res);
		if (event_pending_.exchange(false) && mode_ == RUNNING &&
		    p_.admin) {
			auto *ev = reinterpret_cast<qbd_rsp *>(
				rsp_ + nctx_ * RSP_SLOT);
			*ev = make_rsp(QBD_TAG_EVENT, QBD_EVENT_RESIZE,
				       QBD_OP_EVENT, 0);
			ibv_sge sge = { (uintptr_t)ev, sizeof(*ev), mr_->lkey };
			ibv_send_wr wr{}, *bad;
			wr.wr_id = wr_id(WR_EVENT, 0);
			wr.sg_list = &sge;
			wr.num_sge = 1;
			wr.opcode = IBV_WR_SEND;
			wr.send_flags = IBV_SEND_SIGNALED;
			if (int err = ibv_post_send(qp_id_->qp, &wr, &bad))
				fatal("post event", err);
			else
				sending_++;
		}
		if (sqes_) {
			int r = io_uring_submit(ring_.get());
			if (r >= 0)
				sqes_ -= std::min<uint32_t>(sqes_, r);
		}
		if (mode_ != RUNNING && drained())
			break;
		epoll_event evs[4];
		int n = epoll_wait(epoll_.get(), evs, 4,
				   mode_ != RUNNING ? 100 : -1);
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			if (fd == cchan_->fd) {
				ibv_cq *cq;
				void *ctx;
				while (ibv_get_cq_event(cchan_.get(), &cq,
							&ctx) == 0) {
					ibv_ack_cq_events(cq, 1);
					ibv_req_notify_cq(cq, 0);
				}
			} else {
				eventfd_drain(fd);
			}
		}
	}
	if (!disconnected_) {
		rdma_disconnect(id_.get());
		disconnected_ = true;
	}
	t_.finished(this);
}

void Connection::poll_cq()
{
	ibv_wc wc[16];
	int n;

	while ((n = ibv_poll_cq(cq_.get(), 16, wc)) > 0)
		for (int i = 0; i < n; i++)
			on_wc(wc[i]);
}

void Connection::on_wc(const ibv_wc &wc)
{
	auto kind = WrKind(wc.wr_id >> 32);
	uint32_t idx = uint32_t(wc.wr_id);

	if (wc.status != IBV_WC_SUCCESS) {
		if (wc.status != IBV_WC_WR_FLUSH_ERR && mode_ != ABORT)
			log("%s queue %u: %s failed: %s; disconnecting",
			    peer.c_str(), p_.qid,
			    kind == WR_RECV  ? "receive" :
			    kind == WR_READ  ? "RDMA READ" :
			    kind == WR_WRITE ? "RDMA WRITE" :
					       "send",
			    ibv_wc_status_str(wc.status));
		begin_stop(ABORT, nullptr);
		switch (kind) {
		case WR_SEND: // its RDMA WRITE's error comes as WR_WRITE
			sending_--;
			release(idx);
			break;
		case WR_EVENT:
			sending_--;
			break;
		case WR_READ:
			rd_out_--;
			release(idx);
			break;
		default:
			break;
		}
		return;
	}
	switch (kind) {
	case WR_RECV:
		if (wc.opcode != IBV_WC_RECV)
			violation("unexpected RDMA operation");
		else
			on_recv(idx, wc.byte_len);
		break;
	case WR_SEND:
		on_send_done(idx);
		break;
	case WR_EVENT:
		sending_--;
		break;
	case WR_READ:
		on_read_done(idx);
		break;
	case WR_WRITE: // unsignaled: only errors arrive
		break;
	}
}

void Connection::on_recv(uint32_t slot, uint32_t byte_len)
{
	if (mode_ != RUNNING)
		return; // not started: dropped, the host retries
	if (byte_len < sizeof(qbd_req)) {
		violation("message shorter than a request");
		return;
	}
	if (++inflight_ > p_.depth) {
		violation("more requests in flight than the queue's depth");
		return;
	}
	if (p_.admin) {
		admin_request(slot, byte_len);
		return;
	}
	backlog_.emplace_back(slot, byte_len);
	pump_backlog();
}

void Connection::respond(uint32_t idx, uint16_t status, uint32_t length,
			 const qbd_info *info)
{
	Ctx &c = ctx_[idx];

	inflight_--;
	if (mode_ == ABORT) {
		release(idx);
		return;
	}
	if (status != QBD_S_OK && p_.vol && status != QBD_S_IO)
		p_.vol->stats.bad_requests++;
	else if (status == QBD_S_IO && p_.vol)
		p_.vol->stats.errors++;
	// The receive goes back before the response: the host may send
	// its next request as soon as it sees this one answered.
	if (c.slot >= 0) {
		repost(c.slot);
		c.slot = -1;
	}
	uint8_t *buf = rsp_ + size_t(idx) * RSP_SLOT;
	qbd_rsp rsp = make_rsp(c.r.tag, status, c.r.opcode, length);
	std::memcpy(buf, &rsp, sizeof(rsp));
	uint32_t len = sizeof(rsp);
	if (info) {
		std::memcpy(buf + sizeof(rsp), info, sizeof(*info));
		len += sizeof(*info);
	}
	ibv_sge data_sge, rsp_sge = { (uintptr_t)buf, len, mr_->lkey };
	ibv_send_wr wr[2]{}, *first = &wr[1], *bad;
	wr[1].wr_id = wr_id(WR_SEND, idx);
	wr[1].sg_list = &rsp_sge;
	wr[1].num_sge = 1;
	wr[1].send_flags = IBV_SEND_SIGNALED;
	if (c.r.rkey) {
		wr[1].opcode = IBV_WR_SEND_WITH_INV;
		wr[1].invalidate_rkey = c.r.rkey;
	} else {
		wr[1].opcode = IBV_WR_SEND;
	}
	if (c.r.opcode == QBD_OP_READ && status == QBD_S_OK) {
		data_sge = { (uintptr_t)buf_of(c), c.r.length, mr_->lkey };
		wr[0].wr_id = wr_id(WR_WRITE, idx);
		wr[0].sg_list = &data_sge;
		wr[0].num_sge = 1;
		wr[0].opcode = IBV_WR_RDMA_WRITE; // unsignaled
		wr[0].wr.rdma.remote_addr = c.r.addr;
		wr[0].wr.rdma.rkey = c.r.rkey;
		wr[0].next = &wr[1];
		first = &wr[0];
	}
	c.stage = Ctx::SENDING;
	sending_++;
	if (int err = ibv_post_send(qp_id_->qp, first, &bad)) {
		sending_--;
		release(idx);
		fatal("post send", err);
	}
}

void Connection::on_send_done(uint32_t idx)
{
	sending_--;
	release(idx);
	if (!p_.admin) {
		pump_backlog();
	}
}

// --- admin queue ---------------------------------------------------------

void Connection::fill_info(qbd_info *info)
{
	std::shared_ptr<Session> s;
	{
		std::lock_guard g(t_.mu);
		s = session;
	}
	Volume *v = s->vol;
	uint64_t cap = v->read_size();
	v->capacity = cap;
	uint32_t caps = QBD_CAP_FLUSH | QBD_CAP_FUA;
	if (v->max_discard)
		caps |= QBD_CAP_WRITE_ZEROES;
	if (v->discard)
		caps |= QBD_CAP_DISCARD;
	if (s->read_only)
		caps |= QBD_CAP_READ_ONLY;
	*info = {};
	info->session = htole64(s->id);
	info->capacity = htole64(cap);
	info->caps = htole32(caps);
	info->block_size = htole32(v->block_size);
	info->max_io = htole32(t_.cfg.max_io);
	info->max_discard = htole32(v->max_discard);
	info->queues = htole16(s->queues);
	info->depth = htole16(s->depth);
}

void Connection::admin_request(uint32_t slot, uint32_t byte_len)
{
	uint8_t msg[QBD_ADMIN_MSG_MAX];
	std::memcpy(msg, hdr_ + size_t(slot) * hdr_size_,
		    std::min<uint32_t>(byte_len, sizeof(msg)));
	repost(slot);
	int i = alloc_ctx();
	if (i < 0) {
		violation("admin queue overrun");
		return;
	}
	qbd_req req;
	std::memcpy(&req, msg, sizeof(req));
	Ctx &c = ctx_[i];
	c.r = decode_req(req);
	qbd_info info;

	switch (c.r.opcode) {
	case QBD_OP_OPEN: {
		if (byte_len != QBD_ADMIN_MSG_MAX || opened_ || c.r.flags) {
			respond(i, QBD_S_INVALID, 0);
			return;
		}
		qbd_open op;
		std::memcpy(&op, msg + sizeof(qbd_req), sizeof(op));
		bool ok;
		std::string vname = wire_name(op.volume, &ok);
		std::string host = wire_name(op.host, &ok);
		Volume *v = t_.volume(vname);
		uint16_t st = authorize(op, nonce_, v ? &v->cfg : nullptr);
		uint32_t oflags = le32toh(op.flags);
		Grant g{};
		if (st == QBD_S_OK && (oflags & ~QBD_OPEN_READ_ONLY))
			st = QBD_S_INVALID;
		if (st == QBD_S_OK)
			st = grant(op, t_.cfg, &g);
		if (st != QBD_S_OK) {
			log("%s: open of volume '%s' by host '%s' refused: %s",
			    peer.c_str(), vname.c_str(), host.c_str(),
			    status_name(st));
			if (v)
				v->stats.open_refused++;
			respond(i, st, 0);
			return;
		}
		opened_ = true;
		bool ro = v->cfg.read_only || (oflags & QBD_OPEN_READ_ONLY);
		t_.open_session(this, v, host, ro, g);
		fill_info(&info);
		respond(i, QBD_S_OK, 0, &info);
		return;
	}
	case QBD_OP_KEEPALIVE: {
		bool has;
		{
			std::lock_guard g(t_.mu);
			has = session && session->alive;
		}
		if (!has || byte_len != sizeof(qbd_req)) {
			respond(i, QBD_S_INVALID, 0);
			return;
		}
		t_.rearm(this);
		fill_info(&info);
		respond(i, QBD_S_OK, 0, &info);
		return;
	}
	case QBD_OP_CLOSE:
		if (byte_len != sizeof(qbd_req)) {
			respond(i, QBD_S_INVALID, 0);
			return;
		}
		t_.end_session(this, "closed");
		respond(i, QBD_S_OK, 0);
		return;
	default:
		respond(i, QBD_S_INVALID, 0);
		return;
	}
}

// --- I/O queues ------------------------------------------------------

IoLimits Connection::limits() const
{
	Volume *v = p_.vol;
	return { v->capacity.load(std::memory_order_relaxed),
		 v->block_size,
		 p_.max_io,
		 v->max_discard,
		 p_.inline_size,
		 p_.session->read_only,
		 v->discard };
}

uint8_t *Connection::buf_of(const Ctx &c)
{
	if (c.slot >= 0)
		return data_ + size_t(c.slot) * slot_size_;
	return pool_ + size_t(c.pg) * 4096;
}

void Connection::pump_backlog()
{
	while (mode_ == RUNNING && !backlog_.empty()) {
		int i = alloc_ctx();
		if (i < 0)
			return; // a send completion frees one
		auto [slot, len] = backlog_.front();
		backlog_.pop_front();
		start_io(i, slot, len);
	}
}

void Connection::start_io(uint32_t idx, uint32_t slot, uint32_t byte_len)
{
	Ctx &c = ctx_[idx];
	qbd_req req;

	std::memcpy(&req, hdr_ + size_t(slot) * hdr_size_, sizeof(req));
	c.r = decode_req(req);
	uint16_t st = validate_io(c.r, byte_len, limits());
	if (st == QBD_S_OK && c.r.opcode == QBD_OP_WRITE && c.r.rkey &&
	    p_.max_rd == 0)
		st = QBD_S_UNSUPPORTED; // the host allows no RDMA READ
	bool inline_write = st == QBD_S_OK && c.r.opcode == QBD_OP_WRITE &&
			    c.r.rkey == 0;
	if (inline_write)
		c.slot = slot; // the data stays in the receive buffer
	else
		repost(slot);
	if (st != QBD_S_OK) {
		respond(idx, st, 0);
		return;
	}
	switch (c.r.opcode) {
	case QBD_OP_READ:
	case QBD_OP_WRITE:
		if (inline_write) {
			p_.vol->stats.inline_writes++;
			submit_rw(idx);
			return;
		}
		if (buf_wait_.empty() && alloc_pages(idx)) {
			got_buffer(idx);
		} else {
			c.stage = Ctx::WAIT_BUF;
			buf_wait_.push_back(idx);
		}
		return;
	default:
		submit_other(idx);
		return;
	}
}

bool Connection::alloc_pages(uint32_t idx)
{
	Ctx &c = ctx_[idx];
	uint32_t n = (c.r.length + 4095) / 4096, run = 0;

	for (uint32_t p = 0; p < pool_pages_; p++) {
		run = page_used_[p] ? 0 : run + 1;
		if (run == n) {
			c.pg = p + 1 - n;
			c.npg = n;
			for (uint32_t q = c.pg; q <= p; q++)
				page_used_[q] = true;
			return true;
		}
	}
	return false;
}

void Connection::free_pages(uint32_t idx)
{
	Ctx &c = ctx_[idx];

	if (!c.npg)
		return;
	for (uint32_t q = c.pg; q < c.pg + c.npg; q++)
		page_used_[q] = false;
	c.npg = 0;
	if (mode_ == ABORT)
		return;
	// Strictly first come, first served: a large request is not
	// starved by small ones behind it.
	while (!buf_wait_.empty() && alloc_pages(buf_wait_.front())) {
		uint32_t w = buf_wait_.front();
		buf_wait_.pop_front();
		got_buffer(w);
	}
}

void Connection::got_buffer(uint32_t idx)
{
	Ctx &c = ctx_[idx];

	if (c.r.opcode == QBD_OP_READ) {
		submit_rw(idx);
		return;
	}
	c.stage = Ctx::WAIT_RD;
	rd_wait_.push_back(idx);
	pump_reads();
}

void Connection::pump_reads()
{
	while (!rd_wait_.empty() && rd_out_ < p_.max_rd) {
		uint32_t idx = rd_wait_.front();
		rd_wait_.pop_front();
		Ctx &c = ctx_[idx];
		ibv_sge sge = { (uintptr_t)buf_of(c), c.r.length, mr_->lkey };
		ibv_send_wr wr{}, *bad;
		wr.wr_id = wr_id(WR_READ, idx);
		wr.sg_list = &sge;
		wr.num_sge = 1;
		wr.opcode = IBV_WR_RDMA_READ;
		wr.send_flags = IBV_SEND_SIGNALED;
		wr.wr.rdma.remote_addr = c.r.addr;
		wr.wr.rdma.rkey = c.r.rkey;
		c.stage = Ctx::RDMA_RD;
		rd_out_++;
		if (int err = ibv_post_send(qp_id_->qp, &wr, &bad)) {
			rd_out_--;
			inflight_--;
			release(idx);
			fatal("post RDMA READ", err);
			return;
		}
	}
}

void Connection::on_read_done(uint32_t idx)
{
	rd_out_--;
	if (mode_ == ABORT) {
		inflight_--;
		release(idx);
	} else {
		submit_rw(idx);
	}
	pump_reads();
}

io_uring_sqe *Connection::sqe()
{
	io_uring_sqe *s = io_uring_get_sqe(ring_.get());
	if (!s) {
		io_uring_submit(ring_.get());
		sqes_ = 0;
		s = io_uring_get_sqe(ring_.get());
	}
	if (s)
		sqes_++;
	return s;
}

void Connection::submit_rw(uint32_t idx)
{
	Ctx &c = ctx_[idx];
	io_uring_sqe *s = sqe();

	if (!s) {
		finish_backend(idx, -EBUSY);
		return;
	}
	uint8_t *buf = buf_of(c) + c.done;
	uint32_t len = c.r.length - c.done;
	uint64_t off = c.r.offset + c.done;
	int fd = p_.vol->fd.get();
	if (c.r.opcode == QBD_OP_READ) {
		io_uring_prep_read_fixed(s, fd, buf, len, off, 0);
	} else {
		io_uring_prep_write_fixed(s, fd, buf, len, off, 0);
		if (c.r.flags & QBD_REQ_FUA)
			s->rw_flags = RWF_DSYNC;
	}
	io_uring_sqe_set_data64(s, idx);
	c.stage = Ctx::BACKEND;
	backend_++;
}

void Connection::submit_other(uint32_t idx)
{
	Ctx &c = ctx_[idx];
	Volume *v = p_.vol;

	c.stage = Ctx::BACKEND;
	if (v->blk && c.r.opcode != QBD_OP_FLUSH) {
		if (!worker_) {
			worker_ = std::make_unique<Worker>();
			epoll_event e{};
			e.events = EPOLLIN;
			e.data.fd = worker_->fd();
			epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, worker_->fd(),
				  &e);
		}
		Job j{ idx,
		       v->fd.get(),
		       c.r.opcode == QBD_OP_DISCARD ? BLKDISCARD : BLKZEROOUT,
		       { c.r.offset, c.r.length },
		       0 };
		backend_++;
		worker_->submit(j);
		return;
	}
	io_uring_sqe *s = sqe();
	if (!s) {
		finish_backend(idx, -EBUSY);
		return;
	}
	switch (c.r.opcode) {
	case QBD_OP_FLUSH:
		io_uring_prep_fsync(s, v->fd.get(), IORING_FSYNC_DATASYNC);
		break;
	case QBD_OP_DISCARD:
		io_uring_prep_fallocate(s, v->fd.get(),
					FALLOC_FL_PUNCH_HOLE |
						FALLOC_FL_KEEP_SIZE,
					c.r.offset, c.r.length);
		break;
	case QBD_OP_WRITE_ZEROES: {
		// tmpfs has no ZERO_RANGE: a punched hole reads as zeroes.
		bool zr = v->zero_range && !c.punched;
		io_uring_prep_fallocate(s, v->fd.get(),
					(zr ? FALLOC_FL_ZERO_RANGE :
					      FALLOC_FL_PUNCH_HOLE) |
						FALLOC_FL_KEEP_SIZE,
					c.r.offset, c.r.length);
		c.punched = !zr;
		break;
	}
	}
	io_uring_sqe_set_data64(s, idx);
	backend_++;
}

void Connection::on_cqe(uint32_t idx, int res)
{
	backend_--;
	finish_backend(idx, res);
}

void Connection::finish_backend(uint32_t idx, int res)
{
	Ctx &c = ctx_[idx];
	Volume *v = p_.vol;
	auto &s = v->stats;
	bool rw = c.r.opcode == QBD_OP_READ || c.r.opcode == QBD_OP_WRITE;

	if (rw && res > 0 && c.done + res < c.r.length) {
		c.done += res; // short: go on from there
		submit_rw(idx);
		return;
	}
	if (c.r.opcode == QBD_OP_WRITE_ZEROES && !v->blk &&
	    (res == -EOPNOTSUPP || res == -EINVAL) && !c.punched) {
		if (v->zero_range.exchange(false))
			log("volume %s: no FALLOC_FL_ZERO_RANGE here, "
			    "punching holes for write-zeroes",
			    v->cfg.name.c_str());
		c.punched = true;
		submit_other(idx);
		return;
	}
	uint16_t st = QBD_S_OK;
	if (res < 0 || (rw && res == 0)) {
		st = res == -EOPNOTSUPP ? QBD_S_UNSUPPORTED : QBD_S_IO;
		static std::atomic<unsigned> logged{ 0 };
		if (logged++ < 20)
			log("volume %s: %s of %u bytes at %llu failed: %s",
			    v->cfg.name.c_str(), opcode_name(c.r.opcode),
			    c.r.length, (unsigned long long)c.r.offset,
			    res ? strerror(-res) : "end of file");
	} else {
		switch (c.r.opcode) {
		case QBD_OP_READ:
			s.reads++;
			s.read_bytes += c.r.length;
			break;
		case QBD_OP_WRITE:
			s.writes++;
			s.write_bytes += c.r.length;
			if (c.r.flags & QBD_REQ_FUA)
				s.fua_writes++;
			break;
		case QBD_OP_FLUSH:
			s.flushes++;
			s.fdatasyncs++;
			break;
		case QBD_OP_DISCARD:
			s.discards++;
			s.discard_bytes += c.r.length;
			break;
		case QBD_OP_WRITE_ZEROES:
			s.write_zeroes++;
			s.write_zeroes_bytes += c.r.length;
			break;
		}
	}
	respond(idx, st, st == QBD_S_OK && rw ? c.r.length : 0);
}

// --- Target ------------------------------------------------------------

std::shared_ptr<Session> Target::open_session(Connection *admin, Volume *v,
					      const std::string &host, bool ro,
					      const Grant &g)
{
	auto s = std::make_shared<Session>();
	s->vol = v;
	s->host = host;
	s->read_only = ro;
	s->queues = g.queues;
	s->depth = g.depth;
	s->admin = admin;
	s->io.assign(g.queues + 1, nullptr);
	std::lock_guard lk(mu);
	do
		s->id = random64();
	while (sessions_.count(s->id));
	sessions_[s->id] = s;
	admin->session = s;
	v->stats.opens++;
	v->stats.sessions++;
	v->stats.connections++; // the admin queue
	log("%s: host '%s' opened volume '%s'%s: session %016llx, %u queues "
	    "of depth %u",
	    admin->peer.c_str(), host.c_str(), v->cfg.name.c_str(),
	    ro ? " read-only" : "", (unsigned long long)s->id, s->queues,
	    s->depth);
	return s;
}

void Target::end_session(Connection *admin, const char *why)
{
	std::lock_guard lk(mu);
	auto s = admin->session;
	if (!s || !s->alive)
		return;
	s->alive = false;
	sessions_.erase(s->id);
	s->vol->stats.sessions--;
	unsigned n = 0;
	for (auto *c : s->io)
		if (c) {
			c->request_stop(GRACEFUL);
			n++;
		}
	log("session %016llx (host '%s', volume '%s') ended%s%s; stopping %u "
	    "I/O queues",
	    (unsigned long long)s->id, s->host.c_str(),
	    s->vol->cfg.name.c_str(), why ? ": " : "", why ? why : "", n);
}

void Target::rearm(Connection *admin)
{
	std::lock_guard lk(mu);
	if (admin->session)
		admin->session->armed = true;
}

void Target::finished(Connection *c)
{
	{
		std::lock_guard lk(mu);
		finished_.push_back(c);
	}
	eventfd_signal(reap_fd_.get());
}

void Target::reap()
{
	std::vector<Connection *> done;
	{
		std::lock_guard lk(mu);
		done.swap(finished_);
	}
	for (auto *c : done) {
		c->join();
		{
			std::lock_guard lk(mu);
			auto &p = c->params();
			if (p.session && p.session->io[p.qid] == c)
				p.session->io[p.qid] = nullptr;
		}
		Volume *v = c->params().vol;
		if (!v && c->session)
			v = c->session->vol;
		conns_.erase(c); // destroys QP, CQ, MR, PD, ring, id
		if (v)
			v->stats.connections--;
	}
}

void Target::listen()
{
	for (auto &l : cfg.listen) {
		addrinfo hints{}, *res;
		hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
		hints.ai_socktype = SOCK_STREAM;
		std::string port = std::to_string(l.port);
		int err =
			getaddrinfo(l.addr.c_str(), port.c_str(), &hints, &res);
		if (err)
			throw std::runtime_error("listen address " + l.addr +
						 ": " + gai_strerror(err));
		std::unique_ptr<addrinfo, Deleter<freeaddrinfo> > ai(res);
		rdma_cm_id *id;
		if (rdma_create_id(ch_.get(), &id, nullptr, RDMA_PS_TCP))
			throw std::runtime_error(
				std::string("rdma_create_id: ") +
				strerror(errno));
		CmId cid(id);
		if (rdma_bind_addr(id, ai->ai_addr))
			throw std::runtime_error(
				"cannot listen on " + l.addr + ":" + port +
				": " + strerror(errno) +
				" (is an RDMA device, e.g. `rdma link add rxe0 "
				"type rxe netdev DEV`, on that address?)");
		if (rdma_listen(id, 128))
			throw std::runtime_error("rdma_listen on " + l.addr +
						 ":" + port + ": " +
						 strerror(errno));
		log("listening on %s:%u", l.addr.c_str(), l.port);
		listeners_.push_back(std::move(cid));
	}
}

std::string peer_name(rdma_cm_id *id)
{
	char buf[INET6_ADDRSTRLEN] = "?";
	sockaddr *sa = rdma_get_peer_addr(id);

	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((sockaddr_in *)sa)->sin_addr, buf,
			  sizeof(buf));
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((sockaddr_in6 *)sa)->sin6_addr, buf,
			  sizeof(buf));
	return std::string(buf) + ":" +
	       std::to_string(ntohs(rdma_get_dst_port(id)));
}

// A CONNECT_REQUEST, its event already acked (so the id may be destroyed
// at any time). True when the id now belongs to a connection (or is gone
// with it); false: the caller destroys it.
bool Target::connect_request(rdma_cm_id *id, const ConnReq &ev)
{
	CmReq req{};
	std::string peer = peer_name(id);
	uint16_t st = parse_cm_req(ev.private_data.data(),
				   ev.private_data.size(), &req);
	auto reject = [&](uint16_t status, const char *why) {
		qbd_cm_rej rej = make_rej(status);
		log("%s: connection of queue %u refused: %s (%s)", peer.c_str(),
		    req.qid, why, status_name(status));
		rdma_reject(id, &rej, sizeof(rej));
		return false;
	};

	if (stopping_)
		return reject(QBD_S_BUSY, "shutting down");
	if (st != QBD_S_OK)
		return reject(st, st == QBD_S_VERSION ?
					  "protocol version not spoken" :
					  "malformed private data");
	ConnParams p{};
	p.qid = req.qid;
	p.max_io = cfg.max_io;
	std::shared_ptr<Session> s;
	if (req.qid == 0) {
		p.admin = true;
		p.depth = std::min<uint16_t>(req.depth, QBD_ADMIN_DEPTH);
	} else {
		std::lock_guard lk(mu);
		auto it = sessions_.find(req.session);
		if (it == sessions_.end() || !it->second->alive)
			return reject(QBD_S_NO_SESSION, "no such session");
		s = it->second;
		if (req.qid > s->queues)
			return reject(QBD_S_INVALID,
				      "queue beyond those granted");
		if (s->io[req.qid])
			return reject(QBD_S_BUSY, "queue already connected");
		p.depth = std::min(req.depth, s->depth);
		p.inline_size = std::min(req.inline_size, cfg.inline_size);
		p.session = s;
		p.vol = s->vol;
	}
	ibv_device_attr da{};
	if (ibv_query_device(id->verbs, &da))
		return reject(QBD_S_BUSY, "cannot query the RDMA device");
	rdma_conn_param cp{};
	// The event already speaks from our side (the CM swaps the REQ's
	// fields, as nvmet-rdma relies on): initiator_depth is how many RDMA
	// READs the host lets us have outstanding.
	cp.responder_resources =
		std::min<int>(ev.responder_resources, da.max_qp_rd_atom);
	cp.initiator_depth =
		std::min<int>(ev.initiator_depth, da.max_qp_init_rd_atom);
	p.max_rd = cp.initiator_depth;
	cp.retry_count = 7;
	cp.rnr_retry_count = 7;

	std::unique_ptr<Connection> c;
	try {
		c = std::make_unique<Connection>(*this, id, p);
	} catch (const std::exception &e) {
		log("%s: cannot set up queue %u: %s", peer.c_str(), req.qid,
		    e.what());
		return reject(QBD_S_BUSY, "out of resources");
	}
	c->peer = peer;
	qbd_cm_rep rep{};
	rep.magic = htole32(QBD_MAGIC);
	rep.version = htole16(QBD_VERSION);
	rep.qid = htole16(req.qid);
	rep.depth = htole16(p.depth);
	rep.inline_size = htole32(p.inline_size);
	rep.max_io = htole32(cfg.max_io);
	if (p.admin)
		std::memcpy(rep.nonce, c->nonce().data(), QBD_NONCE_LEN);
	cp.private_data = &rep;
	cp.private_data_len = sizeof(rep);
	if (s) {
		// The session may have ended while the queue was set up.
		std::lock_guard lk(mu);
		if (!s->alive || s->io[req.qid]) {
			c->release_id();
			c.reset();
			return reject(QBD_S_NO_SESSION, "session ended");
		}
		s->io[req.qid] = c.get();
	}
	id->context = c.get();
	if (rdma_accept(id, &cp)) {
		log("%s: accept queue %u: %s", peer.c_str(), req.qid,
		    strerror(errno));
		std::lock_guard lk(mu);
		if (s)
			s->io[req.qid] = nullptr;
		id->context = nullptr;
		c.reset(); // destroys the id with it
		return true;
	}
	if (p.admin)
		log("%s: admin queue connected", peer.c_str());
	if (p.vol)
		p.vol->stats.connections++;
	Connection *raw = c.get();
	conns_[raw] = std::move(c);
	raw->start();
	return true;
}

void Target::cm_events()
{
	rdma_cm_event *ev;

	while (rdma_get_cm_event(ch_.get(), &ev) == 0) {
		rdma_cm_id *id = ev->id;
		auto type = ev->event;
		if (type == RDMA_CM_EVENT_CONNECT_REQUEST) {
			ConnReq r;
			auto *pd = static_cast<const uint8_t *>(
				ev->param.conn.private_data);
			if (pd)
				r.private_data.assign(
					pd,
					pd + ev->param.conn.private_data_len);
			r.initiator_depth = ev->param.conn.initiator_depth;
			r.responder_resources =
				ev->param.conn.responder_resources;
			id->context = nullptr; // not the listener's
			rdma_ack_cm_event(ev);
			if (!connect_request(id, r))
				rdma_destroy_id(id);
			continue;
		}
		auto *c = static_cast<Connection *>(id->context);
		rdma_ack_cm_event(ev);
		if (!c || !conns_.count(c)) {
			if (type == RDMA_CM_EVENT_DEVICE_REMOVAL)
				log("RDMA device removed under a listener");
			continue;
		}
		switch (type) {
		case RDMA_CM_EVENT_ESTABLISHED:
			break;
		case RDMA_CM_EVENT_DISCONNECTED:
		case RDMA_CM_EVENT_REJECTED:
		case RDMA_CM_EVENT_CONNECT_ERROR:
		case RDMA_CM_EVENT_UNREACHABLE:
		case RDMA_CM_EVENT_DEVICE_REMOVAL:
			if (c->params().admin)
				log("%s: admin queue: %s", c->peer.c_str(),
				    rdma_event_str(type));
			c->request_stop(ABORT);
			break;
		default:
			break;
		}
	}
}

void Target::tick()
{
	for (auto &v : vols) {
		uint64_t size = v->read_size();
		v->capacity = size;
		if (size == v->notified_capacity)
			continue;
		log("volume %s: capacity %llu -> %llu bytes",
		    v->cfg.name.c_str(),
		    (unsigned long long)v->notified_capacity,
		    (unsigned long long)size);
		v->notified_capacity = size;
		std::lock_guard lk(mu);
		for (auto &[id, s] : sessions_)
			if (s->vol == v.get() && s->alive && s->armed) {
				s->armed = false;
				v->stats.resize_events++;
				s->admin->post_event();
			}
	}
	write_stats(false);
}

void Target::write_stats(bool force)
{
	if (cfg.stats_file.empty())
		return;
	std::vector<std::pair<std::string, StatsSnapshot> > now;
	for (auto &v : vols) {
		StatsSnapshot s = v->stats.snapshot();
		s.capacity = v->capacity;
		now.emplace_back(v->cfg.name, s);
	}
	if (!force && stats_written_ && now == last_stats_)
		return;
	try {
		write_atomic(cfg.stats_file,
			     vmhost::json::dump(stats_json(now), true) + "\n");
		last_stats_ = now;
		stats_written_ = true;
	} catch (const std::exception &e) {
		static bool said;
		if (!said)
			log("stats: %s", e.what());
		said = true;
	}
}

int Target::run()
{
	for (auto &vc : cfg.volumes) {
		auto v = std::make_unique<Volume>();
		v->cfg = vc;
		v->open(cfg);
		vols.push_back(std::move(v));
	}
	ch_.reset(rdma_create_event_channel());
	if (!ch_)
		throw std::runtime_error(
			std::string("rdma_create_event_channel: ") +
			strerror(errno) + " (is rdma_ucm loaded?)");
	int fl = fcntl(ch_->fd, F_GETFL);
	fcntl(ch_->fd, F_SETFL, fl | O_NONBLOCK);
	reap_fd_.reset(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
	listen();

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	Fd sfd(signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
	Fd tfd(timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
	itimerspec its = { { 1, 0 }, { 1, 0 } };
	timerfd_settime(tfd.get(), 0, &its, nullptr);
	Fd ep(epoll_create1(EPOLL_CLOEXEC));
	for (int fd : { ch_->fd, reap_fd_.get(), sfd.get(), tfd.get() }) {
		epoll_event e{};
		e.events = EPOLLIN;
		e.data.fd = fd;
		epoll_ctl(ep.get(), EPOLL_CTL_ADD, fd, &e);
	}
	write_stats(true);
	log("qbd-target " VMHOST_VERSION " ready: %zu volume%s", vols.size(),
	    vols.size() == 1 ? "" : "s");

	std::chrono::steady_clock::time_point stop_deadline;
	for (;;) {
		if (stopping_ && conns_.empty())
			break;
		if (stopping_ &&
		    std::chrono::steady_clock::now() > stop_deadline) {
			log("%zu connections still draining after 30 s; "
			    "exiting anyway",
			    conns_.size());
			write_stats(true);
			fflush(stderr);
			_exit(1);
		}
		epoll_event evs[8];
		int n = epoll_wait(ep.get(), evs, 8, stopping_ ? 200 : -1);
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			if (fd == ch_->fd) {
				cm_events();
			} else if (fd == reap_fd_.get()) {
				eventfd_drain(fd);
				reap();
			} else if (fd == tfd.get()) {
				eventfd_drain(fd);
				tick();
			} else if (fd == sfd.get()) {
				signalfd_siginfo si;
				while (read(fd, &si, sizeof(si)) ==
				       sizeof(si)) {
					if (si.ssi_signo == SIGUSR1) {
						write_stats(true);
						continue;
					}
					if (stopping_)
						continue;
					log("%s: stopping; %zu connections to "
					    "drain",
					    strsignal(si.ssi_signo),
					    conns_.size());
					stopping_ = true;
					stop_deadline =
						std::chrono::steady_clock::now() +
						std::chrono::seconds(30);
					listeners_.clear();
					for (auto &[c, _] : conns_)
						c->request_stop(GRACEFUL);
				}
			}
		}
	}
	write_stats(true);
	log("stopped");
	return 0;
}

} // namespace

int run_target(const Config &cfg)
{
	try {
		Target t(cfg);
		return t.run();
	} catch (const std::exception &e) {
		log("qbd-target: %s", e.what());
		return 1;
	}
}

} // namespace qbd
