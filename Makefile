# Makefile for the event_definitions extension (PGXS)
#
#   make && make install              build and install into pg_config's installation
#   make installcheck                 every regression test, isolation spec and TAP test,
#                                     against the server PGHOST/PGPORT/PGUSER name
#   make installcheck-parallel-mode   the regression tests again, with
#                                     force_parallel_mode = regress
#   make test | demo | bench          ./tools/test, ./tools/demo, ./tools/bench
#   make bench BENCH_UPDATE=1         and copy the report (build/bench/BENCHMARKS.md)
#                                     over BENCHMARKS.md

EXTENSION = event_definitions
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" $(EXTENSION).control)

MODULE_big = event_definitions
OBJS = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))
DATA = $(sort $(wildcard sql/$(EXTENSION)--*.sql))
PGFILEDESC = "event_definitions - PostHog event definitions inside PostgreSQL"

PG_CPPFLAGS = -Isrc -DED_EXTVERSION='"$(EXTVERSION)"'
PG_CFLAGS = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers

# Tests.  pg_regress and pg_isolation_regress read test/sql/*.sql and
# test/specs/*.spec and compare with test/expected/, a link to the
# top-level expected/.  Test files find their shared includes through
# PG_ABS_SRCDIR (pg_regress sets it to the absolute --inputdir).
REGRESS = $(patsubst test/sql/%.sql,%,$(sort $(wildcard test/sql/*.sql)))
REGRESS_OPTS = --inputdir=test --load-extension=$(EXTENSION) --encoding=UTF8
ISOLATION = $(patsubst test/specs/%.spec,%,$(sort $(wildcard test/specs/*.spec)))
ISOLATION_OPTS = --inputdir=test --load-extension=$(EXTENSION) --encoding=UTF8
ifneq ($(wildcard test/t/*.pl),)
TAP_TESTS = 1
PROVE_TESTS = test/t/*.pl
endif

# jansson is linked statically and kept private to the module: PostgreSQL
# exports its own json_object(), and a dynamic jansson would bind to it.
# Debian's libjansson.a is position-independent except for one reference to
# libc's stdin (in json_loadf, which we never call); a copy of the archive
# points it at a hidden symbol of our own so the archive links into a
# shared object.
JANSSON_SYSTEM_A ?= $(shell $(CC) -print-file-name=libjansson.a)
JANSSON_A = build/jansson/libjansson.a
SHLIB_LINK = -Wl,-Bsymbolic -Wl,--exclude-libs,libjansson.a $(JANSSON_A)
EXTRA_CLEAN = build/jansson test/parallel_mode

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

POSTGRES_BIN = $(shell $(PG_CONFIG) --bindir)/postgres

$(JANSSON_A): $(JANSSON_SYSTEM_A)
	rm -rf build/jansson && mkdir -p build/jansson
	cd build/jansson && ar x $(JANSSON_SYSTEM_A)
	objcopy --redefine-sym stdin=ed_jansson_stdin build/jansson/load.o
	ar rcs $@ build/jansson/*.o

$(shlib): $(JANSSON_A)

# PGXS tracks no header dependencies: every object depends on every header
$(OBJS): $(wildcard src/*.h)

# Fail the build when the module imports a symbol of jansson's that the
# server also exports (json_object): such a call would silently land in
# PostgreSQL instead of jansson.  (The module may call PostgreSQL's own
# json_* functions, which jansson does not define.)
all: symbols-check
.PHONY: symbols-check
symbols-check: $(shlib)
	@clash=$$(comm -12 \
		<(nm -D --undefined-only $(shlib) | awk '{print $$NF}' | sed 's/@.*//' | grep '^json_' | sort -u) \
		<(comm -12 \
			<(nm --defined-only $(JANSSON_A) 2>/dev/null | awk '$$2 ~ /^[TDBR]$$/ {print $$3}' | sort -u) \
			<(nm -D --defined-only $(POSTGRES_BIN) | awk '{print $$NF}' | sort -u))); \
	if [ -n "$$clash" ]; then \
		echo "error: $(shlib) imports symbols that both jansson and postgres define: $$clash" >&2; exit 1; \
	fi; \
	exported=$$(nm -D --defined-only $(shlib) | awk '{print $$NF}' | grep '^json_' || true); \
	if [ -n "$$exported" ]; then \
		echo "error: $(shlib) exports jansson symbols: $$exported" >&2; exit 1; \
	fi
SHELL = /bin/bash

# The regression tests once more with every query that can run in a
# parallel worker run in one (PostgreSQL's own practice for extensions).
.PHONY: installcheck-parallel-mode
installcheck-parallel-mode:
	PGOPTIONS="$${PGOPTIONS:+$$PGOPTIONS }-c force_parallel_mode=regress" \
		$(pg_regress_installcheck) $(REGRESS_OPTS) --outputdir=test/parallel_mode $(REGRESS)

.PHONY: dist
dist:
	git archive --format=tar.gz --prefix=$(EXTENSION)-$(EXTVERSION)/ -o $(EXTENSION)-$(EXTVERSION).tar.gz HEAD

.PHONY: test demo bench
test:
	./tools/test

demo:
	./tools/demo

bench:
	./tools/bench
