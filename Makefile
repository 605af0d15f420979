# icp -- build, test, demo, bench, install.
#
#   make            build libicp, the icp command, enrichers and the Lua module
#   make deps       install the missing Debian packages the tests need (as
#                   root; otherwise print the apt-get line); demo and test
#                   call it first, nothing else ever installs a package
#   make test       everything under ASan+UBSan, ending with
#                   "N passed, N failed, N skipped"
#   make fuzz       libFuzzer targets (clang, ASan+UBSan), FUZZ_SECONDS each
#   make test-alloc the allocation-failure sweep at every allocation
#   make demo       score the sample accounts with rules/b2b_saas.lua
#   make bench      benchmarks (ratios against a reference run in the same
#                   run); make deps-bench first installs their packages,
#                   as make deps does the tests'
#   make install    PREFIX=/usr/local DESTDIR=
#
# CC, CFLAGS, CPPFLAGS and LDFLAGS are honoured. Warnings are errors only in
# the builds that `make test` makes (ASan and clang), so a newer compiler's
# new warning never breaks a user's or a packager's build.

PREFIX ?= /usr/local
VERSION := 0.1.0
SONAME := libicp.so.0
DESTDIR ?=
CC ?= cc
BUILD := build

# Debian packages. BUILD_DEB builds everything (`make`, `make install`,
# `luarocks make`: checked, never installed); `make deps-demo` installs
# those, `make deps` (called by `make test`) those and what the tests need.
BUILD_DEB := pkg-config liblua5.4-dev libcurl4-openssl-dev libcjson-dev \
             libsqlite3-dev libmicrohttpd-dev libpq-dev
DEB_PKGS := $(BUILD_DEB) lua5.4 libcriterion-dev python3 chromium clang \
            lighttpd lighttpd-modules-lua wrk libfuzzer-14-dev
# contrib/dask and its test (tests/e2e/dask.sh)
DEB_PKGS += python3-distributed
# the shared PostgreSQL cache's test server (tests/e2e/pgcache.sh), and
# its clock set apart from the client's (libfaketime)
DEB_PKGS += postgresql-15 faketime
# `make bench` only (make deps-bench; never the tests): the pandas, SciPy
# and scikit-learn references and bench/peers.sh's Node.js engines
BENCH_DEB := python3-pandas python3-scipy python3-sklearn nodejs npm

# libcurl, libpq and libmicrohttpd are opened with dlopen when first needed
# (core/net/libs.c): their headers are compiled against, not linked, so
# a command that never enriches, serves or uses PostgreSQL does not load
# them and the forty libraries they pull in
PKGS := lua5.4 libcurl libcjson sqlite3 libmicrohttpd libpq
LINKED_PKGS := lua5.4 libcjson sqlite3
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(LINKED_PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wwrite-strings
WERROR := -Werror
CFLAGS ?= -O2 -g
LDFLAGS ?=
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
             -DICP_PREFIX='"$(PREFIX)"' $(WARN) -fPIC -Icore $(PKG_CFLAGS) \
             $(CPPFLAGS) $(CFLAGS)
# header dependencies, written beside each object
DEPFLAGS = -MMD -MP
CLANG ?= clang
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer \
       -fno-sanitize-recover=undefined
LIBS = $(PKG_LIBS) -lm -ldl -lpthread

LIB_SRC := $(shell find core -name '*.c' -not -path 'core/cli/*' | sort)
CLI_SRC := $(sort $(wildcard core/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
ENRICHERS := $(notdir $(patsubst %/,%,$(sort $(dir $(wildcard enrichers/*/*.c)))))
TOOLS_SRC := tests/data/gen_accounts.c $(sort $(wildcard tests/tools/*.c)) \
             $(sort $(wildcard bench/*.c))
HDRS := $(shell find core -name '*.h')

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
ASAN_LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/asan/obj/%.o)
ASAN_CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/asan/obj/%.o)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(BUILD)/asan/%)
ENRICHER_SO := $(ENRICHERS:%=$(BUILD)/enrichers/%.so)
TOOLS := $(foreach f,$(TOOLS_SRC),$(BUILD)/$(basename $(notdir $(f))))
LUA_MOD_SRC := $(sort $(wildcard plugins/lua/*.c))
LUA_MOD := $(if $(LUA_MOD_SRC),$(BUILD)/icp.so)

# Every C source of the tree, compiled once more by clang with warnings as
# errors in `make test` (compile only: the gcc builds are the ones linked).
CLANG_SRC := $(LIB_SRC) $(CLI_SRC) $(TEST_SRC) $(TOOLS_SRC) $(LUA_MOD_SRC) \
             $(sort $(wildcard enrichers/*/*.c))
CLANG_OBJ := $(CLANG_SRC:%.c=$(BUILD)/clang/%.o)

DEPS_OK := build-deps

.PHONY: all test test-build demo bench install clean deps deps-demo \
        deps-bench build-deps clang-check fuzz test-alloc
all: $(BUILD)/libicp.a $(BUILD)/$(SONAME) $(BUILD)/icp $(ENRICHER_SO) \
     $(TOOLS) $(LUA_MOD)

# The build only checks: a missing library is named with its Debian
# package and nothing is built or installed.
build-deps:
	@missing=""; \
	for m in lua5.4:liblua5.4-dev libcurl:libcurl4-openssl-dev \
	         libcjson:libcjson-dev sqlite3:libsqlite3-dev \
	         libmicrohttpd:libmicrohttpd-dev libpq:libpq-dev; do \
	  pkg-config --exists $${m%%:*} 2>/dev/null || \
	    missing="$$missing $${m#*:}"; \
	done; \
	if ! command -v pkg-config >/dev/null 2>&1; then \
	  missing="pkg-config$$missing"; fi; \
	if [ -n "$$missing" ]; then \
	  echo "missing packages:$$missing"; \
	  echo "  run 'make deps' as root, or: sudo apt-get install -y$$missing"; \
	  exit 1; \
	fi

deps:
	@$(MAKE) --no-print-directory install-debs DEBS="$(DEB_PKGS)"
deps-demo:
	@$(MAKE) --no-print-directory install-debs DEBS="$(BUILD_DEB)"
# a node and npm from elsewhere (e.g. NodeSource's nodejs, which bundles
# npm) are kept: Debian's npm would ask for Debian's nodejs
deps-bench:
	@$(MAKE) --no-print-directory install-debs DEBS="$(filter-out \
	  $(if $(shell command -v node),nodejs) \
	  $(if $(shell command -v npm),npm),$(BENCH_DEB))"

.PHONY: install-debs
install-debs:
	@if ! command -v dpkg-query >/dev/null 2>&1; then \
	  echo "not Debian: install Lua 5.4, libcurl, cJSON, SQLite," \
	       "libmicrohttpd, libpq and Criterion"; exit 0; fi; \
	missing=""; \
	for p in $(DEBS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
	    grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -q && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing \
	      || exit 1; \
	  else \
	    echo "missing packages; run:"; \
	    echo "  sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi

$(BUILD)/obj/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/asan/obj/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@echo "  CC/SAN  $<"
	@$(CC) $(ALL_CFLAGS) $(WERROR) $(SAN) -O1 $(DEPFLAGS) -c $< -o $@

$(BUILD)/clang/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@echo "  CLANG   $<"
	@$(CLANG) $(ALL_CFLAGS) $(WERROR) -O1 $(DEPFLAGS) -c $< -o $@

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

$(BUILD)/libicp.a: $(LIB_OBJ)
	@rm -f $@
	@echo "  AR      $@"
	@ar rcs $@ $^

# The shared library exports the embedding API of core/icp.h only
# (core/libicp.map); its soname changes when that API breaks.
$(BUILD)/$(SONAME): $(LIB_OBJ) core/libicp.map
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) $(LDFLAGS) -shared -Wl,-soname,$(SONAME) \
	  -Wl,--version-script=core/libicp.map $(LIB_OBJ) $(LIBS) -o $@
	@ln -sf $(SONAME) $(BUILD)/libicp.so

$(BUILD)/asan/libicp.a: $(ASAN_LIB_OBJ)
	@rm -f $@
	@echo "  AR      $@"
	@ar rcs $@ $^

$(BUILD)/icp: $(CLI_OBJ) $(BUILD)/libicp.a
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) $(LDFLAGS) -rdynamic $^ $(LIBS) -o $@

$(BUILD)/asan/icp: $(ASAN_CLI_OBJ) $(BUILD)/asan/libicp.a
	@echo "  LD/SAN  $@"
	@$(CC) $(ALL_CFLAGS) $(WERROR) $(SAN) $(LDFLAGS) $^ $(LIBS) -o $@

$(BUILD)/asan/test_%: tests/unit/test_%.c $(BUILD)/asan/libicp.a $(HDRS)
	@echo "  CC/SAN  $<"
	@$(CC) $(ALL_CFLAGS) $(WERROR) $(SAN) -O1 $(LDFLAGS) $< \
	  $(BUILD)/asan/libicp.a $(LIBS) -lcriterion -o $@

# Allocation-failure injection (tests/alloc/failalloc.c): our objects'
# malloc/calloc/realloc/strdup go through a wrapper that fails the Nth.
FAILALLOC_WRAP := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup
$(BUILD)/asan/failalloc.o: tests/alloc/failalloc.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@echo "  CC/SAN  $<"
	@$(CC) $(ALL_CFLAGS) $(WERROR) $(SAN) -O1 -c $< -o $@
$(BUILD)/asan/icp-failalloc: $(ASAN_CLI_OBJ) $(BUILD)/asan/libicp.a \
                             $(BUILD)/asan/failalloc.o
	@echo "  LD/SAN  $@"
	@$(CC) $(ALL_CFLAGS) $(WERROR) $(SAN) $(LDFLAGS) $^ $(LIBS) \
	  $(FAILALLOC_WRAP) -o $@
$(BUILD)/asan/test_failalloc: tests/unit/test_failalloc.c \
                              $(BUILD)/asan/libicp.a \
                              $(BUILD)/asan/failalloc.o $(HDRS)
	@echo "  CC/SAN  $<"
	@$(CC) $(ALL_CFLAGS) $(WERROR) $(SAN) -O1 $(LDFLAGS) $< \
	  $(BUILD)/asan/failalloc.o $(BUILD)/asan/libicp.a $(LIBS) \
	  -lcriterion $(FAILALLOC_WRAP) -o $@

# Enrichers link against nothing of ours: only their own sources and cJSON.
.SECONDEXPANSION:
$(BUILD)/enrichers/%.so: $$(wildcard enrichers/%/*.c) core/icp_enricher.h \
                         core/icp_enricher_kit.h | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@echo "  CC/SO   $@"
	@$(CC) $(ALL_CFLAGS) $(LDFLAGS) -shared $(filter %.c,$^) \
	  $(shell pkg-config --libs libcjson) -o $@

# What the tests load: the enrichers and the Lua module built with the
# sanitizers too (tests/run.sh points the loaders at build/asan/).
$(BUILD)/asan/enrichers/%.so: $$(wildcard enrichers/%/*.c) \
                              core/icp_enricher.h \
                              core/icp_enricher_kit.h | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@echo "  CC/SAN  $@"
	@$(CC) $(ALL_CFLAGS) $(WERROR) $(SAN) -O1 $(LDFLAGS) -shared \
	  $(filter %.c,$^) $(shell pkg-config --libs libcjson) -o $@
$(BUILD)/asan/icp.so: $(LUA_MOD_SRC) $(ASAN_LIB_OBJ) $(HDRS) | $(DEPS_OK)
	@echo "  LD/SAN  $@"
	@$(CC) $(ALL_CFLAGS) $(WERROR) $(SAN) -O1 $(LDFLAGS) \
	  -fvisibility=hidden -shared $(LUA_MOD_SRC) $(ASAN_LIB_OBJ) \
	  $(filter-out -llua5.4,$(LIBS)) -o $@
ASAN_PLUGINS := $(ENRICHERS:%=$(BUILD)/asan/enrichers/%.so) \
                $(if $(LUA_MOD_SRC),$(BUILD)/asan/icp.so)

# libFuzzer targets: every tests/fuzz/fuzz_*.c, with clang, ASan and UBSan,
# over the library built with coverage; `make fuzz FUZZ_SECONDS=N` runs
# each for N seconds from its committed seeds (tests/fuzz/corpus/NAME).
FUZZ_SECONDS ?= 60
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
            -fno-omit-frame-pointer
FUZZ_CFLAGS = $(ALL_CFLAGS) $(WERROR) -g -O1 $(FUZZ_SAN)
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/fuzz/obj/%.o)
FUZZ_ENRICHER_SO := $(ENRICHERS:%=$(BUILD)/fuzz/enrichers/%.so)
$(BUILD)/fuzz/obj/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@echo "  CC/FUZZ $<"
	@$(CLANG) $(FUZZ_CFLAGS) $(DEPFLAGS) -fsanitize=fuzzer-no-link \
	  -c $< -o $@
$(BUILD)/fuzz/libicp.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	@echo "  AR      $@"
	@ar rcs $@ $^
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(BUILD)/fuzz/libicp.a $(HDRS)
	@echo "  LD/FUZZ $@"
	@$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< \
	  $(BUILD)/fuzz/libicp.a $(LIBS) -o $@
$(BUILD)/fuzz/enrichers/%.so: $$(wildcard enrichers/%/*.c) \
                              core/icp_enricher.h \
                              core/icp_enricher_kit.h | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@echo "  CC/FUZZ $@"
	@$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -shared \
	  $(filter %.c,$^) $(shell pkg-config --libs libcjson) -o $@

fuzz:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory $(FUZZ_BIN) $(FUZZ_ENRICHER_SO)
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_BIN)

# The Lua module: the same library objects (already -fPIC) plus the
# binding; the host interpreter provides the Lua API.
$(BUILD)/icp.so: $(LUA_MOD_SRC) $(LIB_OBJ) $(HDRS) | $(DEPS_OK)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) $(LDFLAGS) -fvisibility=hidden -shared \
	  $(LUA_MOD_SRC) $(LIB_OBJ) $(filter-out -llua5.4,$(LIBS)) -o $@

$(BUILD)/gen_accounts: tests/data/gen_accounts.c | $(DEPS_OK)
	@echo "  CC      $@"
	@$(CC) $(ALL_CFLAGS) $(LDFLAGS) $< -lm -o $@
$(BUILD)/%: tests/tools/%.c $(BUILD)/libicp.a | $(DEPS_OK)
	@echo "  CC      $@"
	@$(CC) $(ALL_CFLAGS) $(LDFLAGS) $< $(BUILD)/libicp.a $(LIBS) -o $@
$(BUILD)/%: bench/%.c | $(DEPS_OK)
	@echo "  CC      $@"
	@$(CC) $(ALL_CFLAGS) $(LDFLAGS) $< -lm -o $@

# clang must build every source cleanly too (skipped where it is missing)
clang-check:
	@if command -v $(CLANG) >/dev/null 2>&1; then \
	  $(MAKE) --no-print-directory $(CLANG_OBJ) >/dev/null; \
	else echo "clang-check: $(CLANG) not found, skipped"; fi

# deps first (it may install packages), then the build, then the tests
# JOBS: parallel compile jobs of `make test` (default: the cores)
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
test:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory -j$(JOBS) test-build
	@sh tests/run.sh
test-build: all $(BUILD)/asan/icp $(TEST_BIN) clang-check $(ASAN_PLUGINS) \
            $(BUILD)/asan/icp-failalloc

# every allocation of the sweep, not about 40 per command as in make test
test-alloc:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory all $(BUILD)/asan/icp-failalloc \
	  $(ASAN_PLUGINS)
	@FAILALLOC_STRIDE=1 sh tests/e2e/failalloc.sh build/asan/icp

demo:
	@$(MAKE) --no-print-directory deps-demo
	@$(MAKE) --no-print-directory all
	@sh tests/demo.sh

bench:
	@$(MAKE) --no-print-directory deps-bench
	@$(MAKE) --no-print-directory all
	@sh bench/run.sh

install: build-deps all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/include/icp \
	  $(DESTDIR)$(PREFIX)/lib/icp/enrichers $(DESTDIR)$(PREFIX)/lib/lua/5.4 \
	  $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/icp $(DESTDIR)$(PREFIX)/bin/icp
	install -m 644 core/icp.h core/icp_enricher.h core/icp_enricher_kit.h \
	  $(DESTDIR)$(PREFIX)/include/icp/
	install -m 644 $(BUILD)/libicp.a $(DESTDIR)$(PREFIX)/lib/libicp.a
	install -m 755 $(BUILD)/$(SONAME) \
	  $(DESTDIR)$(PREFIX)/lib/libicp.so.$(VERSION)
	ln -sf libicp.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(PREFIX)/lib/libicp.so
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig
	printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$${prefix}/lib' \
	  'includedir=$${prefix}/include' '' 'Name: icp' \
	  'Description: ICP scoring of B2B accounts with Lua rule packs' \
	  'Version: $(VERSION)' 'Libs: -L$${libdir} -licp' \
	  'Libs.private: $(PKG_LIBS) -lm -ldl -lpthread' \
	  'Cflags: -I$${includedir}/icp' \
	  > $(DESTDIR)$(PREFIX)/lib/pkgconfig/icp.pc
	for so in $(ENRICHER_SO); do \
	  install -m 755 $$so $(DESTDIR)$(PREFIX)/lib/icp/enrichers/; done
	if [ -f $(BUILD)/icp.so ]; then install -m 755 $(BUILD)/icp.so \
	  $(DESTDIR)$(PREFIX)/lib/lua/5.4/icp.so; fi
	if [ -f docs/icp.1 ]; then install -m 644 docs/icp.1 \
	  $(DESTDIR)$(PREFIX)/share/man/man1/icp.1; fi

clean:
	rm -rf $(BUILD)
