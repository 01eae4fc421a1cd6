/* The loop's wait keeps poll(2)'s contract: every case here asks poll
 * itself the same question and expects the same revents; and a
 * descriptor forgotten, closed and its number reused is the new file's,
 * even while another holder keeps the old file open. */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "watch.h"

#define NSLOT	8

/* watch_wait and poll on copies of the same array, timeout 0: the same
 * count and the same revents in every slot. */
static void
same_as_poll(struct watch *w, const struct pollfd *pfd, nfds_t n)
{
	struct pollfd	 a[NSLOT], b[NSLOT];
	nfds_t		 i;
	int		 ra, rb;

	assert_true(n <= NSLOT);
	memcpy(a, pfd, n * sizeof *a);
	memcpy(b, pfd, n * sizeof *b);
	ra = watch_wait(w, a, n, 0);
	rb = poll(b, n, 0);
	assert_int_equal(ra, rb);
	for (i = 0; i < n; i++) {
		if (a[i].revents != b[i].revents)
			fail_msg("slot %zu (fd %d, events %#x): watch %#x, "
			    "poll %#x", (size_t)i, a[i].fd, a[i].events,
			    a[i].revents, b[i].revents);
	}
}

/* Whether the epoll set behind w holds fd, from its fdinfo. */
static int
watched(const struct watch *w, int fd)
{
	char	 path[64], line[256];
	FILE	*f;
	int	 tfd, found = 0;

	snprintf(path, sizeof path, "/proc/self/fdinfo/%d", w->epfd);
	if ((f = fopen(path, "r")) == NULL)
		fail_msg("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "tfd: %d", &tfd) == 1 && tfd == fd)
			found = 1;
	fclose(f);
	return found;
}

static void
test_watch_like_poll(void **state)
{
	struct watch	 w;
	struct pollfd	 pfd[NSLOT];
	char		 file[] = "/tmp/sess-test-XXXXXX", c = 'x';
	int		 p[2], q[2], reg;

	(void)state;
	watch_init(&w);
	assert_int_not_equal(w.epfd, -1);
	assert_int_equal(pipe2(p, O_NONBLOCK), 0);
	assert_int_equal(pipe2(q, O_NONBLOCK), 0);
	assert_true((reg = mkstemp(file)) != -1);
	unlink(file);

	pfd[0] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = p[1], .events = POLLOUT };
	pfd[2] = (struct pollfd){ .fd = -1, .events = POLLIN };
	pfd[3] = (struct pollfd){ .fd = q[0], .events = 0 };
	/* The same descriptor twice, asked for different things. */
	pfd[4] = (struct pollfd){ .fd = p[0], .events = POLLOUT };
	/* A file that cannot be waited for: always ready. */
	pfd[5] = (struct pollfd){ .fd = reg, .events = POLLIN };
	same_as_poll(&w, pfd, 6);

	assert_int_equal(write(p[1], &c, 1), 1);
	same_as_poll(&w, pfd, 6);
	/* Asked for nothing, still told of the hang-up. */
	close(q[1]);
	same_as_poll(&w, pfd, 6);
	/* What is asked for changes from turn to turn. */
	pfd[0].events = 0;
	pfd[1].events = POLLIN;
	same_as_poll(&w, pfd, 6);
	pfd[0].events = POLLIN;
	same_as_poll(&w, pfd, 6);

	/* A number that is no file: POLLNVAL, as poll says. */
	watch_forget(&w, reg);
	close(reg);
	same_as_poll(&w, pfd, 6);

	/* A descriptor no longer asked for is unhooked. */
	assert_true(watched(&w, q[0]));
	pfd[3].fd = -1;
	same_as_poll(&w, pfd, 5);
	assert_false(watched(&w, q[0]));

	watch_free(&w);
	close(p[0]);
	close(p[1]);
	close(q[0]);
}

static void
test_watch_number_reused(void **state)
{
	struct watch	 w;
	struct pollfd	 pfd;
	char		 c = 'x';
	int		 a[2], b[2], held;

	(void)state;
	watch_init(&w);
	assert_int_equal(pipe2(a, O_NONBLOCK), 0);
	pfd = (struct pollfd){ .fd = a[0], .events = POLLIN };
	same_as_poll(&w, &pfd, 1);
	/* Another holder keeps the old file open, and it is readable. */
	assert_true((held = dup(a[0])) != -1);
	assert_int_equal(write(a[1], &c, 1), 1);
	watch_forget(&w, a[0]);
	close(a[0]);
	/* The lowest number free: the one just closed. */
	assert_int_equal(pipe2(b, O_NONBLOCK), 0);
	assert_int_equal(b[0], pfd.fd);
	/* The new, empty pipe is not readable; the old one does not
	 * speak under its number. */
	same_as_poll(&w, &pfd, 1);
	/* And the new one is heard when it is. */
	assert_int_equal(write(b[1], &c, 1), 1);
	same_as_poll(&w, &pfd, 1);

	watch_free(&w);
	close(held);
	close(a[1]);
	close(b[0]);
	close(b[1]);
}

static void
test_watch_waits(void **state)
{
	struct watch	 w;
	struct pollfd	 pfd;
	char		 c = 'x';
	int		 p[2];
	pid_t		 pid;

	(void)state;
	watch_init(&w);
	assert_int_equal(pipe(p), 0);
	pfd = (struct pollfd){ .fd = p[0], .events = POLLIN };
	assert_int_equal(watch_wait(&w, &pfd, 1, 0), 0);
	/* Blocks until the other end writes. */
	if ((pid = fork()) == 0) {
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		_exit(0);
	}
	assert_true(pid > 0);
	assert_int_equal(watch_wait(&w, &pfd, 1, -1), 1);
	assert_int_equal(pfd.revents, POLLIN);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
	watch_free(&w);
	/* After watch_free, forgetting is a no-op. */
	watch_forget(&w, p[0]);
	close(p[0]);
	close(p[1]);
}

int
main(void)
{
	const struct CMUnitTest	 tests[] = {
		cmocka_unit_test(test_watch_like_poll),
		cmocka_unit_test(test_watch_number_reused),
		cmocka_unit_test(test_watch_waits),
	};

	return cmocka_run_group_tests_name("watch", tests, NULL, NULL);
}
