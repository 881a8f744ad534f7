#!/bin/sh
# configure.sh: ./configure in a scratch copy of the tree (never the real
# one, whose Makefile the other tests use): it lists every missing
# dependency with its Debian package, honours its options, and writes
# config.h and Makefile from Makefile.in.
. tests/lib.sh
t_tmpdir
src=$T_TMP/src
mkdir -p "$src"
cp configure Makefile.in "$src/"

# With pkg-config answering "no" to everything, all pkg-config dependencies
# are missing; configure must name them all, not stop at the first.
(cd "$src" && PKG_CONFIG=false ./configure) >"$T_TMP/missing.out" 2>&1
rc=$?
t_check "configure fails when dependencies are missing" test "$rc" -eq 1
for dep in "ncursesw (Debian: libncurses-dev)" "openssl (>= 3.0) (Debian: libssl-dev)" \
	"gmime-3.0 (Debian: libgmime-3.0-dev)" "libpsl (Debian: libpsl-dev)" \
	"libevent (Debian: libevent-dev)" "libevent_openssl (Debian: libevent-dev)" \
	"libunbound (Debian: libunbound-dev)" "libmagic (Debian: libmagic-dev)" \
	"cmocka (>= 1.1) (Debian: libcmocka-dev)"; do
	t_contains "the missing list names $dep" "$T_TMP/missing.out" "$dep"
done
t_contains "it says how to install them" "$T_TMP/missing.out" "./configure --install-deps"
t_check "no Makefile is written when dependencies are missing" test ! -e "$src/Makefile"

# libnotmuch has no .pc file: a probe program that cannot link means missing.
(cd "$src" && LDFLAGS=-Wl,--no-such-linker-option ./configure) >"$T_TMP/nm.out" 2>&1
t_contains "a libnotmuch that cannot be linked is reported" "$T_TMP/nm.out" \
	"libnotmuch >= 0.32 (Debian: libnotmuch-dev)"

(cd "$src" && ./configure --prefix=/opt/frank --enable-sanitizers --disable-werror \
	CFLAGS="-O1 -DFRANK_TEST_FLAG") >"$T_TMP/ok.out" 2>&1
rc=$?
t_check "configure succeeds with every dependency" test "$rc" -eq 0
t_check "it writes Makefile" test -f "$src/Makefile"
t_check "it writes config.h" test -f "$src/config.h"
t_contains "--prefix reaches the Makefile" "$src/Makefile" "prefix     = /opt/frank"
t_contains "--prefix reaches config.h" "$src/config.h" '#define FRANK_PREFIX "/opt/frank"'
t_contains "--enable-sanitizers adds ASan and UBSan" "$src/Makefile" "-fsanitize=address,undefined"
t_lacks "--disable-werror drops -Werror" "$src/Makefile" "-Werror"
t_contains "CFLAGS is honoured" "$src/Makefile" "-O1 -DFRANK_TEST_FLAG"
t_check "no @NAME@ is left unsubstituted" sh -c "! grep -E '@[A-Z_a-z]+@' '$src/Makefile'"

(cd "$src" && ./configure) >/dev/null 2>&1
t_contains "warnings are errors by default" "$src/Makefile" "-Wall -Wextra -Wpedantic -Wformat=2 -Wshadow -Werror"
t_check "sanitizers are off by default" grep -qx 'SAN_FLAGS  = ' "$src/Makefile"

(cd "$src" && ./configure --no-such-option) >"$T_TMP/bad.out" 2>&1
rc=$?
t_check "an unknown option is refused" test "$rc" -eq 2
t_contains "and named" "$T_TMP/bad.out" "unknown option: --no-such-option"
t_done
