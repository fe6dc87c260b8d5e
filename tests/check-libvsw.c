// SPDX-License-Identifier: MIT
/*
 * Description: the libcheck runner of libvsw's unit tests; each area's
 * suite lives in cksuite-AREA.c. Under a debugger (or CK_FORK=no) tests run
 * in-process; library ERROR logs are installed per switch by the suites.
 */
#include <stdlib.h>

#include "config.h" /* the optional backends' suites */
#include "cksuite.h"

int main(void)
{
	SRunner *sr = srunner_create(vsw_model_suite());
	int failed;

	srunner_add_suite(sr, vsw_policy_suite());
	srunner_add_suite(sr, vsw_alloc_suite());
	srunner_add_suite(sr, vsw_vlan_suite());
	srunner_add_suite(sr, vsw_forward_suite());
	srunner_add_suite(sr, vsw_mirror_suite());
	srunner_add_suite(sr, vsw_teaming_suite());
	srunner_add_suite(sr, vsw_beacon_suite());
	srunner_add_suite(sr, vsw_backend_suite());
	srunner_add_suite(sr, vsw_badinput_suite());
#ifdef VSW_WITH_QEMU
	srunner_add_suite(sr, vsw_qemu_suite());
#endif
	srunner_add_suite(sr, vsw_lldp_suite());
	srunner_add_suite(sr, vsw_vmk_suite());
	srunner_add_suite(sr, vsw_edges_suite());
	srunner_add_suite(sr, vsw_offload_suite());
	srunner_add_suite(sr, vsw_ofl_path_suite());
	srunner_add_suite(sr, vsw_loop_suite());
#ifdef VSW_WITH_VHOSTUSER
	srunner_add_suite(sr, vsw_vhostuser_suite());
#endif
#ifdef VSW_WITH_VXLAN
	srunner_add_suite(sr, vsw_vxlan_suite());
#endif
	if (ck_under_debugger())
		srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
