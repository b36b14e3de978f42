// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_hold BDF: open a PCI device through vfio-pci as QEMU would (no-IOMMU
 * mode: the test host has no IOMMU), print "held" and keep it open until
 * standard input closes. The pf suite uses it to hold a VF "assigned".
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/vfio.h>

int main(int argc, char **argv)
{
	char path[PATH_MAX], link[256], buf[64];
	const char *group_name;
	int container, group, dev;
	ssize_t n;

	if (argc != 2) {
		fprintf(stderr, "usage: vfio_hold BDF\n");
		return 2;
	}
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group",
		 argv[1]);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0) {
		perror(path);
		return 1;
	}
	link[n] = 0;
	group_name = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;
	snprintf(path, sizeof(path), "/dev/vfio/noiommu-%s", group_name);
	container = open("/dev/vfio/vfio", O_RDWR);
	group = open(path, O_RDWR);
	if (container < 0 || group < 0) {
		perror(container < 0 ? "/dev/vfio/vfio" : path);
		return 1;
	}
	if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) ||
	    ioctl(container, VFIO_SET_IOMMU, VFIO_NOIOMMU_IOMMU)) {
		perror("vfio: container");
		return 1;
	}
	dev = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, argv[1]);
	if (dev < 0) {
		perror("VFIO_GROUP_GET_DEVICE_FD");
		return 1;
	}
	printf("held\n");
	fflush(stdout);
	while ((n = read(0, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		;
	close(dev);
	close(group);
	close(container);
	return 0;
}
