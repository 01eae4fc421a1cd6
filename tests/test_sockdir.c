/* Session names and the socket directory rules of SPEC section 3. */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sockdir.h"

static void
test_names(void **state)
{
	static const char	*good[] = {
		"a", "build", "my-session_2.old", "A.b-c_d", "0",
		"x..", "-dash",
	};
	static const char	*bad[] = {
		"", ".hidden", ".", "..", "a/b", "a b", "tab\t", "new\nline",
		"ü", "a:b", "*",
	};
	char			 name[NAME_MAX_LEN + 2];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_int_equal(name_check(good[i]), 0);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errno = 0;
		assert_int_equal(name_check(bad[i]), -1);
		assert_int_equal(errno, EINVAL);
	}
	memset(name, 'n', NAME_MAX_LEN);
	name[NAME_MAX_LEN] = '\0';
	assert_int_equal(name_check(name), 0);
	name[NAME_MAX_LEN] = 'n';
	name[NAME_MAX_LEN + 1] = '\0';
	assert_int_equal(name_check(name), -1);
}

static void
test_path_order(void **state)
{
	char	 buf[PATH_MAX], want[64];

	(void)state;
	setenv("SESS_DIR", "/x/y", 1);
	setenv("XDG_RUNTIME_DIR", "/run/user/7", 1);
	assert_int_equal(sockdir_path(buf, sizeof buf), 0);
	assert_string_equal(buf, "/x/y");
	setenv("SESS_DIR", "/x/y//", 1);
	assert_int_equal(sockdir_path(buf, sizeof buf), 0);
	assert_string_equal(buf, "/x/y");
	unsetenv("SESS_DIR");
	assert_int_equal(sockdir_path(buf, sizeof buf), 0);
	assert_string_equal(buf, "/run/user/7/sess");
	unsetenv("XDG_RUNTIME_DIR");
	assert_int_equal(sockdir_path(buf, sizeof buf), 0);
	snprintf(want, sizeof want, "/tmp/sess-%u", (unsigned)getuid());
	assert_string_equal(buf, want);
	/* Relative: made absolute, since the server leaves its cwd. */
	setenv("SESS_DIR", "rel", 1);
	assert_int_equal(sockdir_path(buf, sizeof buf), 0);
	assert_true(buf[0] == '/');
	assert_non_null(strstr(buf, "/rel"));
	unsetenv("SESS_DIR");
}

struct tmp {
	char	root[64];
	char	dir[128];
};

static int
tmp_setup(void **state)
{
	struct tmp	*t = calloc(1, sizeof *t);

	strcpy(t->root, "/tmp/sess-test-XXXXXX");
	if (mkdtemp(t->root) == NULL)
		return -1;
	snprintf(t->dir, sizeof t->dir, "%s/d", t->root);
	*state = t;
	return 0;
}

static int
tmp_teardown(void **state)
{
	struct tmp	*t = *state;
	char		 cmd[256];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->root);
	if (system(cmd) != 0)
		return -1;
	free(t);
	return 0;
}

static void
test_create(void **state)
{
	struct tmp	*t = *state;
	struct stat	 st;

	assert_int_equal(sockdir_check(t->dir, 0), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(lstat(t->dir, &st), -1);
	assert_int_equal(sockdir_check(t->dir, 1), 0);
	assert_int_equal(lstat(t->dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(sockdir_check(t->dir, 0), 0);
}

static void
test_refusals(void **state)
{
	struct tmp	*t = *state;
	struct stat	 st;
	char		 target[160];
	FILE		*f;

	/* A symbolic link, even to a good directory, is not followed. */
	snprintf(target, sizeof target, "%s/real", t->root);
	assert_int_equal(mkdir(target, 0700), 0);
	assert_int_equal(symlink(target, t->dir), 0);
	assert_int_equal(sockdir_check(t->dir, 1), -1);
	assert_int_equal(errno, ELOOP);
	assert_int_equal(unlink(t->dir), 0);

	/* A file. */
	assert_non_null(f = fopen(t->dir, "w"));
	fclose(f);
	assert_int_equal(sockdir_check(t->dir, 1), -1);
	assert_int_equal(errno, ENOTDIR);
	assert_int_equal(unlink(t->dir), 0);

	/* Group or other bits: refused, and left as they were. */
	assert_int_equal(mkdir(t->dir, 0700), 0);
	assert_int_equal(chmod(t->dir, 0750), 0);
	assert_int_equal(sockdir_check(t->dir, 1), -1);
	assert_int_equal(errno, EACCES);
	assert_int_equal(stat(t->dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0750);
	assert_int_equal(chmod(t->dir, 0701), 0);
	assert_int_equal(sockdir_check(t->dir, 0), -1);
	assert_int_equal(errno, EACCES);

	/* Another owner: refused, and not chown'ed back. */
	assert_int_equal(chmod(t->dir, 0700), 0);
	if (getuid() == 0) {
		assert_int_equal(chown(t->dir, 65534, 65534), 0);
		assert_int_equal(sockdir_check(t->dir, 1), -1);
		assert_int_equal(errno, EPERM);
		assert_int_equal(stat(t->dir, &st), 0);
		assert_int_equal(st.st_uid, 65534);
	}
	assert_string_equal(sockdir_strerror(ELOOP), "is a symbolic link");
}

static void
test_join(void **state)
{
	char	 buf[512], longname[120];

	(void)state;
	assert_int_equal(sockdir_join(buf, sizeof buf, "/run/x", "s"), 0);
	assert_string_equal(buf, "/run/x/s");
	/* Past what a unix socket address holds. */
	memset(longname, 'n', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	assert_int_equal(sockdir_join(buf, sizeof buf, "/d", longname), -1);
	assert_int_equal(errno, ENAMETOOLONG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_path_order),
		cmocka_unit_test_setup_teardown(test_create, tmp_setup,
		    tmp_teardown),
		cmocka_unit_test_setup_teardown(test_refusals, tmp_setup,
		    tmp_teardown),
		cmocka_unit_test(test_join),
	};

	return cmocka_run_group_tests_name("sockdir", tests, NULL, NULL);
}
