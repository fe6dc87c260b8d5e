// SPDX-License-Identifier: MIT
/* Description: vsw.h compiles alone as pedantic C11 and links (shared or static). */
#include <vsw.h>
#include <stdio.h>

int main(void)
{
	struct vsw_switch *sw;
	VSW_OPTS(vsw_switch_opts, o, .mtu = 1500);

	if (vsw_switch_new("s", &o, &sw))
		return 1;
	vsw_switch_free(sw);
	printf("%s\n", vsw_version());
	return vsw_version_major() == VSW_VERSION_MAJOR ? 0 : 1;
}
