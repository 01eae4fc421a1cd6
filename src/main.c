/* sess: keep terminal programs alive when the terminal goes away.
 *
 * The command line: parse, check the name and the socket directory before
 * anything is touched, then create, attach, list or end a session. */
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "adopt.h"
#include "checkpoint.h"
#include "client.h"
#include "config.h"
#include "keys.h"
#include "list.h"
#include "log.h"
#include "migrate.h"
#include "screen.h"
#include "server.h"
#include "sockdir.h"
#include "version.h"

enum mode {
	MODE_NONE,
	MODE_CREATE_ATTACH,	/* -c */
	MODE_CREATE,		/* -n */
	MODE_ATTACH_CREATE,	/* -A */
	MODE_ATTACH,		/* -a */
	MODE_FOREGROUND,	/* -N */
	MODE_LIST,		/* -l */
	MODE_KILL		/* -k */
};

struct cmdline {
	enum mode	  mode;
	const char	 *name;
	char		**argv;		/* the program, or NULL */
	const char	 *keys;
	uint32_t	  flags;	/* ATTACH_* */
	int		  quiet;
	int		  force;
	int		  names_only;
	int		  versions;	/* -V */
	int		  saved;	/* NAME has a checkpoint */
	char		  dir[PATH_MAX];
	char		  path[PATH_MAX];
};

static const char usage_text[] =
"usage: sess [-qrLEf] [-e KEYS] -c NAME [COMMAND [ARG]...]  create and attach\n"
"       sess [-qf] -n NAME [COMMAND [ARG]...]             create, detached\n"
"       sess [-qrLEf] [-e KEYS] -A NAME [COMMAND [ARG]...]  attach, create if needed\n"
"       sess [-qrLE] [-e KEYS] -a NAME                    attach\n"
"       sess [-q] -N NAME [COMMAND [ARG]...]              server in the foreground\n"
"       sess [-l [-1] [-V]]                               list sessions\n"
"       sess -k NAME                                      end a session\n"
"       sess adopt [-nq] [-e KEYS] PID [NAME]             move PID into a session\n"
"       sess send [-k] NAME [STRING]...                   type into a session\n"
"       sess dump [-a] [-s] NAME                          print its screen\n"
"       sess checkpoint [-r] NAME... | -A                 save to disk, end (-r: keep running)\n"
"       sess restore NAME [NEWNAME]                       bring a saved session back\n"
"       sess migrate NAME [USER@]HOST                     move a session over ssh\n"
"       sess upgrade [NAME]...                            serve on as this binary\n"
"       sess -h | -v                                      help | version\n"
"options: -q quiet, -r read-only, -L never set the size, -E no detach\n"
"         chord, -e KEYS detach chord (default C-\\), -f replace an exited\n"
"         session, -1 names only, -V the version of each server\n";

static void __attribute__((noreturn))
usage(const char *why)
{
	if (why != NULL)
		sess_warn("%s", why);
	fputs(usage_text, stderr);
	exit(2);
}

static void
set_mode(struct cmdline *c, enum mode m)
{
	if (c->mode != MODE_NONE && c->mode != m)
		usage("only one of -c, -n, -A, -a, -N, -l, -k");
	c->mode = m;
}

/* What the options and words must agree on. */
static void
parse_check(struct cmdline *c)
{
	if (c->mode == MODE_NONE) {
		if (c->name != NULL)
			usage("a NAME needs one of -c, -n, -A, -a, -N, -k");
		c->mode = MODE_LIST;
	}
	if (c->mode == MODE_LIST && c->name != NULL)
		usage("-l takes no NAME");
	if ((c->names_only || c->versions) && c->mode != MODE_LIST)
		usage("-1 and -V go with -l");
	if (c->mode != MODE_LIST && c->name == NULL)
		usage("missing NAME");
	if ((c->mode == MODE_ATTACH || c->mode == MODE_KILL) &&
	    c->argv != NULL)
		usage("-a and -k take no COMMAND");
}

/* Options may come before or after NAME; the first word after NAME that
 * is not an option starts the program's command line, as does "--".
 * getopt returns the words in order as option 1 ("-" first). */
static void
parse(struct cmdline *c, int argc, char **argv)
{
	int	 ch;

	opterr = 0;
	while (c->argv == NULL &&
	    (ch = getopt(argc, argv, "-:cnAaNlk1VqrLEfhve:")) != -1) {
		switch (ch) {
		case 1:
			if (c->name == NULL)
				c->name = optarg;
			else
				c->argv = argv + optind - 1;
			break;
		case 'c': set_mode(c, MODE_CREATE_ATTACH); break;
		case 'n': set_mode(c, MODE_CREATE); break;
		case 'A': set_mode(c, MODE_ATTACH_CREATE); break;
		case 'a': set_mode(c, MODE_ATTACH); break;
		case 'N': set_mode(c, MODE_FOREGROUND); break;
		case 'l': set_mode(c, MODE_LIST); break;
		case 'k': set_mode(c, MODE_KILL); break;
		case '1': c->names_only = 1; break;
		case 'V': c->versions = 1; break;
		case 'q': c->quiet = 1; break;
		case 'r': c->flags |= ATTACH_READONLY; break;
		case 'L': c->flags |= ATTACH_LOWPRIO; break;
		case 'E': c->flags |= ATTACH_NOKEYS; break;
		case 'f': c->force = 1; break;
		case 'e': c->keys = optarg; break;
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		case 'v':
			printf("sess %s\n", SESS_VERSION);
			exit(0);
		case ':':
			usage("-e needs KEYS");
		default:
			fprintf(stderr, "sess: unknown option -%c\n", optopt);
			usage(NULL);
		}
	}
	/* After "--": NAME if it is still missing, then the program. */
	if (c->argv == NULL && c->name == NULL && optind < argc)
		c->name = argv[optind++];
	if (c->argv == NULL && optind < argc)
		c->argv = argv + optind;
	parse_check(c);
}

/* The size a new session starts at: the terminal it is started from, if
 * any, else 80x24. */
static void
start_size(int fd, int *rows, int *cols)
{
	struct winsize	 ws;
	int		 tty = -1;

	*rows = 24;
	*cols = 80;
	if (fd == -1 && (tty = open("/dev/tty", O_RDONLY | O_NOCTTY |
	    O_CLOEXEC)) != -1)
		fd = tty;
	if (fd != -1 && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
	}
	if (tty != -1)
		close(tty);
}

static int
start_failed(const struct cmdline *c, const struct start_error *e,
    char **argv)
{
	errno = e->err;
	switch (e->stage) {
	case START_EXISTS:
		sess_warn("session %s already exists", c->name);
		break;
	case START_SOCKET:
		sess_warn("cannot create %s: %s", c->path, strerror(e->err));
		break;
	case START_PTY:
		sess_warn("cannot make a terminal: %s", strerror(e->err));
		break;
	case START_EXEC:
		sess_warn("cannot run %s: %s", argv[0], strerror(e->err));
		break;
	case START_ADOPT:
		sess_warn("%s", e->msg);
		break;
	default:
		sess_warn("cannot start session %s: %s", c->name,
		    strerror(e->err));
		break;
	}
	return 1;
}

/* Clears the way for a new session called c->name: a stale socket goes,
 * an exited session goes with -f, a live one stays. 0: go ahead; 1: the
 * name is taken (said); -1: it exists and -A should attach to it. */
static int
make_room(struct cmdline *c)
{
	struct proto_info	 info;
	uint32_t		 version;

	switch (client_probe(c->path, &info, &version)) {
	case PROBE_NONE:
		return 0;
	case PROBE_STALE:
		unlink(c->path);
		return 0;
	case PROBE_LIVE:
		if (c->mode == MODE_ATTACH_CREATE &&
		    (info.state != INFO_EXITED || !c->force))
			return -1;
		if (info.state == INFO_EXITED && c->force) {
			if (client_kill(c->path) == -1) {
				sess_warn("cannot replace session %s: %s",
				    c->name, strerror(errno));
				return 1;
			}
			return 0;
		}
		if (info.state == INFO_EXITED)
			sess_warn("session %s already exists (its program "
			    "exited with %d; attach to collect it, or -f to "
			    "replace it)", c->name, info.status);
		else
			sess_warn("session %s already exists", c->name);
		return 1;
	case PROBE_WEDGED:
		sess_warn("session %s already exists (and does not answer)",
		    c->name);
		return 1;
	default:
		client_connect_error(c->name, version);
		return 1;
	}
}

/* Whether c->name has a server that answers. */
static int
session_live(struct cmdline *c)
{
	struct proto_info	 info;
	uint32_t		 version;

	return client_probe(c->path, &info, &version) == PROBE_LIVE;
}

static int
cmd_attach(struct cmdline *c)
{
	struct attach_opts	 o = {
		.name = c->name, .path = c->path, .flags = c->flags,
		.keys = c->keys, .quiet = c->quiet
	};
	const char		*in = getenv("SESS"), *indir = getenv("SESS_DIR");

	if (in != NULL && indir != NULL && strcmp(in, c->name) == 0 &&
	    strcmp(indir, c->dir) == 0) {
		sess_warn("refusing to attach to session %s from inside itself",
		    c->name);
		return 1;
	}
	/* A saved session comes back first, unless it runs (-r). */
	if (c->saved && !session_live(c) &&
	    checkpoint_restore(c->name, NULL, c->dir) != 0)
		return 1;
	return client_attach(&o);
}

static int
cmd_create(struct cmdline *c)
{
	struct server_opts	 o = {
		.name = c->name, .dir = c->dir, .path = c->path
	};
	struct start_error	 e;
	static char		*shell[2];
	int			 rc, attach, status;

	attach = c->mode == MODE_CREATE_ATTACH || c->mode == MODE_ATTACH_CREATE;
	if (c->saved && !session_live(c)) {
		if (c->mode == MODE_ATTACH_CREATE)
			return cmd_attach(c);
		sess_warn("session %s is saved: sess restore %s brings it back, "
		    "sess -k %s drops it", c->name, c->name, c->name);
		return 1;
	}
	if ((rc = make_room(c)) == 1)
		return 1;
	if (rc == -1)
		return cmd_attach(c);
	if (c->argv == NULL) {
		shell[0] = getenv("SHELL");
		if (shell[0] == NULL || *shell[0] == '\0')
			shell[0] = "/bin/sh";
		c->argv = shell;
	}
	o.argv = c->argv;
	start_size(attach ? STDIN_FILENO : -1, &o.rows, &o.cols);
	if (c->mode == MODE_FOREGROUND) {
		if ((status = server_foreground(&o, &e)) == -1)
			return start_failed(c, &e, c->argv);
		return status;
	}
	if (server_start(&o, &e) == -1) {
		/* Lost a race for the name to another sess -A: join it. */
		if (e.stage == START_EXISTS && c->mode == MODE_ATTACH_CREATE)
			return cmd_attach(c);
		return start_failed(c, &e, c->argv);
	}
	return attach ? cmd_attach(c) : 0;
}

static int
cmd_kill(struct cmdline *c)
{
	struct proto_info	 info;
	uint32_t		 version;

	switch (client_probe(c->path, &info, &version)) {
	case PROBE_NONE:
		if (c->saved)
			return checkpoint_forget(c->name);
		sess_warn("no session %s", c->name);
		return 1;
	case PROBE_STALE:
		unlink(c->path);
		return c->saved ? checkpoint_forget(c->name) : 0;
	case PROBE_LIVE:
		break;
	case PROBE_WEDGED:
		sess_warn("session %s does not answer", c->name);
		return 1;
	default:
		client_connect_error(c->name, version);
		return 1;
	}
	if (client_kill(c->path) == -1) {
		sess_warn("cannot end session %s: %s", c->name,
		    strerror(errno));
		return 1;
	}
	return 0;
}

/* The socket directory, made if create, and c->path for c->name if there
 * is one: 0, or the exit status (said). Without the directory and with
 * nothing to create there is no session: -1, and nothing said when no
 * NAME was asked for (a listing). */
static int
session_path(struct cmdline *c, int create)
{
	if (sockdir_path(c->dir, sizeof c->dir) == -1) {
		sess_warn("socket directory path too long");
		return 1;
	}
	if (sockdir_check(c->dir, create) == -1) {
		if (errno == ENOENT && !create) {
			if (c->name == NULL)
				return -1;
			sess_warn("no session %s", c->name);
			return 1;
		}
		sess_warn("socket directory %s %s", c->dir,
		    sockdir_strerror(errno));
		return 1;
	}
	if (c->name != NULL && sockdir_join(c->path, sizeof c->path, c->dir,
	    c->name) == -1) {
		sess_warn("socket path %s/%s is too long", c->dir, c->name);
		return 1;
	}
	return 0;
}

/* Finds the session a subcommand names, refusing what needs refusing;
 * 0 with c->path set, else the exit status. */
static int
find_session(struct cmdline *c)
{
	if (name_check(c->name) == -1) {
		sess_warn("bad session name '%s'", c->name);
		return 1;
	}
	return session_path(c, 0);
}

/* Subcommand options come first, then NAME, then its arguments: the
 * index of NAME in argv, with seen[] set for each option given. */
static int
sub_options(int argc, char **argv, const char *optstring, int *seen)
{
	int	 ch;

	opterr = 0;
	optind = 1;
	while ((ch = getopt(argc - 1, argv + 1, optstring)) != -1) {
		if (ch == '?') {
			fprintf(stderr, "sess: %s: unknown option -%c\n",
			    argv[1], optopt);
			usage(NULL);
		}
		seen[ch] = 1;
	}
	return optind + 1;
}

/* sess send [-k] NAME [STRING]...: strings as they are, key names with
 * -k, or standard input. */
static int
cmd_send(int argc, char **argv)
{
	struct cmdline	 c = { 0 };
	struct buf	 b = { 0 };
	int		 seen[256] = { 0 }, i, rc, from_stdin;

	i = sub_options(argc, argv, "+:k", seen);
	if (i >= argc)
		usage("send needs NAME");
	c.name = argv[i++];
	if ((rc = find_session(&c)) != 0)
		return rc;
	if (seen['k'] && i == argc)
		usage("send -k needs KEY names");
	from_stdin = i == argc;
	for (; i < argc; i++) {
		if (!seen['k'])
			buf_adds(&b, argv[i]);
		else if (keys_encode(argv[i], &b) == -1) {
			sess_warn("unknown key '%s' (use libtermkey names: C-c, "
			    "Enter, Up, F5)", argv[i]);
			buf_free(&b);
			return 1;
		}
	}
	rc = 0;
	if (client_send(c.path, &b, from_stdin ? STDIN_FILENO : -1) == -1) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			sess_warn("no session %s", c.name);
		else
			sess_warn("cannot send to session %s: %s", c.name,
			    strerror(errno));
		rc = 1;
	}
	buf_free(&b);
	return rc;
}

/* sess dump [-a] [-s] NAME */
static int
cmd_dump(int argc, char **argv)
{
	struct cmdline	 c = { 0 };
	uint32_t	 flags = 0;
	int		 seen[256] = { 0 }, i, rc;

	i = sub_options(argc, argv, "+:as", seen);
	if (i != argc - 1)
		usage("dump needs one NAME");
	c.name = argv[i];
	if ((rc = find_session(&c)) != 0)
		return rc;
	if (seen['a'])
		flags |= SCREEN_ATTRS;
	if (seen['s'])
		flags |= SCREEN_SCROLLBACK;
	if (client_dump(c.path, flags, STDOUT_FILENO) == -1) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			sess_warn("no session %s", c.name);
		else
			sess_warn("cannot dump session %s: %s", c.name,
			    strerror(errno));
		return 1;
	}
	return 0;
}

struct upgrade_run {
	const char	*dir;
	char		 exe[PATH_MAX];
	int		 failed;
	int		 found;
};

/* One session's upgrade, said in one line. */
static int
upgrade_one(const char *name, void *arg)
{
	struct upgrade_run	*u = arg;
	struct proto_info	 info;
	char			 path[PATH_MAX], msg[PROTO_ERROR_MAX + 1];
	uint32_t		 version;

	u->found++;
	if (sockdir_join(path, sizeof path, u->dir, name) == -1) {
		sess_warn("socket path %s/%s is too long", u->dir, name);
		u->failed = 1;
		return 0;
	}
	if (client_upgrade(path, u->exe, msg, sizeof msg, &version) == 0) {
		if (client_probe(path, &info, &version) == PROBE_LIVE)
			printf("%s: upgraded to sess %s\n", name, info.version);
		else
			printf("%s: upgraded\n", name);
		return 0;
	}
	u->failed = 1;
	if (msg[0] != '\0')
		printf("%s: not upgraded, the server goes on as before: %s\n",
		    name, msg);
	else if (errno == EPROTONOSUPPORT)
		printf("%s: not upgraded: its server speaks protocol %u (sess "
		    "%s), which cannot upgrade in place; it goes on as it "
		    "is\n", name, (unsigned)version,
		    version == 1 ? "0.1.0" : "before 0.2");
	else if (errno == EPROTO && version > PROTO_VERSION)
		printf("%s: not upgraded: its server is newer (protocol %u) "
		    "than this sess (%u)\n", name, (unsigned)version,
		    (unsigned)PROTO_VERSION);
	else if (errno == ENOENT || errno == ECONNREFUSED)
		printf("%s: no such session\n", name);
	else
		printf("%s: not upgraded: %s\n", name, strerror(errno));
	return 0;
}

/* sess upgrade [NAME]...: each server (all without a NAME) goes on as
 * the binary running this command; 1 if any did not. */
static int
cmd_upgrade(int argc, char **argv)
{
	struct cmdline		 c = { 0 };
	struct upgrade_run	 u = { 0 };
	int			 seen[256] = { 0 }, i, rc;

	/* A newer server upgrades with a newer sess, not through this. */
	client_run_newer(NULL);
	i = sub_options(argc, argv, "+:", seen);
	if (realpath("/proc/self/exe", u.exe) == NULL) {
		sess_warn("cannot find this binary: %s", strerror(errno));
		return 1;
	}
	if ((rc = session_path(&c, 0)) != 0)
		return rc == -1 ? 0 : rc;
	u.dir = c.dir;
	if (i == argc) {
		if (sockdir_each(c.dir, upgrade_one, &u) == -1 &&
		    errno != ENOENT) {
			sess_warn("cannot read %s: %s", c.dir, strerror(errno));
			return 1;
		}
		return u.failed;
	}
	for (; i < argc; i++) {
		if (name_check(argv[i]) == -1) {
			sess_warn("bad session name '%s'", argv[i]);
			u.failed = 1;
			continue;
		}
		upgrade_one(argv[i], &u);
	}
	return u.failed;
}

/* COMM-PID, with what a NAME may not hold made '_'. */
static void
adopt_name(const struct adopt_target *t, char *buf, size_t len)
{
	size_t	 i;

	snprintf(buf, len, "%s-%d", t->comm, (int)t->pid);
	for (i = 0; buf[i] != '\0'; i++) {
		if (!isalnum((unsigned char)buf[i]) && buf[i] != '.' &&
		    buf[i] != '_' && buf[i] != '-')
			buf[i] = '_';
	}
	if (buf[0] == '.')
		buf[0] = '_';
}

/* The detach chord: -e, else $SESS_DETACH_KEYS, else the default; -1
 * (said) if it is not one. */
static int
chord_resolve(const char **keys)
{
	struct keys	*k;

	if (*keys == NULL && (*keys = getenv("SESS_DETACH_KEYS")) == NULL)
		*keys = DETACH_KEYS;
	if ((k = keys_new(*keys, getenv("TERM"))) == NULL) {
		sess_warn("bad detach keys '%s': give one key (C-\\, M-d) or a "
		    "prefix and a key ('C-a d')", *keys);
		return -1;
	}
	keys_free(k);
	return 0;
}

/* sess adopt's command line: options may come before or after PID and
 * NAME; "--" ends them. */
static pid_t
adopt_options(struct cmdline *c, int argc, char **argv, int *detached)
{
	const char	*pos[2] = { NULL, NULL };
	char		*end;
	long		 pid;
	int		 ch, npos = 0, ended = 0;

	opterr = 0;
	optind = 1;
	for (;;) {
		if (!ended && (ch = getopt(argc - 1, argv + 1,
		    "-:nqe:")) == -1)
			ended = 1;
		/* After "--", every word is PID or NAME. */
		if (ended) {
			if (optind >= argc - 1)
				break;
			optarg = argv[1 + optind++];
			ch = 1;
		}
		switch (ch) {
		case 1:
			if (npos == 2)
				usage("adopt takes a PID and at most a NAME");
			pos[npos++] = optarg;
			break;
		case 'n': *detached = 1; break;
		case 'q': c->quiet = 1; break;
		case 'e': c->keys = optarg; break;
		case ':':
			usage("-e needs KEYS");
		default:
			fprintf(stderr, "sess: adopt: unknown option -%c\n",
			    optopt);
			usage(NULL);
		}
	}
	if (npos == 0)
		usage("adopt needs a PID");
	c->name = pos[1];
	errno = 0;
	pid = strtol(pos[0], &end, 10);
	if (*pos[0] == '\0' || *end != '\0' || errno != 0 || pid <= 0 ||
	    pid > INT32_MAX)
		usage("adopt: PID must be a process id");
	return (pid_t)pid;
}

/* The session an adopted process goes to: NAME, else COMM-PID; 0 with
 * c->path set and the name free, else the exit status (said). */
static int
adopt_session(struct cmdline *c, pid_t pid, int detached)
{
	struct adopt_target	 t = { 0 };
	struct adopt_error	 ae;
	static char		 defname[NAME_MAX_LEN + 32];

	if (c->name != NULL && name_check(c->name) == -1) {
		sess_warn("bad session name '%s': use 1 to %d characters from "
		    "A-Z a-z 0-9 . _ -, not starting with '.'", c->name,
		    NAME_MAX_LEN);
		return 1;
	}
	if (!detached) {
		if (chord_resolve(&c->keys) == -1)
			return 2;
		if (!isatty(STDIN_FILENO)) {
			sess_warn("standard input is not a terminal (use "
			    "sess adopt -n, then attach from a terminal)");
			return 1;
		}
	}
	t.flags = 0;
	if (adopt_check(pid, &t, &ae) == -1) {
		sess_warn("%s", ae.msg);
		return 1;
	}
	if (c->name == NULL) {
		adopt_name(&t, defname, sizeof defname);
		c->name = defname;
	}
	adopt_free(&t);
	if (name_check(c->name) == -1) {
		sess_warn("cannot make a session name from '%s': give one",
		    c->name);
		return 1;
	}
	if (session_path(c, 1) != 0)
		return 1;
	c->mode = MODE_CREATE;
	return make_room(c) != 0 ? 1 : 0;
}

/* sess adopt [-n] [-q] [-e KEYS] PID [NAME]: the refusals are checked
 * here first, so that a refused process costs no session; the server
 * checks again and does the moves, then this command attaches. */
static int
cmd_adopt(int argc, char **argv)
{
	struct cmdline		 c = { 0 };
	struct server_opts	 o = { 0 };
	struct start_error	 e = { 0 };
	pid_t			 pid;
	int			 detached = 0, rc;

	pid = adopt_options(&c, argc, argv, &detached);
	if ((rc = adopt_session(&c, pid, detached)) != 0)
		return rc;
	o.name = c.name;
	o.dir = c.dir;
	o.path = c.path;
	o.adopt = pid;
	/* The attaching terminal's size; detached, the old terminal's. */
	if (!detached)
		start_size(STDIN_FILENO, &o.rows, &o.cols);
	if (server_start(&o, &e) == -1)
		return start_failed(&c, &e, NULL);
	/* Part of the way: the session is there to look at the damage. */
	if (e.msg[0] != '\0') {
		sess_warn("%s (session %s)", e.msg, c.name);
		if (detached)
			return 1;
	}
	if (detached)
		return 0;
	c.mode = MODE_ATTACH;
	return cmd_attach(&c);
}

int
main(int argc, char **argv)
{
	/* Not on the stack, where a server started from here would
	 * keep all of it: only what is written of it is resident. */
	static struct cmdline c;
	int		 creating, attaching, rc;

	if (argc > 1 && strncmp(argv[1], "--upgrade-", 10) == 0)
		return server_upgrade_main(argc, argv);
	log_open("client");
	client_run_newer(argv);
	if (argc > 1 && strcmp(argv[1], "checkpoint") == 0)
		return checkpoint_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "restore") == 0)
		return checkpoint_restore_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "migrate") == 0)
		return migrate_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "receive") == 0)
		return migrate_receive_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "send") == 0)
		return cmd_send(argc, argv);
	if (argc > 1 && strcmp(argv[1], "dump") == 0)
		return cmd_dump(argc, argv);
	if (argc > 1 && strcmp(argv[1], "adopt") == 0)
		return cmd_adopt(argc, argv);
	if (argc > 1 && strcmp(argv[1], "upgrade") == 0)
		return cmd_upgrade(argc, argv);
	parse(&c, argc, argv);

	if (c.name != NULL && name_check(c.name) == -1) {
		sess_warn("bad session name '%s': use 1 to %d characters from "
		    "A-Z a-z 0-9 . _ -, not starting with '.'", c.name,
		    NAME_MAX_LEN);
		return 1;
	}
	attaching = c.mode == MODE_CREATE_ATTACH ||
	    c.mode == MODE_ATTACH_CREATE || c.mode == MODE_ATTACH;
	creating = c.mode == MODE_CREATE_ATTACH || c.mode == MODE_CREATE ||
	    c.mode == MODE_ATTACH_CREATE || c.mode == MODE_FOREGROUND;
	if (attaching && !(c.flags & ATTACH_NOKEYS)) {
		if (chord_resolve(&c.keys) == -1)
			return 2;
	}
	if (attaching && !isatty(STDIN_FILENO)) {
		sess_warn("standard input is not a terminal (to feed a "
		    "session from a pipe, use sess send)");
		return 1;
	}
	if (c.name != NULL && (c.saved = checkpoint_saved(c.name)) == -1)
		return 1;
	/* No directory: only saved sessions to list. */
	if ((rc = session_path(&c, creating || c.saved)) == -1) {
		client_run_newer(NULL);
		return list_sessions(c.dir, c.names_only, c.versions);
	}
	if (rc != 0)
		return rc;

	switch (c.mode) {
	case MODE_LIST:
		client_run_newer(NULL);
		return list_sessions(c.dir, c.names_only, c.versions);
	case MODE_KILL:
		return cmd_kill(&c);
	case MODE_ATTACH:
		return cmd_attach(&c);
	default:
		return cmd_create(&c);
	}
}
