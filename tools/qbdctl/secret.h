// SPDX-License-Identifier: GPL-2.0
// qbdctl: the shared secret of `connect secret-file PATH`.
#pragma once

#include <cstddef>
#include <string>

namespace qbd
{

// A secret that wipes its bytes when it goes.
class Secret {
    public:
	Secret(const char *bytes, std::size_t size)
		: bytes_(bytes, size)
	{
	}
	Secret(const Secret &) = delete;
	Secret &operator=(const Secret &) = delete;
	// Copies, then wipes `other` (a moved-from short string would keep
	// its bytes).
	Secret(Secret &&other)
		: bytes_(other.bytes_)
	{
		other.wipe();
	}
	~Secret()
	{
		wipe();
	}
	const std::string &bytes() const
	{
		return bytes_;
	}
	// Keeps the first `size` bytes.
	void truncate(std::size_t size);

    private:
	void wipe() noexcept;

	std::string bytes_;
};

// The secret in file `path`: its bytes less one trailing newline, 1 to
// QBD_SECRET_MAX (64) of them, no NUL. Refuses a file that is not a
// regular file or that its group or others may read ("chmod 600 PATH").
// Throws cli::Failure (exit 1) saying what is wrong; the message never
// contains the secret.
Secret read_secret_file(const std::string &path);

} // namespace qbd
