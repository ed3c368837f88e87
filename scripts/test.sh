#!/bin/sh
# make test: every suite, under AddressSanitizer + UBSan.
#   scripts/test.sh [all|unit|pg-unit|http|pg-http|e2e|openapi|valgrind|times]
set -u
cd "$(dirname "$0")/.."
what=${1:-all}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export THIDUA_BIN=${THIDUA_BIN:-$PWD/build/asan/thidua}
# the test build hashes passwords with the cheapest argon2id (src/base/auth.c,
# THIDUA_TEST_HOOKS; tests/lib/server.mjs sets it for the node suites too)
export THIDUA_TEST_CHEAP_PASSWORDS=${THIDUA_TEST_CHEAP_PASSWORDS-1}
passed=0
failed=0
failures=""
times=""

# The tests' files (databases, uploads, browsers' profiles) on a tmpfs when
# there is one with room, unless TMPDIR is set: there a commit's fdatasync
# costs nothing. On the disk, under make test's load, the unit tests took
# 232 s instead of 18 (3 662 fdatasyncs in test_tasks alone). Nothing in the
# tests needs a disk: a process killed with -9 loses no write the page cache
# holds. The PostgreSQL clusters stay in /tmp (fsync=off; their user
# "nobody" must reach them).
shmdir=""
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ] &&
	[ "$(df -k --output=avail /dev/shm 2>/dev/null | tail -n 1 | tr -d ' ')" -gt 4000000 ] 2>/dev/null; then
	shmdir=$(mktemp -d /dev/shm/td.XXXXXX) && export TMPDIR="$shmdir"
fi

# what failed, gathered from the suites' output and printed again at the end
# (a CI log is often read from its tail)
whatfailed=$(mktemp)
trap 'rm -f "$whatfailed"; [ -z "$shmdir" ] || rm -rf "$shmdir"' EXIT
# remember NAME LOG: the lines of a failed suite's output that say what failed
remember() {
	{
		echo "--- $1"
		grep -E '^ *not ok|^ +error:|\[  FAILED  \]|\[  ERROR   \]|\[   LINE   \]|failed:|AddressSanitizer|runtime error' "$2" | tail -n 40
	} >>"$whatfailed"
}

suite() { # name command...
	name=$1
	shift
	echo "=== $name"
	t0=$(date +%s)
	log=$(mktemp)
	{ "$@"; echo $? >"$log.rc"; } 2>&1 | tee "$log"
	if [ "$(cat "$log.rc")" = 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures="$failures $name"
		remember "$name" "$log"
	fi
	rm -f "$log" "$log.rc"
	times="$times $name $(($(date +%s) - t0))s"
}

# beside NAME FUNCTION: run a suite in the background, its output kept for collect
beside() {
	eval "bglog_$(echo "$1" | tr - _)=\$(mktemp)"
	eval "log=\$bglog_$(echo "$1" | tr - _)"
	(t0=$(date +%s); "$2" >"$log" 2>&1; echo $? >"$log.rc"; echo "$(($(date +%s) - t0))" >"$log.time") &
	eval "bgpid_$(echo "$1" | tr - _)=$!"
}
# collect NAME: wait for a suite run beside, print its output, count it
collect() {
	v=$(echo "$1" | tr - _)
	eval "pid=\${bgpid_$v:-}; log=\${bglog_$v:-}"
	[ -n "$pid" ] || return 0
	wait "$pid"
	echo "=== $1 (ran beside the others)"
	cat "$log"
	if [ "$(cat "$log.rc" 2>/dev/null)" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); failures="$failures $1"; remember "$1" "$log"; fi
	times="$times $1(beside) $(cat "$log.time" 2>/dev/null)s"
	rm -f "$log" "$log.rc" "$log.time"
}

node_deps() {
	if [ ! -d tests/node_modules ] || [ tests/package-lock.json -nt tests/node_modules/.package-lock.json ]; then
		(cd tests && npm ci --no-audit --no-fund --loglevel=error) || return 1
	fi
}

unit() {
	rc=0
	bad=""
	for t in build/asan/tests/test_*; do
		[ -x "$t" ] || continue
		"$t" || { rc=1; bad="$bad $(basename "$t")"; }
	done
	# the fuzz corpora, replayed as regression tests
	for t in build/asan/fuzz/*; do
		[ -x "$t" ] || continue
		"$t" "tests/fuzz/corpus/$(basename "$t")" || { rc=1; bad="$bad fuzz/$(basename "$t")"; }
	done
	[ $rc = 0 ] || echo "unit failed:$bad"
	return $rc
}

# --test-timeout bounds a test FILE as a whole too (node 20): 10 minutes, so
# that a loaded machine (the browser suite's validity file takes ~2 minutes
# alone, 5 with three suites and other work beside) fails only on a hang
TT=--test-timeout=600000

# the db layer's unit tests again on a throw-away PostgreSQL cluster (make test-pg-unit)
pg_unit() { make --no-print-directory test-pg-unit; }
http() { node_deps && node --test --test-concurrency=1 $TT tests/http/; }
# the HTTP suite again on a throw-away PostgreSQL cluster (make test-pg-http): THIDUA_TEST_PG makes
# each test's database a new database of the cluster; the cluster is removed whatever happens
pg_http() { pg_http_files tests/http/; }
# pg_http_files FILE|DIR...: those HTTP tests on a cluster of their own
pg_http_files() {
	node_deps || return 1
	(
		uri=$(./scripts/pg-test-cluster.sh start) || exit 1
		trap './scripts/pg-test-cluster.sh stop "$uri"' EXIT
		trap 'exit 130' INT TERM
		THIDUA_TEST_PG="$uri" node --test --test-concurrency=1 $TT "$@"
	)
}
# part_files N K DIR: the test files of DIR in N parts of about equal time,
# part K (0 to N-1). tests/test-times.txt gives each file's seconds when run
# alone (a file not in it counts 3); the longest go first, each to the part
# with the least time so far. A file's time only balances the parts: a
# wrong or missing one costs speed, never a test.
part_files() {
	ls "$3"/*.test.mjs | awk 'FILENAME != "-" { w[$2] = $1; next } { print (($0 in w) ? w[$0] : 3), $0 }' tests/test-times.txt - |
		sort -k1,1gr -k2,2 |
		awk -v n="$1" -v k="$2" '{ b = 0; for (i = 1; i < n; i++) if (s[i] < s[b]) b = i; s[b] += $1; if (b == k) print $2 }'
}
# make test runs the long suites in parts beside each other (below, "all"),
# each PostgreSQL part on a cluster of its own
pg_http_1() { pg_http_files $(part_files 2 0 tests/http); }
pg_http_2() { pg_http_files $(part_files 2 1 tests/http); }
http_1() { node_deps && node --test --test-concurrency=1 $TT $(part_files 2 0 tests/http); }
http_2() { node_deps && node --test --test-concurrency=1 $TT $(part_files 2 1 tests/http); }
e2e() { node_deps && node --test --test-concurrency=1 $TT tests/e2e/; }
e2e_1() { node_deps && node --test --test-concurrency=1 $TT $(part_files 2 0 tests/e2e); }
e2e_2() { node_deps && node --test --test-concurrency=1 $TT $(part_files 2 1 tests/e2e); }
openapi() { node_deps && (cd tests && npx --no-install redocly lint --format=stylish ../docs/openapi.yaml); }
valgrind_http() {
	THIDUA_BIN="$PWD/build/release/thidua" THIDUA_WRAP="valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite" \
		THIDUA_SLOW=1 node --test --test-concurrency=1 tests/http/
}

case "$what" in
all)
	# The HTTP suite on PostgreSQL and on SQLite and the browser suite run
	# in two parts each (part_files: about equal times), five of them beside
	# the unit tests and the sixth: their tests wait on servers, browsers and
	# clocks often enough that several streams keep the two cores busy, and
	# parts of equal length end together (with the whole HTTP suite in one
	# stream, the last 100 s of a run had one core idle). Their output is
	# printed when they end. THIDUA_SERIAL=1 runs everything in turn.
	node_deps || exit 1
	if [ "${THIDUA_SERIAL:-0}" = 1 ]; then
		suite pg-http pg_http
		suite e2e e2e
	else
		beside pg-http-1 pg_http_1
		beside pg-http-2 pg_http_2
		beside e2e-1 e2e_1
		beside e2e-2 e2e_2
		beside http-1 http_1
	fi
	suite unit unit
	suite pg-unit pg_unit
	if [ "${THIDUA_SERIAL:-0}" = 1 ]; then suite http http; else suite http-2 http_2; fi
	suite openapi openapi
	collect http-1
	collect e2e-1
	collect e2e-2
	collect pg-http-1
	collect pg-http-2
	;;
unit) suite unit unit ;;
pg-unit) suite pg-unit pg_unit ;;
http) suite http http ;;
pg-http) suite pg-http pg_http ;;
e2e) suite e2e e2e ;;
openapi) suite openapi openapi ;;
valgrind) suite valgrind valgrind_http ;;
times)
	# each HTTP and browser test file run alone, its seconds into tests/test-times.txt (part_files)
	node_deps || exit 1
	out=$(mktemp)
	for f in tests/http/*.test.mjs tests/e2e/*.test.mjs; do
		t0=$(date +%s.%N)
		node --test --test-concurrency=1 $TT "$f" >/dev/null 2>&1 || echo "$f failed (its time is kept all the same)" >&2
		awk -v a="$t0" -v b="$(date +%s.%N)" -v f="$f" 'BEGIN { printf "%.1f %s\n", b - a, f }' >>"$out"
	done
	{
		echo "# seconds path: each test file's time run alone (a quiet machine, SQLite, the ASan build), by which"
		echo "# scripts/test.sh splits the long suites into parts of about equal time (part_files); a file"
		echo "# missing here counts 3 s. Measured again by scripts/test.sh times."
		sort -k2 "$out"
	} >tests/test-times.txt
	rm -f "$out"
	;;
*) echo "usage: $0 [all|unit|pg-unit|http|pg-http|e2e|openapi|valgrind|times]" >&2; exit 2 ;;
esac
echo
if [ -s "$whatfailed" ]; then
	echo "what failed:"
	cat "$whatfailed"
	# a full disk fails tests everywhere at once (CI, 2026-11-30): say how much is left
	echo "free space: $(df -h --output=avail "${TMPDIR:-/tmp}" | tail -n 1 | tr -d ' ') under ${TMPDIR:-/tmp}"
	echo
fi
echo "suites: $passed passed, $failed failed${failures:+ (failed:$failures)}"
echo "times:$times"
[ "$failed" -eq 0 ]
