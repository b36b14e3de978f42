// SPDX-License-Identifier: GPL-2.0
#include "stats.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace qbd
{

StatsSnapshot VolumeStats::snapshot() const
{
	StatsSnapshot s;
#define X(f) s.f = f.load(std::memory_order_relaxed);
	QBD_STATS_FIELDS(X)
#undef X
	s.sessions = sessions.load(std::memory_order_relaxed);
	s.connections = connections.load(std::memory_order_relaxed);
	return s;
}

vmhost::json::Json
stats_json(const std::vector<std::pair<std::string, StatsSnapshot> > &vols)
{
	vmhost::json::Json doc = vmhost::json::Json::object();
	auto &out = doc["volumes"] = vmhost::json::Json::object();

	for (auto &[name, s] : vols) {
		vmhost::json::Json v = vmhost::json::Json::object();
		v["capacity"] = s.capacity;
		v["sessions"] = s.sessions;
		v["connections"] = s.connections;
#define X(f) v[#f] = s.f;
		QBD_STATS_FIELDS(X)
#undef X
		out[name] = v;
	}
	return doc;
}

void write_atomic(const std::string &path, const std::string &text)
{
	std::string tmp = path + ".tmp";
	int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		      0644);
	if (fd < 0)
		throw std::runtime_error(tmp + ": " + std::strerror(errno));
	size_t done = 0;
	while (done < text.size()) {
		ssize_t n = write(fd, text.data() + done, text.size() - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;
			close(fd);
			unlink(tmp.c_str());
			throw std::runtime_error(tmp + ": " +
						 std::strerror(err));
		}
		done += n;
	}
	if (close(fd) < 0 || rename(tmp.c_str(), path.c_str()) < 0) {
		int err = errno;
		unlink(tmp.c_str());
		throw std::runtime_error(path + ": " + std::strerror(err));
	}
}

} // namespace qbd
