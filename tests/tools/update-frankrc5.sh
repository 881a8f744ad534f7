#!/bin/sh
# update-frankrc5.sh [TOOL [PAGE]]: writes the option list of frankrc(5)
# from the option table (src/config/options.c), between the lines
# ".\" OPTIONS BEGIN" and ".\" OPTIONS END" of the page, so the page
# cannot drift from the table.  tests/integration/config_doc.sh fails when
# the page is not what this writes.  Run from the project root after
# make unit-tests (which builds the tool).
tool=${1:-build/tests/tools/config-tool}
page=${2:-doc/frankrc.5}
gen=$(mktemp "${TMPDIR:-/tmp}/frankrc5.XXXXXX") || exit 2
trap 'rm -f "$gen" "$gen.page"' EXIT INT TERM
"$tool" man-options >"$gen" || { echo "update-frankrc5.sh: $tool failed" >&2; exit 1; }
awk -v gen="$gen" '
	/^\.\\" OPTIONS BEGIN/ { print; inside = 1; next }
	inside && /^\.\\" \(sh / { print; while ((getline line < gen) > 0) print line; next }
	/^\.\\" OPTIONS END/ { inside = 0; found = 1 }
	!inside { print }
	END { if (!found) exit 1 }
' "$page" >"$gen.page" || { echo "update-frankrc5.sh: no OPTIONS markers in $page" >&2; exit 1; }
cat "$gen.page" >"$page"
