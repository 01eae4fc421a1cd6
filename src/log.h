/* The debug log: with SESS_LOG=FILE in the environment, servers and
 * clients append one line per event worth knowing to FILE. Off by
 * default; when off, a log_debug costs one test of an int and evaluates
 * none of its arguments. */
#ifndef SESS_LOG_H
#define SESS_LOG_H

extern int	log_fd;

/* Opens (again) the file SESS_LOG names, if any, for a process that says
 * who it is ("client", "server NAME"); each line names it and its PID. */
void	log_open(const char *who);
void	log_close(void);
void	log_write(const char *, ...) __attribute__((format(printf, 1, 2)));

#define log_debug(...) do {						\
	if (log_fd != -1)						\
		log_write(__VA_ARGS__);					\
} while (0)

#endif
