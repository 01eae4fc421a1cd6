/* Session cards: what a server writes a listing reads back, only while
 * the server's lock is held, never a card caught halfway through being
 * written, and nothing another server keeps. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
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

#include "card.h"
#include "proto.h"
#include "version.h"

struct tmp {
	char	 dir[64];
	char	 card[96];
};

static int
tmp_setup(void **state)
{
	struct tmp	*t = calloc(1, sizeof *t);

	strcpy(t->dir, "/tmp/sess-test-XXXXXX");
	if (mkdtemp(t->dir) == NULL)
		return -1;
	snprintf(t->card, sizeof t->card, "%s/.work", t->dir);
	*state = t;
	return 0;
}

static int
tmp_teardown(void **state)
{
	struct tmp	*t = *state;

	unlink(t->card);
	rmdir(t->dir);
	free(t);
	return 0;
}

static void
info_sample(struct proto_info *i, uint32_t clients)
{
	memset(i, 0, sizeof *i);
	i->state = INFO_RUNNING;
	i->pid = 4242;
	i->clients = clients;
	i->rows = 40;
	i->cols = 120;
	i->created = 1700000000;
	strcpy(i->cmd, "make -j8");
	strcpy(i->version, SESS_VERSION);
}

static void
test_card_round_trip(void **state)
{
	struct tmp		*t = *state;
	struct proto_info	 in, out;
	struct stat		 st;
	uint32_t		 version;
	int			 fd;

	assert_true((fd = card_open(t->dir, "work")) != -1);
	assert_int_equal(stat(t->card, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	/* Made, not yet written: nothing to trust. */
	assert_int_equal(card_read(t->dir, "work", &out, &version), 0);

	info_sample(&in, 1);
	assert_int_equal(card_write(fd, &in), 0);
	assert_int_equal(card_read(t->dir, "work", &out, &version), 1);
	assert_int_equal(version, PROTO_VERSION);
	assert_int_equal(out.pid, 4242);
	assert_int_equal(out.clients, 1);
	assert_int_equal(out.rows, 40);
	assert_int_equal(out.cols, 120);
	assert_int_equal(out.created, 1700000000);
	assert_string_equal(out.cmd, "make -j8");
	assert_string_equal(out.version, SESS_VERSION);

	/* Written again, shorter: the shorter one is read. */
	in.clients = 0;
	strcpy(in.cmd, "sh");
	assert_int_equal(card_write(fd, &in), 0);
	assert_int_equal(card_read(t->dir, "work", &out, &version), 1);
	assert_int_equal(out.clients, 0);
	assert_string_equal(out.cmd, "sh");
	assert_int_equal(stat(t->card, &st), 0);

	/* Another server cannot take it while this one keeps it. */
	assert_int_equal(card_open(t->dir, "work"), -1);
	assert_int_equal(errno, EWOULDBLOCK);

	/* Its server gone (the lock with it): not trusted, whatever it
	 * says. */
	close(fd);
	assert_int_equal(card_read(t->dir, "work", &out, &version), 0);
	assert_int_equal(stat(t->card, &st), 0);
	card_remove(t->dir, "work", -1);
	assert_int_equal(stat(t->card, &st), -1);
	assert_int_equal(card_read(t->dir, "nosuch", &out, &version), 0);
}

/* A reader that finds the two copies differ caught the server writing:
 * it asks the server instead. */
static void
test_card_torn(void **state)
{
	struct tmp		*t = *state;
	struct proto_info	 in, out;
	struct stat		 st;
	uint32_t		 version;
	char			 c;
	int			 fd, raw;

	assert_true((fd = card_open(t->dir, "work")) != -1);
	info_sample(&in, 2);
	assert_int_equal(card_write(fd, &in), 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_true((raw = open(t->card, O_RDWR)) != -1);
	/* The last byte of the second copy. */
	assert_int_equal(pread(raw, &c, 1, st.st_size - 1), 1);
	c ^= 1;
	assert_int_equal(pwrite(raw, &c, 1, st.st_size - 1), 1);
	assert_int_equal(card_read(t->dir, "work", &out, &version), 0);
	c ^= 1;
	assert_int_equal(pwrite(raw, &c, 1, st.st_size - 1), 1);
	assert_int_equal(card_read(t->dir, "work", &out, &version), 1);
	/* Cut short: the second copy missing. */
	assert_int_equal(ftruncate(raw, st.st_size / 2 + 3), 0);
	assert_int_equal(card_read(t->dir, "work", &out, &version), 0);
	close(raw);
	close(fd);
}

/* card_remove with a descriptor takes away only that card, not one a
 * newer server made in its place. */
static void
test_card_remove_own(void **state)
{
	struct tmp		*t = *state;
	struct stat		 st;
	int			 old, new;

	assert_true((old = card_open(t->dir, "work")) != -1);
	assert_int_equal(unlink(t->card), 0);
	assert_true((new = card_open(t->dir, "work")) != -1);
	card_remove(t->dir, "work", old);
	assert_int_equal(stat(t->card, &st), 0);
	card_remove(t->dir, "work", new);
	assert_int_equal(stat(t->card, &st), -1);
	close(old);
	close(new);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_card_round_trip,
		    tmp_setup, tmp_teardown),
		cmocka_unit_test_setup_teardown(test_card_torn, tmp_setup,
		    tmp_teardown),
		cmocka_unit_test_setup_teardown(test_card_remove_own,
		    tmp_setup, tmp_teardown),
	};

	return cmocka_run_group_tests_name("card", tests, NULL, NULL);
}
