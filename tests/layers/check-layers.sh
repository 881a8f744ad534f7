#!/bin/sh
# check-layers.sh: the include-layer check on the real tree, and on a fixture
# tree with known violations, so the check itself is shown to catch them.
. tests/lib.sh
t_tmpdir

if out=$(sh tests/layers/layers.sh . 2>&1); then
	t_ok "no file includes a header across a forbidden layer"
else
	t_fail "no file includes a header across a forbidden layer" "$out"
fi

fx=$T_TMP/tree
mkdir -p "$fx/src/lib" "$fx/src/mime" "$fx/src/frankd" "$fx/src/store" "$fx/ui"
printf '#include <curses.h>\n' >"$fx/src/lib/bad_curses.c"
printf '#include "lib.h"\n#include "store.h"\n' >"$fx/src/mime/bad_up.c"
printf '#include "ui.h"\n' >"$fx/src/frankd/bad_ui.c"
printf '#include "ui_internal.h"\n' >"$fx/src/store/bad_private.c"
printf '#include <curses.h>\n#include "store.h"\n#include "lib.h"\n' >"$fx/ui/good.c"
sh tests/layers/layers.sh "$fx" >"$T_TMP/out" 2>&1
rc=$?
t_check "the check fails on a tree with violations" test "$rc" -eq 1
t_contains "curses outside ui/ is caught" "$T_TMP/out" "src/lib/bad_curses.c:1: includes curses.h"
t_contains "an upward include is caught" "$T_TMP/out" "src/mime/bad_up.c:2: mime/ may not include store.h"
t_contains "frankd including ui is caught" "$T_TMP/out" "src/frankd/bad_ui.c:1: frankd/ may not include ui.h"
t_contains "another folder's private header is caught" "$T_TMP/out" "bad_private.c:1: includes ui_internal.h"
t_lacks "allowed includes are not reported" "$T_TMP/out" "ui/good.c"
t_done
