/* sess checkpoint, restore and migrate: the client's side (SPEC section
 * 8). The server takes the checkpoint (server_checkpoint.c), since criu
 * must run as the program's parent's child; criu itself is behind
 * criu.c. Names, the state directory and criu are all checked before
 * anything is touched. */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkpoint.h"
#include "client.h"
#include "config.h"
#include "criu.h"
#include "log.h"
#include "proto.h"
#include "server.h"
#include "sockdir.h"
#include "statedir.h"

static const char checkpoint_usage[] =
"usage: sess checkpoint [-r] NAME... | -A\n"
"       sess restore NAME [NEWNAME]\n"
"       sess migrate NAME [USER@]HOST\n";

/* The socket directory, checked; ENOENT is said by the caller. */
static int
checkpoint_sockdir(char *dir, size_t size, int create)
{
	if (sockdir_path(dir, size) == -1) {
		sess_warn("socket directory path too long");
		return -1;
	}
	if (sockdir_check(dir, create) == -1) {
		if (errno != ENOENT)
			sess_warn("socket directory %s %s", dir,
			    sockdir_strerror(errno));
		return -1;
	}
	return 0;
}

/* The state directory, checked (and with create, made); ENOENT is said
 * by the caller. */
static int
checkpoint_statedir(char *dir, size_t size, int create)
{
	if (statedir_path(dir, size) == -1) {
		sess_warn("no state directory: set SESS_STATE_DIR or HOME");
		return -1;
	}
	if (statedir_check(dir, create) == -1) {
		if (errno != ENOENT)
			sess_warn("state directory %s %s", dir,
			    sockdir_strerror(errno));
		return -1;
	}
	return 0;
}

static int
checkpoint_criu(struct criu *c)
{
	struct criu_error	 e;

	if (criu_find(c, &e) == -1) {
		sess_warn("%s", e.msg);
		return -1;
	}
	return 0;
}

/* Checkpoints one live session; 0, or 1 with the reason said. */
static int
checkpoint_one(const char *sockdir, const char *statedir, const char *name,
    const struct criu *criu, uint32_t flags)
{
	struct proto_checkpoint	 pc = { .flags = flags };
	char			 path[PATH_MAX], msg[PROTO_ERROR_MAX + 1];
	uint32_t		 version = 0;

	if (sockdir_join(path, sizeof path, sockdir, name) == -1) {
		sess_warn("socket path %s/%s is too long", sockdir, name);
		return 1;
	}
	snprintf(pc.dir, sizeof pc.dir, "%s", statedir);
	snprintf(pc.criu, sizeof pc.criu, "%s", criu->path);
	if (client_checkpoint(path, &pc, msg, sizeof msg, &version) == 0) {
		log_debug("checkpoint of %s complete", name);
		return 0;
	}
	/* Only protocol 1 lacks CHECKPOINT, and it cannot upgrade either:
	 * neither its own binary nor an upgrade can checkpoint it. */
	if (errno == EPROTONOSUPPORT)
		sess_warn("cannot checkpoint %s: its server runs sess 0.1.0 "
		    "(protocol %u), which has no checkpoint and cannot be "
		    "upgraded in place; end it and start it again with this "
		    "sess to checkpoint it", name, (unsigned)version);
	else if (msg[0] != '\0')
		sess_warn("cannot checkpoint %s: %s", name, msg);
	else
		client_connect_error(name, version);
	return 1;
}

struct checkpoint_names {
	char	**v;
	int	  n;
};

static int
checkpoint_name_add(const char *name, void *arg)
{
	struct checkpoint_names	 *l = arg;
	char			**nv;

	if ((nv = realloc(l->v, (size_t)(l->n + 1) * sizeof *nv)) == NULL)
		return -1;
	l->v = nv;
	if ((l->v[l->n] = strdup(name)) == NULL)
		return -1;
	l->n++;
	return 0;
}

/* Every live session in sockdir, for -A: names into *names (free each
 * and the array). */
static int
checkpoint_live(const char *sockdir, char ***names)
{
	struct checkpoint_names	 l = { NULL, 0 };

	/* Out of memory, the names so far are taken, as before. */
	if (sockdir_each(sockdir, checkpoint_name_add, &l) == -1 &&
	    errno != ENOMEM) {
		*names = NULL;
		free(l.v);
		return errno == ENOENT ? 0 : -1;
	}
	*names = l.v;
	return l.n;
}

int
checkpoint_main(int argc, char **argv)
{
	struct criu	 criu;
	char		 sockdir[PATH_MAX], statedir[PATH_MAX], **names;
	uint32_t	 flags = 0;
	int		 all = 0, ch, i, n, rc = 0;

	optind = 1;
	while ((ch = getopt(argc, argv, "+Ar")) != -1) {
		switch (ch) {
		case 'A':
			all = 1;
			break;
		case 'r':
			flags |= CHECKPOINT_LEAVE_RUNNING;
			break;
		default:
			fputs(checkpoint_usage, stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (all == (argc > 0)) {
		sess_warn("checkpoint: name the sessions, or -A for all");
		return 2;
	}
	for (i = 0; i < argc; i++) {
		if (name_check(argv[i]) == -1) {
			sess_warn("bad session name '%s'", argv[i]);
			return 1;
		}
	}
	if (checkpoint_sockdir(sockdir, sizeof sockdir, 0) == -1) {
		if (errno == ENOENT && all)
			return 0;
		if (errno == ENOENT)
			sess_warn("no session %s", argv[0]);
		return 1;
	}
	if (checkpoint_statedir(statedir, sizeof statedir, 1) == -1 ||
	    checkpoint_criu(&criu) == -1)
		return 1;
	if (!all) {
		for (i = 0; i < argc; i++)
			rc |= checkpoint_one(sockdir, statedir, argv[i], &criu,
			    flags);
		return rc;
	}
	if ((n = checkpoint_live(sockdir, &names)) == -1) {
		sess_warn("cannot read %s: %s", sockdir, strerror(errno));
		return 1;
	}
	for (i = 0; i < n; i++) {
		rc |= checkpoint_one(sockdir, statedir, names[i], &criu, flags);
		free(names[i]);
	}
	free(names);
	return rc;
}

int
checkpoint_saved(const char *name)
{
	char	 statedir[PATH_MAX];

	if (statedir_path(statedir, sizeof statedir) == -1)
		return 0;
	if (statedir_check(statedir, 0) == -1)
		return errno == ENOENT ? 0 : -1;
	if (statedir_saved(statedir, name) == 0)
		return 1;
	return errno == ENOENT ? 0 : 1;
}

int
checkpoint_running(const char *name)
{
	struct proto_info	 info;
	char			 dir[PATH_MAX], path[PATH_MAX];
	uint32_t		 version = 0;

	if (sockdir_path(dir, sizeof dir) == -1 ||
	    sockdir_join(path, sizeof path, dir, name) == -1)
		return 0;
	switch (client_probe(path, &info, &version)) {
	case PROBE_NONE:
	case PROBE_STALE:
		return 0;
	case PROBE_LIVE:
		return info.state != INFO_EXITED;
	default:
		return 1;
	}
}

/* Clears the way for a restored session called name in sockdir: a stale
 * socket and an exited session go; a live one stays (1, said). */
static int
checkpoint_make_room(const char *name, const char *path)
{
	struct proto_info	 info;
	uint32_t		 version = 0;

	switch (client_probe(path, &info, &version)) {
	case PROBE_NONE:
		return 0;
	case PROBE_STALE:
		unlink(path);
		return 0;
	case PROBE_LIVE:
		if (info.state == INFO_EXITED && client_kill(path) == 0)
			return 0;
		sess_warn("session %s is running: restore under another name "
		    "(sess restore NAME NEWNAME)", name);
		return 1;
	case PROBE_WEDGED:
		sess_warn("session %s exists (and does not answer)", name);
		return 1;
	default:
		client_connect_error(name, version);
		return 1;
	}
}

int
checkpoint_restore(const char *name, const char *newname,
    const char *sockdir)
{
	struct server_opts	 o = { 0 };
	struct start_error	 e;
	struct criu		 criu;
	char			 statedir[PATH_MAX], saved[PATH_MAX];
	char			 path[PATH_MAX], dir[PATH_MAX];

	if (newname == NULL)
		newname = name;
	if (sockdir == NULL) {
		if (checkpoint_sockdir(dir, sizeof dir, 1) == -1)
			return 1;
		sockdir = dir;
	}
	if (checkpoint_statedir(statedir, sizeof statedir, 0) == -1) {
		if (errno == ENOENT)
			sess_warn("no saved session %s", name);
		return 1;
	}
	if (statedir_join(saved, sizeof saved, statedir, name) == -1 ||
	    statedir_saved(statedir, name) == -1) {
		if (errno == ENOENT)
			sess_warn("no saved session %s", name);
		else
			sess_warn("checkpoint %s %s", saved,
			    sockdir_strerror(errno));
		return 1;
	}
	if (checkpoint_criu(&criu) == -1)
		return 1;
	if (sockdir_join(path, sizeof path, sockdir, newname) == -1) {
		sess_warn("socket path %s/%s is too long", sockdir, newname);
		return 1;
	}
	if (checkpoint_make_room(newname, path) != 0)
		return 1;
	o.name = newname;
	o.dir = sockdir;
	o.path = path;
	o.restore = saved;
	o.criu = &criu;
	if (server_start(&o, &e) == -1) {
		if (e.stage == START_EXISTS)
			sess_warn("session %s already exists", newname);
		else if (e.msg[0] != '\0')
			sess_warn("cannot restore %s: %s (the checkpoint is "
			    "kept)", name, e.msg);
		else
			sess_warn("cannot restore %s: %s (the checkpoint is "
			    "kept)", name, strerror(e.err));
		return 1;
	}
	log_debug("restored %s as %s", name, newname);
	return 0;
}

int
checkpoint_for_move(const char *name, char *saved, size_t size)
{
	struct proto_info	 info;
	struct criu		 criu;
	char			 sockdir[PATH_MAX], statedir[PATH_MAX];
	char			 path[PATH_MAX];
	uint32_t		 version = 0;

	if (name_check(name) == -1) {
		sess_warn("bad session name '%s'", name);
		return 1;
	}
	if (checkpoint_sockdir(sockdir, sizeof sockdir, 0) == -1 ||
	    sockdir_join(path, sizeof path, sockdir, name) == -1) {
		if (errno == ENOENT)
			sess_warn("no session %s", name);
		return 1;
	}
	if (client_probe(path, &info, &version) != PROBE_LIVE ||
	    info.state != INFO_RUNNING) {
		sess_warn("no running session %s", name);
		return 1;
	}
	if (checkpoint_statedir(statedir, sizeof statedir, 1) == -1 ||
	    checkpoint_criu(&criu) == -1)
		return 1;
	if (statedir_saved(statedir, name) == 0) {
		sess_warn("session %s has a checkpoint here already: sess -k "
		    "it, or restore it, first", name);
		return 1;
	}
	if (checkpoint_one(sockdir, statedir, name, &criu, 0) != 0)
		return 1;
	if (statedir_join(saved, size, statedir, name) == -1)
		return 1;
	return 0;
}

int
checkpoint_restore_main(int argc, char **argv)
{
	char	 sockdir[PATH_MAX];
	int	 ch;

	optind = 1;
	while ((ch = getopt(argc, argv, "+")) != -1) {
		fputs(checkpoint_usage, stderr);
		return 2;
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > 2) {
		fputs(checkpoint_usage, stderr);
		return 2;
	}
	if (name_check(argv[0]) == -1 ||
	    (argc == 2 && name_check(argv[1]) == -1)) {
		sess_warn("bad session name '%s'", name_check(argv[0]) == -1 ?
		    argv[0] : argv[1]);
		return 1;
	}
	if (checkpoint_sockdir(sockdir, sizeof sockdir, 1) == -1)
		return 1;
	return checkpoint_restore(argv[0], argc == 2 ? argv[1] : NULL,
	    sockdir);
}

int
checkpoint_forget(const char *name)
{
	char	 statedir[PATH_MAX], saved[PATH_MAX];

	if (checkpoint_statedir(statedir, sizeof statedir, 0) == -1) {
		if (errno == ENOENT)
			sess_warn("no session %s", name);
		return 1;
	}
	if (statedir_join(saved, sizeof saved, statedir, name) == -1 ||
	    statedir_saved(statedir, name) == -1) {
		if (errno == ENOENT)
			sess_warn("no session %s", name);
		else
			sess_warn("checkpoint %s %s", saved,
			    sockdir_strerror(errno));
		return 1;
	}
	if (statedir_remove(saved) == -1) {
		sess_warn("cannot remove %s: %s", saved, strerror(errno));
		return 1;
	}
	return 0;
}
