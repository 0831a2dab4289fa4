// SPDX-License-Identifier: GPL-2.0
/*
 * The tun device: mode, name, MTU, descriptor flags, and the errors a
 * user gets to read. Each case runs as root in a child process inside a
 * new network namespace, so no interface can leak onto the host; without
 * root or /dev/net/tun the cases pass with a note.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/if_tun.h>

#include "dataplane/tun.h"

#include "test.h"

/* Exit status of a child that could not enter a namespace. */
#define NO_NETNS	77

/*
 * Run @fn in a child in a fresh network namespace. The child's EXPECTs
 * mark its own copy of *unit_failed; its exit status carries it back.
 */
static void in_netns(void (*fn)(bool *unit_failed), bool *unit_failed)
{
	int status;
	pid_t pid;

	if (geteuid() != 0 || access(MV_TUN_DEFAULT_DEVICE, R_OK | W_OK)) {
		fprintf(stderr, "  skipped: needs root and %s\n",
			MV_TUN_DEFAULT_DEVICE);
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		if (unshare(CLONE_NEWNET))
			_exit(NO_NETNS);
		fn(unit_failed);
		fflush(NULL);
		_exit(*unit_failed ? 1 : 0);
	}
	EXPECT(pid > 0);
	if (pid <= 0)
		return;
	EXPECT_EQ(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == NO_NETNS) {
		fprintf(stderr, "  skipped: cannot create a network namespace\n");
		return;
	}
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static int if_ioctl(unsigned long request, const char *name,
		    struct ifreq *ifr)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ret;

	memset(ifr, 0, sizeof(*ifr));
	snprintf(ifr->ifr_name, IFNAMSIZ, "%s", name);
	ret = ioctl(fd, request, ifr) < 0 ? -errno : 0;
	close(fd);
	return ret;
}

static int mtu_of(const char *name)
{
	struct ifreq ifr;

	return if_ioctl(SIOCGIFMTU, name, &ifr) ? -1 : ifr.ifr_mtu;
}

static int flags_of(const char *name)
{
	struct ifreq ifr;

	return if_ioctl(SIOCGIFFLAGS, name, &ifr) ? -1 : ifr.ifr_flags;
}

static void named_device(bool *unit_failed)
{
	char name[IFNAMSIZ] = "";
	struct mv_diag d;
	struct ifreq ifr = { 0 };
	int fd;

	mv_diag_init(&d);
	fd = mv_tun_open(NULL, "mvtest0", 1380, name, &d);
	EXPECT(fd >= 0);
	EXPECT(!d.error);
	EXPECT_STREQ(name, "mvtest0");
	EXPECT_EQ(mtu_of("mvtest0"), 1380);
	EXPECT(fcntl(fd, F_GETFL) & O_NONBLOCK);
	EXPECT(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(ioctl(fd, TUNGETIFF, &ifr), 0);
	EXPECT_EQ(ifr.ifr_flags & (IFF_TUN | IFF_TAP | IFF_NO_PI),
		  IFF_TUN | IFF_NO_PI);
	/* Down until the up script (or the daemon) raises it. */
	EXPECT_EQ(flags_of("mvtest0") & IFF_UP, 0);
	EXPECT_EQ(mv_tun_set_up("mvtest0", true), 0);
	EXPECT_EQ(flags_of("mvtest0") & IFF_UP, IFF_UP);
	EXPECT_EQ(mv_tun_set_up("mvtest0", false), 0);
	EXPECT_EQ(flags_of("mvtest0") & IFF_UP, 0);
	/* The interface lives as long as the descriptor. */
	close(fd);
	EXPECT_EQ(if_nametoindex("mvtest0"), 0);
	mv_diag_free(&d);
}

TEST(named_device_with_mtu)
{
	in_netns(named_device, unit_failed);
}

static void kernel_named_device(bool *unit_failed)
{
	char name[IFNAMSIZ] = "", name2[IFNAMSIZ] = "";
	int fd = mv_tun_open(MV_TUN_DEFAULT_DEVICE, NULL, 0, name, NULL);
	int fd2 = mv_tun_open(NULL, "mv%d", 9000, name2, NULL);

	EXPECT(fd >= 0);
	EXPECT(fd2 >= 0);
	EXPECT_STREQ(name, "tun0");
	EXPECT_STREQ(name2, "mv0");
	EXPECT_EQ(mtu_of("mv0"), 9000);
	EXPECT_EQ(mtu_of("tun0"), 1500);
	close(fd);
	close(fd2);
}

TEST(kernel_chosen_name_and_default_mtu)
{
	in_netns(kernel_named_device, unit_failed);
}

/* Fails with @err and a message containing @want. */
static bool open_fails(const char *device, const char *ifname,
		       unsigned int mtu, int err, const char *want)
{
	char name[IFNAMSIZ] = "unchanged";
	struct mv_diag d;
	int ret;
	bool ok;

	mv_diag_init(&d);
	ret = mv_tun_open(device, ifname, mtu, name, &d);
	ok = ret == err && d.error && strstr(d.error, want) &&
	     !strcmp(name, "unchanged");
	if (!ok)
		fprintf(stderr, "  open(%s, %s, %u) = %d \"%s\", want %d \"%s\"\n",
			device ? device : "NULL", ifname ? ifname : "NULL",
			mtu, ret, d.error ? d.error : "", err, want);
	mv_diag_free(&d);
	return ok;
}

static void errors(bool *unit_failed)
{
	char name[IFNAMSIZ];
	int fd = mv_tun_open(NULL, "mvbusy", 0, name, NULL);

	EXPECT(fd >= 0);
	EXPECT(open_fails(NULL, "mvbusy", 0, -EBUSY, "mvbusy is in use"));
	close(fd);
	EXPECT(open_fails(NULL, "lo", 0, -EINVAL,
			  "cannot create tun interface lo: Invalid argument"));
	EXPECT(open_fails(NULL, "a-name-far-too-long", 0, -EINVAL,
			  "invalid interface name"));
	EXPECT(open_fails(NULL, "", 0, -EINVAL, "invalid interface name"));
	EXPECT(open_fails("/nonexistent/tun", "mvx", 0, -ENOENT,
			  "cannot open /nonexistent/tun: No such file or directory (is the tun module loaded?)"));
	EXPECT(open_fails(NULL, "mvmtu", 20, -EINVAL,
			  "cannot set the MTU of mvmtu to 20"));
	/* A failed open leaves no interface behind. */
	EXPECT_EQ(if_nametoindex("mvmtu"), 0);
	EXPECT_EQ(mv_tun_set_up("mvnone", true), -ENODEV);
	EXPECT_EQ(mv_tun_set_up("", true), -EINVAL);
}

TEST(errors_are_explained)
{
	in_netns(errors, unit_failed);
}

TEST_MAIN()
