// SPDX-License-Identifier: GPL-2.0
// vosctl: load, watch and control VOS, the vCPU-first sched_ext scheduler.
//
// `vosctl sched start` loads the BPF scheduler and keeps it attached for as long
// as it runs: the struct_ops link belongs to this process, so when it exits
// (even by SIGKILL) the kernel switches every task back to the fair class.
// The maps other vosctl invocations need (stats, state, config, classify
// rules) are pinned under /sys/fs/bpf/vos while it runs.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "options.h"
#include "stats.h"
#include "uei.h"
#include "vos.skel.h"

namespace fs = std::filesystem;

namespace vos
{
namespace
{

constexpr const char *kPinDir = "/sys/fs/bpf/vos";
constexpr const char *kPidFile = "/run/vosctl.pid";
constexpr const char *kScxState = "/sys/kernel/sched_ext/state";
constexpr const char *kScxOps = "/sys/kernel/sched_ext/root/ops";
constexpr const char *kCgroupRoot = "/sys/fs/cgroup";

// Runtime failures: vosctl prints the message and exits 1 (or `code`).
using Error = vmhost::cli::Failure;
using vmhost::cli::kExitUnavailable;

// What vosctl needs; the kernel decides, vosctl only says so on EPERM.
constexpr const char *kNeeds = "CAP_BPF and CAP_SYS_ADMIN";

std::string errno_text(int err)
{
	return vmhost::cli::errno_text(err, kNeeds);
}

std::string read_line(const std::string &path)
{
	std::ifstream f(path);
	std::string s;

	std::getline(f, s);
	return s;
}

struct SkelDeleter {
	void operator()(vos_bpf *s) const
	{
		vos_bpf__destroy(s);
	}
};
using Skel = std::unique_ptr<vos_bpf, SkelDeleter>;

struct LinkDeleter {
	void operator()(bpf_link *l) const
	{
		bpf_link__destroy(l);
	}
};
using Link = std::unique_ptr<bpf_link, LinkDeleter>;

class Fd {
    public:
	explicit Fd(int fd = -1)
		: fd_(fd)
	{
	}
	Fd(Fd &&o) noexcept : fd_(o.fd_)
	{
		o.fd_ = -1;
	}
	Fd(const Fd &) = delete;
	Fd &operator=(const Fd &) = delete;
	~Fd()
	{
		if (fd_ >= 0)
			close(fd_);
	}
	int get() const
	{
		return fd_;
	}

    private:
	int fd_;
};

// The pid file, locked for as long as this vosctl holds the scheduler.
class PidFile {
    public:
	PidFile()
		: fd_(open(kPidFile, O_RDWR | O_CREAT | O_CLOEXEC, 0644))
	{
		if (fd_.get() < 0)
			throw Error(std::string("cannot open ") + kPidFile +
				    ": " + errno_text(errno));
		if (flock(fd_.get(), LOCK_EX | LOCK_NB))
			throw Error("another vosctl is running (pid " +
				    read_line(kPidFile) + ")");
		std::string pid = std::to_string(getpid()) + "\n";
		if (ftruncate(fd_.get(), 0) ||
		    pwrite(fd_.get(), pid.data(), pid.size(), 0) !=
			    static_cast<ssize_t>(pid.size()))
			throw Error(std::string("cannot write ") + kPidFile);
	}
	PidFile(const PidFile &) = delete;
	PidFile &operator=(const PidFile &) = delete;
	~PidFile()
	{
		unlink(kPidFile);
	}

    private:
	Fd fd_;
};

// The pid of the vosctl that holds the scheduler, 0 if none.
int holder_pid()
{
	Fd fd(open(kPidFile, O_RDONLY | O_CLOEXEC));

	if (fd.get() < 0)
		return 0;
	if (flock(fd.get(), LOCK_SH | LOCK_NB) == 0)
		return 0; // nobody holds the lock: a stale file
	try {
		return std::stoi(read_line(kPidFile));
	} catch (const std::exception &) {
		return 0;
	}
}

// Pins maps under kPinDir and removes them again when destroyed.
class Pins {
    public:
	Pins()
	{
		std::error_code ec;

		fs::remove_all(kPinDir, ec); // left over from a killed vosctl
		if (!fs::create_directories(kPinDir, ec) && ec)
			throw Error(std::string("cannot create ") + kPinDir +
				    ": " + ec.message() +
				    " (is bpffs mounted on /sys/fs/bpf?)");
	}
	Pins(const Pins &) = delete;
	Pins &operator=(const Pins &) = delete;
	~Pins()
	{
		std::error_code ec;

		fs::remove_all(kPinDir, ec);
	}
	void pin(bpf_map *map, const char *name)
	{
		std::string path = std::string(kPinDir) + "/" + name;
		int err = bpf_map__pin(map, path.c_str());

		if (err)
			throw Error("cannot pin " + path + ": " +
				    errno_text(err));
	}
};

Fd open_pinned(const char *name)
{
	std::string path = std::string(kPinDir) + "/" + name;
	int fd = bpf_obj_get(path.c_str());

	if (fd < 0 && errno == ENOENT)
		throw Error("VOS is not running (no " + path + ")",
			    kExitUnavailable);
	if (fd < 0)
		throw Error("cannot open " + path + ": " + errno_text(errno));
	return Fd(fd);
}

std::uint64_t cgroup_id(const std::string &path)
{
	struct stat st;

	// On cgroup2 the directory's inode number is the cgroup id.
	if (stat(path.c_str(), &st))
		throw Error("cgroup " + path + ": " + errno_text(errno));
	if (!S_ISDIR(st.st_mode) ||
	    path.rfind(std::string(kCgroupRoot) + "/", 0) != 0)
		throw Error(path + " is not a cgroup directory under " +
			    kCgroupRoot);
	return st.st_ino;
}

void bump_generation(int gen_fd)
{
	std::uint32_t zero = 0;
	std::uint64_t gen = 0;

	if (bpf_map_lookup_elem(gen_fd, &zero, &gen))
		throw Error("cannot read the rules generation: " +
			    errno_text(errno));
	gen++;
	if (bpf_map_update_elem(gen_fd, &zero, &gen, BPF_ANY))
		throw Error("cannot bump the rules generation: " +
			    errno_text(errno));
}

volatile sig_atomic_t stop_requested;

void on_signal(int)
{
	stop_requested = 1;
}

int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

// Loads and attaches the scheduler; returns once it is running.
struct Loaded {
	Skel skel;
	Link ops_link;
	std::vector<Link> tp_links;
	std::uint32_t dump_len = 0; // bytes of data_uei_dump
};

Loaded load(const StartOptions &o)
{
	Loaded l;
	int nr_cpus = libbpf_num_possible_cpus();

	if (nr_cpus <= 0)
		throw Error("cannot count the possible CPUs");
	l.skel.reset(vos_bpf__open());
	if (!l.skel)
		throw Error("cannot open the VOS BPF object: " +
			    errno_text(errno));

	auto &cfg = l.skel->rodata->cfg;
	cfg.ctrl_budget_pct = o.ctrl_budget_pct;
	cfg.ctrl_slice_ns = o.ctrl_slice_us * 1000;
	cfg.vcpu_slice_ns = o.vcpu_slice_us * 1000;
	cfg.max_wait_ns = o.max_wait_ms * 1000000;
	cfg.stall_ctrl = o.test_stall;
	cfg.nr_cpus = nr_cpus;
	if (o.watchdog_ms)
		l.skel->struct_ops.vos_ops->timeout_ms = o.watchdog_ms;

	// Room for the kernel's debug dump on an exit: UEI_SET_SIZE, which
	// is C, written out.
	std::uint32_t dump_len = l.skel->struct_ops.vos_ops->exit_dump_len;
	std::size_t dump_size = 0;

	if (!dump_len)
		dump_len = kExitDumpLen;
	l.skel->rodata->uei_dump_len = dump_len;
	l.dump_len = dump_len;
	if (bpf_map__set_value_size(l.skel->maps.data_uei_dump, dump_len))
		throw Error("cannot size the exit dump: " + errno_text(errno));
	l.skel->data_uei_dump = static_cast<decltype(l.skel->data_uei_dump)>(
		bpf_map__initial_value(l.skel->maps.data_uei_dump, &dump_size));
	if (!l.skel->data_uei_dump || dump_size != dump_len)
		throw Error("cannot map the exit dump");

	int err = vos_bpf__load(l.skel.get());
	if (err)
		throw Error(
			"the kernel refused the VOS BPF program: " +
			errno_text(err) +
			" (needs CONFIG_SCHED_CLASS_EXT and BTF; see above)");

	std::uint32_t on = VOS_OVERRIDE_VCPU;
	for (const auto &path : o.vcpu_cgroups) {
		std::uint64_t id = cgroup_id(path);

		if (bpf_map__update_elem(l.skel->maps.cgroup_class, &id,
					 sizeof(id), &on, sizeof(on), BPF_ANY))
			throw Error("cannot add vcpu cgroup " + path + ": " +
				    errno_text(errno));
	}

	for (bpf_program *prog : { l.skel->progs.vos_task_rename,
				   l.skel->progs.vos_cgroup_attach }) {
		bpf_link *link = bpf_program__attach(prog);

		if (!link)
			throw Error(std::string("cannot attach ") +
				    bpf_program__name(prog) + ": " +
				    errno_text(errno));
		l.tp_links.emplace_back(link);
	}
	l.ops_link.reset(bpf_map__attach_struct_ops(l.skel->maps.vos_ops));
	if (!l.ops_link)
		throw Error(
			"cannot attach VOS: " + errno_text(errno) +
			(errno == EBUSY ?
				 " (another sched_ext scheduler is loaded)" :
				 ""));
	return l;
}

using ExitInfo = user_exit_info;

std::string exit_text(const ExitInfo &ei)
{
	std::string s(ei.reason, strnlen(ei.reason, sizeof(ei.reason)));
	std::string msg(ei.msg, strnlen(ei.msg, sizeof(ei.msg)));

	if (!msg.empty())
		s += " (" + msg + ")";
	return s;
}

// Runs one load: 0 when stopped on request, 1 when the kernel ejected it.
int run_once(const StartOptions &o)
{
	Loaded l = load(o);
	Pins pins;

	pins.pin(l.skel->maps.stats, "stats");
	pins.pin(l.skel->maps.state, "state");
	pins.pin(l.skel->maps.rodata, "config");
	pins.pin(l.skel->maps.generation, "generation");
	pins.pin(l.skel->maps.tid_class, "tid_class");
	pins.pin(l.skel->maps.cgroup_class, "cgroup_class");
	std::cerr << "vosctl: VOS is running (ctrl budget " << o.ctrl_budget_pct
		  << "%, ctrl slice " << o.ctrl_slice_us << " us, max wait "
		  << o.max_wait_ms << " ms)\n";

	volatile ExitInfo *ei = &l.skel->data->uei;
	while (!stop_requested) {
		if (__atomic_load_n(&ei->kind, __ATOMIC_ACQUIRE)) {
			ExitInfo copy;

			std::memcpy(&copy, const_cast<ExitInfo *>(ei),
				    sizeof(copy));
			std::cerr << "vosctl: the kernel ejected VOS: "
				  << exit_text(copy) << "\n";
			const char *dump = l.skel->data_uei_dump->uei_dump;
			std::size_t n = strnlen(dump, l.dump_len);
			if (n)
				std::cerr << "vosctl: the kernel's dump:\n"
					  << std::string_view(dump, n) << "\n";
			return 1;
		}
		std::this_thread::sleep_for(std::chrono::milliseconds(100));
	}
	std::cerr << "vosctl: stopping VOS\n";
	return 0;
}

int cmd_start(const StartOptions &o)
{
	std::string state = read_line(kScxState);

	if (state.empty())
		throw Error(std::string("no ") + kScxState +
			    ": this kernel lacks CONFIG_SCHED_CLASS_EXT");
	if (state != "disabled")
		throw Error("sched_ext is " + state + " with ops '" +
			    read_line(kScxOps) +
			    "': stop that scheduler first");
	for (const auto &path : o.vcpu_cgroups)
		cgroup_id(path); // a bad path fails before anything loads

	PidFile pid;
	struct sigaction sa = {};
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, nullptr);
	sigaction(SIGTERM, &sa, nullptr);
	libbpf_set_print(libbpf_print);

	auto backoff = std::chrono::seconds(1);
	for (;;) {
		int rc = run_once(o);

		if (rc == 0 || !o.daemon || stop_requested)
			return rc;
		std::cerr << "vosctl: restarting VOS in " << backoff.count()
			  << " s\n";
		for (auto waited = std::chrono::milliseconds(0);
		     waited < backoff && !stop_requested;
		     waited += std::chrono::milliseconds(100))
			std::this_thread::sleep_for(
				std::chrono::milliseconds(100));
		if (stop_requested)
			return 0;
		backoff = std::min(backoff * 2, std::chrono::seconds(60));
	}
}

int cmd_stop()
{
	int pid = holder_pid();

	if (!pid)
		throw Error("VOS is not running", kExitUnavailable);
	if (kill(pid, SIGTERM))
		throw Error("cannot signal vosctl pid " + std::to_string(pid) +
			    ": " + errno_text(errno));
	for (int i = 0; i < 100; i++) {
		if (!holder_pid() && read_line(kScxOps) != "vos")
			return 0;
		std::this_thread::sleep_for(std::chrono::milliseconds(100));
	}
	throw Error("vosctl pid " + std::to_string(pid) +
		    " did not stop within 10 s");
}

int cmd_status(bool json, bool pretty)
{
	Status st;

	st.state = read_line(kScxState);
	st.ops = read_line(kScxOps);
	st.running = st.state == "enabled" && st.ops == "vos";
	st.pid = holder_pid();
	if (st.pid) {
		try {
			Fd stats = open_pinned("stats");
			Fd state = open_pinned("state");
			Fd config = open_pinned("config");
			int nr = libbpf_num_possible_cpus();
			std::vector<vos_stats> per_cpu(nr > 0 ? nr : 1);
			std::uint32_t zero = 0;
			vos_bpf::vos_bpf__rodata ro;

			if (bpf_map_lookup_elem(stats.get(), &zero,
						per_cpu.data()) ||
			    bpf_map_lookup_elem(state.get(), &zero,
						&st.tasks) ||
			    bpf_map_lookup_elem(config.get(), &zero, &ro))
				throw Error("cannot read the VOS maps: " +
					    errno_text(errno));
			st.stats = sum(per_cpu);
			std::memcpy(&st.config,
				    const_cast<vos_config *>(&ro.cfg),
				    sizeof(st.config));
			st.have_maps = true;
		} catch (const Error &e) {
			if (!json)
				std::cerr << "vosctl: " << e.what() << "\n";
		}
	}
	std::cout << (json ? format_json(st, pretty) + "\n" : format_text(st));
	return st.running ? 0 : kExitUnavailable;
}

int cmd_classify(const ClassifyOptions &o)
{
	std::uint32_t value = o.as == ClassifyAs::Vcpu ? VOS_OVERRIDE_VCPU :
							 VOS_OVERRIDE_CTRL;
	Fd gen = open_pinned("generation");
	int err;

	if (o.target == ClassifyTarget::Tid) {
		Fd map = open_pinned("tid_class");
		std::uint32_t tid = o.tid;

		if (kill(static_cast<pid_t>(tid), 0) && errno == ESRCH)
			throw Error("no task with TID " + std::to_string(tid));
		err = o.as == ClassifyAs::Auto ?
			      bpf_map_delete_elem(map.get(), &tid) :
			      bpf_map_update_elem(map.get(), &tid, &value,
						  BPF_ANY);
	} else {
		Fd map = open_pinned("cgroup_class");
		std::uint64_t id = cgroup_id(o.cgroup);

		err = o.as == ClassifyAs::Auto ?
			      bpf_map_delete_elem(map.get(), &id) :
			      bpf_map_update_elem(map.get(), &id, &value,
						  BPF_ANY);
	}
	if (err && !(o.as == ClassifyAs::Auto && errno == ENOENT))
		throw Error("cannot update the classification: " +
			    errno_text(errno));
	bump_generation(gen.get());
	return 0;
}

} // namespace
} // namespace vos

int main(int argc, char **argv)
{
	using namespace vos;

	return vmhost::cli::main(
		grammar(), argc, argv, [](const vmhost::cli::Invocation &c) {
			Invocation inv = interpret(c);

			switch (inv.command) {
			case Command::Start:
				return cmd_start(inv.start);
			case Command::Stop:
				return cmd_stop();
			case Command::Status:
				return cmd_status(inv.json, inv.pretty);
			case Command::Classify:
				return cmd_classify(inv.classify);
			default:
				return 0; // help and version: cli::main
			}
		});
}
