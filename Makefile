# cloudtrail: a SQLite extension that reads AWS CloudTrail logs.
#
#   make            build build/cloudtrail.so
#   make demo       install what is missing (Debian), build, run the demo on data/
#   make report     the incident report of the sample (tools/report.py) in build/report/
#   make test       install what is missing (Debian), build, run the tests
#   make asan-test  the tests against an AddressSanitizer + UBSan build
#   make data       regenerate the sample corpus in data/ with data/generate.c
#   make memory     peak RSS of a full scan: the sample, corpora 10x and 100x larger, and
#                   oversized files (sparse, gzip bombs) at threads 1/2/4
#   make bench      time the extension against DuckDB, SQLite's JSON functions and gunzip
#   make valgrind   memcheck over representative queries (no errors, no definite leaks)
#   make harness    out-of-memory injection and concurrency (HARNESS=--quick for CI)
#   make fuzz       libFuzzer targets (clang), FUZZ_SECONDS each (default 60)
#   make install    the library where `.load cloudtrail` finds it by name, and sql/*.sql under
#                   $(PREFIX)/share/cloudtrail (PREFIX=/usr/local LIBDIR=/usr/lib/<multiarch> DESTDIR=)
#   make uninstall  remove what make install installed
#   make clean
#
# The rule files in ext/rules/ are embedded: build/embed (ext/tools/embed.c) writes them into
# build/rules_data.c, which every build of the extension compiles in (`make rules-data`).

CC      ?= cc
PKGS    := sqlite3 libcjson zlib libdeflate libcrypto
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Werror -Wshadow -Wformat=2
DEPFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
DEPLIBS  = $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lsqlite3 -lcjson -lz -ldeflate -lcrypto)
PREFIX  ?= /usr/local

SRC := $(wildcard ext/*.c)
HDR := $(wildcard ext/*.h)

# The rule files, embedded into the extension by build/embed (ext/tools/embed.c) as
# build/rules_data.c. build/rules.list holds the list and changes only when a file is added
# or removed, so that a removal rebuilds too (a change to a file does, by its date).
RULES := $(sort $(wildcard ext/rules/elastic-aws/*/*.toml))
GEN   := build/rules_data.c
$(shell mkdir -p build; echo '$(RULES)' | cmp -s - build/rules.list || echo '$(RULES)' >build/rules.list)

# Debian packages the build, the tests and the demo need.
DEB_PKGS := gcc make pkg-config sqlite3 libsqlite3-dev libcjson-dev libdeflate-dev zlib1g-dev libssl-dev

.PHONY: all deps demo report test asan-test valgrind harness fuzz data memory bench install uninstall clean rules-data

all: build/cloudtrail.so

build/cloudtrail.so: $(SRC) $(HDR) $(GEN) Makefile
	@mkdir -p build
	$(CC) $(CFLAGS) $(WARN) -std=c99 -D_GNU_SOURCE -fPIC -shared $(DEPFLAGS) \
	  -o $@ $(SRC) $(GEN) $(DEPLIBS)

build/asan/cloudtrail.so: $(SRC) $(HDR) $(GEN) Makefile
	@mkdir -p build/asan
	$(CC) -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all \
	  $(WARN) -std=c99 -D_GNU_SOURCE -fPIC -shared $(DEPFLAGS) -o $@ $(SRC) $(GEN) $(DEPLIBS)

build/embed: ext/tools/embed.c
	@mkdir -p build
	$(CC) -O2 $(WARN) -std=c99 -o $@ ext/tools/embed.c

$(GEN): build/embed $(RULES) build/rules.list
	@echo "build/embed $@ <$(words $(RULES)) rule files>"
	@build/embed $@ $(RULES)

# the generated source alone: tests/harness/run.sh and tests/fuzz/run.sh compile it in
rules-data: $(GEN)

build/generate: data/generate.c ext/s3path.c ext/s3path.h ext/sha256.c ext/sha256.h
	@mkdir -p build
	$(CC) -O2 $(WARN) -std=c99 -D_POSIX_C_SOURCE=200809L -o $@ data/generate.c ext/s3path.c ext/sha256.c -lz -lcrypto

# Installs only what is missing, and only when it can (root, or sudo).
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; \
	  elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; \
	  else echo "missing Debian packages:$$missing (run as root, or install them)"; exit 1; fi; \
	  echo "installing:$$missing"; \
	  $$sudo apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

demo: deps
	@$(MAKE) --no-print-directory all
	sqlite3 -box :memory: < sql/demo.sql

# One HTML page per alert and an index (build/report/index.html), with each window as CSV and
# JSON lines beside them: tools/report.py on the sample, with its digests and public keys.
report: deps
	@$(MAKE) --no-print-directory all
	/usr/bin/python3 tools/report.py data/AWSLogs -o build/report --keys data/public-keys --csv --jsonl

test: deps
	@$(MAKE) --no-print-directory all
	@sh tests/run.sh build/cloudtrail.so

asan-test: deps
	@$(MAKE) --no-print-directory build/asan/cloudtrail.so
	@ASAN_OPTIONS=detect_leaks=1 LD_PRELOAD="$$($(CC) -print-file-name=libasan.so) $$($(CC) -print-file-name=libubsan.so)" \
	  sh tests/run.sh build/asan/cloudtrail.so

valgrind: deps
	@$(MAKE) --no-print-directory all
	@command -v valgrind >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq valgrind >/dev/null; }
	@sh tests/valgrind/run.sh build/cloudtrail

# OOM injection (plain and ASan+UBSan builds) and concurrency (plain and TSan builds):
# tests/harness/run.sh; binaries and logs in build/harness/.
harness: deps
	@CC="$(CC)" sh tests/harness/run.sh $(HARNESS)

# libFuzzer targets for every input surface (tests/fuzz/): file bytes, records, arguments.
FUZZ_SECONDS ?= 60
fuzz: deps
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS)

data: build/generate
	rm -rf data/AWSLogs
	build/generate data

# Peak memory must not grow with the number of files: scan 1x, 10x and 100x the sample.
MEMQ := SELECT count(*), sum(length(record)), count(DISTINCT user_name) FROM cloudtrail
memory: all build/generate
	@for n in 10 100; do [ -d build/corpus-x$$n ] || build/generate build/corpus-x$$n --events $$((3000*n)) --days 3 >/dev/null; done
	@for d in data/AWSLogs build/corpus-x10/AWSLogs build/corpus-x100/AWSLogs; do \
	  files=$$(find $$d -type f | wc -l); \
	  /usr/bin/time -f "%M" -o build/mem.txt sqlite3 :memory: -cmd ".load build/cloudtrail" "$(MEMQ)('$$d')" >build/mem.out; \
	  echo "$$d: $$files files, $$(cut -d'|' -f1 build/mem.out) records, peak RSS $$(cat build/mem.txt) KiB"; \
	done
	@sh tests/tools/memory_bound.sh build/cloudtrail

# Benchmark on generated corpora cached in build/bench/ (installs libdeflate-tools and
# @duckdb/node-api when missing). BENCH_RUNS=5, BENCH_THREADS=N...: see tests/bench/run.sh.
# Prints the results table and writes it to build/bench/results.md.
bench: deps
	@$(MAKE) --no-print-directory all build/generate
	@bash tests/bench/run.sh

# `.load cloudtrail` (and Python's load_extension('cloudtrail'), better-sqlite3's
# loadExtension('cloudtrail')) hand the bare name to dlopen(), which, with no path, looks in
# LD_LIBRARY_PATH, in ld.so.cache and in the system directories. ldconfig caches only lib*.so
# names, so a cloudtrail.so in /usr/local/lib is never found by name; on Debian the system
# directories are /lib/<multiarch>, /usr/lib/<multiarch>, /lib and /usr/lib. So the library
# goes to /usr/lib/<multiarch> whatever PREFIX is (LIBDIR=$(PREFIX)/lib for a conventional
# layout, loaded then by its path); the SQL files go to $(PREFIX)/share/cloudtrail.
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
LIBDIR  ?= $(if $(MULTIARCH),/usr/lib/$(MULTIARCH),/usr/lib)
DATADIR ?= $(PREFIX)/share/cloudtrail
SQLFILES := $(wildcard sql/*.sql)

install: all
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(DATADIR)
	install -m 0644 build/cloudtrail.so $(DESTDIR)$(LIBDIR)/cloudtrail.so
	install -m 0644 $(SQLFILES) $(DESTDIR)$(DATADIR)/

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/cloudtrail.so $(addprefix $(DESTDIR)$(DATADIR)/,$(notdir $(SQLFILES)))
	rmdir $(DESTDIR)$(DATADIR) 2>/dev/null || true

clean:
	rm -rf build
