// SPDX-License-Identifier: GPL-2.0
#include "secret.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vmhost/qbd.h>

#include <cerrno>

#include "cli.h"

namespace qbd
{

void Secret::wipe() noexcept
{
	explicit_bzero(bytes_.data(), bytes_.size());
	bytes_.clear();
}

void Secret::truncate(std::size_t size)
{
	if (size >= bytes_.size())
		return;
	explicit_bzero(bytes_.data() + size, bytes_.size() - size);
	bytes_.resize(size);
}

namespace
{

using vmhost::cli::Failure;

struct Fd {
	int fd;
	~Fd()
	{
		if (fd >= 0)
			close(fd);
	}
};

[[noreturn]] void fail(const std::string &path, const std::string &why)
{
	throw Failure("secret-file " + path + ": " + why);
}

} // namespace

Secret read_secret_file(const std::string &path)
{
	Fd f{ open(path.c_str(),
		   O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK) };
	struct stat st;

	if (f.fd < 0)
		fail(path, vmhost::cli::errno_text(errno, ""));
	if (fstat(f.fd, &st) < 0)
		fail(path, vmhost::cli::errno_text(errno, ""));
	if (!S_ISREG(st.st_mode))
		fail(path, "not a regular file");
	if (st.st_mode & (S_IRGRP | S_IROTH))
		fail(path, "its group or others can read it; make it "
			   "private first: chmod 600 " +
				   path);

	// Not a FIFO: O_NONBLOCK opened it without waiting for a writer.
	// One byte more than a secret and its newline tells "too long".
	char buf[QBD_SECRET_MAX + 2];
	std::size_t len = 0;
	while (len < sizeof(buf)) {
		ssize_t n = read(f.fd, buf + len, sizeof(buf) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;
			explicit_bzero(buf, sizeof(buf));
			fail(path, vmhost::cli::errno_text(err, ""));
		}
		if (n == 0)
			break;
		len += static_cast<std::size_t>(n);
	}
	Secret s(buf, len);
	explicit_bzero(buf, sizeof(buf));

	std::size_t size = s.bytes().size();
	if (size > 0 && s.bytes()[size - 1] == '\n')
		size--;
	if (size == 0)
		fail(path, "is empty (a secret is 1 to " +
				   std::to_string(QBD_SECRET_MAX) + " bytes)");
	if (size > QBD_SECRET_MAX)
		fail(path, "is longer than " + std::to_string(QBD_SECRET_MAX) +
				   " bytes (one trailing newline allowed)");
	if (s.bytes().find('\0') < size)
		fail(path, "contains a NUL byte (a secret is text)");
	s.truncate(size);
	return s;
}

} // namespace qbd
