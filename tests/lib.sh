# tests/lib.sh: helpers for the shell test scripts (sourced, POSIX sh).
# Each check prints one TAP line; tests/run-tests counts them.  Scripts run
# from the project root.

T_NUM=0
T_FAILED=0

t_ok() { # description
	T_NUM=$((T_NUM + 1))
	echo "ok $T_NUM - $1"
}

t_fail() { # description [detail...]
	T_NUM=$((T_NUM + 1))
	T_FAILED=$((T_FAILED + 1))
	echo "not ok $T_NUM - $1"
	shift
	for line in "$@"; do echo "#   $line"; done
}

# t_check DESCRIPTION COMMAND...: ok when the command succeeds.
t_check() {
	desc=$1
	shift
	if "$@"; then t_ok "$desc"; else t_fail "$desc" "command failed: $*"; fi
}

# t_contains DESCRIPTION FILE TEXT: ok when FILE has the fixed string TEXT.
t_contains() {
	if grep -qF -- "$3" "$2"; then
		t_ok "$1"
	else
		t_fail "$1" "expected to find: $3" "in $2, which holds:"
		sed 's/^/#     /' "$2" | head -40
	fi
}

# t_lacks DESCRIPTION FILE TEXT: ok when FILE does not have TEXT.
t_lacks() {
	if grep -qF -- "$3" "$2"; then
		t_fail "$1" "did not expect: $3" "in $2"
	else
		t_ok "$1"
	fi
}

# t_need COMMAND...: stops the script with a failure when a tool is missing,
# since a check that cannot run must not pass.
t_need() {
	for tool in "$@"; do
		if ! command -v "$tool" >/dev/null 2>&1; then
			t_fail "required tool $tool is installed" "install it: ./configure --install-deps"
			exit 1
		fi
	done
}

# t_run NAME COMMAND...: runs it with no input, keeping its stdout, stderr
# and exit status in $T_TMP/NAME.out, .err and .rc.
t_run() {
	t_run_name=$1
	shift
	"$@" >"$T_TMP/$t_run_name.out" 2>"$T_TMP/$t_run_name.err" </dev/null
	echo $? >"$T_TMP/$t_run_name.rc"
}
# t_rc_is NAME STATUS, t_one_line NAME: checks on what t_run kept.
t_rc_is() { test "$(cat "$T_TMP/$1.rc")" -eq "$2"; }
t_one_line() { test "$(wc -l <"$T_TMP/$1.err")" -eq 1; }

# A private scratch folder, removed at exit.
t_tmpdir() {
	T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/frank-test.XXXXXX") || exit 2
	trap 't_cleanup' EXIT INT TERM
}

t_cleanup() {
	[ -n "${T_CLEANUP_HOOK:-}" ] && eval "$T_CLEANUP_HOOK"
	[ -n "${T_TMP:-}" ] && rm -rf "$T_TMP"
}

t_done() {
	[ "$T_FAILED" -eq 0 ]
	exit $?
}

# t_kill_randomly COUNT COMMAND...: runs COMMAND COUNT times, each killed
# with SIGKILL after a random 0.2 to 1.7 s (seeded by the script's pid):
# the interruptions a durability check then recovers from.
t_kill_randomly() {
	tk_n=$1
	shift
	tk_i=0
	while [ "$tk_i" -lt "$tk_n" ]; do
		tk_delay=$(awk -v s="$$$tk_i" 'BEGIN { srand(s); printf "%.2f", 0.2 + rand() * 1.5 }')
		"$@" >/dev/null 2>&1 &
		tk_pid=$!
		sleep "$tk_delay"
		kill -9 "$tk_pid" 2>/dev/null
		wait "$tk_pid" 2>/dev/null
		tk_i=$((tk_i + 1))
	done
	return 0
}
