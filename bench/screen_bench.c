/*
 * screen_bench CORPUS [ROUNDS]: the screen model against libvterm's own
 * screen layer on the benchmark's corpus, fed in 4 KiB reads as a server
 * gets them from a pty, at 80x24 and 200x50; then the time to build the
 * redraw of a full coloured 80x24 screen.
 *
 * The contenders take turns round by round, so that a busy machine slows
 * them alike; each figure is the median of the rounds. One line per
 * figure: LABEL<TAB>VALUE<TAB>TARGET<TAB>RESULT, read by bench.
 *
 * "screen_bench CORPUS model" feeds the model only, for a profiler.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <vterm.h>

#include "screen.h"
#include "util.h"

#define READ		4096
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

/* MB/s of the model on the whole corpus. */
static double
run_model(const struct buf *b, int rows, int cols)
{
	struct screen	*s = screen_new(rows, cols);
	double		 t;
	size_t		 off, n;

	t = now();
	for (off = 0; off < b->len; off += n) {
		n = b->len - off < READ ? b->len - off : READ;
		screen_input(s, b->data + off, n);
	}
	t = now() - t;
	screen_free(s);
	return (double)b->len / t / 1e6;
}

/* MB/s of libvterm with its screen layer, as a terminal would use it. */
static double
run_vterm(const struct buf *b, int rows, int cols)
{
	VTerm		*vt = vterm_new(rows, cols);
	VTermScreen	*vs;
	double		 t;
	size_t		 off, n;

	vterm_set_utf8(vt, 1);
	vs = vterm_obtain_screen(vt);
	vterm_screen_enable_altscreen(vs, 1);
	vterm_screen_reset(vs, 1);
	t = now();
	for (off = 0; off < b->len; off += n) {
		n = b->len - off < READ ? b->len - off : READ;
		vterm_input_write(vt, b->data + off, n);
	}
	t = now() - t;
	vterm_free(vt);
	return (double)b->len / t / 1e6;
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

static void
row(const char *label, double m[], double v[], int n, double want)
{
	double	mm, vm;

	mm = median(m, n);
	vm = median(v, n);
	printf("model vs libvterm screen, %s\t%.1f vs %.1f MB/s: %.2fx "
	    "(model %.1f-%.1f, libvterm %.1f-%.1f, n=%d)\t>= %.0fx\t%s\n",
	    label, mm, vm, mm / vm, m[0], m[n - 1], v[0], v[n - 1], n, want,
	    mm / vm >= want ? "pass" : "FAIL");
}

int
main(int argc, char **argv)
{
	double		 m24[MAXROUNDS], v24[MAXROUNDS];
	double		 m50[MAXROUNDS], v50[MAXROUNDS], ms;
	struct buf	 b = { 0 };
	int		 i, n, only_model;

	if (argc < 2) {
		fprintf(stderr, "usage: screen_bench CORPUS [ROUNDS | model]\n");
		return 2;
	}
	load(argv[1], &b);
	only_model = argc > 2 && strcmp(argv[2], "model") == 0;
	n = argc > 2 && !only_model ? atoi(argv[2]) : 5;
	if (n < 1 || n > MAXROUNDS)
		n = 5;
	for (i = 0; i < n; i++) {
		/* Who goes first alternates: caches and clocks favour neither. */
		if (i % 2 == 0) {
			m24[i] = run_model(&b, 24, 80);
			m50[i] = run_model(&b, 50, 200);
		}
		if (!only_model) {
			v24[i] = run_vterm(&b, 24, 80);
			v50[i] = run_vterm(&b, 50, 200);
		}
		if (i % 2 == 1) {
			m24[i] = run_model(&b, 24, 80);
			m50[i] = run_model(&b, 50, 200);
		}
	}
	if (only_model) {
		printf("model: %.1f MB/s at 80x24, %.1f MB/s at 200x50\n",
		    median(m24, n), median(m50, n));
		return 0;
	}
	row("80x24", m24, v24, n, 3);
	row("200x50", m50, v50, n, 6);
	ms = run_redraw();
	printf("redraw build, full coloured 80x24\t%.3f ms (median of 101)"
	    "\t< 1 ms\t%s\n", ms, ms < 1 ? "pass" : "FAIL");
	buf_free(&b);
	return 0;
}
