#!/bin/sh
# frankd_durability.sh: a client submits message after message while frankd
# is killed with SIGKILL at random moments and started again.  Every
# message that got 250 must be delivered, whole, at least once (twice at
# most for one in flight at a kill); none is lost or half-written.
. tests/lib.sh
t_tmpdir
t_need python3 timeout od
. tests/integration/frankd.lib

KILLS=12
fd_conf
portfile=$T_TMP/port
start() {
	fd_start
	echo "$FD_SMTP" >"$portfile.tmp" && mv "$portfile.tmp" "$portfile"
}
start
timeout 900 python3 tests/tools/frankd_smtp_flood.py "$portfile" "$T_TMP/stop" "$T_TMP/acks" >"$T_TMP/flood.out" 2>&1 &
flood=$!
kills=0
while [ $kills -lt $KILLS ] && kill -0 "$flood" 2>/dev/null; do
	# 50 to 800 ms between kills: some land in DATA, some in fsync, some idle
	ms=$(( $(od -An -N2 -tu2 /dev/urandom) % 750 + 50 ))
	sleep "$(printf '0.%03d' "$ms")"
	kill -KILL "$FD_PID"
	wait "$FD_PID" 2>/dev/null
	kills=$((kills + 1))
	start
done
sleep 0.3
touch "$T_TMP/stop"
wait "$flood"
t_check "the client kept sending across the kills" test $? -eq 0
t_check "every kill happened" test $kills -eq $KILLS
t_check "many messages were accepted meanwhile ($(sort -u "$T_TMP/acks" | wc -l))" \
	test "$(sort -u "$T_TMP/acks" | wc -l)" -ge 50

# Let the last start deliver what is queued.
i=0
until "$FRANKD" -c "$FD/frankd.conf" queue | grep -q "the queue is empty" || [ $i -ge 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
t_check "the queue empties" sh -c "'$FRANKD' -c '$FD/frankd.conf' queue | grep -q 'the queue is empty'"
fd_stop

# Which subjects arrived, how often, and whole?
grep -h '^Subject: durable-' "$FD/mail/bob/new/"* | sed 's/^Subject: durable-//' | sort >"$T_TMP/got"
sort -u "$T_TMP/acks" >"$T_TMP/acked"
lost=$(sort -u "$T_TMP/got" | comm -23 "$T_TMP/acked" -)
t_check "no acknowledged message is lost ($(wc -l <"$T_TMP/acked") acknowledged)" test -z "$lost"
[ -z "$lost" ] || echo "# lost:" $lost
t_check "no message arrived more than twice" test -z "$(uniq -c "$T_TMP/got" | awk '$1 > 2')"
dups=$(uniq -d "$T_TMP/got" | wc -l)
echo "# duplicates (in flight at a kill): $dups; kills: $kills"
# in flight at a kill: the one message whose 250 was lost, and a copy per
# worker (limit workers, 4) written but not yet recorded
t_check "duplicates are few: at most five per kill" test "$dups" -le $((5 * kills))
half=0
for f in "$FD/mail/bob/new/"*; do
	n=$(sed -n 's/^Subject: durable-//p' "$f")
	grep -q "^END-OF-MESSAGE $n\$" "$f" || half=$((half + 1))
done
t_check "every delivered copy is whole (a kill mid-copy leaves it in tmp/, unseen)" test "$half" -eq 0
t_done
