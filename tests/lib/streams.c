/* The terminal output the model's tests feed: see streams.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rng.h"
#include "screen.h"
#include "streams.h"

const char *const streams_recordings[] = {
	"tests/data/shell.txt",
	"tests/data/ls-color.txt",
	"tests/data/git-log.txt",
	"tests/data/less.txt",
	"tests/data/vim.txt",
	"tests/data/top.txt",
	NULL
};

void
streams_item(struct buf *b, int rows, int cols)
{
	static const char *words[] = { "hello", "wörld", "\xe4\xb8\xad\xe6\x96\x87",
		"e\xcc\x81", "\xf0\x9f\x98\x80", "tab\there", "x", "  ",
		"\xe2\x94\x80\xe2\x94\x82", "abcdefghijklmnopqrstuvwxyz0123456789",
		"\xcc\x81", "\xef\xbd\x81" };
	static const int modes[] = { 1, 5, 6, 7, 9, 12, 25, 47, 66, 69, 1000,
		1002, 1003, 1004, 1005, 1006, 1007, 1015, 1016, 1047, 1048,
		1049, 2004, 2026 };
	static const char *finals = "ABCDEFGHIJKLMPSTXZ@`abdefg";
	int	i, n;

	switch (pick(24)) {
	case 0: case 1: case 2: case 3: case 4:
		buf_adds(b, words[pick(nitems(words))]);
		break;
	case 5:
		buf_adds(b, pick(2) ? "\r\n" : "\n");
		break;
	case 6:
		buf_addf(b, "\033[%d;%dH", pick(rows + 2), pick(cols + 3));
		break;
	case 7:
		buf_addf(b, "\033[%d%c", pick(5), finals[pick(
		    (int)strlen(finals))]);
		break;
	case 8:
		n = 1 + pick(4);
		buf_adds(b, "\033[");
		for (i = 0; i < n; i++) {
			switch (pick(9)) {
			case 0:
				buf_addf(b, "38;5;%d", pick(256));
				break;
			case 1:
				buf_addf(b, "48;2;%d;%d;%d", pick(256),
				    pick(256), pick(256));
				break;
			case 2:
				buf_addf(b, "%d", 30 + pick(10));
				break;
			case 3:
				buf_addf(b, "%d", 90 + pick(18));
				break;
			case 4:
				buf_adds(b, pick(2) ? "4:3" : "21");
				break;
			default:
				buf_addf(b, "%d", pick(30));
				break;
			}
			if (i + 1 < n)
				buf_adds(b, ";");
		}
		buf_adds(b, "m");
		break;
	case 9:
		buf_addf(b, "\033[?%d%c", modes[pick(nitems(modes))],
		    pick(2) ? 'h' : 'l');
		break;
	case 10:
		buf_addf(b, "\033[%d;%dr", 1 + pick(rows), 1 + pick(rows));
		break;
	case 11:
		buf_addf(b, "\033[%d%c", pick(3), "JK"[pick(2)]);
		break;
	case 12:
		buf_adds(b, (const char *[]){ "\0337", "\0338", "\033M",
		    "\033D", "\033E", "\033=", "\033>", "\033(0", "\033(B",
		    "\016", "\017", "\033#8", "\033#5", "\b", "\t",
		    "\033[s", "\033[u", "\033[!p", "\033[4h", "\033[4l",
		    "\033[20h", "\033[20l" }[pick(22)]);
		break;
	case 13:
		buf_addf(b, "\033]%d;t%d\a", pick(3), pick(100));
		break;
	case 14:
		buf_addf(b, "\033[%c%du", "><="[pick(3)], pick(32));
		break;
	case 15:
		buf_addf(b, "\033[>4;%dm", pick(3));
		break;
	case 16:
		buf_addf(b, "\033[%d q", pick(7));
		break;
	case 17:
		buf_addf(b, "\033[?%d;%d;%dh", modes[pick(nitems(modes))],
		    modes[pick(nitems(modes))], modes[pick(nitems(modes))]);
		break;
	case 18:
		buf_addf(b, "\033[%d;%ds", 1 + pick(cols), 1 + pick(cols));
		break;
	case 19:
		for (i = pick(3 * cols); i > 0; i--)
			buf_addf(b, "%c", 'a' + pick(26));
		break;
	case 20:
		buf_addf(b, "\033]7;file://h/%d\033\\", pick(10));
		break;
	case 21:
		buf_addf(b, "\033[%d;%dt", 22 + pick(2), pick(3));
		break;
	case 22:
		buf_adds(b, (const char *[]){ "\033[2m", "\033[8m", "\033[22m",
		    "\033[28m", "\033[1;2;3;4;5;7;8;9m", "\033[m",
		    "\033[10m", "\033[12m" }[pick(8)]);
		break;
	default:
		for (i = pick(rows * 2); i > 0; i--)
			buf_adds(b, "line\r\n");
		break;
	}
}

void
streams_plain_line(struct buf *b, int cols, int sgr_odds, int lf_only)
{
	static const char *words[] = { "log", "wörld", "\xe4\xb8\xad\xe6\x96\x87",
		"e\xcc\x81", "\xf0\x9f\x98\x80", "\t", "\b", "x", "  ",
		"\xcc\x81", "0123456789abcdef", "\xff", "\xc3" };
	static const char *sgr[] = { "\033[m", "\033[0m", "\033[0;31m",
		"\033[;1;4m", "\033[01m", "\033[1;0m", "\033[4:3m", "\033[2m",
		"\033[8m", "\033[7;9m", "\033[22;27m", "\033[38;5;200m",
		"\033[48;2;1;2;3m", "\033[38:2::9:8:7m", "\033[K", "\033[1K",
		"\033[2K", "\033[0K", "\033[94;101m", "\033[5;3m" };
	int	n = pick(cols * 3 / 2 + 2);

	while (n-- > 0) {
		if (pick(sgr_odds) == 0)
			buf_adds(b, sgr[pick(nitems(sgr))]);
		else
			buf_adds(b, words[pick(nitems(words))]);
	}
	if (lf_only)
		buf_adds(b, pick(1000) ? "\n" : "\r\n");
	else
		buf_adds(b, (const char *[]){ "\r\n", "\r\n", "\r\n",
		    "\r\n", "\n", "\r" }[pick(6)]);
}

char *
streams_file(const char *path, size_t *len)
{
	FILE	*f;
	char	*p;
	long	 n;

	*len = 0;
	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)n + 1);
	if (p != NULL && fread(p, 1, (size_t)n, f) != (size_t)n) {
		free(p);
		p = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return p;
}

void
streams_coloured_line(struct buf *b, int cols)
{
	static const char	*words[] = { "src/", "main.c", "42", "warning:",
		"unused", "\xe4\xb8\xad\xe6\x96\x87", "wörld", "e\xcc\x81",
		"->", "|" };
	int			 used = 0, len;

	while (used < cols - 16) {
		switch (pick(6)) {
		case 0:
			buf_addf(b, "\033[38;5;%dm", pick(256));
			break;
		case 1:
			buf_addf(b, "\033[1;48;2;%d;%d;%dm", pick(256),
			    pick(256), pick(256));
			break;
		case 2:
			buf_addf(b, "\033[%d;4m", 30 + pick(8));
			break;
		case 3:
			buf_adds(b, "\033[m");
			break;
		}
		len = pick((int)nitems(words));
		buf_adds(b, words[len]);
		buf_adds(b, " ");
		used += 10;
	}
	buf_adds(b, "\033[m\r\n");
}

int
streams_replay(int pieces, int (*check)(struct screen *, int))
{
	struct screen	*s;
	char		*data;
	size_t		 i, len, off, step;
	int		 failures = 0;

	for (i = 0; streams_recordings[i] != NULL && !failures; i++) {
		if ((data = streams_file(streams_recordings[i], &len)) ==
		    NULL) {
			fprintf(stderr, "missing %s\n", streams_recordings[i]);
			return 1;
		}
		s = screen_new(STREAMS_REC_ROWS, STREAMS_REC_COLS);
		step = len / (size_t)pieces + 1;
		for (off = 0; off < len && !failures; off += step) {
			screen_input(s, data + off,
			    step < len - off ? step : len - off);
			if (check(s, 0)) {
				fprintf(stderr, "%s at %zu\n",
				    streams_recordings[i], off);
				failures++;
			}
		}
		if (!failures && check(s, 1)) {
			fprintf(stderr, "%s at the end\n",
			    streams_recordings[i]);
			failures++;
		}
		screen_free(s);
		free(data);
	}
	return failures;
}
