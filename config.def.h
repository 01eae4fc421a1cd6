/* sess defaults: copy to config.h (make does it once) and edit there. */

/* Detach chord, in libtermkey key syntax: one key, or "PREFIX KEY". */
#define DETACH_KEYS "C-\\"

/* Name of the socket directory under $XDG_RUNTIME_DIR; without it,
 * /tmp/SOCKET_DIR_NAME-UID is used. */
#define SOCKET_DIR_NAME "sess"

/* Bytes queued for a terminal that does not keep up before its backlog
 * is dropped and it is redrawn instead. */
#define CLIENT_BACKLOG (1024 * 1024)

/* Keystrokes queued for a program that does not read its input before
 * sess stops reading the terminals. */
#define INPUT_BACKLOG (64 * 1024)

/* Output the screen model may fall behind by during a flood before the
 * program is made to wait for it. */
#define MODEL_BACKLOG (8 * 1024 * 1024)

/* Largest message on the session socket, header excluded. */
#define PROTO_MAX_PAYLOAD (64 * 1024)

/* Clients one session serves at once. */
#define MAX_CLIENTS 64

/* How long a session whose program exited waits, unattached, for someone
 * to collect its status (seconds). */
#define EXITED_LINGER (7 * 24 * 3600)

/* How long `sess -l` and other one-shot requests wait for a server
 * (milliseconds) before reporting it as not answering. */
#define REQUEST_TIMEOUT 500

/* How long attach, -k, send and dump wait for the server to say hello,
 * and -k and dump for each answer (milliseconds): a server asked for
 * something by name is given longer than one a listing passes by. */
#define SERVER_TIMEOUT 5000

/* How long a client that detached waits for the key release that ends
 * the detach chord (kitty keyboard protocol), so that it does not reach
 * the shell (milliseconds). */
#define RELEASE_TIMEOUT 100

/* How long a connection may stay silent before the server drops it
 * (milliseconds). */
#define HELLO_TIMEOUT 5000

/* Lines kept after they scroll off the top of the screen, and the memory
 * they may use. */
#define SCROLLBACK_LINES 10000
#define SCROLLBACK_BYTES (4 * 1024 * 1024)

/* Scrollback lines written to the terminal before the redraw on attach
 * (0: none). */
#define SCROLLBACK_REPLAY 10000

/* How long `sess checkpoint` waits for a server's checkpoint
 * (milliseconds): criu writes about 0.5 GB a second here; a program of
 * many gigabytes takes longer. */
#define CHECKPOINT_TIMEOUT (600 * 1000)

/* Files one checkpoint may hold when it arrives from another host (criu
 * writes a handful per process). */
#define MIGRATE_FILES_MAX 65536

/* Where `make criu` builds CRIU, relative to the directory of the sess
 * binary: a sess run from its build tree uses it. (The installed private
 * copy, LIBEXECDIR/sess/criu, comes from the Makefile.) */
#define CRIU_TREE "build/criu/criu"

/* How long sess adopt waits for a job it sent SIGTSTP to stop, so that
 * its shell gets the prompt back, before it stops it with SIGSTOP
 * (milliseconds). */
#define ADOPT_STOP_TIMEOUT 500

/* How long sess adopt waits for any one stop of the process it moves
 * (milliseconds): a thread stuck in the kernel must not hang it. */
#define PTRACE_TIMEOUT 3000

/* Descriptors on the old terminal, and epoll sets watching them, that
 * sess adopt moves; threads it stops; signals it holds back meanwhile;
 * bytes of the process's code it searches for a system call instruction. */
#define ADOPT_MAX_FDS 256
#define ADOPT_MAX_EPOLL 64
#define PTRACE_MAX_THREADS 1024
#define PTRACE_MAX_SIGS 64
#define PTRACE_SCAN_MAX (64 * 1024 * 1024)
