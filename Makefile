# sess — see README.md and man/sess.1

PREFIX ?= /usr/local
MANPREFIX ?= $(PREFIX)/share/man
DESTDIR ?=

CC ?= cc
PKGS = vterm termkey
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS := $(shell pkg-config --libs $(PKGS))
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

OPT ?= -O2
CFLAGS ?= -g $(OPT)
WARN = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
LIBEXECDIR ?= $(PREFIX)/libexec
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -pthread -I. -Isrc $(WARN) $(PKG_CFLAGS) \
	$(CFLAGS)
LIBS = $(PKG_LIBS) -lutil -pthread

# make SESS_VERSION=X.Y.Z stamps the build (src/version.h has the
# default). src/.version holds the version the objects were built with:
# when it changes, they are built again.
ifdef SESS_VERSION
ALL_CFLAGS += -DSESS_VERSION='"$(SESS_VERSION)"'
endif
VERSION_STAMP := $(shell v='$(SESS_VERSION)'; f=src/.version; \
	[ -f $$f ] && [ "$$(cat $$f)" = "$$v" ] || echo "$$v" > $$f; echo $$f)

# sess itself is linked statically when the static libraries are there:
# a session's server then touches a few hundred kB of code instead of
# most of libc's pages (idle server RSS measured 0.9 MB static against
# 1.7 MB dynamic), and pages of the binary are shared between servers.
# STATIC=0 links it dynamically. libtermkey needs unibilium, which its
# pkg-config file does not say.
STATIC_LIBS = libvterm.a libtermkey.a libunibilium.a libc.a
STATIC_FOUND := $(foreach l,$(STATIC_LIBS),$(if $(filter /%,$(shell \
	$(CC) -print-file-name=$(l))),$(l)))
STATIC ?= $(if $(filter-out $(STATIC_FOUND),$(STATIC_LIBS)),0,1)
SESS_LDFLAGS =
SESS_LIBS = $(LIBS)

ifeq ($(SANITIZE),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
STATIC = 0
endif

ifeq ($(STATIC),1)
SESS_LDFLAGS = -static
SESS_LIBS = $(PKG_LIBS) -lunibilium -lutil -pthread
endif

SRC = $(wildcard src/*.c)
LIBOBJ = $(patsubst %.c,%.o,$(filter-out src/main.c,$(SRC)))
HDR = $(wildcard src/*.h) config.h $(VERSION_STAMP)
TEST_SRC = $(wildcard tests/test_*.c)
TEST_LIB = $(patsubst %.c,%.o,$(wildcard tests/lib/*.c))
TESTS = $(patsubst %.c,%,$(TEST_SRC))
FUZZ_TARGETS = $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_REPLAYS = $(addprefix fuzz/replay_,$(FUZZ_TARGETS))
FUZZ_SECONDS ?= 10
# libFuzzer options, as -seed=1 for a run that does the same each time.
FUZZ_FLAGS ?=
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -I. -Isrc $(PKG_CFLAGS) -g -O1 \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

all: sess

config.h:
	cp config.def.h $@

# Where make install puts the private CRIU, for criu.c to look.
src/criu.o: ALL_CFLAGS += -DCRIU_PRIVATE='"$(LIBEXECDIR)/sess/criu"'

%.o: %.c $(HDR) $(wildcard tests/lib/*.h)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

src/libsess.a: $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

sess: src/main.o src/libsess.a
	$(CC) $(LDFLAGS) $(SESS_LDFLAGS) -o $@ src/main.o src/libsess.a \
		$(SESS_LIBS)

tests/test_%: tests/test_%.o $(TEST_LIB) src/libsess.a
	$(CC) $(LDFLAGS) -o $@ $< $(TEST_LIB) src/libsess.a $(LIBS) $(CMOCKA_LIBS)

# The screen's tests again, with the scanner of plain output built as it
# is where there is no SSE2 (eight bytes at a time in a word).
tests/test_screen_portable: tests/test_screen.o tests/skim_portable.o \
		$(TEST_LIB) src/libsess.a
	$(CC) $(LDFLAGS) -o $@ tests/test_screen.o tests/skim_portable.o \
		$(TEST_LIB) src/libsess.a $(LIBS) $(CMOCKA_LIBS)

tests/skim_portable.o: src/skim.c src/skim.h
	$(CC) $(ALL_CFLAGS) -U__SSE2__ -c -o $@ src/skim.c

# sess of another version, for the upgrade's tests: built whole from the
# sources, beside the objects of sess; and builds that refuse the state
# they are handed, in the trial run (1) or after the exec (2).
tests/sess-next: $(SRC) $(HDR)
	$(CC) $(ALL_CFLAGS) -DSESS_VERSION='"9.9.9"' $(LDFLAGS) \
		$(SESS_LDFLAGS) -o $@ $(SRC) $(SESS_LIBS)

tests/sess-refuse%: $(SRC) $(HDR)
	$(CC) $(ALL_CFLAGS) -DSESS_VERSION='"9.9.8"' \
		-DSESS_UPGRADE_REFUSE=$* $(LDFLAGS) $(SESS_LDFLAGS) -o $@ \
		$(SRC) $(SESS_LIBS)

# A sess of a newer protocol than this one, for the version skew tests.
tests/sess-future: $(SRC) $(HDR)
	$(CC) $(ALL_CFLAGS) -DSESS_VERSION='"99.0.0"' \
		-DSESS_TEST_PROTO_VERSION=99 $(LDFLAGS) $(SESS_LDFLAGS) -o $@ \
		$(SRC) $(SESS_LIBS)

# sess 0.1.0 as released (protocol 1), built from this repository's
# history, for the version skew tests; outside a git checkout there is
# none, and the tests that need it say so and are skipped.
SESS_010 = f37aa7b
tests/sess-0.1.0:
	@rm -rf tests/v0.1.0
	@if git rev-parse -q --verify $(SESS_010)^{commit} >/dev/null; then \
		mkdir -p tests/v0.1.0 && \
		git archive $(SESS_010) | tar -x -C tests/v0.1.0 && \
		$(MAKE) -C tests/v0.1.0 sess && \
		cp tests/v0.1.0/sess $@ && rm -rf tests/v0.1.0; \
	else \
		echo "tests/sess-0.1.0: no git history here"; \
	fi

UPGRADE_BINS = tests/sess-next tests/sess-refuse1 tests/sess-refuse2 \
	tests/sess-future tests/sess-0.1.0

# Every test program, plus the checks that need no program of their own:
# the sources under clang too, adopt's aarch64 side with a cross compiler,
# and the man page.
check: sess $(TESTS) tests/test_screen_portable $(FUZZ_REPLAYS) \
		$(UPGRADE_BINS)
	@CC_FLAGS="$(subst ",\",$(ALL_CFLAGS))" tests/run $(TESTS) \
		tests/test_screen_portable tests/check-clang \
		tests/check-aarch64 tests/check-man tests/check-completion \
		tests/check-install tests/check-units tests/check-fuzz-replay

# The fuzz targets replayed on their seeds and past crashes, by check.
# The screen's oracle (tests/lib/screencmp.c) goes with every target.
fuzz/replay_%: fuzz/fuzz_%.c fuzz/driver.c tests/lib/screencmp.c src/libsess.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ fuzz/fuzz_$*.c fuzz/driver.c \
		tests/lib/screencmp.c src/libsess.a $(LIBS)

# libFuzzer with clang: each target for FUZZ_SECONDS; a crash is kept in
# fuzz/regress/TARGET, which check replays from then on.
fuzz/bin/%: fuzz/fuzz_%.c $(SRC) $(HDR) tests/lib/screencmp.c
	@mkdir -p fuzz/bin
	clang $(FUZZ_CFLAGS) -o $@ $< tests/lib/screencmp.c \
		$(filter-out src/main.c,$(SRC)) $(LIBS)

fuzz: $(addprefix fuzz/bin/,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p fuzz/work/$$t fuzz/regress/$$t; \
		echo "fuzz: $$t for $(FUZZ_SECONDS)s"; \
		fuzz/bin/$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=0 \
			$(FUZZ_FLAGS) \
			-artifact_prefix=fuzz/regress/$$t/ \
			fuzz/work/$$t fuzz/corpus/$$t 2>fuzz/work/$$t.log || \
			{ tail -30 fuzz/work/$$t.log; echo "fuzz: $$t failed"; exit 1; }; \
		grep -E '^(#[0-9]+ *DONE|Done)' fuzz/work/$$t.log | tail -1; \
	done

# valgrind's memcheck on a representative subset: the unit tests, and
# end-to-end tests (the faults among them) with every sess, client and
# server, under memcheck. Not part of check: valgrind makes the server
# some thirty times slower, which the flood tests cannot afford, and the
# run takes about four minutes. It needs a build without SANITIZE.
MEMCHECK_UNIT = tests/test_proto tests/test_sockdir tests/test_list \
	tests/test_keys
MEMCHECK_E2E = tests/test_e2e_session tests/test_e2e_list \
	tests/test_e2e_keys tests/test_e2e_faults

# valgrind cannot follow malloc in a static binary: the tests run a
# dynamically linked sess of their own.
sess-dynamic: src/main.o src/libsess.a
	$(CC) $(LDFLAGS) -o $@ src/main.o src/libsess.a $(LIBS)

memcheck: sess-dynamic $(MEMCHECK_UNIT) $(MEMCHECK_E2E)
	@SESS_BIN=./sess-dynamic tests/memcheck $(MEMCHECK_UNIT) -- \
		$(MEMCHECK_E2E)

.PHONY: memcheck

# Not part of check: timings belong here, never in a test.
bench: sess bench/sess-nomodel
	bench/run

# sess with its screen model fed nothing: what make bench compares the
# forwarding against (not a product: its redraws show nothing).
bench/sess-nomodel: $(SRC) $(HDR)
	$(CC) $(ALL_CFLAGS) -DSESS_NO_MODEL $(LDFLAGS) $(SESS_LDFLAGS) \
		-o $@ $(SRC) $(SESS_LIBS)

# How long sess adopt takes, beside reptyr when it is installed.
bench-adopt: sess bench/adopt
	bench/adopt

bench/adopt: bench/adopt.c tests/lib/pty.o tests/lib/vscreen.o src/libsess.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ bench/adopt.c tests/lib/pty.o \
		tests/lib/vscreen.o src/libsess.a $(LIBS)

# How long sess upgrade takes, and the pause a client sees.
bench-upgrade: sess bench/upgrade
	bench/upgrade

bench/upgrade: bench/upgrade.c tests/lib/pty.o tests/lib/vscreen.o src/libsess.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ bench/upgrade.c tests/lib/pty.o \
		tests/lib/vscreen.o src/libsess.a $(LIBS)

# CRIU 4.1 or newer, for checkpoints, where the system's is older (Debian
# 12's 3.17 cannot start on Linux 6.13 and later): built from Debian's own
# source package into build/criu, which sess finds beside itself and
# make install copies to LIBEXECDIR/sess. See contrib/criu-build.
criu:
	contrib/criu-build build/criu

install: sess
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANPREFIX)/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d \
		$(DESTDIR)$(PREFIX)/share/sess
	install -m 755 sess $(DESTDIR)$(PREFIX)/bin/sess
	install -m 644 man/sess.1 $(DESTDIR)$(MANPREFIX)/man1/sess.1
	install -m 644 contrib/sess.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/sess
	install -m 644 contrib/sess.zsh \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_sess
	install -m 644 contrib/sess.fish \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/sess.fish
	install -m 644 contrib/sess@.service contrib/sess-checkpoint.service \
		contrib/sess-login.sh $(DESTDIR)$(PREFIX)/share/sess/
	if [ -x build/criu/criu ]; then \
		install -d $(DESTDIR)$(LIBEXECDIR)/sess && \
		install -m 755 build/criu/criu $(DESTDIR)$(LIBEXECDIR)/sess/criu; \
	fi

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/sess $(DESTDIR)$(MANPREFIX)/man1/sess.1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/sess \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_sess \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/sess.fish \
		$(DESTDIR)$(PREFIX)/share/sess/sess@.service \
		$(DESTDIR)$(PREFIX)/share/sess/sess-checkpoint.service \
		$(DESTDIR)$(PREFIX)/share/sess/sess-login.sh \
		$(DESTDIR)$(LIBEXECDIR)/sess/criu
	-rmdir $(DESTDIR)$(PREFIX)/share/sess $(DESTDIR)$(LIBEXECDIR)/sess

clean:
	rm -f sess sess-dynamic src/*.o src/libsess.a tests/*.o tests/lib/*.o $(TESTS) \
		tests/test_screen_portable \
		$(FUZZ_REPLAYS) bench/adopt bench/upgrade bench/sess-nomodel \
		$(UPGRADE_BINS)
	rm -rf fuzz/bin fuzz/work
	rm -f src/.version

.PHONY: all bench bench-adopt bench-upgrade check clean criu fuzz install uninstall
.SECONDARY:
