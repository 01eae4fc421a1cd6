/* sess defaults: copy to config.h (make does it once) and edit there. */

/* Detach chord, in libtermkey key syntax: one key, or "PREFIX KEY". */
#define DETACH_KEYS "C-\\"

/* How long an escape sequence cut off at the end of a read waits for its
 * rest (milliseconds) before it goes to the program as it is; a lone
 * Escape waits this long too. 100 covers a chord split by a slow link
 * (50 ms between its halves) with room to spare, and is what vim waits on
 * its own (ttimeoutlen); tmux's old 500 made Escape feel sluggish. */
#define ESCAPE_TIME 100

/* Longest incomplete escape sequence held back (bytes); a longer one is
 * no key and goes on at once. */
#define ESCAPE_MAX 4096

/* How long a bracketed paste whose end marker never comes lasts without
 * input (milliseconds), so a lost marker cannot turn the chord off. */
#define PASTE_TIME 1000

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
 * program is made to wait for it: memory a flood may take twice (one
 * part parsed, the next coming), beside what is held (MODEL_HOLD). */
#define MODEL_BACKLOG (128 * 1024)

/* Largest message on the session socket, header excluded. */
#define PROTO_MAX_PAYLOAD (64 * 1024)

/* Clients one session serves at once, and connections beyond them
 * (listings, dumps, sends) that may wait for an answer meanwhile. */
#define MAX_CLIENTS 64
#define MAX_CONNS_EXTRA 8

/* The most the server reads from the program or a terminal at once: a
 * flood goes on in writes this large. */
#define READ_SIZE 65536

/* How long output may trail the program's exit before its status is
 * given (milliseconds): the last lines are read first. */
#define DRAIN_MS 200

/* How long a server that ends may take to hand its last frames (EXIT, OK)
 * to clients that do not read them (milliseconds). */
#define FLUSH_MS 1000

/* A terminal that dropped its backlog is redrawn once the model has caught
 * up, or this long after the drop while a flood keeps the model behind
 * (milliseconds): such a redraw reads again what the model has not parsed
 * yet. */
#define RESYNC_MS 100

/* How long the server waits for the screen model to catch up before it
 * draws, dumps or resizes (milliseconds); past it, a redraw or dump is
 * made from the model plus the output it has not parsed yet, and a resize
 * is left to the model's thread. */
#define MODEL_SYNC_MS 100

/* The screen model's flood policy (src/flood.c). A read this large (the
 * pty had that much waiting) begins a flood; in a flood, output is taken
 * by this much, or when none came for MODEL_PAUSE_MS (milliseconds: the
 * flood is over). */
#define MODEL_FLOOD_READ (32 * 1024)
#define MODEL_FLOOD (128 * 1024)
#define MODEL_PAUSE_MS 16

/* The plain end of a flood that goes on is held back, up to this much,
 * while the next part may still push it out of the scrollback unparsed:
 * enough for SCROLLBACK_LINES lines of 100 bytes. A flood of longer
 * lines is parsed as it comes. */
#define MODEL_HOLD (1024 * 1024)

/* What is held is parsed this much at a time at the end of a flood, each
 * piece given back to the system as the scrollback takes its lines. */
#define MODEL_PIECE (64 * 1024)

/* Output up to this size is parsed by the server's loop itself when the
 * model's thread is idle: waking the thread costs more. */
#define MODEL_INLINE 512

/* After output that is not plain, this much more is parsed before what
 * follows is looked at again for a flood to pass over, and at most once
 * in a plain run of MODEL_RETRY bytes that the screen could not pass over
 * where it began. */
#define MODEL_STEP 4096
#define MODEL_RETRY (128 * 1024)

/* The most of a parsed buffer the model keeps for the next one; more goes
 * back to the system once a flood is over. */
#define MODEL_KEEP (64 * 1024)

/* The most of the buffer keys go through that the server keeps from one
 * read of a terminal to the next; a paste's larger one goes back. */
#define KEYS_KEEP 4096

/* How long a session whose program exited waits, unattached, for someone
 * to collect its status (seconds). */
#define EXITED_LINGER (7 * 24 * 3600)

/* How long `sess -l` and other one-shot requests wait for a server
 * (milliseconds) before reporting it as not answering. */
#define REQUEST_TIMEOUT 500

/* Servers `sess -l` asks at once, each on a descriptor of its own: well
 * under the usual limit of 1024 descriptors a process may have open. */
#define LIST_PARALLEL 64

/* How often `sess -l` dials again a server whose queue of connections is
 * full, until REQUEST_TIMEOUT (milliseconds): no event says it has room. */
#define LIST_RETRY_MS 10

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
 * binary: a sess run from its build tree uses it; and where make install
 * puts it (the Makefile sets it from LIBEXECDIR). */
#define CRIU_TREE "build/criu/criu"
#ifndef CRIU_PRIVATE
#define CRIU_PRIVATE "/usr/local/libexec/sess/criu"
#endif

/* Largest screen a saved state holds: the redraw of a full scrollback
 * and of a large screen (10000 coloured lines of 200 columns measured
 * 2.3 MB; SCROLLBACK_BYTES stored is a few times that written out at
 * worst). A state bigger than this is neither written nor read. */
#define STATE_SCREEN_MAX (64 * 1024 * 1024)
/* A state file: its screen and the facts around it. */
#define STATE_FILE_MAX (STATE_SCREEN_MAX + 64 * 1024)

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

/* sess upgrade (SPEC section 9): how long a server waits for its screen
 * model to catch up before it hands the session over (milliseconds; a
 * model further behind is a flood: the upgrade is refused, and asking
 * again after it works), how long the new binary may take to load and
 * check the state in a trial run before the server gives up on it, and
 * how long `sess upgrade` waits for each server's answer (the trial,
 * then the exec and the load). */
#define UPGRADE_SYNC_MS 1000
#define UPGRADE_CHECK_MS 5000
#define UPGRADE_TIMEOUT (UPGRADE_SYNC_MS + 2 * UPGRADE_CHECK_MS)
/* A handed-over state: each of its records (the screen's, a client's
 * queue, which a redraw of the scrollback may fill) at most a state
 * file's size, and the whole a few of them. */
#define UPGRADE_STATE_MAX (4 * STATE_FILE_MAX)
