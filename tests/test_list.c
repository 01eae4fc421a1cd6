/* The listing's AGE column: the largest one or two units. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_age),
	};

	return cmocka_run_group_tests_name("list", tests, NULL, NULL);
}
