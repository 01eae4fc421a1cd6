# sess — see README.md and man/sess.1

VERSION = 0.1.0
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
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DSESS_VERSION='"$(VERSION)"' \
	-I. -Isrc $(WARN) $(PKG_CFLAGS) $(CFLAGS)
LIBS = $(PKG_LIBS) -lutil

ifeq ($(SANITIZE),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif

SRC = $(wildcard src/*.c)
LIBOBJ = $(patsubst %.c,%.o,$(filter-out src/main.c,$(SRC)))
HDR = $(wildcard src/*.h) config.h
TEST_SRC = $(wildcard tests/test_*.c)
TEST_LIB = $(patsubst %.c,%.o,$(wildcard tests/lib/*.c))
TESTS = $(patsubst %.c,%,$(TEST_SRC))

all: sess

config.h:
	cp config.def.h $@

%.o: %.c $(HDR) $(wildcard tests/lib/*.h)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

src/libsess.a: $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

sess: src/main.o src/libsess.a
	$(CC) $(LDFLAGS) -o $@ src/main.o src/libsess.a $(LIBS)

tests/test_%: tests/test_%.o $(TEST_LIB) src/libsess.a
	$(CC) $(LDFLAGS) -o $@ $< $(TEST_LIB) src/libsess.a $(LIBS) $(CMOCKA_LIBS)

# Every test program, plus the checks that need no program of their own:
# the sources under clang too, and the man page.
check: sess $(TESTS)
	@CC_FLAGS="$(ALL_CFLAGS)" tests/run $(TESTS) tests/check-clang \
		tests/check-man tests/check-completion tests/check-install

# Not part of check: timings belong here, never in a test.
bench: sess
	bench/run

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
	install -m 644 contrib/sess@.service contrib/sess-login.sh \
		$(DESTDIR)$(PREFIX)/share/sess/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/sess $(DESTDIR)$(MANPREFIX)/man1/sess.1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/sess \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_sess \
		$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/sess.fish \
		$(DESTDIR)$(PREFIX)/share/sess/sess@.service \
		$(DESTDIR)$(PREFIX)/share/sess/sess-login.sh
	-rmdir $(DESTDIR)$(PREFIX)/share/sess

clean:
	rm -f sess src/*.o src/libsess.a tests/*.o tests/lib/*.o $(TESTS)

.PHONY: all bench check clean install uninstall
.SECONDARY:
