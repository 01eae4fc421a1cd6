/* Small helpers shared by every part of sess. */
#ifndef SESS_UTIL_H
#define SESS_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* A growable byte buffer. A zeroed struct is an empty buffer. */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

int	 buf_reserve(struct buf *, size_t);
int	 buf_add(struct buf *, const void *, size_t);
int	 buf_adds(struct buf *, const char *);
int	 buf_addf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_consume(struct buf *, size_t);
void	 buf_reset(struct buf *);
void	 buf_free(struct buf *);

/* v in decimal (a negative v as 0) at p, no NUL; its length, at most 10. */
size_t	 util_put_decimal(char *, int);

/* snprintf for messages, where a cut-off end is no error. */
void	 str_format(char *, size_t, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
/* snprintf for paths, where it is: 0, or -1 with errno ENAMETOOLONG. */
int	 path_format(char *, size_t, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

/* The one place errors are printed: "sess: MESSAGE" on stderr. */
void	 sess_warn(const char *, ...) __attribute__((format(printf, 1, 2)));

/* Monotonic clock in milliseconds. */
int64_t	 now_ms(void);

/* A wait status as the exit code a shell would give: 128+N for signal N;
 * -1 if the process has not ended. */
int	 wait_code(int);

/* The system's page size; n rounded up to whole pages; the whole pages
 * in [from, to) given back to the system with madvise's advice
 * (MADV_DONTNEED for private memory, MADV_REMOVE for shared; they read
 * as zeros after): 0, or -1 with errno set. */
size_t	 util_page_size(void);
size_t	 util_page_round(size_t);
int	 util_let_go(const void *from, const void *to, int advice);

int	 fd_set_nonblock(int, int);
int	 fd_set_cloexec(int);

/* A regular file of at most max bytes, whole, into *data (free it; a NUL
 * follows the *len bytes); -1 with errno (EFBIG: larger). */
int	 file_read(const char *, size_t max, char **data, size_t *len);

/* Write all of a buffer to a blocking fd, retrying on EINTR. */
int	 write_all(int, const void *, size_t);

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

#endif
