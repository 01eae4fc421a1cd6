/* Listing sessions: every socket in the directory is asked to describe
 * itself, briefly and all at once, so servers that do not answer cannot
 * hang the listing. */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "card.h"
#include "client.h"
#include "config.h"
#include "list.h"
#include "sockdir.h"
#include "state.h"
#include "statedir.h"
#include "utf8.h"
#include "util.h"

struct row {
	char	name[NAME_MAX_LEN + 1];
	char	state[32];
	char	pid[16];
	char	clients[16];
	char	size[24];
	char	age[24];
	char	version[PROTO_SESS_VERSION_MAX + 1];
	char	*cmd;		/* escaped, or NULL: a listing of many
				   sessions touches no room it does not use */
};

void
list_age(char *buf, size_t size, uint64_t s)
{
	if (s < 60)
		snprintf(buf, size, "%us", (unsigned)s);
	else if (s < 3600)
		snprintf(buf, size, "%um", (unsigned)(s / 60));
	else if (s < 86400 && s % 3600 / 60 != 0)
		snprintf(buf, size, "%uh%um", (unsigned)(s / 3600),
		    (unsigned)(s % 3600 / 60));
	else if (s < 86400)
		snprintf(buf, size, "%uh", (unsigned)(s / 3600));
	else if (s % 86400 / 3600 != 0)
		snprintf(buf, size, "%ud%uh", (unsigned)(s / 86400),
		    (unsigned)(s % 86400 / 3600));
	else
		snprintf(buf, size, "%ud", (unsigned)(s / 86400));
}

void
list_escape(char *buf, size_t size, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 o = 0, n = strlen(s);
	char			 e[8];
	int			 l, el;

	if (size == 0)
		return;
	while (n > 0) {
		l = utf8_length(p, n);
		if (l <= 0 || (l == 1 && (*p < 0x20 || *p == 0x7f)) ||
		    (l == 2 && p[0] == 0xc2 && p[1] < 0xa0)) {
			/* A control (C0, DEL, C1) or a byte that is not
			 * UTF-8: escaped byte by byte. */
			if (*p == '\n')
				el = snprintf(e, sizeof e, "\\n");
			else if (*p == '\t')
				el = snprintf(e, sizeof e, "\\t");
			else
				el = snprintf(e, sizeof e, "\\x%02x", *p);
			l = 1;
		} else if (*p == '\\')
			el = snprintf(e, sizeof e, "\\\\");
		else {
			memcpy(e, p, (size_t)l);
			el = l;
		}
		if (o + (size_t)el >= size)
			break;
		memcpy(buf + o, e, (size_t)el);
		o += (size_t)el;
		p += l;
		n -= (size_t)l;
	}
	buf[o] = '\0';
}

static int
row_cmp(const void *a, const void *b)
{
	return strcmp(((const struct row *)a)->name,
	    ((const struct row *)b)->name);
}

/* SIZE, AGE (since the time given) and COMMAND of a row. */
static void
row_describe(struct row *r, unsigned cols, unsigned rows, uint64_t since,
    const char *cmd)
{
	uint64_t	 now = (uint64_t)time(NULL);

	char		 escaped[4 * PROTO_CMD_MAX + 1];	/* 4 bytes a byte */

	snprintf(r->size, sizeof r->size, "%ux%u", cols, rows);
	list_age(r->age, sizeof r->age, now > since ? now - since : 0);
	list_escape(escaped, sizeof escaped, cmd);
	r->cmd = strdup(escaped);
}

static void
rows_free(struct row *rows, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(rows[i].cmd);
	free(rows);
}

/* Fills r from what the server at p->path said; 0 to show it, -1 to
 * leave it out. */
static int
row_fill(struct row *r, const char *name, const struct probe_result *p)
{
	const struct proto_info	*info = &p->info;

	memset(r, 0, sizeof *r);
	/* name_check has bounded it. */
	memcpy(r->name, name, strlen(name) + 1);
	strcpy(r->pid, "-");
	strcpy(r->clients, "-");
	strcpy(r->size, "-");
	strcpy(r->age, "-");
	strcpy(r->version, "-");
	switch (p->probe) {
	case PROBE_NONE:
		return -1;
	case PROBE_STALE:
		/* Shown this once; the next listing will not have it. */
		unlink(p->path);
		strcpy(r->state, "stale");
		return 0;
	case PROBE_LIVE:
		break;
	default:
		strcpy(r->state, "?");
		/* A newer server says only its protocol. */
		if (p->error == EPROTO && p->version > PROTO_VERSION)
			snprintf(r->version, sizeof r->version,
			    "newer(protocol %u)", (unsigned)p->version);
		return 0;
	}
	/* Servers before protocol 3 do not say; protocol 1 is 0.1.0. */
	if (info->version[0] != '\0')
		list_escape(r->version, sizeof r->version, info->version);
	else if (p->version == 1)
		strcpy(r->version, "0.1.0");
	if (info->state == INFO_EXITED)
		snprintf(r->state, sizeof r->state, "exited(%d)",
		    info->status);
	else
		strcpy(r->state, info->clients > 0 ? "attached" : "detached");
	if (info->state != INFO_EXITED)
		snprintf(r->pid, sizeof r->pid, "%u", (unsigned)info->pid);
	snprintf(r->clients, sizeof r->clients, "%u",
	    (unsigned)info->clients);
	row_describe(r, info->cols, info->rows, info->created, info->cmd);
	return 0;
}

static int
width(const struct row *rows, size_t n, size_t off, int min)
{
	size_t	 i, l, w = (size_t)min;

	for (i = 0; i < n; i++) {
		l = strlen((const char *)&rows[i] + off);
		if (l + 2 > w)
			w = l + 2;
	}
	return (int)w;
}

/* A saved session's row, from the facts of its checkpoint; -1 when
 * there is no checkpoint there to show. */
static int
row_saved(struct row *r, const char *statedir, const char *name)
{
	struct state_facts	 f;
	struct state_error	 why;
	char			 path[PATH_MAX], *data;
	size_t			 len;
	int			 rc;

	if (statedir_saved(statedir, name) == -1 ||
	    snprintf(path, sizeof path, "%s/%s/session", statedir, name) >=
	    (int)sizeof path || file_read(path, STATE_FILE_MAX, &data,
	    &len) == -1)
		return -1;
	rc = state_load(data, len, &f, NULL, &why);
	free(data);
	memset(r, 0, sizeof *r);
	memcpy(r->name, name, strlen(name) + 1);
	strcpy(r->pid, "-");
	strcpy(r->clients, "0");
	strcpy(r->version, "-");
	if (rc == -1) {
		/* A checkpoint sess cannot read is shown, not hidden. */
		strcpy(r->state, "saved?");
		strcpy(r->size, "-");
		strcpy(r->age, "-");
		return 0;
	}
	strcpy(r->state, "saved");
	if (f.version[0] != '\0')
		list_escape(r->version, sizeof r->version, f.version);
	row_describe(r, f.cols, f.rows, f.saved, f.cmd);
	return 0;
}

/* Room for one more row. */
static struct row *
rows_grow(struct row **rows, size_t n, size_t *cap)
{
	struct row	*r;

	if (n < *cap)
		return &(*rows)[n];
	*cap = *cap ? *cap * 2 : 16;
	if ((r = realloc(*rows, *cap * sizeof *r)) == NULL)
		return NULL;
	*rows = r;
	return &r[n];
}

/* Whether name is among the first n rows, live. */
static int
rows_live(const struct row *rows, size_t n, const char *name)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (strcmp(rows[i].name, name) == 0 &&
		    strcmp(rows[i].state, "stale") != 0)
			return 1;
	}
	return 0;
}

/* A socket of the directory, to be asked. */
struct live {
	char	name[NAME_MAX_LEN + 1];
	char	path[256];
};

/* The sockets of a directory, an array of struct live. */
struct lives {
	const char	*dir;
	struct buf	 b;
};

static int
lives_add(const char *name, void *arg)
{
	struct lives	*l = arg;
	struct live	 s;

	/* A path too long to dial is left out. */
	if (sockdir_join(s.path, sizeof s.path, l->dir, name) == -1)
		return 0;
	/* name_check has bounded it. */
	memcpy(s.name, name, strlen(name) + 1);
	if (buf_add(&l->b, &s, sizeof s) == -1) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

/* Reads the card of every socket of l, asks the servers of those that
 * have none to trust all at once, then adds a row for each that has
 * one. */
static int
rows_add_live(const struct lives *l, struct row **rows, size_t *n,
    size_t *cap)
{
	const struct live	*s = (const struct live *)l->b.data;
	struct probe_result	*ps, *ask;
	struct row		*r;
	size_t			 count = l->b.len / sizeof *s, i, k, nask = 0;

	if (count == 0)
		return 0;
	if ((ps = calloc(2 * count, sizeof *ps)) == NULL)
		return -1;
	ask = ps + count;
	for (i = 0; i < count; i++) {
		ps[i].path = s[i].path;
		if (card_read(l->dir, s[i].name, &ps[i].info,
		    &ps[i].version) == 1)
			ps[i].probe = PROBE_LIVE;
		else
			ask[nask++].path = s[i].path;
	}
	client_probe_all(ask, nask);
	for (i = 0, k = 0; i < count; i++) {
		if (k < nask && ps[i].path == ask[k].path) {
			ps[i] = ask[k++];
			/* Its server is gone, its card with it. */
			if (ps[i].probe == PROBE_STALE)
				card_remove(l->dir, s[i].name, -1);
		}
	}
	for (i = 0; i < count; i++) {
		if ((r = rows_grow(rows, *n, cap)) == NULL) {
			free(ps);
			return -1;
		}
		if (row_fill(r, s[i].name, &ps[i]) == 0)
			(*n)++;
	}
	free(ps);
	return 0;
}

/* The live sessions of the socket directory dir, then the saved ones of
 * the state directory that are not live; -1 (said) on failure. */
static int
rows_collect(const char *dir, struct row **rows, size_t *n)
{
	char			 statedir[PATH_MAX];
	struct dirent		*de;
	struct row		*r;
	DIR			*d;
	size_t			 cap = 0, live;
	struct lives		 l = { dir, { 0 } };
	int			 rc;

	*rows = NULL;
	*n = 0;
	if ((rc = sockdir_each(dir, lives_add, &l)) == 0)
		rc = rows_add_live(&l, rows, n, &cap);
	buf_free(&l.b);
	if (rc == -1) {
		if (errno == ENOMEM) {
			sess_warn("out of memory");
			return -1;
		}
		if (errno != ENOENT) {
			sess_warn("cannot read %s: %s", dir, strerror(errno));
			return -1;
		}
	}
	if (statedir_path(statedir, sizeof statedir) == -1)
		return 0;
	if (statedir_check(statedir, 0) == -1) {
		if (errno == ENOENT)
			return 0;
		sess_warn("state directory %s %s", statedir,
		    sockdir_strerror(errno));
		return -1;
	}
	if ((d = opendir(statedir)) == NULL)
		return 0;
	live = *n;
	while ((de = readdir(d)) != NULL) {
		if (name_check(de->d_name) == -1 ||
		    rows_live(*rows, live, de->d_name))
			continue;
		if ((r = rows_grow(rows, *n, &cap)) == NULL)
			goto oom;
		if (row_saved(r, statedir, de->d_name) == 0)
			(*n)++;
	}
	closedir(d);
	return 0;

oom:
	sess_warn("out of memory");
	closedir(d);
	return -1;
}

int
list_sessions(const char *dir, int names_only, int versions)
{
	struct row	*rows, *r;
	size_t		 n, i;
	int		 w[7];

	if (rows_collect(dir, &rows, &n) == -1) {
		rows_free(rows, n);
		return 1;
	}
	if (n > 0)
		qsort(rows, n, sizeof *rows, row_cmp);
	if (names_only) {
		for (i = 0; i < n; i++) {
			if (strcmp(rows[i].state, "stale") != 0)
				printf("%s\n", rows[i].name);
		}
		rows_free(rows, n);
		return 0;
	}
	if (n == 0) {
		rows_free(rows, n);
		return 0;
	}
	w[0] = width(rows, n, offsetof(struct row, name), 12);
	w[1] = width(rows, n, offsetof(struct row, state), 13);
	w[2] = width(rows, n, offsetof(struct row, pid), 7);
	w[3] = width(rows, n, offsetof(struct row, clients), 9);
	w[4] = width(rows, n, offsetof(struct row, size), 8);
	w[5] = width(rows, n, offsetof(struct row, age), 7);
	/* The VERSION column only with -V: scripts read the others. */
	w[6] = versions ? width(rows, n, offsetof(struct row, version), 9) : 0;
	printf("%-*s%-*s%-*s%-*s%-*s%-*s%-*s%s\n", w[0], "NAME", w[1],
	    "STATE", w[2], "PID", w[3], "CLIENTS", w[4], "SIZE", w[5], "AGE",
	    w[6], versions ? "VERSION" : "", "COMMAND");
	for (i = 0; i < n; i++) {
		r = &rows[i];
		printf("%-*s%-*s%-*s%-*s%-*s%-*s%-*s%s\n", w[0], r->name,
		    w[1], r->state, w[2], r->pid, w[3], r->clients,
		    w[4], r->size, w[5], r->age, w[6],
		    versions ? r->version : "", r->cmd != NULL ? r->cmd : "");
	}
	rows_free(rows, n);
	return 0;
}
