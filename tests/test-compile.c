// SPDX-License-Identifier: MIT
/* Description: vsw.h compiles alone as pedantic C11 and links (shared or static);
 * vsw.h does not pull in vsw_host.h, which compiles on top of it. */
#include <vsw.h>
#ifdef VSW_HOST_H
#error "vsw.h must not include vsw_host.h"
#endif
#include <vsw_host.h>
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
