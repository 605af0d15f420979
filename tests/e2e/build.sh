#!/bin/sh
# tests/e2e/build.sh ICP -- the build's contract with packagers: `make`,
# `make install` and `luarocks make` never install a package; a missing
# library stops them with its Debian package named, and `make install`
# then installs nothing. A missing library is simulated by pointing
# pkg-config at an empty directory. Prints "N passed, N failed".
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/icp_e2e_build.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
no() { fail=$((fail + 1)); echo "FAIL - $1"; }
check() { d=$1; shift; if "$@"; then ok "$d"; else no "$d"; fi; }

mkdir "$T/pc" "$T/dest"
PKG_CONFIG_LIBDIR=$T/pc PKG_CONFIG_PATH= \
  make -C "$ROOT" --no-print-directory install DESTDIR="$T/dest" \
  PREFIX=/usr >"$T/install.out" 2>&1
st=$?
check "make install with a library missing fails" [ "$st" != 0 ]
check "the missing package is named" \
  grep -q 'missing packages:.*libcurl4-openssl-dev' "$T/install.out"
check "with the line that installs it" \
  grep -q 'sudo apt-get install -y.*libsqlite3-dev' "$T/install.out"
check "nothing is installed" [ -z "$(ls -A "$T/dest")" ]
check "no package manager ran" sh -c "! grep -q -i 'apt-get update\|Reading package lists\|installing:' '$T/install.out'"

PKG_CONFIG_LIBDIR=$T/pc PKG_CONFIG_PATH= \
  make -C "$ROOT" --no-print-directory build/icp >"$T/make.out" 2>&1
st=$?
check "make with a library missing fails the same way" [ "$st" != 0 ]
check "and names the package" grep -q 'missing packages:' "$T/make.out"

# the installed files, when nothing is missing
make -C "$ROOT" --no-print-directory install DESTDIR="$T/dest" PREFIX=/usr \
  >"$T/install2.out" 2>&1
st=$?
check "make install with everything present succeeds" [ "$st" = 0 ]
check "it installs the command" [ -x "$T/dest/usr/bin/icp" ]
check "it installs the public headers" [ -f "$T/dest/usr/include/icp/icp.h" ]
check "it installs the enricher contract and its helper kit" \
  sh -c "[ -f '$T/dest/usr/include/icp/icp_enricher.h' ] &&
         [ -f '$T/dest/usr/include/icp/icp_enricher_kit.h' ]"
# a bundled enricher built from the installed headers alone (and cJSON)
${CC:-cc} -std=c11 -Wall -Wextra -Werror -shared -fPIC \
  -I"$T/dest/usr/include/icp" "$ROOT/enrichers/clearbit/clearbit.c" \
  $(pkg-config --libs libcjson) -o "$T/clearbit.so" 2>"$T/cc_enr.out"
st=$?
check "an enricher builds against the installed headers alone" [ "$st" = 0 ]
check "and exports only icp_enricher_open" \
  sh -c "[ \"\$(nm -D --defined-only '$T/clearbit.so' | awk '{print \$3}')\" = icp_enricher_open ]"

check "it installs libicp.so with its soname" \
  [ -L "$T/dest/usr/lib/libicp.so.0" ] && [ -f "$T/dest/usr/lib/libicp.so.0.1.0" ]
check "it installs icp.pc" [ -f "$T/dest/usr/lib/pkgconfig/icp.pc" ]

# examples/embed.c against the installed files alone
flags=$(PKG_CONFIG_PATH= PKG_CONFIG_LIBDIR="$T/dest/usr/lib/pkgconfig" \
        PKG_CONFIG_SYSROOT_DIR="$T/dest" pkg-config --cflags --libs icp)
${CC:-cc} -Wall -Wextra -Werror "$ROOT/examples/embed.c" $flags \
  -o "$T/embed" 2>"$T/cc.out"
st=$?
check "examples/embed.c builds with pkg-config --cflags --libs icp" [ "$st" = 0 ]
check "with no header of the source tree" \
  sh -c "! echo '$flags' | grep -q '$ROOT'"
cd "$ROOT" || exit 1
LD_LIBRARY_PATH=$T/dest/usr/lib "$T/embed" rules/b2b_saas.lua \
  domain=https://www.Acme.io/ employees=250 industry=Software \
  "tech=Amazon Web Services;Snowflake" >"$T/embed.out" 2>"$T/embed.err"
st=$?
check "embed scores an account (exit 0)" [ "$st" = 0 ]
check "embed prints tier, score and route" \
  grep -q '^tier C score 50 coverage 0.5 route sdr$' "$T/embed.out"
printf 'domain,employees,industry,tech\n%s\n' \
  'https://www.Acme.io/,250,Software,Amazon Web Services;Snowflake' \
  >"$T/one.csv"
"$ROOT/build/icp" score --rules rules/b2b_saas.lua --as-of 2026-11-01 \
  "$T/one.csv" 2>/dev/null | sed 's/"source":"[^"]*"/"source":"embed"/' \
  >"$T/cli.jsonl"
check "embed's JSON is the line icp score writes" \
  sh -c "tail -n 1 '$T/embed.out' | cmp -s - '$T/cli.jsonl'"
LD_LIBRARY_PATH=$T/dest/usr/lib "$T/embed" "$T/nope.lua" >/dev/null \
  2>"$T/embed.err"
st=$?
check "a missing pack is an error naming it" \
  sh -c "[ $st = 1 ] && grep -q 'nope.lua' '$T/embed.err'"
check "libicp.so exports only icp_ symbols" \
  sh -c "! nm -D --defined-only '$ROOT/build/libicp.so' | awk '{print \$3}' | grep -v '^icp_'"
# every external symbol of the static library is prefixed (icp_ public,
# icpi_ internal): a program linking libicp.a can name its own jnum
A=$T/dest/usr/lib/libicp.a
nm -g --defined-only "$A" 2>/dev/null | awk 'NF==3{print $3}' >"$T/a.syms"
check "libicp.a defines icp_ symbols" grep -q '^icp_engine_open$' "$T/a.syms"
check "libicp.a defines no unprefixed global" \
  sh -c "! grep -v '^icpi\?_' '$T/a.syms'"

# libcurl, libpq and libmicrohttpd are opened when needed (core/net/libs.c)
check "icp links none of libcurl, libpq and libmicrohttpd" \
  sh -c "! readelf -d '$ROOT/build/icp' | grep 'NEEDED' | grep -q 'libcurl\|libpq\|libmicrohttpd'"
LD_DEBUG=files "$ROOT/build/icp" score --rules rules/b2b_saas.lua \
  --as-of 2026-11-01 "$T/one.csv" >/dev/null 2>"$T/ld.out"
check "a score without providers loads none of them" \
  sh -c "grep -q 'liblua' '$T/ld.out' && ! grep -q 'libcurl\|libpq\|libmicrohttpd' '$T/ld.out'"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
