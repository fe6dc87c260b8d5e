// SPDX-License-Identifier: MIT
/* version.c - the version of the running library, for run-time checks. */
#include "vsw.h"
#include "vsw_version.h"

const char *vsw_version(void)
{
	return VSW_VERSION_STRING;
}

unsigned int vsw_version_major(void)
{
	return VSW_VERSION_MAJOR;
}

unsigned int vsw_version_minor(void)
{
	return VSW_VERSION_MINOR;
}
