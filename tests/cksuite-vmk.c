// SPDX-License-Identifier: MIT
/*
 * Description: VMkernel ports as the host sees them: at most one carries
 * FT logging; the interface of vsw_vmk_iface_create() (a tap named after
 * the port, in a TCP/IP stack of its own) with its MTU and IPv4/IPv6
 * addresses set over rtnetlink and read back from the kernel, gone with
 * the port; TCP/IP stacks made and removed; every error of the API. The
 * interface tests need root and make everything inside a stack named
 * after the test's PID; elsewhere they pass without doing anything.
 * The stacks' names are the parent's (the runner's) PID, set by an
 * unchecked fixture that also removes them once the tests are done, even
 * when an assertion has ended a forked test before its own cleanup.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <net/if.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vsw_host.h>

#include "cksuite.h"

START_TEST(ft_logging_on_one_port)
{
	struct vsw_switch *sw = ck_switch("vSwitch0");
	struct vsw_portgroup *pg;
	struct vsw_vmk *a, *b;
	uint8_t m[6];

	ck_ok(vsw_portgroup_add(sw, "FT", 0, 0, &pg));
	ck_mac(m, 1);
	ck_ok(vsw_vmk_add(pg, "vmk1", m, VSW_VMK_FT_LOGGING | VSW_VMK_VMOTION, 0, &a));
	ck_mac(m, 2);
	ck_assert_int_eq(vsw_vmk_add(pg, "vmk2", m, VSW_VMK_FT_LOGGING, 0, &b), -EEXIST);
	ck_ok(vsw_vmk_add(pg, "vmk2", m, VSW_VMK_MANAGEMENT, 0, &b));
	ck_assert_int_eq(vsw_vmk_set_services(b, VSW_VMK_FT_LOGGING), -EEXIST);
	ck_assert_uint_eq(vsw_vmk_services(b), VSW_VMK_MANAGEMENT); /* unchanged */
	ck_ok(vsw_vmk_set_services(a, VSW_VMK_FT_LOGGING));         /* itself: fine */
	ck_ok(vsw_vmk_remove(a));
	ck_ok(vsw_vmk_set_services(b, VSW_VMK_FT_LOGGING));
	vsw_switch_free(sw);
}
END_TEST

/* A field a later version adds in today's tail padding is not ignored:
 * the library knows the struct up to the end of its last field (2.1:
 * 'persist', which took 2.0's tail padding). */
START_TEST(iface_opts_tail_padding)
{
	struct vsw_switch *sw = ck_switch("vSwitch0");
	size_t known = offsetof(struct vsw_vmk_iface_opts, persist) + sizeof(int);
	struct {
		struct vsw_vmk_iface_opts o;
		uint64_t later;
	} big;
	unsigned char *b = (unsigned char *)&big;
	struct vsw_portgroup *pg;
	struct vsw_vmk *k;
	uint8_t m[6];

	ck_ok(vsw_portgroup_add(sw, "Mgmt", 0, 0, &pg));
	ck_mac(m, 1);
	ck_ok(vsw_vmk_add(pg, "vmk0", m, VSW_VMK_MANAGEMENT, 0, &k));
	for (size_t i = known; i < sizeof(big); i++) {
		memset(&big, 0, sizeof(big));
		big.o.size = i + 1;
		b[i] = 1; /* the first byte of a field this library does not know */
		ck_assert_int_eq(vsw_vmk_iface_create(k, &big.o), -EINVAL);
	}
	/* 2.1's 'persist' took the 4 bytes of tail padding past 'mtu' (LP64) */
	ck_assert_uint_ge(sizeof(struct vsw_vmk_iface_opts), known);
	memset(&big, 0, sizeof(big));
	big.o.size = sizeof(big.o);
	big.o.persist = 2; /* 0 or 1 */
	ck_assert_int_eq(vsw_vmk_iface_create(k, &big.o), -EINVAL);
	vsw_switch_free(sw);
}
END_TEST

START_TEST(iface_errors)
{
	struct vsw_switch *sw = ck_switch("vSwitch0");
	VSW_OPTS(vsw_vmk_iface_opts, o);
	struct vsw_portgroup *pg;
	struct vsw_vmk *k, *longname;
	uint8_t m[6];

	ck_ok(vsw_portgroup_add(sw, "Mgmt", 0, 0, &pg));
	ck_mac(m, 1);
	ck_ok(vsw_vmk_add(pg, "vmk0", m, VSW_VMK_MANAGEMENT, 0, &k));
	ck_mac(m, 2);
	ck_ok(vsw_vmk_add(pg, "vmk0123456789abc", m, 0, 0, &longname));
	/* no interface yet */
	ck_assert_ptr_null(vsw_vmk_netstack(k));
	ck_assert_int_eq(vsw_vmk_mtu(k), -ENOENT);
	ck_assert_int_eq(vsw_vmk_set_mtu(k, 1500), -ENOENT);
	ck_assert_int_eq(vsw_vmk_ip_add(k, "192.0.2.1/24"), -ENOENT);
	ck_assert_int_eq(vsw_vmk_ip_remove(k, "192.0.2.1/24"), -ENOENT);
	/* bad arguments, checked before anything happens */
	ck_assert_int_eq(vsw_vmk_iface_create(NULL, NULL), -EINVAL);
	o.size = 1;
	ck_assert_int_eq(vsw_vmk_iface_create(k, &o), -EINVAL);
	o.size = sizeof(o);
	o.netstack = "a/b";
	ck_assert_int_eq(vsw_vmk_iface_create(k, &o), -EINVAL);
	o.netstack = "..";
	ck_assert_int_eq(vsw_vmk_iface_create(k, &o), -EINVAL);
	o.netstack = NULL;
	o.mtu = 9000; /* above the switch's 1500 */
	ck_assert_int_eq(vsw_vmk_iface_create(k, &o), -EINVAL);
	o.mtu = 1000;
	ck_assert_int_eq(vsw_vmk_iface_create(k, &o), -EINVAL);
	o.mtu = 0;
	o.netstack = "vsw-no-such-stack";
	ck_assert_int_eq(vsw_vmk_iface_create(k, &o), -ENOENT);
	ck_assert_int_eq(vsw_vmk_iface_create(longname, NULL), -ENAMETOOLONG);
	ck_ok(vsw_port_attach(vsw_vmk_port(k), "memory:vmkerr", NULL));
	ck_assert_int_eq(vsw_vmk_iface_create(k, NULL), -EBUSY);
	ck_assert_ptr_null(vsw_vmk_netstack(k));
	ck_assert_int_eq(vsw_vmk_ip_foreach(NULL, NULL, NULL), -EINVAL);
	ck_assert_int_eq(vsw_netstack_add(NULL), -EINVAL);
	ck_assert_int_eq(vsw_netstack_add("default"), -EINVAL);
	ck_assert_int_eq(vsw_netstack_add("x y"), -EINVAL);
	ck_assert_int_eq(vsw_netstack_remove("default"), -EINVAL);
	ck_assert_int_eq(vsw_netstack_remove("vsw-no-such-stack"), -ENOENT);
	vsw_switch_free(sw);
}
END_TEST

/* ---- with root: a real interface in a stack of the test's own ---- */

/* The stacks and the interface name, computed once in the runner itself
 * (unchecked fixtures run there, before any fork): a failed test never
 * leaves a stack behind that no later run knows the name of. */
static char stack_t_name[32], stack_d_name[32], stack_m_name[32], vmk_t_name[16];

static void stacks_setup(void)
{
	int pid = (int)getpid();

	snprintf(stack_t_name, sizeof(stack_t_name), "vswt%d", pid);
	snprintf(stack_d_name, sizeof(stack_d_name), "vswd%d", pid);
	snprintf(stack_m_name, sizeof(stack_m_name), "vswm%d", pid);
	snprintf(vmk_t_name, sizeof(vmk_t_name), "vmk%d", pid % 100000);
	/* a crashed earlier run's, with the same PID */
	(void)vsw_netstack_remove(stack_t_name);
	(void)vsw_netstack_remove(stack_d_name);
	(void)vsw_netstack_remove(stack_m_name);
}

static void stacks_teardown(void)
{
	/* gone already when the tests passed: errors do not matter */
	(void)vsw_netstack_remove(stack_t_name);
	(void)vsw_netstack_remove(stack_d_name);
	(void)vsw_netstack_remove(stack_m_name);
}

static bool can_make_interfaces(void)
{
	if (geteuid() == 0 && access("/dev/net/tun", R_OK | W_OK) == 0)
		return true;
	fprintf(stderr, "vmk interface tests: not root, nothing checked\n");
	return false;
}

static ino_t own_netns(void)
{
	struct stat st;

	ck_assert_int_eq(stat("/proc/thread-self/ns/net", &st), 0);
	return st.st_ino;
}

/* Does 'ip -n STACK link show DEV' print 'want'? */
static bool ip_link_has(const char *stack, const char *dev, const char *want)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "ip -n %s link show dev %s 2>/dev/null | grep -q '%s'", stack,
		 dev, want);
	return system(cmd) == 0;
}

/* The ifindex of DEV in STACK, or -1. */
static int ifindex_in(const char *stack, const char *dev)
{
	char cmd[256];
	int idx = -1;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "ip -n %s -o link show dev %s 2>/dev/null", stack, dev);
	f = popen(cmd, "r");
	if (f) {
		if (fscanf(f, "%d:", &idx) != 1)
			idx = -1;
		pclose(f);
	}
	return idx;
}

struct addrs {
	char text[8][64];
	int n;
};

static int collect(const char *cidr, void *user)
{
	struct addrs *a = user;

	if (a->n < 8)
		snprintf(a->text[a->n++], sizeof(a->text[0]), "%s", cidr);
	return 0;
}

static bool has_addr(const struct addrs *a, const char *cidr)
{
	for (int i = 0; i < a->n; i++)
		if (!strcmp(a->text[i], cidr))
			return true;
	return false;
}

static int stop_at_first(const char *cidr, void *user)
{
	(void)cidr;
	++*(int *)user;
	return 7;
}

struct routes {
	int n;
	char text[8][96];
};

static int collect_route(const char *dst, const char *gw, void *user)
{
	struct routes *r = user;

	if (r->n < 8)
		snprintf(r->text[r->n++], sizeof(r->text[0]), "%s via %s", dst, gw ? gw : "link");
	return 0;
}

static bool has_route(const struct routes *r, const char *text)
{
	for (int i = 0; i < r->n; i++)
		if (!strcmp(r->text[i], text))
			return true;
	return false;
}

static int route_from_walk(const char *dst, const char *gw, void *user)
{
	struct vsw_vmk *k = user;

	(void)dst; (void)gw;
	ck_assert_int_eq(vsw_vmk_route_add(k, "203.0.113.0/24", "192.0.2.1"), -EBUSY);
	ck_assert_int_eq(vsw_vmk_ip_add(k, "198.51.100.1/24"), -EBUSY);
	ck_assert_int_eq(vsw_vmk_remove(k), -EBUSY);
	return 0;
}

/* Changes from inside a walk would share its netlink socket: refused. */
static int change_from_walk(const char *cidr, void *user)
{
	struct vsw_vmk *k = user;

	(void)cidr;
	ck_assert_int_eq(vsw_vmk_ip_add(k, "198.51.100.1/24"), -EBUSY);
	ck_assert_int_eq(vsw_vmk_ip_remove(k, "192.0.2.10/24"), -EBUSY);
	ck_assert_int_eq(vsw_vmk_set_mtu(k, 1400), -EBUSY);
	ck_assert_int_eq(vsw_vmk_ip_foreach(k, stop_at_first, &(int){ 0 }), -EBUSY);
	ck_assert_int_eq(vsw_vmk_remove(k), -EBUSY);
	ck_assert_int_eq(vsw_port_detach(vsw_vmk_port(k)), -EBUSY);
	ck_assert_int_eq(vsw_vmk_mtu(k), 1500); /* reading is fine */
	return 0;
}

START_TEST(iface_in_a_stack)
{
	VSW_OPTS(vsw_vmk_iface_opts, o);
	struct vsw_switch *sw;
	struct vsw_portgroup *pg;
	struct vsw_vmk *k;
	struct addrs a = { 0 };
	const char *stack = stack_t_name, *name = vmk_t_name;
	uint8_t m[6];
	ino_t before;
	int calls = 0;

	if (!can_make_interfaces())
		return;
	ck_assert(*stack && *name); /* the fixture ran */
	vsw_netstack_remove(stack); /* a leftover, if any (the fixture removed it) */
	ck_ok(vsw_netstack_add(stack));
	ck_assert_int_eq(vsw_netstack_add(stack), -EEXIST);
	ck_assert(ip_link_has(stack, "lo", "UP"));

	sw = ck_switch("vSwitch0");
	ck_ok(vsw_switch_set_mtu(sw, 9000));
	ck_ok(vsw_portgroup_add(sw, "vMotion", 0, 0, &pg));
	ck_mac(m, 0x77);
	ck_ok(vsw_vmk_add(pg, name, m, VSW_VMK_VMOTION, 0, &k));
	o.netstack = stack;
	before = own_netns();
	ck_ok(vsw_vmk_iface_create(k, &o));
	ck_assert(own_netns() == before); /* the thread came back */
	ck_assert_int_eq(vsw_vmk_iface_create(k, &o), -EBUSY);
	ck_assert_str_eq(vsw_vmk_netstack(k), stack);
	ck_assert_uint_eq(if_nametoindex(name), 0); /* not in our stack */
	ck_assert(ip_link_has(stack, name, "02:00:00:00:00:77"));
	ck_assert(ip_link_has(stack, name, "mtu 9000"));
	ck_assert_int_eq(vsw_vmk_mtu(k), 9000);
	/* a smaller switch MTU takes the interface's down with it, not up */
	ck_ok(vsw_switch_set_mtu(sw, 4000));
	ck_assert_int_eq(vsw_vmk_mtu(k), 4000);
	ck_assert(ip_link_has(stack, name, "mtu 4000"));
	ck_ok(vsw_switch_set_mtu(sw, 9000));
	ck_assert_int_eq(vsw_vmk_mtu(k), 4000);
	ck_ok(vsw_vmk_set_mtu(k, 1500));
	ck_assert(ip_link_has(stack, name, "mtu 1500"));
	ck_assert_int_eq(vsw_vmk_set_mtu(k, 9001), -EINVAL);

	ck_ok(vsw_vmk_ip_add(k, "192.0.2.10/24"));
	ck_ok(vsw_vmk_ip_add(k, "2001:db8::10/64"));
	ck_assert_int_eq(vsw_vmk_ip_add(k, "192.0.2.10/24"), -EEXIST);
	for (const char *bad = "192.0.2.1\0192.0.2.1/33\0" "2001:db8::1/129\0nonsense/8\0" "192.0.2.1/\0"
			       "192.0.2.1/x\0";
	     *bad; bad += strlen(bad) + 1)
		ck_assert_msg(vsw_vmk_ip_add(k, bad) == -EINVAL, "'%s' accepted", bad);
	ck_ok(vsw_vmk_ip_foreach(k, collect, &a));
	ck_assert(has_addr(&a, "192.0.2.10/24"));
	ck_assert(has_addr(&a, "2001:db8::10/64"));
	ck_assert_int_eq(vsw_vmk_ip_foreach(k, stop_at_first, &calls), 7);
	ck_assert_int_eq(calls, 1);
	ck_ok(vsw_vmk_ip_foreach(k, change_from_walk, k)); /* refused inside, asserted there */
	ck_assert_int_eq(vsw_vmk_ip_foreach(k, collect, &a), 0);

	/* routes: the stack's default gateway through this port, and more */
	struct routes r = { 0 };
	ck_ok(vsw_vmk_route_foreach(k, collect_route, &r));
	ck_assert_int_eq(r.n, 0); /* the kernel's own connected routes are not listed */
	ck_ok(vsw_vmk_route_add(k, "default", "192.0.2.1"));
	ck_assert_int_eq(vsw_vmk_route_add(k, "default", "192.0.2.1"), -EEXIST);
	ck_ok(vsw_vmk_route_add(k, "203.0.113.0/24", "192.0.2.254"));
	ck_ok(vsw_vmk_route_add(k, "198.51.100.0/24", NULL));
	ck_ok(vsw_vmk_route_add(k, "default", "2001:db8::1"));
	ck_assert_int_eq(vsw_vmk_route_add(k, "default", "10.9.9.9"), -ENETUNREACH);
	ck_assert_int_eq(vsw_vmk_route_add(k, "default", "192.0.2.2"), -EEXIST); /* one per stack */
	for (const char *bad = "default\0" "0.0.0.0/0\0::/0\0" "203.0.113.0\0nowhere\0" "203.0.113.0/33\0"; *bad;
	     bad += strlen(bad) + 1)
		ck_assert_msg(vsw_vmk_route_add(k, bad, NULL) == -EINVAL, "'%s' accepted", bad);
	ck_assert_int_eq(vsw_vmk_route_add(k, "203.0.113.0/24", "2001:db8::1"), -EINVAL);
	ck_assert_int_eq(vsw_vmk_route_add(k, "default", "gateway"), -EINVAL);
	ck_ok(vsw_vmk_route_foreach(k, collect_route, &r));
	ck_assert_int_eq(r.n, 4);
	ck_assert(has_route(&r, "default via 192.0.2.1"));
	ck_assert(has_route(&r, "203.0.113.0/24 via 192.0.2.254"));
	ck_assert(has_route(&r, "198.51.100.0/24 via link"));
	ck_assert(has_route(&r, "default via 2001:db8::1"));
	ck_ok(vsw_vmk_route_foreach(k, route_from_walk, k));
	ck_ok(vsw_vmk_route_remove(k, "203.0.113.0/24", NULL)); /* any gateway */
	ck_ok(vsw_vmk_route_remove(k, "default", "2001:db8::1"));
	ck_assert_int_eq(vsw_vmk_route_remove(k, "default", "2001:db8::1"), -ESRCH);
	memset(&r, 0, sizeof(r));
	ck_ok(vsw_vmk_route_foreach(k, collect_route, &r));
	ck_assert_int_eq(r.n, 2);
	ck_assert(has_route(&r, "default via 192.0.2.1"));
	ck_ok(vsw_vmk_route_add(k, "default", "2001:db8::1"));
	ck_ok(vsw_vmk_route_remove(k, "default", NULL)); /* both families */
	ck_assert_int_eq(vsw_vmk_route_remove(k, "default", NULL), -ESRCH);
	memset(&r, 0, sizeof(r));
	ck_ok(vsw_vmk_route_foreach(k, collect_route, &r));
	ck_assert_int_eq(r.n, 1);
	ck_assert(has_route(&r, "198.51.100.0/24 via link"));

	ck_ok(vsw_vmk_ip_remove(k, "192.0.2.10/24"));
	ck_assert_int_eq(vsw_vmk_ip_remove(k, "192.0.2.10/24"), -EADDRNOTAVAIL);
	memset(&a, 0, sizeof(a));
	ck_ok(vsw_vmk_ip_foreach(k, collect, &a));
	ck_assert(!has_addr(&a, "192.0.2.10/24"));
	ck_assert(has_addr(&a, "2001:db8::10/64"));

	/* the interface and its addresses go with the port */
	ck_ok(vsw_vmk_remove(k));
	ck_assert(!ip_link_has(stack, name, ""));
	vsw_switch_free(sw);
	ck_ok(vsw_netstack_remove(stack));
	ck_assert_int_eq(vsw_netstack_remove(stack), -ENOENT);
}
END_TEST

/* A detached backend takes the interface with it; the port can have a
 * new one. A persistent one (2.1) stays, and is adopted. */
START_TEST(iface_detached)
{
	struct vsw_switch *sw;
	struct vsw_portgroup *pg;
	struct vsw_vmk *k;
	VSW_OPTS(vsw_vmk_iface_opts, o);
	const char *stack = stack_d_name;
	uint8_t m[6];

	if (!can_make_interfaces())
		return;
	ck_assert(*stack); /* the fixture ran */
	vsw_netstack_remove(stack);
	ck_ok(vsw_netstack_add(stack));
	sw = ck_switch("vSwitch0");
	ck_ok(vsw_portgroup_add(sw, "Mgmt", 0, 0, &pg));
	ck_mac(m, 1);
	ck_ok(vsw_vmk_add(pg, "vmk0", m, VSW_VMK_MANAGEMENT, 0, &k));
	o.netstack = stack;
	ck_ok(vsw_vmk_iface_create(k, &o));
	ck_assert(ip_link_has(stack, "vmk0", "vmk0"));
	ck_ok(vsw_port_detach(vsw_vmk_port(k)));
	ck_assert(!ip_link_has(stack, "vmk0", ""));
	ck_assert_int_eq(vsw_vmk_ip_add(k, "192.0.2.1/24"), -ENOENT);
	ck_assert_int_eq(vsw_vmk_mtu(k), -ENOENT);
	ck_assert_ptr_null(vsw_vmk_netstack(k));
	ck_ok(vsw_vmk_iface_create(k, &o));
	ck_assert(ip_link_has(stack, "vmk0", "vmk0"));
	ck_ok(vsw_vmk_ip_add(k, "192.0.2.1/24"));
	vsw_switch_free(sw); /* removes the port, and its interface */
	ck_assert(!ip_link_has(stack, "vmk0", ""));

	/* persistent (2.1): the interface outlives the port and the switch,
	 * and the next one of that name adopts it, addresses and all */
	o.persist = 1;
	sw = ck_switch("vSwitch0");
	ck_ok(vsw_portgroup_add(sw, "Mgmt", 0, 0, &pg));
	ck_ok(vsw_vmk_add(pg, "vmk0", m, VSW_VMK_MANAGEMENT, 0, &k));
	ck_ok(vsw_vmk_iface_create(k, &o));
	ck_ok(vsw_vmk_ip_add(k, "192.0.2.1/24"));
	int idx = ifindex_in(stack, "vmk0");
	ck_assert_int_gt(idx, 0);
	ck_ok(vsw_vmk_remove(k));
	vsw_switch_free(sw);
	ck_assert(ip_link_has(stack, "vmk0", "vmk0"));
	sw = ck_switch("vSwitch0");
	ck_ok(vsw_portgroup_add(sw, "Mgmt", 0, 0, &pg));
	ck_mac(m, 2);
	ck_ok(vsw_vmk_add(pg, "vmk0", m, VSW_VMK_MANAGEMENT, 0, &k));
	ck_ok(vsw_vmk_iface_create(k, &o));
	ck_assert_int_eq(ifindex_in(stack, "vmk0"), idx);
	ck_assert(ip_link_has(stack, "vmk0", "02:00:00:00:00:02")); /* the new port's MAC */
	ck_ok(vsw_vmk_ip_add(k, "192.0.2.1/24")); /* kept: adding it again is done */
	ck_ok(vsw_vmk_ip_add(k, "192.0.2.1/24"));
	ck_assert_int_eq(vsw_vmk_ip_add(k, "2001:db8::1/64"), 0);
	ck_assert_int_eq(vsw_vmk_ip_add(k, "2001:db8::1/80"), -EEXIST); /* not the same */
	/* set_persist(0) first: then the interface goes with the port */
	ck_ok(vsw_backend_set_persist(vsw_port_backend(vsw_vmk_port(k)), 0));
	ck_ok(vsw_vmk_remove(k));
	ck_assert(!ip_link_has(stack, "vmk0", ""));
	vsw_switch_free(sw);
	ck_ok(vsw_netstack_remove(stack));
}
END_TEST

/* A switch MTU that a VMkernel interface cannot follow is refused, and
 * the interfaces already lowered go back up: all or nothing. */
START_TEST(switch_mtu_vmk_fails)
{
	VSW_OPTS(vsw_vmk_iface_opts, o);
	struct vsw_switch *sw;
	struct vsw_portgroup *pg;
	struct vsw_vmk *k0, *k1;
	const char *stack = stack_m_name;
	char cmd[128];
	uint8_t m[6];

	if (!can_make_interfaces())
		return;
	ck_assert(*stack); /* the fixture ran */
	vsw_netstack_remove(stack);
	ck_ok(vsw_netstack_add(stack));
	sw = ck_switch("vSwitch0");
	ck_ok(vsw_switch_set_mtu(sw, 9000));
	ck_ok(vsw_portgroup_add(sw, "Mgmt", 0, 0, &pg));
	o.netstack = stack;
	ck_mac(m, 1);
	ck_ok(vsw_vmk_add(pg, "vmk0", m, VSW_VMK_MANAGEMENT, 0, &k0));
	ck_ok(vsw_vmk_iface_create(k0, &o));
	ck_mac(m, 2);
	ck_ok(vsw_vmk_add(pg, "vmk1", m, VSW_VMK_VMOTION, 0, &k1));
	ck_ok(vsw_vmk_iface_create(k1, &o));
	/* vmk1's interface goes away behind the switch's back */
	snprintf(cmd, sizeof(cmd), "ip -n %s link del vmk1", stack);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(vsw_switch_set_mtu(sw, 1500), -ENODEV);
	ck_assert_uint_eq(vsw_switch_mtu(sw), 9000);
	ck_assert_int_eq(vsw_vmk_mtu(k0), 9000);
	ck_assert(ip_link_has(stack, "vmk0", "mtu 9000"));
	ck_assert_int_eq(vsw_vmk_set_mtu(k1, 1500), -ENODEV);
	ck_assert_int_eq(vsw_vmk_mtu(k1), 9000);
	/* without the broken one, the MTU goes down and vmk0's with it */
	ck_ok(vsw_vmk_remove(k1));
	ck_ok(vsw_switch_set_mtu(sw, 1500));
	ck_assert_int_eq(vsw_vmk_mtu(k0), 1500);
	ck_assert(ip_link_has(stack, "vmk0", "mtu 1500"));
	vsw_switch_free(sw);
	ck_ok(vsw_netstack_remove(stack));
}
END_TEST

Suite *vsw_vmk_suite(void)
{
	Suite *s = suite_create("vmk");
	TCase *tc = tcase_create("vmk");

	tcase_add_unchecked_fixture(tc, stacks_setup, stacks_teardown);
	tcase_add_test(tc, ft_logging_on_one_port);
	tcase_add_test(tc, iface_errors);
	tcase_add_test(tc, iface_opts_tail_padding);
	tcase_add_test(tc, iface_in_a_stack);
	tcase_add_test(tc, iface_detached);
	tcase_add_test(tc, switch_mtu_vmk_fails);
	suite_add_tcase(s, tc);
	return s;
}
