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
		tests/check-man

# Not part of check: timings belong here, never in a test.
bench: sess
	bench/run

clean:
	rm -f sess src/*.o src/libsess.a tests/*.o tests/lib/*.o $(TESTS)

.PHONY: all bench check clean
.SECONDARY:
