#!/bin/sh
# install.sh: make install and uninstall into a DESTDIR, as a packager would.
. tests/lib.sh
t_tmpdir
d=$T_TMP/root
make -s install DESTDIR="$d" PREFIX=/usr >"$T_TMP/install.out" 2>&1
t_check "make install DESTDIR=... PREFIX=/usr succeeds" test $? -eq 0
for f in usr/bin/frank usr/bin/frankd usr/share/man/man1/frank.1 usr/share/man/man5/frankrc.5 \
	usr/share/man/man8/frankd.8 \
	usr/share/frank/keymaps/default.keys usr/share/frank/keymaps/vim.keys \
	usr/share/frank/frankrc.example usr/share/frank/demo/frank-demo.sh usr/share/frank/demo/seed.py; do
	t_check "installs /$f" test -s "$d/$f"
done
t_check "the installed frank runs" sh -c "'$d/usr/bin/frank' --version | grep -q '^frank '"
t_need groff
for page in usr/share/man/man1/frank.1 usr/share/man/man5/frankrc.5 usr/share/man/man8/frankd.8; do
	groff -man -ww -z "$d/$page" >"$T_TMP/groff.out" 2>&1
	t_check "/$page formats without a warning" test ! -s "$T_TMP/groff.out"
done
make -s uninstall DESTDIR="$d" PREFIX=/usr >"$T_TMP/uninstall.out" 2>&1
t_check "make uninstall succeeds" test $? -eq 0
left=$(find "$d" -type f | head -5)
t_check "make uninstall removes every installed file" test -z "$left"
t_done
