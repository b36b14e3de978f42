// SPDX-License-Identifier: GPL-2.0
/*
 * vmem_pin FILE: leave a vmemfs chunk freed but still referenced, as a
 * past user would (an io_uring fixed buffer, a vmsplice into a pipe kept
 * open). Creates FILE with 1 GiB, writes its first page, vmsplices that
 * page into a pipe, then unmaps, closes and unlinks the file: the chunk
 * goes back to vmem while the pipe still holds a reference to its page.
 * Prints "pinned" and keeps the pipe until its standard input ends, then
 * reads the page back through the pipe and exits 0 when it is what was
 * written: vmem must neither zero nor hand out a page still referenced.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#define GIB (1024UL * 1024 * 1024)
#define PG 4096UL

static void die(const char *what)
{
	fprintf(stderr, "vmem_pin: %s: %s\n", what, strerror(errno));
	exit(1);
}

int main(int argc, char **argv)
{
	struct iovec iov;
	char buf[PG], c;
	int fd, p[2];
	char *m;

	if (argc != 2) {
		fprintf(stderr, "usage: vmem_pin FILE\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		die("create");
	if (ftruncate(fd, GIB))
		die("ftruncate");
	m = mmap(NULL, GIB, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		die("mmap");
	memset(m, 0x5a, PG);
	if (pipe(p))
		die("pipe");
	iov.iov_base = m;
	iov.iov_len = PG;
	if (vmsplice(p[1], &iov, 1, 0) != (ssize_t)PG)
		die("vmsplice");
	if (munmap(m, GIB) || close(fd) || unlink(argv[1]))
		die("let the file go");
	printf("pinned\n");
	fflush(stdout);

	while (read(STDIN_FILENO, &c, 1) > 0)
		;
	if (read(p[0], buf, PG) != (ssize_t)PG)
		die("read the pipe");
	for (size_t i = 0; i < PG; i++) {
		if (buf[i] != 0x5a) {
			fprintf(stderr, "vmem_pin: byte %zu is %#x\n", i,
				buf[i] & 0xff);
			return 1;
		}
	}
	return 0;
}
