/* The listing's AGE column: the largest one or two units; its COMMAND
 * column: control characters escaped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "list.h"

static void
test_age(void **state)
{
	static const struct {
		uint64_t	 secs;
		const char	*want;
	} cases[] = {
		{ 0, "0s" }, { 45, "45s" }, { 59, "59s" }, { 60, "1m" },
		{ 5 * 60 + 30, "5m" }, { 3599, "59m" }, { 3600, "1h" },
		{ 3 * 3600 + 12 * 60 + 59, "3h12m" }, { 86399, "23h59m" },
		{ 86400, "1d" }, { 86400 + 3599, "1d" }, { 86400 + 5 * 3600,
		    "1d5h" }, { 400 * 86400, "400d" },
	};
	char	 buf[32];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		list_age(buf, sizeof buf, cases[i].secs);
		assert_string_equal(buf, cases[i].want);
	}
}

static void
test_escape(void **state)
{
	static const struct {
		const char	*in, *want;
	} cases[] = {
		{ "vim notes.md", "vim notes.md" },
		{ "a\nb\tc\033d", "a\\nb\\tc\\x1bd" },
		{ "back\\slash \\n", "back\\\\slash \\\\n" },
		{ "\r\001\177", "\\x0d\\x01\\x7f" },
		{ "caf\303\251 \342\202\254", "caf\303\251 \342\202\254" },
		{ "\302\233[2J", "\\xc2\\x9b[2J" },	/* C1 CSI */
		{ "\302\240", "\302\240" },		/* no-break space */
		{ "\233\377\303", "\\x9b\\xff\\xc3" },	/* not UTF-8 */
		{ "", "" },
	};
	char	 buf[64];
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		list_escape(buf, sizeof buf, cases[i].in);
		assert_string_equal(buf, cases[i].want);
	}
	/* Cut where a whole escape or character fits. */
	list_escape(buf, 6, "ab\ncd");
	assert_string_equal(buf, "ab\\nc");
	list_escape(buf, 5, "ab\ncd");
	assert_string_equal(buf, "ab\\n");
	list_escape(buf, 4, "ab\ncd");
	assert_string_equal(buf, "ab");
	list_escape(buf, 4, "ab\303\251");
	assert_int_equal(strlen(buf), 2);
	list_escape(buf, 1, "ab");
	assert_string_equal(buf, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_age),
		cmocka_unit_test(test_escape),
	};

	return cmocka_run_group_tests_name("list", tests, NULL, NULL);
}
