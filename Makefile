# icp -- build, test, demo, bench, install.
#
#   make            build libicp, the icp command, enrichers and the Lua module
#   make test       everything under ASan+UBSan, ending with "N passed, N failed"
#   make demo       score the sample accounts with rules/b2b_saas.lua
#   make bench      benchmarks (ratios against a reference run in the same run)
#   make install    PREFIX=/usr/local DESTDIR=

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
BUILD := build

# Debian packages the build and the tests need. Run as root, make installs
# whatever is missing; otherwise it prints the apt-get line to run.
DEB_PKGS := pkg-config liblua5.4-dev lua5.4 libcurl4-openssl-dev \
            libcjson-dev libcriterion-dev libsqlite3-dev python3 chromium \
            libmicrohttpd-dev lighttpd lighttpd-modules-lua wrk

PKGS := lua5.4 libcurl libcjson sqlite3 libmicrohttpd
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
        -Wmissing-prototypes -Wwrite-strings
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
             -DICP_PREFIX='"$(PREFIX)"' $(WARN) -fPIC -Icore $(PKG_CFLAGS) \
             $(CFLAGS)
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

DEPS_OK := $(BUILD)/.deps-ok

.PHONY: all test demo bench install clean deps
all: $(DEPS_OK) $(BUILD)/libicp.a $(BUILD)/icp $(ENRICHER_SO) $(TOOLS) \
     $(LUA_MOD)

deps: $(DEPS_OK)
$(DEPS_OK): Makefile
	@if ! command -v dpkg-query >/dev/null 2>&1; then \
	  echo "not Debian: install Lua 5.4, libcurl, cJSON, SQLite, Criterion"; \
	  mkdir -p $(BUILD) && touch $@ && exit 0; fi; \
	missing=""; \
	for p in $(DEB_PKGS); do \
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
	@mkdir -p $(BUILD) && touch $@

$(BUILD)/obj/%.o: %.c $(HDRS) | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/asan/obj/%.o: %.c $(HDRS) | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@echo "  CC/SAN  $<"
	@$(CC) $(ALL_CFLAGS) $(SAN) -O1 -c $< -o $@

$(BUILD)/libicp.a: $(LIB_OBJ)
	@rm -f $@
	@echo "  AR      $@"
	@ar rcs $@ $^

$(BUILD)/asan/libicp.a: $(ASAN_LIB_OBJ)
	@rm -f $@
	@echo "  AR      $@"
	@ar rcs $@ $^

$(BUILD)/icp: $(CLI_OBJ) $(BUILD)/libicp.a
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -rdynamic $^ $(LIBS) -o $@

$(BUILD)/asan/icp: $(ASAN_CLI_OBJ) $(BUILD)/asan/libicp.a
	@echo "  LD/SAN  $@"
	@$(CC) $(ALL_CFLAGS) $(SAN) $^ $(LIBS) -o $@

$(BUILD)/asan/test_%: tests/unit/test_%.c $(BUILD)/asan/libicp.a $(HDRS)
	@echo "  CC/SAN  $<"
	@$(CC) $(ALL_CFLAGS) $(SAN) -O1 $< $(BUILD)/asan/libicp.a \
	  $(LIBS) -lcriterion -o $@

# Enrichers link against nothing of ours: only their own sources and cJSON.
.SECONDEXPANSION:
$(BUILD)/enrichers/%.so: $$(wildcard enrichers/%/*.c) core/icp_enricher.h \
                         | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@echo "  CC/SO   $@"
	@$(CC) $(ALL_CFLAGS) -shared $(filter %.c,$^) \
	  $(shell pkg-config --libs libcjson) -o $@

# The Lua module: the same library objects (already -fPIC) plus the
# binding; the host interpreter provides the Lua API.
$(BUILD)/icp.so: $(LUA_MOD_SRC) $(LIB_OBJ) $(HDRS) | $(DEPS_OK)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -fvisibility=hidden -shared $(LUA_MOD_SRC) \
	  $(LIB_OBJ) $(filter-out -llua5.4,$(LIBS)) -o $@

$(BUILD)/gen_accounts: tests/data/gen_accounts.c | $(DEPS_OK)
	@echo "  CC      $@"
	@$(CC) $(ALL_CFLAGS) $< -lm -o $@
$(BUILD)/%: tests/tools/%.c $(BUILD)/libicp.a | $(DEPS_OK)
	@echo "  CC      $@"
	@$(CC) $(ALL_CFLAGS) $< $(BUILD)/libicp.a $(LIBS) -o $@
$(BUILD)/%: bench/%.c | $(DEPS_OK)
	@echo "  CC      $@"
	@$(CC) $(ALL_CFLAGS) $< -lm -o $@

test: all $(BUILD)/asan/icp $(TEST_BIN)
	@sh tests/run.sh

demo: all
	@sh tests/demo.sh

bench: all
	@sh bench/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/include/icp \
	  $(DESTDIR)$(PREFIX)/lib/icp/enrichers $(DESTDIR)$(PREFIX)/lib/lua/5.4 \
	  $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/icp $(DESTDIR)$(PREFIX)/bin/icp
	install -m 644 core/icp.h core/icp_enricher.h \
	  $(DESTDIR)$(PREFIX)/include/icp/ 2>/dev/null || \
	  install -m 644 core/icp.h $(DESTDIR)$(PREFIX)/include/icp/
	install -m 644 $(BUILD)/libicp.a $(DESTDIR)$(PREFIX)/lib/libicp.a
	for so in $(ENRICHER_SO); do \
	  install -m 755 $$so $(DESTDIR)$(PREFIX)/lib/icp/enrichers/; done
	if [ -f $(BUILD)/icp.so ]; then install -m 755 $(BUILD)/icp.so \
	  $(DESTDIR)$(PREFIX)/lib/lua/5.4/icp.so; fi
	if [ -f docs/icp.1 ]; then install -m 644 docs/icp.1 \
	  $(DESTDIR)$(PREFIX)/share/man/man1/icp.1; fi

clean:
	rm -rf $(BUILD)
