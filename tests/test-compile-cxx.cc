// SPDX-License-Identifier: MIT
// Description: vsw.h and vsw_host.h compile and link as C++ (extern "C", no
// C-only constructs).
#include <vsw.h>
#include <vsw_host.h>

int main()
{
	struct vsw_switch *sw = nullptr;

	if (vsw_switch_new("s", nullptr, &sw))
		return 1;
	vsw_switch_free(sw);
	return vsw_version_major() == VSW_VERSION_MAJOR ? 0 : 1;
}
