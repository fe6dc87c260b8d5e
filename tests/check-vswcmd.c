// SPDX-License-Identifier: MIT
/*
 * Description: the libcheck runner of the tests of vswd's own parts: the
 * vswctl grammar (cksuite-vswcmd.c) and the JSON emitter
 * (cksuite-vswjson.c). They are built into this program only, so that
 * check-libvsw tests the library alone.
 */
#include <stdlib.h>

#include "cksuite.h"

int main(void)
{
	SRunner *sr = srunner_create(vsw_vswcmd_suite());
	int failed;

	srunner_add_suite(sr, vsw_vswjson_suite());
	if (ck_under_debugger())
		srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
