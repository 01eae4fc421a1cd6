/*
 * screen_bench CORPUS [ROUNDS]: the screen model against libvterm's own
 * screen layer on the benchmark's corpus, fed in 4 KiB reads as a server
 * gets them from a pty, at 80x24 and 200x50; then the time to build the
 * redraw of a full coloured 80x24 screen; the model as the server
 * runs it on a flood (its thread, which passes over most of a flood of
 * plain lines), fed in 64 KiB reads; and the time to save and to load
 * the state of a session with a full scrollback of coloured lines.
 *
 * The two take turns every MiB, so that a busy machine slows them alike;
 * each figure is the median of the rounds, the ratio the median of each
 * round's own. One line per figure: LABEL<TAB>VALUE<TAB>TARGET<TAB>RESULT,
 * read by bench.
 *
 * "screen_bench CORPUS model" feeds the model only, for a profiler.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <vterm.h>

#include "model.h"
#include "screen.h"
#include "state.h"
#include "tests/lib/streams.h"
#include "version.h"
#include "util.h"

#define READ		4096
#define SLICE		(1024 * 1024)
#define MAXROUNDS	15

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmpd(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmpd);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void
load(const char *path, struct buf *b)
{
	struct stat	st;
	ssize_t		n;
	int		fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1 || buf_reserve(b, (size_t)st.st_size) == -1) {
		fprintf(stderr, "screen_bench: %s: %s\n", path,
		    strerror(errno));
		exit(1);
	}
	while ((n = read(fd, b->data + b->len, (size_t)st.st_size - b->len))
	    > 0)
		b->len += (size_t)n;
	close(fd);
}

/*
 * One pass of the corpus through a fresh model and a fresh libvterm
 * screen of rows x cols, 1 MiB at a time in turn (who goes first
 * alternates), so that a machine busy with something else slows both
 * alike. Seconds each in *tm, *tv (0 for libvterm with only_model).
 */
static void
run_pair(const struct buf *b, int rows, int cols, int only_model,
    double *tm, double *tv)
{
	struct screen	*s = screen_new(rows, cols);
	VTerm		*vt = NULL;
	VTermScreen	*vs;
	double		 t;
	size_t		 slice, end, off, n;
	int		 k, who;

	if (!only_model) {
		vt = vterm_new(rows, cols);
		vterm_set_utf8(vt, 1);
		vs = vterm_obtain_screen(vt);
		vterm_screen_enable_altscreen(vs, 1);
		vterm_screen_reset(vs, 1);
	}
	*tm = *tv = 0;
	for (slice = 0; slice < b->len; slice = end) {
		end = b->len - slice < SLICE ? b->len : slice + SLICE;
		for (k = 0; k < 2; k++) {
			who = (int)(slice / SLICE + (size_t)k) % 2;
			if (who == 1 && only_model)
				continue;
			t = now();
			for (off = slice; off < end; off += n) {
				n = end - off < READ ? end - off : READ;
				if (who == 0)
					screen_input(s, b->data + off, n);
				else
					vterm_input_write(vt, b->data + off, n);
			}
			*(who == 0 ? tm : tv) += now() - t;
		}
	}
	screen_free(s);
	if (vt != NULL)
		vterm_free(vt);
}

/* Milliseconds to build the redraw of a full 80x24 screen in 256 colours. */
static double
run_redraw(void)
{
	struct screen	*s = screen_new(24, 80);
	struct buf	 in = { 0 }, out = { 0 };
	double		 t, v[101];
	int		 r, c, i;

	for (r = 0; r < 24; r++)
		for (c = 0; c < 80; c++)
			buf_addf(&in, "\033[%d;%dH\033[38;5;%d;48;5;%dm%c",
			    r + 1, c + 1, (r * 7 + c) % 256,
			    (r + c * 3) % 256, 'a' + (r + c) % 26);
	screen_input(s, in.data, in.len);
	for (i = 0; i < 101; i++) {
		buf_reset(&out);
		t = now();
		screen_redraw(s, 0, &out);
		v[i] = (now() - t) * 1e3;
	}
	buf_free(&in);
	buf_free(&out);
	screen_free(s);
	return median(v, 101);
}

/* MB/s of the model's thread taking the corpus as a server reads it from
 * a pty (LF made CR LF, reads of up to 64 KiB, none while the model's
 * backlog is full) until it has caught up. */
static void
flood_row(const struct buf *b, int rounds)
{
	struct buf	 crlf = { 0 };
	struct screen	*s;
	struct model	*m;
	double		 t, v[MAXROUNDS];
	size_t		 i, off, n;
	int		 r;
	struct pollfd	 pfd;

	for (i = 0; i < b->len; i++) {
		if (b->data[i] == '\n')
			buf_add(&crlf, "\r", 1);
		buf_add(&crlf, b->data + i, 1);
	}
	for (r = 0; r < rounds; r++) {
		if ((s = screen_new(24, 80)) == NULL ||
		    (m = model_new(s, NULL, NULL)) == NULL)
			exit(1);
		pfd.fd = model_fd(m);
		pfd.events = POLLIN;
		t = now();
		for (off = 0; off < crlf.len; off += n) {
			n = crlf.len - off < 65536 ? crlf.len - off : 65536;
			model_input(m, crlf.data + off, n);
			/* As the server: no more reads while the thread
			 * has a full backlog, until it says it took it. */
			while (model_full(m)) {
				poll(&pfd, 1, -1);
				model_poll(m);
			}
		}
		model_sync(m);
		v[r] = (double)crlf.len / 1e6 / (now() - t);
		model_free(m);
		screen_free(s);
	}
	printf("model on a flood, as the server runs it, 80x24\t%.0f MB/s "
	    "(median of %d)\t-\t\n", median(v, rounds), rounds);
	buf_free(&crlf);
}

/* Milliseconds to save, and to load, the state of a 200x50 session whose
 * scrollback is full of coloured lines: what a checkpoint and an upgrade
 * in place add to the work of the model. */
static void
state_row(int rounds)
{
	struct state_facts	 f = { .name = "bench", .cmd = "bench",
		.version = SESS_VERSION };
	struct state_error	 why;
	struct screen		*s, *t;
	struct buf		 in = { 0 }, out = { 0 };
	double			 t0, save[MAXROUNDS], load[MAXROUNDS];
	int			 i, r;

	if ((s = screen_new(50, 200)) == NULL)
		exit(1);
	for (i = 0; i < 10000 + 50; i++)
		streams_coloured_line(&in, 200);
	screen_input(s, in.data, in.len);
	for (r = 0; r < rounds; r++) {
		buf_reset(&out);
		t0 = now();
		if (state_save(&f, s, &out) == -1)
			exit(1);
		save[r] = (now() - t0) * 1e3;
		t0 = now();
		if (state_load(out.data, out.len, &f, &t, &why) == -1) {
			fprintf(stderr, "screen_bench: %s\n", why.msg);
			exit(1);
		}
		load[r] = (now() - t0) * 1e3;
		screen_free(t);
	}
	printf("state save/load, 10000 lines\t%.0f / %.0f ms, %.1f MB "
	    "(median of %d)\t-\t\n", median(save, rounds),
	    median(load, rounds), (double)out.len / 1e6, rounds);
	buf_free(&in);
	buf_free(&out);
	screen_free(s);
}

/* MB/s of each, and the ratio, at one size: medians of the rounds. */
static void
size_row(const struct buf *b, int rows, int cols, int rounds, double want)
{
	double	tm, tv, m[MAXROUNDS], v[MAXROUNDS], ratio[MAXROUNDS], mb, r;
	int	i;

	mb = (double)b->len / 1e6;
	for (i = 0; i < rounds; i++) {
		run_pair(b, rows, cols, 0, &tm, &tv);
		m[i] = mb / tm;
		v[i] = mb / tv;
		ratio[i] = tv / tm;
	}
	r = median(ratio, rounds);	/* sorts: ratio[0] is the least */
	printf("model vs libvterm screen, %dx%d\t%.1f vs %.1f MB/s: %.2fx "
	    "(ratio %.2f-%.2f, n=%d)\t>= %.0fx\t%s\n", cols, rows,
	    median(m, rounds), median(v, rounds), r, ratio[0],
	    ratio[rounds - 1], rounds, want, r >= want ? "pass" : "FAIL");
}

int
main(int argc, char **argv)
{
	struct buf	 b = { 0 };
	double		 tm, tv, ms;
	int		 n;

	if (argc < 2) {
		fprintf(stderr, "usage: screen_bench CORPUS [ROUNDS | model]\n");
		return 2;
	}
	load(argv[1], &b);
	if (argc > 2 && strcmp(argv[2], "model") == 0) {
		run_pair(&b, 24, 80, 1, &tm, &tv);
		printf("model: %.1f MB/s at 80x24\n", (double)b.len / 1e6 / tm);
		return 0;
	}
	n = argc > 2 ? atoi(argv[2]) : 5;
	if (n < 1 || n > MAXROUNDS)
		n = 5;
	size_row(&b, 24, 80, n, 3);
	size_row(&b, 50, 200, n, 6);
	flood_row(&b, n);
	state_row(n);
	ms = run_redraw();
	printf("redraw build, full coloured 80x24\t%.3f ms (median of 101)"
	    "\t< 1 ms\t%s\n", ms, ms < 1 ? "pass" : "FAIL");
	buf_free(&b);
	return 0;
}
