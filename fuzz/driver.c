/* Replays fuzz inputs without libFuzzer: every file named, or every file
 * in every directory named. make check runs the seeds and every input that
 * once crashed a target through it. */
#include <sys/stat.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
replay_file(const char *path)
{
	FILE	*f;
	char	*data;
	long	 n;

	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	data = malloc(n > 0 ? (size_t)n : 1);
	if (data == NULL || fread(data, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(data);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput((const uint8_t *)data, (size_t)n);
	free(data);
	return 0;
}

int
main(int argc, char **argv)
{
	struct dirent	*de;
	struct stat	 st;
	char		 path[4096];
	DIR		*d;
	int		 i, count = 0;

	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == -1)
			continue;
		if (!S_ISDIR(st.st_mode)) {
			if (replay_file(argv[i]) == 0)
				count++;
			continue;
		}
		if ((d = opendir(argv[i])) == NULL)
			continue;
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof path, "%s/%s", argv[i],
			    de->d_name);
			if (replay_file(path) == 0)
				count++;
		}
		closedir(d);
	}
	printf("%s: %d inputs replayed\n", argv[0], count);
	return 0;
}
