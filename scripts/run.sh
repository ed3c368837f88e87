#!/bin/sh
# make run: create the demo database on first use, start the server, and once
# it is listening print the address and how to log in.
#   scripts/run.sh BINARY DB [PORT]      (PORT defaults to $PORT, then 8080)
set -eu
bin=$1
db=$2
port=${3:-${PORT:-8080}}
case "$port" in
	''|*[!0-9]*) echo "PORT must be a number, got '$port'" >&2; exit 2 ;;
esac
dir=$(dirname "$db")
mkdir -p "$dir"
pwfile="$dir/admin-password.txt"
if [ ! -f "$db" ]; then
	umask 077
	"$bin" init --db "$db" > "$dir/init.out"
	sed -n 's/^admin password: //p' "$dir/init.out" > "$pwfile"
	rm -f "$dir/init.out"
	"$bin" demo --db "$db" | tee "$dir/demo-users.txt"
fi

# The server's log goes to the terminal and to a file, so this script can tell
# when it is listening (or why it could not start) before saying where it is.
log="$dir/serve.log"
: > "$log"
"$bin" serve --db "$db" --listen "127.0.0.1:$port" 2>>"$log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; exit 0' INT TERM
i=0
while ! grep -q 'listening on' "$log"; do
	if ! kill -0 "$pid" 2>/dev/null; then
		cat "$log" >&2
		if grep -q 'Address already in use' "$log"; then
			echo "port $port is taken by another program; choose another one: make run PORT=$((port + 1))" >&2
		fi
		exit 1
	fi
	i=$((i + 1))
	[ "$i" -gt 300 ] && { echo "the server did not start within 30 s; its log: $log" >&2; kill -TERM $pid; exit 1; }
	sleep 0.1
done
echo
echo "thidua is serving on http://127.0.0.1:$port"
echo "log in as: admin"
if [ -s "$pwfile" ]; then
	echo "admin password: $(cat "$pwfile")"
else
	echo "(the admin password of $db is not on file; set a new one with: $bin user passwd --login admin --db $db)"
fi
[ -f "$dir/demo-users.txt" ] && echo "other demo users and their passwords are in $dir/demo-users.txt"
echo "the server's log: $log; stop with Ctrl-C"
echo
wait $pid
