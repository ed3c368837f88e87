/* The directory the unit tests write their files in: TMPDIR when set
** (scripts/test.sh points it at a tmpfs, where a commit's fdatasync costs
** nothing: under make test's load a disk's took the unit tests from 18 s
** to 232 s), else /tmp. */
#ifndef THIDUA_TEST_TMPDIR_H
#define THIDUA_TEST_TMPDIR_H
#include <stdlib.h>

static inline const char *test_tmpdir(void)
{
	const char *t = getenv("TMPDIR");
	return t && *t ? t : "/tmp";
}

#endif
