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

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
