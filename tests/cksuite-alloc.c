// SPDX-License-Identifier: MIT
/*
 * Description: allocation-failure sweep. A fixed configuration script runs
 * with the Nth allocation failing, for every N until it completes: each
 * failing call must return -ENOMEM and leave the switch as it was (the
 * script then continues, so later calls see a consistent switch), and
 * nothing may leak (checked under valgrind by make check-valgrind).
 */
#include "cksuite.h"
#include "core/alloc.h"

/* Returns the number of calls that failed with -ENOMEM; fails on any other error. */
static int run_script(void)
{
	struct vsw_switch *sw = NULL;
	struct vsw_portgroup *pg = NULL, *pg2 = NULL;
	const char *act[] = { "vmnic1" }, *stb[] = { "vmnic0" };
	int enomem = 0, err;
	uint8_t m[6];
	char name[16];

#define STEP(call) do { err = (call); if (err == -ENOMEM) enomem++; \
	else ck_assert_msg(err == 0, "%s: %d", #call, err); } while (0)

	err = vsw_switch_new("s", NULL, &sw);
	if (err == -ENOMEM)
		return 1;
	ck_ok(err);
	STEP(vsw_uplink_add(sw, "vmnic0", 0, NULL));
	STEP(vsw_uplink_add(sw, "vmnic1", 0, NULL));
	STEP(vsw_portgroup_add(sw, "pg", 10, 0, &pg));
	STEP(vsw_portgroup_add(sw, "pg2", 4095, 0, &pg2));
	if (pg) {
		for (unsigned int i = 1; i <= 40; i++) {
			ck_mac(m, i);
			snprintf(name, sizeof(name), "vm%u", i);
			STEP(vsw_vnic_add(pg, name, m, 0, NULL));
		}
		ck_mac(m, 100);
		STEP(vsw_vmk_add(pg, "vmk0", m, VSW_VMK_MANAGEMENT, 0, NULL));
		if (vsw_uplink_next(sw, NULL) && vsw_uplink_next(sw, vsw_uplink_next(sw, NULL)))
			STEP(vsw_portgroup_set_teaming(pg, act, 1, stb, 1));
		STEP(vsw_portgroup_set_vlan(pg, 20));
	}
	if (vsw_uplink_next(sw, NULL) && vsw_uplink_next(sw, vsw_uplink_next(sw, NULL)))
		STEP(vsw_switch_set_teaming(sw, act, 1, stb, 1));
	vsw_switch_free(sw);
	return enomem;
#undef STEP
}

START_TEST(alloc_failure_sweep)
{
	unsigned long n;

	for (n = 1; n < 10000; n++) {
		vsw__alloc_fail_after(n);
		int failed = run_script();
		vsw__alloc_fail_after(0);
		if (!failed)
			break;
	}
	ck_assert_msg(n > 5 && n < 10000, "sweep ended after %lu", n);
}
END_TEST

Suite *vsw_alloc_suite(void)
{
	Suite *s = suite_create("alloc");
	TCase *tc = tcase_create("enomem");

	tcase_add_test(tc, alloc_failure_sweep);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
