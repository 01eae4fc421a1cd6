/* The debug log (log.h). Lines are written whole with one write(2) to a
 * file opened O_APPEND, so the lines of several servers and clients
 * sharing one file never mix. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

int		 log_fd = -1;
static char	 log_who[96];

void
log_open(const char *who)
{
	const char	*path = getenv("SESS_LOG");
	int		 err = errno;

	log_close();
	if (path == NULL || *path == '\0')
		return;
	log_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOCTTY, 0600);
	snprintf(log_who, sizeof log_who, "%s[%ld]", who, (long)getpid());
	errno = err;
}

void
log_close(void)
{
	if (log_fd != -1)
		close(log_fd);
	log_fd = -1;
}

void
log_write(const char *fmt, ...)
{
	char		 line[1024];
	struct timespec	 ts;
	struct tm	 tm;
	va_list		 ap;
	int		 n, m, err = errno;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	n = snprintf(line, sizeof line, "%04d-%02d-%02d %02d:%02d:%02d.%03ld "
	    "%s: ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, log_who);
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		m = 0;
	n += m;
	if (n > (int)sizeof line - 2)
		n = (int)sizeof line - 2;
	line[n++] = '\n';
	(void)!write(log_fd, line, (size_t)n);
	errno = err;
}
