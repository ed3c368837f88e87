#!/bin/sh
# make run: create the demo database on first use, print how to log in, serve.
set -eu
bin=$1
db=$2
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
echo
echo "thidua is starting on http://127.0.0.1:8080"
echo "log in as: admin"
if [ -s "$pwfile" ]; then
	echo "admin password: $(cat "$pwfile")"
else
	echo "(the admin password of $db is not on file; set a new one with: $bin user passwd --login admin --db $db)"
fi
[ -f "$dir/demo-users.txt" ] && echo "other demo users and their passwords are in $dir/demo-users.txt"
echo "stop with Ctrl-C"
echo
exec "$bin" serve --db "$db" --listen 127.0.0.1:8080
