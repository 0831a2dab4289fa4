// SPDX-License-Identifier: GPL-2.0
/*
 * Linux tun device; see tun.h for the contract.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_tun.h>

#include "dataplane/tun.h"

/*
 * Interface ioctls go through any socket; a UNIX one exists in every
 * network namespace and kernel configuration, unlike AF_INET.
 */
static int ifreq_ioctl(unsigned long request, struct ifreq *ifr)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (ioctl(fd, request, ifr) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int set_mtu(const char *ifname, unsigned int mtu)
{
	struct ifreq ifr = { .ifr_mtu = (int)mtu };

	if (mtu > INT_MAX)
		return -EINVAL;
	memcpy(ifr.ifr_name, ifname, IFNAMSIZ);
	return ifreq_ioctl(SIOCSIFMTU, &ifr);
}

int mv_tun_open(const char *device, const char *ifname, unsigned int mtu,
		char out_ifname[IFNAMSIZ], struct mv_diag *diag)
{
	struct ifreq ifr = { .ifr_flags = IFF_TUN | IFF_NO_PI };
	const char *name = ifname ? ifname : "tunN";
	int fd, ret;

	if (!device)
		device = MV_TUN_DEFAULT_DEVICE;
	if (ifname && (!*ifname || strlen(ifname) >= IFNAMSIZ)) {
		mv_diag_error(diag, NULL, 0,
			      "invalid interface name \"%.*s\": 1 to %d characters",
			      IFNAMSIZ * 2, ifname, IFNAMSIZ - 1);
		return -EINVAL;
	}
	if (ifname)
		strcpy(ifr.ifr_name, ifname);

	fd = open(device, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		mv_diag_error(diag, NULL, 0, "cannot open %s: %s%s", device,
			      strerror(errno),
			      errno == ENOENT ? " (is the tun module loaded?)" : "");
		return ret;
	}
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		ret = -errno;
		if (errno == EPERM)
			mv_diag_error(diag, NULL, 0,
				      "cannot create interface %s: needs CAP_NET_ADMIN",
				      name);
		else if (errno == EBUSY)
			mv_diag_error(diag, NULL, 0,
				      "interface %s is in use by another process",
				      name);
		else
			mv_diag_error(diag, NULL, 0,
				      "cannot create tun interface %s: %s%s",
				      name, strerror(errno),
				      errno == EINVAL ?
				      " (is it an interface of another type?)" : "");
		goto fail;
	}
	if (mtu) {
		ret = set_mtu(ifr.ifr_name, mtu);
		if (ret) {
			mv_diag_error(diag, NULL, 0,
				      "cannot set the MTU of %s to %u: %s",
				      ifr.ifr_name, mtu, strerror(-ret));
			goto fail;
		}
	}
	memcpy(out_ifname, ifr.ifr_name, IFNAMSIZ);
	out_ifname[IFNAMSIZ - 1] = '\0';
	return fd;
fail:
	close(fd);
	return ret;
}

int mv_tun_set_up(const char *ifname, bool up)
{
	struct ifreq ifr = { 0 };
	int ret;

	if (!*ifname || strlen(ifname) >= IFNAMSIZ)
		return -EINVAL;
	strcpy(ifr.ifr_name, ifname);
	ret = ifreq_ioctl(SIOCGIFFLAGS, &ifr);
	if (ret)
		return ret;
	if (up)
		ifr.ifr_flags |= IFF_UP;
	else
		ifr.ifr_flags &= ~IFF_UP;
	return ifreq_ioctl(SIOCSIFFLAGS, &ifr);
}
