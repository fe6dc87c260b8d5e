// SPDX-License-Identifier: MIT
/*
 * Description: policies: every key's default, range and name; live
 * inheritance from the switch to port groups; override and clear.
 */
#include "cksuite.h"

static const struct {
	enum vsw_policy key;
	const char *name;
	uint64_t def, bad;
	uint64_t good;
} keys[] = {
	{ VSW_POL_PROMISCUOUS, "promiscuous", 0, 2, 1 },
	{ VSW_POL_MAC_CHANGES, "mac_changes", 1, 2, 0 },
	{ VSW_POL_FORGED_TRANSMITS, "forged_transmits", 1, 7, 0 },
	{ VSW_POL_SHAPING_ENABLED, "shaping", 0, 2, 1 },
	{ VSW_POL_SHAPING_AVERAGE_BPS, "average_bps", 100000000, 0, 5000000 },
	{ VSW_POL_SHAPING_PEAK_BPS, "peak_bps", 100000000, 0, 9000000 },
	{ VSW_POL_SHAPING_BURST_BYTES, "burst_bytes", 104857600, 0, 65536 },
	{ VSW_POL_LOAD_BALANCING, "load_balancing", VSW_LB_PORT_ID, 4, VSW_LB_IP_HASH },
	{ VSW_POL_FAILURE_DETECTION, "failure_detection", VSW_DETECT_LINK_STATUS, 2, VSW_DETECT_BEACON },
	{ VSW_POL_NOTIFY_SWITCHES, "notify_switches", 1, 2, 0 },
	{ VSW_POL_FAILBACK, "failback", 1, 2, 0 },
	{ VSW_POL_MAC_LEARNING, "mac_learning", 0, 2, 1 },
	{ VSW_POL_MAC_LIMIT, "mac_limit", 4096, 1000001, 16 },
	{ VSW_POL_MAC_AGING_SEC, "mac_aging_sec", 300, 1000001, 60 },
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

START_TEST(policy_table_complete)
{
	unsigned int n = 0;

	ck_assert_uint_eq(NKEYS, VSW_POL_COUNT);
	while (vsw_policy_name(n))
		n++;
	ck_assert_uint_eq(n, VSW_POL_COUNT);
	ck_assert_ptr_null(vsw_policy_name(-1));
	for (unsigned int i = 0; i < NKEYS; i++)
		ck_assert_str_eq(vsw_policy_name(keys[i].key), keys[i].name);
}
END_TEST

START_TEST(policy_defaults_and_ranges)
{
	struct vsw_switch *sw = ck_switch("s");
	struct vsw_portgroup *pg;
	unsigned int i = (unsigned int)_i;
	uint64_t v;
	int inh;

	ck_ok(vsw_portgroup_add(sw, "pg", 0, 0, &pg));
	ck_ok(vsw_switch_policy_get(sw, keys[i].key, &v));
	ck_assert_uint_eq(v, keys[i].def);
	ck_ok(vsw_portgroup_policy_get(pg, keys[i].key, &v, &inh));
	ck_assert_uint_eq(v, keys[i].def);
	ck_assert_int_eq(inh, 1);
	/* out of range: rejected on both levels, nothing changes */
	ck_assert_int_eq(vsw_switch_policy_set(sw, keys[i].key, keys[i].bad), -EINVAL);
	ck_assert_int_eq(vsw_portgroup_policy_set(pg, keys[i].key, keys[i].bad), -EINVAL);
	ck_ok(vsw_portgroup_policy_get(pg, keys[i].key, &v, &inh));
	ck_assert_uint_eq(v, keys[i].def);
	ck_assert_int_eq(inh, 1);
	/* in range: accepted */
	ck_ok(vsw_switch_policy_set(sw, keys[i].key, keys[i].good));
	ck_ok(vsw_switch_policy_get(sw, keys[i].key, &v));
	ck_assert_uint_eq(v, keys[i].good);
	vsw_switch_free(sw);
}
END_TEST

START_TEST(policy_inheritance_live)
{
	struct vsw_switch *sw = ck_switch("s");
	struct vsw_portgroup *a, *b;
	uint64_t v;
	int inh;

	ck_ok(vsw_portgroup_add(sw, "a", 0, 0, &a));
	ck_ok(vsw_portgroup_add(sw, "b", 0, 0, &b));
	/* set on the switch: seen by both port groups */
	ck_ok(vsw_switch_policy_set(sw, VSW_POL_FORGED_TRANSMITS, 0));
	ck_ok(vsw_portgroup_policy_get(a, VSW_POL_FORGED_TRANSMITS, &v, &inh));
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(inh, 1);
	/* a overrides */
	ck_ok(vsw_portgroup_policy_set(a, VSW_POL_FORGED_TRANSMITS, 1));
	ck_ok(vsw_portgroup_policy_get(a, VSW_POL_FORGED_TRANSMITS, &v, &inh));
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(inh, 0);
	/* later changes on the switch reach b, not a */
	ck_ok(vsw_switch_policy_set(sw, VSW_POL_FORGED_TRANSMITS, 1));
	ck_ok(vsw_switch_policy_set(sw, VSW_POL_FORGED_TRANSMITS, 0));
	ck_ok(vsw_portgroup_policy_get(b, VSW_POL_FORGED_TRANSMITS, &v, &inh));
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(inh, 1);
	ck_ok(vsw_portgroup_policy_get(a, VSW_POL_FORGED_TRANSMITS, &v, &inh));
	ck_assert_uint_eq(v, 1);
	/* an override equal to the switch's value is still an override */
	ck_ok(vsw_portgroup_policy_set(b, VSW_POL_FORGED_TRANSMITS, 0));
	ck_ok(vsw_portgroup_policy_get(b, VSW_POL_FORGED_TRANSMITS, &v, &inh));
	ck_assert_int_eq(inh, 0);
	/* clear restores inheritance, at the switch's current value */
	ck_ok(vsw_portgroup_policy_clear(a, VSW_POL_FORGED_TRANSMITS));
	ck_ok(vsw_portgroup_policy_get(a, VSW_POL_FORGED_TRANSMITS, &v, &inh));
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(inh, 1);
	ck_ok(vsw_portgroup_policy_clear(a, VSW_POL_FORGED_TRANSMITS)); /* twice: fine */
	ck_ok(vsw_switch_policy_set(sw, VSW_POL_FORGED_TRANSMITS, 1));
	ck_ok(vsw_portgroup_policy_get(a, VSW_POL_FORGED_TRANSMITS, &v, &inh));
	ck_assert_uint_eq(v, 1);
	/* other keys are independent */
	ck_ok(vsw_portgroup_policy_get(a, VSW_POL_PROMISCUOUS, &v, &inh));
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(inh, 1);
	vsw_switch_free(sw);
}
END_TEST

START_TEST(policy_null_and_unknown)
{
	struct vsw_switch *sw = ck_switch("s");
	struct vsw_portgroup *pg;
	uint64_t v;

	ck_ok(vsw_portgroup_add(sw, "pg", 0, 0, &pg));
	ck_assert_int_eq(vsw_switch_policy_set(NULL, VSW_POL_FAILBACK, 1), -EINVAL);
	ck_assert_int_eq(vsw_switch_policy_set(sw, VSW_POL_COUNT, 1), -EINVAL);
	ck_assert_int_eq(vsw_switch_policy_set(sw, -1, 1), -EINVAL);
	ck_assert_int_eq(vsw_switch_policy_get(NULL, VSW_POL_FAILBACK, &v), -EINVAL);
	ck_assert_int_eq(vsw_switch_policy_get(sw, VSW_POL_FAILBACK, NULL), -EINVAL);
	ck_assert_int_eq(vsw_switch_policy_get(sw, VSW_POL_COUNT, &v), -EINVAL);
	ck_assert_int_eq(vsw_portgroup_policy_set(NULL, VSW_POL_FAILBACK, 1), -EINVAL);
	ck_assert_int_eq(vsw_portgroup_policy_set(pg, VSW_POL_COUNT, 1), -EINVAL);
	ck_assert_int_eq(vsw_portgroup_policy_get(NULL, VSW_POL_FAILBACK, &v, NULL), -EINVAL);
	ck_assert_int_eq(vsw_portgroup_policy_get(pg, VSW_POL_FAILBACK, NULL, NULL), -EINVAL);
	ck_assert_int_eq(vsw_portgroup_policy_get(pg, 99, &v, NULL), -EINVAL);
	ck_ok(vsw_portgroup_policy_get(pg, VSW_POL_FAILBACK, &v, NULL));
	ck_assert_int_eq(vsw_portgroup_policy_clear(NULL, VSW_POL_FAILBACK), -EINVAL);
	ck_assert_int_eq(vsw_portgroup_policy_clear(pg, 99), -EINVAL);
	vsw_switch_free(sw);
}
END_TEST

Suite *vsw_policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("policy");

	tcase_add_test(tc, policy_table_complete);
	tcase_add_loop_test(tc, policy_defaults_and_ranges, 0, (int)NKEYS);
	tcase_add_test(tc, policy_inheritance_live);
	tcase_add_test(tc, policy_null_and_unknown);
	suite_add_tcase(s, tc);
	return s;
}
