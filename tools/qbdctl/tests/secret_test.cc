// SPDX-License-Identifier: GPL-2.0
// The rules for `secret-file PATH`, on files in a temporary directory.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "cli.h"
#include "secret.h"

using namespace qbd;

namespace
{

class SecretFile : public ::testing::Test {
    protected:
	void SetUp() override
	{
		char tmpl[] = "/tmp/qbdctl-secret-XXXXXX";
		ASSERT_NE(mkdtemp(tmpl), nullptr);
		dir_ = tmpl;
	}
	void TearDown() override
	{
		std::filesystem::remove_all(dir_);
	}
	std::string write(const std::string &bytes, mode_t mode = 0600)
	{
		std::string path = dir_ + "/s" + std::to_string(n_++);
		std::ofstream(path, std::ios::binary) << bytes;
		chmod(path.c_str(), mode);
		return path;
	}
	// The message read_secret_file fails with.
	std::string failure(const std::string &path)
	{
		try {
			read_secret_file(path);
		} catch (const vmhost::cli::Failure &e) {
			EXPECT_EQ(e.code(), vmhost::cli::kExitFailed);
			return e.what();
		}
		ADD_FAILURE() << path << " was accepted";
		return "";
	}

	std::string dir_;
	int n_ = 0;
};

} // namespace

TEST_F(SecretFile, StripsOneNewline)
{
	EXPECT_EQ(read_secret_file(write("s3cret\n")).bytes(), "s3cret");
	EXPECT_EQ(read_secret_file(write("s3cret")).bytes(), "s3cret");
	EXPECT_EQ(read_secret_file(write("s3cret\n\n")).bytes(), "s3cret\n");
	EXPECT_EQ(read_secret_file(write("a b\tc\n")).bytes(), "a b\tc");
	EXPECT_EQ(read_secret_file(write("x", 0400)).bytes(), "x");
}

TEST_F(SecretFile, Length)
{
	EXPECT_EQ(read_secret_file(write(std::string(64, 'k'))).bytes().size(),
		  64u);
	EXPECT_EQ(read_secret_file(write(std::string(64, 'k') + "\n"))
			  .bytes()
			  .size(),
		  64u);
	EXPECT_NE(failure(write(std::string(65, 'k'))).find("longer than 64"),
		  std::string::npos);
	EXPECT_NE(failure(write(std::string(64, 'k') + "\n\n"))
			  .find("longer than 64"),
		  std::string::npos);
	EXPECT_NE(failure(write(std::string(4096, 'k'))).find("longer"),
		  std::string::npos);
	EXPECT_NE(failure(write("")).find("empty"), std::string::npos);
	EXPECT_NE(failure(write("\n")).find("empty"), std::string::npos);
}

TEST_F(SecretFile, NoNul)
{
	EXPECT_NE(failure(write(std::string("ab\0cd", 5))).find("NUL"),
		  std::string::npos);
}

TEST_F(SecretFile, Private)
{
	for (mode_t mode : { 0640, 0604, 0644, 0440 }) {
		std::string path = write("topsecret\n", mode);
		std::string msg = failure(path);
		EXPECT_NE(msg.find("chmod 600 " + path), std::string::npos)
			<< msg;
		EXPECT_EQ(msg.find("topsecret"), std::string::npos) << msg;
	}
	// Writable by the group is not readable by it.
	EXPECT_EQ(read_secret_file(write("k", 0620)).bytes(), "k");
}

TEST_F(SecretFile, NotAFile)
{
	EXPECT_NE(failure(dir_ + "/missing").find("No such file"),
		  std::string::npos);
	EXPECT_NE(failure(dir_).find("not a regular file"), std::string::npos);
	std::string fifo = dir_ + "/fifo";
	ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
	// O_RDONLY on a FIFO would block without a writer: not opened.
	int w = open(fifo.c_str(), O_RDWR);
	EXPECT_NE(failure(fifo).find("not a regular file"), std::string::npos);
	close(w);
}

TEST_F(SecretFile, Unreadable)
{
	if (geteuid() == 0)
		GTEST_SKIP() << "root reads mode 000 files";
	std::string path = write("k", 0000);
	EXPECT_NE(failure(path).find("Permission denied"), std::string::npos);
}

TEST(Secret, MoveWipes)
{
	Secret a("abc", 3);
	Secret b(std::move(a));
	EXPECT_EQ(b.bytes(), "abc");
	EXPECT_TRUE(a.bytes().empty());
	b.truncate(1);
	EXPECT_EQ(b.bytes(), "a");
	b.truncate(5);
	EXPECT_EQ(b.bytes(), "a");
}
