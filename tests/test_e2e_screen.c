/* What a reattached terminal shows: the same as the program run directly
 * on a terminal of that size, cell by cell (text, attributes, colours,
 * wide and combining characters, cursor), on the alternate screen and
 * after it; scrollback in the outer terminal; dump and send; queries
 * answered while detached, and answered once with two clients. */
#include <sys/types.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/e2e.h"

/* Every kind of cell the model keeps, the cursor left in the middle. */
#define DRAW \
	"printf '\\033[H\\033[2J'; " \
	"printf 'plain \\033[1mbold\\033[0m \\033[3mitalic\\033[0m " \
	"\\033[4munder\\033[0m \\033[7mrev\\033[0m \\033[9mstrike\\033[0m " \
	"\\033[5mblink\\033[0m\\r\\n'; " \
	"printf '\\033[31mred\\033[42mongreen\\033[0m " \
	"\\033[38;5;208m256\\033[48;5;21mblue\\033[0m " \
	"\\033[38;2;10;200;30mtrue\\033[48;2;90;0;160mcolour\\033[0m\\r\\n'; " \
	"printf '\xe4\xb8\xad\xe6\x96\x87 wide, e\xcc\x81 combining, " \
	"\xf0\x9f\x98\x80 emoji\\r\\n'; " \
	"printf '\\033[10;20H\\033[44m   box   \\033[0m'; " \
	"printf '\\033[24;70H\\033[1;35mcorner'; " \
	"printf '\\033[0m\\033[5;10Hdrawn'"

/* A program that draws for the size it has, and again on SIGWINCH. A
 * signal that comes just before wait starts is acted on when that sleep
 * ends, so the sleeps are short. */
#define DRAW_SIZED \
	"draw() { set -- $(stty size); " \
	"printf '\\033[H\\033[2J\\033[1;33msize %sx%s\\033[0m' $2 $1; " \
	"printf '\\033[%s;%sH\\033[41mBR\\033[0m' $1 $(($2 - 1)); " \
	"printf '\\033[%s;1H\\033[38;2;1;2;3mlast row\\033[0m' $1; " \
	"printf '\\033[3;5Hready %s' $1; }; " \
	"trap draw WINCH; draw; " \
	"while :; do sleep 1 & p=$!; wait $p; kill $p 2>/dev/null; done"

struct pair {
	struct term	*a;
	struct term	*b;
	char		 why[256];
};

static int
pair_same(void *arg)
{
	struct pair	*p = arg;

	term_drain(p->a);
	term_drain(p->b);
	return vscreen_same(p->a->screen, p->b->screen, p->why,
	    sizeof p->why);
}

/* Waits until a shows what b shows; fails with both screens if not. */
static void
expect_same(struct term *a, struct term *b)
{
	struct pair	 p = { a, b, "" };

	if (poll_until(pair_same, &p, TEST_TIMEOUT))
		return;
	print_message("the screens differ: %s\n", p.why);
	print_message("--- through sess\n%s", vscreen_text(a->screen));
	print_message("--- directly\n%s", vscreen_text(b->screen));
	fail();
}

static struct term *
spawn_sh(int rows, int cols, const char *script)
{
	const char	*argv[] = { "sh", "-c", script, NULL };
	struct term	*t;

	t = term_spawn(rows, cols, argv);
	assert_non_null(t);
	return t;
}

/* Reattached at the size it was drawn at: only the model can redraw it
 * (the program sleeps), and it must be exact. */
static void
test_redraw_same_size(void **state)
{
	struct term	*ref, *a, *b;

	(void)state;
	ref = spawn_sh(24, 80, DRAW "; exec sleep 1000");
	expect_screen(ref, "drawn");
	a = term_sess(24, 80, "-c", "same", "sh", "-c",
	    DRAW "; exec sleep 1000", NULL);
	expect_screen(a, "drawn");
	expect_same(a, ref);
	expect_detach(a, "\034", "same");
	term_free(a);

	b = term_sess(24, 80, "-a", "same", NULL);
	expect_screen(b, "drawn");
	expect_same(b, ref);
	expect_detach(b, "\034", "same");
	term_free(b);
	term_free(ref);
	session_kill("same");
}

/* Reattached at another size: the program redraws for it, and the
 * result is what it draws on a terminal of that size. */
static void
test_redraw_other_size(void **state)
{
	struct term	*ref, *a, *b;

	(void)state;
	ref = spawn_sh(30, 100, DRAW_SIZED);
	expect_screen(ref, "ready 30");
	a = term_sess(24, 80, "-c", "other", "sh", "-c", DRAW_SIZED, NULL);
	expect_screen(a, "ready 24");
	expect_detach(a, "\034", "other");
	term_free(a);

	b = term_sess(30, 100, "-a", "other", NULL);
	expect_screen(b, "ready 30");
	expect_same(b, ref);
	/* And back to the first size, attached. */
	term_resize(b, 24, 80);
	term_resize(ref, 24, 80);
	expect_screen(b, "size 80x24");
	expect_same(b, ref);
	expect_detach(b, "\034", "other");
	term_free(b);
	term_free(ref);
	session_kill("other");
}

/* less on the alternate screen, reattached; on quitting it, the primary
 * screen under it is back as it was. */
static void
test_alternate_screen(void **state)
{
	char		 script[1024];
	struct term	*ref, *b;
	FILE		*f;
	int		 i;

	(void)state;
	f = fopen(scratch_path("text"), "w");
	assert_non_null(f);
	for (i = 1; i <= 100; i++)
		fprintf(f, "row %d of the file\n", i);
	fclose(f);
	snprintf(script, sizeof script, "printf '\\033[32mbefore less\\033[m"
	    "\\r\\n'; less %s; printf 'after less'; exec sleep 1000",
	    scratch_path("text"));

	/* The session is made detached, so that less sees no SIGWINCH
	 * until the attach; its repaint then ends with the prompt ":",
	 * which it shows directly after a line down and back up. */
	ref = spawn_sh(24, 80, script);
	expect_screen(ref, "row 23 of the file");
	term_type(ref, "j");
	expect_screen(ref, "row 24 of the file");
	term_type(ref, "k");
	expect_screen(ref, "row 1 of the file");
	session_new("alt", "sh", "-c", script, NULL);
	expect_dump("alt", NULL, "row 23 of the file");

	b = term_sess(24, 80, "-a", "alt", NULL);
	expect_screen(b, "row 23 of the file");
	assert_true(vscreen_altscreen(b->screen));
	expect_same(b, ref);
	/* less drops what is typed before it has set its terminal up again
	 * after the SIGWINCH: wait for the end of the redraw, then for its
	 * prompt. */
	expect_output(b, "\033[?2026l");
	expect_output(b, ":\033[K");
	term_type(b, "q");
	term_type(ref, "q");
	expect_screen(b, "after less");
	expect_screen(ref, "after less");
	assert_false(vscreen_altscreen(b->screen));
	expect_screen(b, "before less");
	expect_same(b, ref);
	expect_detach(b, "\034", "alt");
	term_free(b);
	term_free(ref);
	session_kill("alt");
}

/* Lines that scrolled off while detached are written into the terminal
 * before the redraw, so that its own scrollback has them. */
static void
test_scrollback_replayed(void **state)
{
	struct term	*a, *b;

	(void)state;
	a = term_sess(24, 80, "-c", "hist", "sh", "-c",
	    "i=1; while [ $i -le 200 ]; do echo \"numbered line $i\"; "
	    "i=$((i + 1)); done; exec sleep 1000", NULL);
	expect_screen(a, "numbered line 200");
	expect_detach(a, "\034", "hist");
	term_free(a);

	b = term_sess(24, 80, "-a", "hist", NULL);
	expect_screen(b, "numbered line 200");
	assert_true(vscreen_history_has(b->screen, "numbered line 150"));
	assert_true(vscreen_history_has(b->screen, "numbered line 2"));
	assert_int_equal(vscreen_find(b->screen, "numbered line 150"), -1);
	expect_detach(b, "\034", "hist");
	term_free(b);
	session_kill("hist");
}

/* send types into a detached session, dump reads its screen; -a keeps
 * colours, -s the scrollback, send -k named keys. */
static void
test_dump_and_send(void **state)
{
	struct run	 r;
	char		*nl;

	(void)state;
	session_new("ds", "sh", "-c",
	    "i=1; while [ $i -le 40 ]; do echo \"early $i\"; i=$((i + 1)); "
	    "done; printf '\\033[31mred\\033[m plain\\n'; exec cat", NULL);
	expect_dump("ds", NULL, "red plain");
	/* Plain dump: text only, and only the screen. */
	assert_true(dump_has("ds", NULL, "early 40"));
	assert_false(dump_has("ds", NULL, "early 5\n"));
	assert_false(dump_has("ds", NULL, "\033["));
	assert_true(dump_has("ds", "-a", "\033["));
	assert_true(dump_has("ds", "-s", "early 5\n"));

	assert_int_equal(run_sess(&r, "send", "ds", "typed ", "by send\r",
	    NULL), 0);
	run_free(&r);
	/* Once echoed by the terminal, once printed by cat. */
	expect_dump("ds", NULL, "typed by send\ntyped by send");

	/* Strings go as they are: no escape processing. */
	assert_int_equal(run_sess(&r, "send", "ds", "back\\slash\r", NULL), 0);
	run_free(&r);
	expect_dump("ds", NULL, "back\\slash\nback\\slash");

	/* The last row with text is the one cat wrote; none after it. */
	run_sess(&r, "dump", "ds", NULL);
	nl = strstr(r.out.data, "back\\slash\nback\\slash\n");
	assert_non_null(nl);
	run_free(&r);

	assert_int_equal(run_sess(&r, "send", "-k", "ds", "C-c", NULL), 0);
	run_free(&r);
	assert_true(wait_state("ds", "exited(130)", TEST_TIMEOUT));
	session_kill("ds");
}

/* Nobody attached: the server answers a cursor position query itself. */
static void
test_query_detached(void **state)
{
	(void)state;
	session_new("q", "sh", "-c",
	    "stty raw -echo; printf '\\033[5;10H\\033[6n'; "
	    "r=$(dd bs=1 count=7 2>/dev/null); "
	    "printf '\\r\\ngot:%s\\r\\n' \"$(printf %s \"$r\" | tr '\\033' E)\"; "
	    "exec sleep 1000", NULL);
	expect_dump("q", NULL, "got:E[5;10R");
	session_kill("q");
}

/* Two clients attached: both terminals answer the program's query, but
 * the program asked once and hears one answer. */
static void
test_query_answered_once(void **state)
{
	struct term	*a, *b;
	char		 row[256];
	int		 r;

	(void)state;
	a = term_sess(24, 80, "-c", "once", "sh", "-c",
	    "stty raw -echo; printf ready; dd bs=1 count=1 >/dev/null 2>&1; "
	    "printf '\\033[6n'; r=; "
	    "while c=$(dd bs=1 count=1 2>/dev/null); [ \"$c\" != x ]; do "
	    "r=\"$r$c\"; done; "
	    "printf '\\r\\ngot:%s\\r\\n' \"$(printf %s \"$r\" | tr '\\033' E)\"; "
	    "exec sleep 1000", NULL);
	expect_screen(a, "ready");
	b = term_sess(24, 80, "-a", "once", NULL);
	expect_screen(b, "ready");
	assert_true(wait_clients("once", 2));
	term_skip(a);
	term_skip(b);
	term_type(b, "g");
	/* Reading the query makes each test terminal answer it, as a real
	 * one would; then both answers have reached the server. */
	expect_output(a, "\033[6n");
	expect_output(b, "\033[6n");
	assert_true(term_wait_consumed(a, TEST_TIMEOUT));
	assert_true(term_wait_consumed(b, TEST_TIMEOUT));
	term_type(a, "x");
	expect_screen(b, "got:");
	r = vscreen_find(b->screen, "got:");
	vscreen_row(b->screen, r, row, sizeof row);
	assert_string_equal(row, "got:E[1;6R");
	expect_detach(a, "\034", "once");
	expect_detach(b, "\034", "once");
	term_free(a);
	term_free(b);
	session_kill("once");
}

/* Output that crashes libvterm 0.1.4 when handed to it as it is (an SGR
 * with a long group of sub-parameters) leaves the session running. */
static void
test_hostile_output(void **state)
{
	(void)state;
	session_new("hostile", "sh", "-c",
	    "printf '\\033[38:2:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1:1;1m"
	    "\\033[::::::::::::::::::::::::::::::::::::::::H"
	    "\\033[;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;m"
	    "\\033[mstill here\\n'; exec sleep 1000", NULL);
	expect_dump("hostile", NULL, "still here");
	assert_true(wait_state("hostile", "detached", TEST_TIMEOUT));
	session_kill("hostile");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		e2e_test(test_redraw_same_size),
		e2e_test(test_redraw_other_size),
		e2e_test(test_alternate_screen),
		e2e_test(test_scrollback_replayed),
		e2e_test(test_dump_and_send),
		e2e_test(test_query_detached),
		e2e_test(test_query_answered_once),
		e2e_test(test_hostile_output),
	};

	return cmocka_run_group_tests_name("e2e screen", tests, NULL, NULL);
}
