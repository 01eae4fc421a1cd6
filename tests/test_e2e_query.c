/* The program's terminal queries get exactly one answer, whoever gives
 * it: the terminal of the client that answers for the session, when it
 * had the query, else the screen model. A program that asks the instant
 * it starts, while a client attaches, is the hard case (vttest waits for
 * its device attributes forever when nobody answers).
 *
 * The program is this one, started with --victim: it asks for the
 * primary device attributes (DA1), then for a status report (DSR), which
 * is answered after anything the answerer of the DA1 still had to say,
 * and prints how many DA1 answers came. */
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/e2e.h"

/* How long the program waits for an answer before it says none came. */
#define ANSWER_WAIT	TEST_TIMEOUT
/* Starts of the program, each raced by an attach. */
#define STARTS		30

static char	 self[PATH_MAX];

/* Reads the terminal until s (n bytes) came, counting the DA1 answers
 * (CSI ? ... c) on the way. -1 if it did not come in time. */
static int
victim_read_until(const char *s, size_t n, int *answers)
{
	char	 in[4096];
	size_t	 len = 0, i, from = 0;
	int64_t	 until = now_ms() + ANSWER_WAIT;
	struct pollfd p = { .fd = 0, .events = POLLIN };
	ssize_t	 got;

	for (;;) {
		for (i = from; i + 3 <= len; i++) {
			if (memcmp(in + i, "\033[?", 3) != 0)
				continue;
			i += 3;
			while (i < len && ((in[i] >= '0' && in[i] <= '9') ||
			    in[i] == ';'))
				i++;
			if (i < len && in[i] == 'c') {
				(*answers)++;
				from = i + 1;
			}
		}
		if (len >= n && memmem(in, len, s, n) != NULL)
			return 0;
		if (now_ms() >= until || len == sizeof in)
			return -1;
		if (poll(&p, 1, (int)(until - now_ms())) != 1)
			continue;
		got = read(0, in + len, sizeof in - len);
		if (got <= 0)
			return -1;
		len += (size_t)got;
	}
}

static int
victim_main(void)
{
	struct termios	 tio, raw;
	int		 answers = 0;

	/* Raw, so that the answer is neither echoed nor held for a line
	 * end; then ask at once: the race is at the start. */
	if (tcgetattr(0, &tio) == -1)
		return 1;
	raw = tio;
	cfmakeraw(&raw);
	tcsetattr(0, TCSANOW, &raw);
	if (write(1, "\033[c", 3) != 3)
		return 1;
	if (victim_read_until("c", 1, &answers) == 0 &&
	    write(1, "\033[5n", 4) == 4)
		(void)victim_read_until("\033[0n", 4, &answers);
	tcsetattr(0, TCSANOW, &tio);
	printf("\r\nanswers=%d.\r\n", answers);
	return 0;
}

/* The answers the program reported in t's output. */
static int
answers_seen(struct term *t)
{
	const char	*p;
	char		*out;
	int		 n = -1;

	assert_int_equal(buf_add(&t->out, "", 1), 0);
	out = t->out.data;
	if ((p = strstr(out, "answers=")) != NULL)
		n = atoi(p + strlen("answers="));
	t->out.len--;
	return n;
}

/* The client on t sees the program through to its end, which reports
 * exactly one answer. */
static void
expect_one_answer(struct term *t)
{
	assert_non_null(t);
	expect_output(t, "answers=");
	assert_int_equal(term_wait_exit(t, TEST_TIMEOUT), 0);
	if (answers_seen(t) != 1)
		show_term(t);
	assert_int_equal(answers_seen(t), 1);
	term_free(t);
	assert_true(wait_sock_gone("q", TEST_TIMEOUT));
}

/* sess -c: the client attaches as the program starts. */
static void
test_query_races_create(void **state)
{
	struct term	*t;
	int		 i;

	(void)state;
	for (i = 0; i < STARTS; i++) {
		t = term_sess(24, 80, "-c", "q", self, "--victim", NULL);
		expect_one_answer(t);
	}
}

/* sess -n, then sess -a at once from another terminal. */
static void
test_query_races_attach(void **state)
{
	struct term	*t;
	int		 i;

	(void)state;
	for (i = 0; i < STARTS; i++) {
		session_new("q", self, "--victim", NULL);
		t = term_sess(24, 80, "-a", "q", NULL);
		expect_one_answer(t);
	}
}

int
main(int argc, char *argv[])
{
	const struct CMUnitTest tests[] = {
		e2e_test(test_query_races_create),
		e2e_test(test_query_races_attach),
	};

	if (argc == 2 && strcmp(argv[1], "--victim") == 0)
		return victim_main();
	if (realpath("/proc/self/exe", self) == NULL)
		return 1;
	return cmocka_run_group_tests_name("e2e query", tests, NULL, NULL);
}
