/* End-to-end fixture: every test gets its own socket directory and
 * scratch directory, and must leave no session, socket or process
 * behind. This process is a child subreaper, so the session servers (which
 * daemonise) end up as its children: they can be found, reaped and, when
 * a test failed, killed, without touching anything it did not start. */
#ifndef TESTS_E2E_H
#define TESTS_E2E_H

#include <sys/types.h>

#include "pty.h"

/* How long sess -l may take beside servers that never answer: it gives
 * each REQUEST_TIMEOUT, where one that waited for an answer would take
 * TEST_TIMEOUT or hang (milliseconds). */
#define LIST_WEDGED_MAX	5000

/* cmocka fixtures. */
int		 e2e_setup(void **);
int		 e2e_teardown(void **);
/* Shorthand for a test with the fixture. */
#define e2e_test(f)	cmocka_unit_test_setup_teardown(f, e2e_setup, \
			    e2e_teardown)

/* The socket directory ($SESS_DIR, not created until sess does it) and a
 * scratch directory for files the programs write. */
const char	*e2e_dir(void);
const char	*e2e_scratch(void);
/* Where sanitizer and valgrind reports go; the fixture reads them. */
const char	*e2e_reports(void);
/* The criu the checkpoint tests run, absolute: $SESS_CRIU, else the one
 * `make criu` built in this tree, else criu on PATH; NULL (said on
 * stderr) when there is none. */
const char	*e2e_criu(void);
/* Sessions whose sockets are still in dir (of $SESS_DIR's), each said
 * and ended with sess -k; how many there were. */
int		 sweep_sockets(const char *dir);
/* A path in the scratch directory; a few stay valid at once. */
const char	*scratch_path(const char *);
/* DIR/NAME. */
const char	*sock_path(const char *);

int		 sock_exists(const char *name);
/* 1 once the socket is there / gone, 0 on timeout. */
int		 wait_sock(const char *name, int timeout);
int		 wait_sock_gone(const char *name, int timeout);
/* 1 once path exists. */
int		 wait_file(const char *path, int timeout);
/* The file's contents, NUL-terminated (free it), or NULL. */
char		*slurp(const char *path);
/* Waits until the file holds text containing s. */
int		 wait_file_has(const char *path, const char *s, int timeout);

/* One row of `sess -l`, cut at the header's column starts. */
struct row {
	char	name[80];
	char	state[32];
	char	pid[24];
	char	clients[24];
	char	size[24];
	char	age[24];
	char	command[1100];
};
/* Parses a listing; the number of rows, -1 if the header is wrong. */
int		 list_parse(const char *, struct row *, int max);
/* Runs sess -l once; 1 with *row filled if NAME is listed. */
int		 list_get_once(const char *name, struct row *);
/* The same, but a server too busy to answer in time (STATE ?) is asked
 * again: a loaded machine must not fail a test. */
int		 list_get(const char *name, struct row *);
/* Polls sess -l until NAME's STATE is state / CLIENTS is n / SIZE is
 * size. */
int		 wait_state(const char *name, const char *state, int timeout);
int		 wait_clients(const char *name, int n);
int		 wait_size(const char *name, const char *size);

/* The process listening on NAME's socket, or -1. */
pid_t		 server_pid(const char *name);
/* How many processes have NAME's listening socket open. */
int		 socket_holders(const char *name);
/* The program's pid, from the listing, or -1. */
pid_t		 program_pid(const char *name);
/* The parent of pid, or -1. */
pid_t		 parent_pid(pid_t);
/* CPU time (user and system) pid has used, in clock ticks; -1 if gone. */
long		 cpu_ticks(pid_t);
/* 1 once pid is gone (reaped, or a zombie of another parent). */
int		 wait_pid_gone(pid_t, int timeout);

/* sess -n NAME ARGS... must succeed and leave a socket. */
void		 session_new(const char *name, ...);
/* sess -k NAME must succeed and leave no socket. */
void		 session_kill(const char *name);

/* Whether sess dump [flag] NAME prints text containing want. */
int		 dump_has(const char *name, const char *flag, const char *want);
/* Polls sess dump until it shows want; on timeout the test fails,
 * printing what it shows. */
void		 expect_dump(const char *name, const char *flag,
		     const char *want);

/* A connection to NAME's socket, or -1. */
int		 unix_connect(const char *name);

/* Processes started by this one (directly or not) that still run. */
int		 descendants(pid_t *, int max);

/* Waits for the terminal to show s / for s in its output / for its
 * program to exit with code; on timeout the test fails, printing what
 * the terminal shows. */
#define expect_screen(t, s)	expect_screen_at(t, s, __FILE__, __LINE__)
#define expect_output(t, s)	expect_output_at(t, s, __FILE__, __LINE__)
#define expect_exit(t, code)	expect_exit_at(t, code, __FILE__, __LINE__)
/* The client on t detaches when keys are typed: exit 0, the status line
 * for name shown, the terminal's settings as they were. */
#define expect_detach(t, keys, name) \
	expect_detach_at(t, keys, name, __FILE__, __LINE__)
/* A shell's output on the session's terminal, told apart from the echo of
 * the command: types echo $((6*7)) and waits for 42. */
#define expect_shell(t, a, b)	expect_shell_at(t, a, b, __FILE__, __LINE__)
void		 expect_screen_at(struct term *, const char *, const char *,
		     int);
void		 expect_output_at(struct term *, const char *, const char *,
		     int);
void		 expect_exit_at(struct term *, int, const char *, int);
void		 expect_detach_at(struct term *, const char *, const char *,
		     const char *, int);
void		 expect_shell_at(struct term *, int, int, const char *, int);
/* Prints the end of t's output and its screen, for a failure. */
void		 show_term(struct term *);

#endif
