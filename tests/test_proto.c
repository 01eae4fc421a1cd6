/* The session protocol: every message round-trips; truncated, oversized,
 * unknown and malformed frames are refused, never misread. */
#include <sys/socket.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "proto.h"

/* Finds the single frame in b, checking the header says what it holds. */
static struct proto_msg
one_frame(const struct buf *b, uint32_t type)
{
	struct proto_msg	 m;
	size_t			 used = 0;

	assert_int_equal(proto_frame(b->data, b->len, &m, &used), 1);
	assert_int_equal(used, b->len);
	assert_int_equal(m.type, type);
	return m;
}

static struct proto_msg
one_frame_at(const struct buf *b, size_t off, uint32_t type)
{
	struct proto_msg	 m;
	size_t			 used = 0;

	assert_int_equal(proto_frame(b->data + off, b->len - off, &m, &used),
	    1);
	assert_int_equal(m.type, type);
	return m;
}

static void
test_header_is_big_endian(void **state)
{
	struct buf		 b = { 0 };
	const unsigned char	*p;

	(void)state;
	assert_int_equal(proto_add(&b, MSG_OK, "xyz", 3), 0);
	p = (const unsigned char *)b.data;
	assert_int_equal(b.len, PROTO_HEADER + 3);
	assert_memory_equal(p, "\0\0\0\x0a\0\0\0\x03xyz", 11);
	buf_free(&b);
}

static void
test_hello(void **state)
{
	struct buf		 b = { 0 };
	struct proto_msg	 m;
	struct proto_hello	 h;

	(void)state;
	assert_int_equal(proto_add_hello(&b), 0);
	m = one_frame(&b, MSG_HELLO);
	assert_int_equal(proto_get_hello(&m, &h), 0);
	assert_int_equal(h.magic, PROTO_MAGIC);
	assert_int_equal(h.version, PROTO_VERSION);
	/* "SESS" in the wire bytes, whatever the host. */
	assert_memory_equal(b.data + PROTO_HEADER, "SESS", 4);
	/* A later version may append; the first words still read. */
	buf_add(&b, "more", 4);
	b.data[7] += 4;
	m = one_frame(&b, MSG_HELLO);
	assert_int_equal(proto_get_hello(&m, &h), 0);
	assert_int_equal(h.version, PROTO_VERSION);
	buf_free(&b);
}

static void
test_attach(void **state)
{
	struct proto_attach	 a = { 0 }, r;
	struct buf		 b = { 0 };
	struct proto_msg	 m;

	(void)state;
	a.flags = ATTACH_READONLY | ATTACH_LOWPRIO;
	a.rows = 40;
	a.cols = 132;
	a.tio.c_iflag = ICRNL | IXON;
	a.tio.c_oflag = OPOST | ONLCR;
	a.tio.c_cflag = CS8 | CREAD;
	a.tio.c_lflag = ICANON | ECHO | ISIG;
	a.tio.c_cc[VINTR] = 3;
	a.tio.c_cc[VMIN] = 1;
	cfsetispeed(&a.tio, B38400);
	cfsetospeed(&a.tio, B38400);
	strcpy(a.term, "xterm-256color");
	strcpy(a.keys, "C-a d");
	assert_int_equal(proto_add_attach(&b, &a), 0);
	m = one_frame(&b, MSG_ATTACH);
	assert_int_equal(proto_get_attach(&m, &r), 0);
	assert_int_equal(r.flags, a.flags);
	assert_int_equal(r.rows, 40);
	assert_int_equal(r.cols, 132);
	assert_int_equal(r.tio.c_iflag, a.tio.c_iflag);
	assert_int_equal(r.tio.c_oflag, a.tio.c_oflag);
	assert_int_equal(r.tio.c_cflag, a.tio.c_cflag);
	assert_int_equal(r.tio.c_lflag, a.tio.c_lflag);
	assert_memory_equal(r.tio.c_cc, a.tio.c_cc, NCCS);
	assert_int_equal(cfgetospeed(&r.tio), B38400);
	assert_string_equal(r.term, "xterm-256color");
	assert_string_equal(r.keys, "C-a d");
	buf_free(&b);
}

static void
test_resize(void **state)
{
	struct proto_resize	 z = { 24, 80 }, r;
	struct buf		 b = { 0 };
	struct proto_msg	 m;

	(void)state;
	assert_int_equal(proto_add_resize(&b, &z), 0);
	m = one_frame(&b, MSG_RESIZE);
	assert_int_equal(proto_get_resize(&m, &r), 0);
	assert_int_equal(r.rows, 24);
	assert_int_equal(r.cols, 80);
	buf_free(&b);
}

static void
test_info(void **state)
{
	struct proto_info	 i = { 0 }, r;
	struct buf		 b = { 0 };
	struct proto_msg	 m;

	(void)state;
	i.state = INFO_EXITED;
	i.status = 137;
	i.pid = 4242;
	i.clients = 3;
	i.rows = 50;
	i.cols = 200;
	i.created = 0x123456789ULL;
	strcpy(i.cmd, "make -j8");
	assert_int_equal(proto_add_info(&b, &i), 0);
	m = one_frame(&b, MSG_INFO);
	assert_int_equal(proto_get_info(&m, &r), 0);
	assert_int_equal(r.state, INFO_EXITED);
	assert_int_equal(r.status, 137);
	assert_int_equal(r.pid, 4242);
	assert_int_equal(r.clients, 3);
	assert_int_equal(r.rows, 50);
	assert_int_equal(r.cols, 200);
	assert_true(r.created == 0x123456789ULL);
	assert_string_equal(r.cmd, "make -j8");
	assert_string_equal(r.version, "");
	buf_free(&b);
}

/* From protocol 3, INFO ends with the server's version; without it, the
 * payload is what versions 1 and 2 read. */
static void
test_info_version(void **state)
{
	struct proto_info	 i = { 0 }, r;
	struct buf		 b = { 0 }, old = { 0 };
	struct proto_msg	 m;

	(void)state;
	strcpy(i.cmd, "sh");
	assert_int_equal(proto_add_info(&old, &i), 0);
	strcpy(i.version, "9.9.9");
	assert_int_equal(proto_add_info(&b, &i), 0);
	assert_int_equal(b.len, old.len + 2 + strlen("9.9.9"));
	m = one_frame(&b, MSG_INFO);
	assert_int_equal(proto_get_info(&m, &r), 0);
	assert_string_equal(r.version, "9.9.9");
	assert_string_equal(r.cmd, "sh");
	buf_free(&b);
	buf_free(&old);
}

static void
test_upgrade(void **state)
{
	char			 path[PROTO_PATH_MAX + 1];
	struct buf		 b = { 0 };
	struct proto_msg	 m;

	(void)state;
	assert_int_equal(proto_add_upgrade(&b, "/usr/bin/sess"), 0);
	m = one_frame(&b, MSG_UPGRADE);
	assert_int_equal(proto_get_upgrade(&m, path), 0);
	assert_string_equal(path, "/usr/bin/sess");
	m.len--;
	assert_int_equal(proto_get_upgrade(&m, path), -1);
	buf_free(&b);
}

static void
test_exit(void **state)
{
	struct proto_exit	 x = { EXIT_EXITED, EXIT_RELEASE_FOLLOWS, -1 };
	struct proto_exit	 r;
	struct buf		 b = { 0 };
	struct proto_msg	 m;

	(void)state;
	assert_int_equal(proto_add_exit(&b, &x), 0);
	m = one_frame(&b, MSG_EXIT);
	assert_int_equal(proto_get_exit(&m, &r), 0);
	assert_int_equal(r.reason, EXIT_EXITED);
	assert_int_equal(r.flags, EXIT_RELEASE_FOLLOWS);
	assert_int_equal(r.status, -1);
	/* A reason nobody defined is refused. */
	b.data[PROTO_HEADER] = 99;
	m = one_frame(&b, MSG_EXIT);
	assert_int_equal(proto_get_exit(&m, &r), -1);
	assert_int_equal(errno, EBADMSG);
	buf_free(&b);
}

static void
test_error(void **state)
{
	struct proto_error	 e = { EUSERS, "too many clients" }, r;
	struct buf		 b = { 0 };
	struct proto_msg	 m;

	(void)state;
	assert_int_equal(proto_add_error(&b, &e), 0);
	m = one_frame(&b, MSG_ERROR);
	assert_int_equal(proto_get_error(&m, &r), 0);
	assert_int_equal(r.code, EUSERS);
	assert_string_equal(r.msg, "too many clients");
	buf_free(&b);
}

static void
test_empty_messages(void **state)
{
	static const uint32_t	 types[] = {
		MSG_DETACH, MSG_INFO_REQ, MSG_KILL, MSG_OK
	};
	struct buf		 b = { 0 };
	struct proto_msg	 m;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof types / sizeof types[0]; i++) {
		buf_reset(&b);
		assert_int_equal(proto_add(&b, types[i], NULL, 0), 0);
		m = one_frame(&b, types[i]);
		assert_int_equal(proto_get_empty(&m), 0);
		buf_reset(&b);
		assert_int_equal(proto_add(&b, types[i], "x", 1), 0);
		m = one_frame(&b, types[i]);
		assert_int_equal(proto_get_empty(&m), -1);
	}
	buf_free(&b);
}

static void
test_dump_req(void **state)
{
	struct buf		 b = { 0 };
	struct proto_msg	 m;
	uint32_t		 flags;

	(void)state;
	assert_int_equal(proto_add_dump_req(&b, 0x3), 0);
	m = one_frame(&b, MSG_DUMP_REQ);
	assert_int_equal(proto_get_dump_req(&m, &flags), 0);
	assert_int_equal(flags, 0x3);
	m.len = 3;
	assert_int_equal(proto_get_dump_req(&m, &flags), -1);
	buf_free(&b);
}

/* Input and dump frames carry raw bytes, any of them. */
static void
test_raw_payloads(void **state)
{
	struct buf		 b = { 0 };
	struct proto_msg	 m;
	char			 bytes[256];
	int			 i;

	(void)state;
	for (i = 0; i < 256; i++)
		bytes[i] = (char)i;
	assert_int_equal(proto_add(&b, MSG_INPUT, bytes, sizeof bytes), 0);
	assert_int_equal(proto_add(&b, MSG_DUMP, bytes, 10), 0);
	m = one_frame_at(&b, 0, MSG_INPUT);
	assert_memory_equal(m.data, bytes, sizeof bytes);
	m = one_frame_at(&b, PROTO_HEADER + sizeof bytes, MSG_DUMP);
	assert_int_equal(m.len, 10);
	buf_free(&b);
}

/* Every prefix of a frame asks for more, never yields a message. */
static void
test_truncated(void **state)
{
	struct proto_info	 i = { 0 };
	struct buf		 b = { 0 };
	struct proto_msg	 m;
	size_t			 n, used;

	(void)state;
	strcpy(i.cmd, "vim notes.md");
	assert_int_equal(proto_add_info(&b, &i), 0);
	for (n = 0; n < b.len; n++)
		assert_int_equal(proto_frame(b.data, n, &m, &used), 0);
	assert_int_equal(proto_frame(b.data, b.len, &m, &used), 1);
	buf_free(&b);
}

/* A payload cut short, or with bytes left over, does not decode. */
static void
test_payload_shape(void **state)
{
	struct proto_attach	 a = { 0 }, r;
	struct proto_info	 ir;
	struct buf		 b = { 0 };
	struct proto_msg	 m;

	(void)state;
	strcpy(a.term, "xterm");
	assert_int_equal(proto_add_attach(&b, &a), 0);
	m = one_frame(&b, MSG_ATTACH);
	for (m.len = 0; m.len + PROTO_HEADER < b.len; m.len++)
		assert_int_equal(proto_get_attach(&m, &r), -1);
	assert_int_equal(proto_get_attach(&m, &r), 0);
	/* One byte too many. */
	buf_add(&b, "x", 1);
	m.data = (const unsigned char *)b.data + PROTO_HEADER;
	m.len++;
	assert_int_equal(proto_get_attach(&m, &r), -1);
	/* The right size for another message is still the wrong shape. */
	m.len = (uint32_t)(b.len - PROTO_HEADER);
	assert_int_equal(proto_get_info(&m, &ir), -1);
	assert_int_equal(errno, EBADMSG);
	buf_free(&b);
}

static void
test_string_bounds(void **state)
{
	struct proto_error	 r;
	struct buf		 b = { 0 }, p = { 0 };
	struct proto_msg	 m;
	unsigned char		 len[2];
	char			 big[PROTO_ERROR_MAX + 1];

	(void)state;
	/* A string longer than its field. */
	memset(big, 'x', sizeof big);
	buf_add(&p, "\0\0\0\0", 4);
	len[0] = sizeof big >> 8;
	len[1] = sizeof big & 0xff;
	buf_add(&p, len, 2);
	buf_add(&p, big, sizeof big);
	assert_int_equal(proto_add(&b, MSG_ERROR, p.data, p.len), 0);
	m = one_frame(&b, MSG_ERROR);
	assert_int_equal(proto_get_error(&m, &r), -1);
	/* A string with a NUL inside. */
	buf_reset(&b);
	assert_int_equal(proto_add(&b, MSG_ERROR, "\0\0\0\0\0\3a\0b", 9), 0);
	m = one_frame(&b, MSG_ERROR);
	assert_int_equal(proto_get_error(&m, &r), -1);
	buf_free(&b);
	buf_free(&p);
}

static void
test_oversized(void **state)
{
	static const unsigned char	 hdr[] = {
		0, 0, 0, MSG_INPUT, 0x7f, 0xff, 0xff, 0xff
	};
	struct buf			 b = { 0 };
	struct proto_msg		 m;
	size_t				 used;
	static char			 big[PROTO_MAX_PAYLOAD + 1];

	(void)state;
	/* Refused from the header alone, before the payload arrives. */
	assert_int_equal(proto_frame(hdr, sizeof hdr, &m, &used), -1);
	assert_int_equal(errno, EMSGSIZE);
	assert_int_equal(proto_add(&b, MSG_INPUT, big, sizeof big), -1);
	assert_int_equal(errno, EMSGSIZE);
	assert_int_equal(proto_add(&b, MSG_INPUT, big, sizeof big - 1), 0);
	m = one_frame(&b, MSG_INPUT);
	assert_int_equal(m.len, PROTO_MAX_PAYLOAD);
	buf_free(&b);
}

static void
test_unknown_type(void **state)
{
	static const unsigned char	 zero[] = { 0, 0, 0, 0, 0, 0, 0, 0 };
	static const unsigned char	 high[] = { 0, 0, 0, MSG_TYPE_MAX, 0, 0,
	    0, 0 };
	static const unsigned char	 junk[] = "GET / HTTP/1.0\r\n\r\n";
	struct proto_msg		 m;
	size_t				 used;

	(void)state;
	assert_int_equal(proto_frame(zero, sizeof zero, &m, &used), -1);
	assert_int_equal(errno, EBADMSG);
	assert_int_equal(proto_frame(high, sizeof high, &m, &used), -1);
	assert_int_equal(errno, EBADMSG);
	assert_int_equal(proto_frame(junk, sizeof junk, &m, &used), -1);
}

/* Frames arrive over a socket in any split, with an fd alongside. */
static void
test_transport(void **state)
{
	struct proto_resize	 z = { 30, 100 }, r;
	struct proto_msg	 m;
	struct buf		 b = { 0 }, in = { 0 };
	int			 sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(proto_add_resize(&b, &z), 0);
	assert_int_equal(proto_add(&b, MSG_DETACH, NULL, 0), 0);
	assert_int_equal(proto_send(sv[0], &b, -1), 0);
	assert_int_equal(proto_recv(sv[1], &in, &m, 1000), 0);
	assert_int_equal(m.type, MSG_RESIZE);
	assert_int_equal(proto_get_resize(&m, &r), 0);
	assert_int_equal(r.cols, 100);
	proto_consume(&in, &m);
	assert_int_equal(proto_recv(sv[1], &in, &m, 1000), 0);
	assert_int_equal(m.type, MSG_DETACH);
	proto_consume(&in, &m);
	assert_int_equal(proto_recv(sv[1], &in, &m, 0), -1);
	assert_int_equal(errno, ETIMEDOUT);
	close(sv[0]);
	assert_int_equal(proto_recv(sv[1], &in, &m, 1000), -1);
	assert_int_equal(errno, ECONNRESET);
	close(sv[1]);
	buf_free(&b);
	buf_free(&in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_is_big_endian),
		cmocka_unit_test(test_hello),
		cmocka_unit_test(test_attach),
		cmocka_unit_test(test_resize),
		cmocka_unit_test(test_info),
		cmocka_unit_test(test_info_version),
		cmocka_unit_test(test_upgrade),
		cmocka_unit_test(test_exit),
		cmocka_unit_test(test_error),
		cmocka_unit_test(test_empty_messages),
		cmocka_unit_test(test_dump_req),
		cmocka_unit_test(test_raw_payloads),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_payload_shape),
		cmocka_unit_test(test_string_bounds),
		cmocka_unit_test(test_oversized),
		cmocka_unit_test(test_unknown_type),
		cmocka_unit_test(test_transport),
	};

	return cmocka_run_group_tests_name("proto", tests, NULL, NULL);
}
