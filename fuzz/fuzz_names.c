/* Session names and socket paths on arbitrary strings: the check must
 * accept exactly the names SPEC allows, and a joined path never overflows
 * a socket address. */
#include <sys/socket.h>
#include <sys/un.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sockdir.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
allowed(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n < 1 || n > 64 || s[0] == '.')
		return 0;
	for (i = 0; i < n; i++) {
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return 0;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_un	 sa;
	char			 name[256], path[512];

	if (size >= sizeof name)
		return 0;
	memcpy(name, data, size);
	name[size] = '\0';
	if ((name_check(name) == 0) != allowed(name))
		abort();
	if (sockdir_join(path, sizeof path, "/tmp/sess-fuzz", name) == 0 &&
	    strlen(path) >= sizeof sa.sun_path)
		abort();
	return 0;
}
