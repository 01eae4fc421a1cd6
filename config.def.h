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
