/* The protocol decoder on arbitrary bytes, both sides: frames are cut
 * from the stream as a server or client would, each decoded as every
 * message type; what decodes must encode back to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "proto.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
same(const struct buf *b, const struct proto_msg *m)
{
	if (b->len != PROTO_HEADER + m->len ||
	    memcmp(b->data + PROTO_HEADER, m->data, m->len) != 0)
		abort();
}

static void
decode_all(const struct proto_msg *m)
{
	struct proto_hello	 h;
	struct proto_attach	 a;
	struct proto_resize	 z;
	struct proto_info	 i;
	struct proto_exit	 x;
	struct proto_error	 e;
	struct buf		 b = { 0 };
	uint32_t		 flags;

	proto_get_hello(m, &h);
	proto_get_empty(m);
	if (proto_get_resize(m, &z) == 0) {
		proto_add_resize(&b, &z);
		same(&b, m);
	}
	buf_reset(&b);
	if (proto_get_info(m, &i) == 0) {
		proto_add_info(&b, &i);
		same(&b, m);
	}
	buf_reset(&b);
	if (proto_get_exit(m, &x) == 0) {
		proto_add_exit(&b, &x);
		same(&b, m);
	}
	buf_reset(&b);
	if (proto_get_error(m, &e) == 0) {
		proto_add_error(&b, &e);
		same(&b, m);
	}
	buf_reset(&b);
	if (proto_get_dump_req(m, &flags) == 0) {
		proto_add_dump_req(&b, flags);
		same(&b, m);
	}
	/* termios goes through the C library's speed encoding: decode
	 * only, with its strings bounded. */
	if (proto_get_attach(m, &a) == 0 &&
	    (strlen(a.term) > PROTO_TERM_MAX || strlen(a.keys) > PROTO_KEYS_MAX))
		abort();
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proto_msg	 m;
	size_t			 used, off = 0;

	while (off < size && proto_frame(data + off, size - off, &m,
	    &used) == 1) {
		if (used > size - off || m.len > PROTO_MAX_PAYLOAD)
			abort();
		decode_all(&m);
		off += used;
	}
	return 0;
}
