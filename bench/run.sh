#!/usr/bin/env bash
# thidua benchmark: bulk import against the sqlite3 shell, HTTP throughput and
# latency against nginx serving the same bytes, memory of the server, and the
# eligibility scan of a province against the same conditions as one SQL query.
#
#   bench/run.sh [build/release/thidua]        (make bench)
#
# Environment:
#   BENCH_UNITS=100000 BENCH_PEOPLE=1000000   data set size
#   BENCH_DURATION=10s                        each wrk run
#   BENCH_CONNS=64                            wrk connections (one wrk thread)
#   BENCH_TIMEOUT=30s                         wrk request timeout (its default 2s would
#                                             drop slow requests from the latency figures)
#   BENCH_FRESH=1                             regenerate the data set even if present
#   BENCH_PORT=18480                          first port tried (thidua; nginx the next free one)
#   BENCH_PG=1                                the same requests again on PostgreSQL (a throw-away
#                                             cluster, the data copied by thidua migrate-db); 0 skips
#   BENCH_VOTERS=10000 BENCH_VOTE_CONNS=32    the vote round of bench/votes.mjs (ballots over HTTP, the close)
#
# Generated data stays in build/bench/ for the next run; the summary is printed
# and written to build/bench/summary.txt. The bench fails only when something
# does not work (an import, the server, a request); never on timing.
set -euo pipefail

BIN=${1:-build/release/thidua}
case "$BIN" in /*) ;; *) BIN="$PWD/$BIN" ;; esac
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/build/bench
mkdir -p "$OUT"

UNITS=${BENCH_UNITS:-100000}
PEOPLE=${BENCH_PEOPLE:-1000000}
DUR=${BENCH_DURATION:-10s}
DUR=${DUR%s}
CONNS=${BENCH_CONNS:-64}
TIMEOUT=${BENCH_TIMEOUT:-30s}
FRESH=${BENCH_FRESH:-0}
CORES=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)
LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)

SPID="" NPID="" MPID="" PGURI=""

log() { printf '%s\n' "$*" >&2; }
fail() { log "bench: FAILED: $*"; exit 1; }

cleanup() {
	local p
	for p in "$MPID" "$NPID" "$SPID"; do
		[ -n "$p" ] && kill -TERM "$p" 2>/dev/null || true
	done
	for p in "$MPID" "$NPID" "$SPID"; do
		[ -n "$p" ] && wait "$p" 2>/dev/null || true
	done
	MPID="" NPID="" SPID=""
}
pg_cleanup() { [ -n "$PGURI" ] && ./scripts/pg-test-cluster.sh stop "$PGURI" || true; PGURI=""; }
trap 'cleanup; pg_cleanup' EXIT
trap 'exit 130' INT TERM

for t in curl wrk nginx sqlite3 cc awk node; do
	command -v "$t" >/dev/null 2>&1 || fail "$t is not installed (make bench runs scripts/install-deps.sh bench)"
done
[ -x "$BIN" ] || fail "$BIN is not an executable (make build/release/thidua)"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" -v f="${2:-%.2f}" 'BEGIN { printf f, b - a }'; }
# "1.23ms" "850.00us" "2.01s" "1.50m" -> milliseconds
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
	if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000; printf "%.3f", n }'; }
fmt_ms() { awk -v v="$1" 'BEGIN { if (v == "") printf "n/a"; else if (v >= 100) printf "%.0fms", v; else if (v >= 1) printf "%.1fms", v; else printf "%.2fms", v }'; }
div() { awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN { if (b > 0) printf f, a / b; else printf "n/a" }'; }
# a ratio with two significant digits or so: 0.0012, 0.52, 2.7, 27, 310
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a <= 0 || b <= 0) { printf "n/a"; exit } v = a / b;
	if (v >= 100) printf "%.0f", v; else if (v >= 10) printf "%.1f", v; else if (v >= 0.1) printf "%.2f", v;
	else { d = 1 - int(log(v) / log(10) - 1); printf "%.*f", d, v } }'; }
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
	local p=$1
	while port_busy "$p"; do p=$((p + 1)); done
	echo "$p"
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# the busy clock ticks of the whole machine (all cores): with the server's and
# wrk's own, what the rest (nginx, PostgreSQL's backends) spent meanwhile
machine_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }
# the clock ticks of a process's children: nginx's worker, PostgreSQL's backends
children_ticks() {
	local c s=0
	for c in $(pgrep -P "$1" 2>/dev/null); do s=$((s + $(cpu_ticks "$c"))); done
	echo "$s"
}
# the other server of a run: nginx (keys n-*), PostgreSQL (p-*, q-*), none
other_ticks() {
	case $1 in
	n-*) [ -n "$NPID" ] && children_ticks "$NPID" || echo 0 ;;
	p-* | q-*) [ -n "${PGHOST_DIR:-}" ] && [ -s "$PGHOST_DIR/data/postmaster.pid" ] && children_ticks "$(head -1 "$PGHOST_DIR/data/postmaster.pid")" || echo 0 ;;
	*) echo 0 ;;
	esac
}
# wrk leaves requests queued in the server when it stops; wait until they are
# done (no CPU used for 0.5 s) so that they do not load the next measurement
wait_idle() {
	local a b i t0
	t0=$(now)
	a=$(cpu_ticks "$SPID")
	for i in $(seq 1 1200); do
		sleep 0.5
		b=$(cpu_ticks "$SPID")
		# idle: (almost) no CPU in half a second, and /healthz answered at
		# once: on a loaded machine a server with a queue of requests can get
		# too little CPU to look busy, while /healthz waits behind the queue
		if [ $((b - a)) -le 2 ] && [ -n "$(curl -s -m 0.5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz" 2>/dev/null | grep -x 200)" ]; then
			[ "$i" -gt 1 ] && log "   (waited $(since "$t0") s for thidua to finish the requests wrk left behind)"
			return 0
		fi
		a=$b
	done
	log "   thidua is still busy after $(since "$t0") s"
}
rss_kb() { awk -v k="$2" '$1 == k":" { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

# ---------------------------------------------------------------- 1. data set
GEN=$OUT/gen
if [ "$FRESH" = 1 ] || [ ! -x "$GEN" ] || [ bench/gen.c -nt "$GEN" ]; then
	log "== building the data generator"
	cc -O2 -o "$GEN" bench/gen.c || fail "cannot compile bench/gen.c"
fi
UCSV=$OUT/units-$UNITS.csv
PCSV=$OUT/people-$UNITS-$PEOPLE.csv
ACSV=$OUT/achievements-$UNITS-$PEOPLE.csv
if [ "$FRESH" = 1 ] || [ ! -s "$UCSV" ] || [ ! -s "$PCSV" ] || [ ! -s "$ACSV" ] || [ "$GEN" -nt "$UCSV" ] || [ "$GEN" -nt "$PCSV" ] ||
	[ "$GEN" -nt "$ACSV" ]; then
	log "== generating $UNITS units, $PEOPLE people and their achievement records"
	"$GEN" "$UNITS" "$PEOPLE" "$UCSV.tmp" "$PCSV.tmp" "$ACSV.tmp" || fail "the generator failed"
	mv "$UCSV.tmp" "$UCSV"
	mv "$PCSV.tmp" "$PCSV"
	mv "$ACSV.tmp" "$ACSV"
else
	log "== reusing $UCSV, $PCSV and $ACSV (BENCH_FRESH=1 regenerates)"
fi
PCSV_MB=$(div "$(stat -c %s "$PCSV")" 1048576 %.0f)

# ---------------------------------------------------------------- 2. thidua import
DB=$OUT/bench.db
rm -rf "$DB" "$DB-wal" "$DB-shm" "$DB-journal" "$DB.outbox"
log "== thidua init"
"$BIN" init --db "$DB" >"$OUT/init.log" 2>&1 || { cat "$OUT/init.log" >&2; fail "thidua init"; }
PASSWORD=$(sed -n 's/^admin password: //p' "$OUT/init.log")
[ -n "$PASSWORD" ] || fail "no 'admin password:' line in the output of thidua init"

log "== thidua import units ($UNITS)"
t0=$(now)
"$BIN" import units "$UCSV" --db "$DB" >"$OUT/import-units.log" 2>&1 || { tail -20 "$OUT/import-units.log" >&2; fail "thidua import units"; }
T_UNITS=$(since "$t0")
log "   $T_UNITS s: $(tail -1 "$OUT/import-units.log")"

# the database before the people: the floor below starts from a copy of it
sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null || fail "checkpoint of $DB"
cp "$DB" "$OUT/before-people.db"
log "== thidua import people ($PEOPLE, $PCSV_MB MB)"
t0=$(now)
"$BIN" import people "$PCSV" --db "$DB" >"$OUT/import-people.log" 2>&1 || { tail -20 "$OUT/import-people.log" >&2; fail "thidua import people"; }
T_PEOPLE=$(since "$t0")
log "   $T_PEOPLE s: $(tail -1 "$OUT/import-people.log")"
# the same writes by the sqlite3 shell alone (bench/import_floor.sql)
FLOOR_DB=$OUT/floor.db
rm -f "$FLOOR_DB" "$FLOOR_DB-journal"
mv "$OUT/before-people.db" "$FLOOR_DB"
log "== the same rows and indexes written by the sqlite3 shell (bench/import_floor.sql)"
t0=$(now)
sqlite3 -bail "$FLOOR_DB" "ATTACH '$DB' AS src" ".read bench/import_floor.sql" >"$OUT/import-floor.log" 2>&1 ||
	{ tail -20 "$OUT/import-floor.log" >&2; fail "bench/import_floor.sql"; }
T_FLOOR=$(since "$t0")
[ "$(sqlite3 "$FLOOR_DB" "SELECT count(*) FROM person_words")" = "$(sqlite3 "$DB" "SELECT count(*) FROM person_words")" ] ||
	fail "bench/import_floor.sql wrote another word index"
rm -f "$FLOOR_DB"
log "   $T_FLOOR s"
DB_MB=$(div "$(( $(stat -c %s "$DB") + $(stat -c %s "$DB-wal" 2>/dev/null || echo 0) ))" 1048576 %.0f)

# ---------------------------------------------------------------- 2b. a movement of 100 000 models
log "== movement data: 20 000 registered units, 100 000 models, 1 000 000 results (bench/movements.sql)"
t0=$(now)
sqlite3 "$DB" <bench/movements.sql >"$OUT/movements.log" 2>&1 || { tail -20 "$OUT/movements.log" >&2; fail "bench/movements.sql"; }
MV_ID=$(sqlite3 "$DB" "SELECT id FROM movements WHERE code = 'BENCH'")
MV_MODELS=$(sqlite3 "$DB" "SELECT count(*) FROM models WHERE movement_id = $MV_ID")
MV_RESULTS=$(sqlite3 "$DB" "SELECT count(*) FROM model_results r JOIN model_reports p ON p.id = r.report_id JOIN models d ON d.id = p.model_id WHERE d.movement_id = $MV_ID")
log "   $(since "$t0") s: $MV_MODELS models, $MV_RESULTS result values"

# ---------------------------------------------------------------- 2c. task monitoring: 100 000 tasks, 1 000 000 reports
log "== task data: 100 000 tasks over the units, 1 000 000 progress reports (bench/tasks.sql)"
t0=$(now)
sqlite3 "$DB" <bench/tasks.sql >"$OUT/tasks.log" 2>&1 || { tail -20 "$OUT/tasks.log" >&2; fail "bench/tasks.sql"; }
TK_ID=$(sqlite3 "$DB" "SELECT id FROM task_programmes WHERE code = 'BENCH-TASKS'")
TK_TASKS=$(sqlite3 "$DB" "SELECT count(*) FROM tasks WHERE programme_id = $TK_ID")
TK_REPORTS=$(sqlite3 "$DB" "SELECT count(*) FROM task_reports r JOIN tasks t ON t.id = r.task_id WHERE t.programme_id = $TK_ID")
TK_DATE=2025-10-14
log "   $(since "$t0") s: $TK_TASKS tasks, $TK_REPORTS progress reports"
# ---------------------------------------------------------------- 2d. achievement records and the rule set of CSTD_BO_TINH
# About 10 records a person over 2016–2025 (bench/gen.c), read by the sqlite3
# shell and inserted by bench/achievements.sql, which also adds the demo's
# rule set of CSTD_BO_TINH from data/demo/rule_sets.csv (see its header: thidua
# import achievements checks and audits every line, minutes for 10 million).
log "== achievement records ($(div "$(stat -c %s "$ACSV")" 1048576 %.0f) MB CSV) and the rule set of CSTD_BO_TINH (bench/achievements.sql)"
t0=$(now)
sqlite3 -bail "$DB" "CREATE TEMP TABLE ach_in (person_code TEXT, year INTEGER, kind TEXT, value TEXT)" \
	".import --csv --skip 1 --schema temp '$ACSV' ach_in" \
	"CREATE TEMP TABLE rs_in (award, legal_basis, source, effective_from, effective_to, rules)" \
	".import --csv --skip 1 --schema temp data/demo/rule_sets.csv rs_in" \
	".read bench/achievements.sql" >"$OUT/achievements.log" 2>&1 || { tail -20 "$OUT/achievements.log" >&2; fail "bench/achievements.sql"; }
T_ACH=$(since "$t0")
ACH_ROWS=$(sqlite3 "$DB" "SELECT count(*) FROM achievements")
[ "$(sqlite3 "$DB" "SELECT count(*) FROM rule_sets r JOIN awards w ON w.id = r.award_id WHERE w.code = 'CSTD_BO_TINH'")" = 1 ] ||
	fail "the rule set of CSTD_BO_TINH is not in the bench database"
log "   $T_ACH s: $ACH_ROWS records"

# ---------------------------------------------------------------- 2e. the day's task reminders
# `serve` writes the day's reminders when it starts (and every hour): on this
# data set 60 000 messages, ~20 s of work beside the first measures. Written
# here first, the server finds them done, as a server running since morning would.
log "== thidua remind (the day's reminders, before any server starts)"
t0=$(now)
"$BIN" remind --db "$DB" >"$OUT/remind.log" 2>&1 || { tail -20 "$OUT/remind.log" >&2; fail "thidua remind"; }
log "   $(since "$t0") s: $(grep -m1 '^reminders' "$OUT/remind.log")"

# ---------------------------------------------------------------- 3. sqlite3 .import reference
REF=$OUT/sqlite-ref.db
rm -f "$REF" "$REF-journal" "$REF-wal" "$REF-shm"
log "== sqlite3 .import of the same people file"
t0=$(now)
sqlite3 "$REF" "CREATE TABLE p(code,full_name,gender,birth_year,unit_code,position,active)" ".import --csv --skip 1 '$PCSV' p" \
	>"$OUT/import-sqlite3.log" 2>&1 || { tail -20 "$OUT/import-sqlite3.log" >&2; fail "sqlite3 .import"; }
T_REF=$(since "$t0")
REF_ROWS=$(sqlite3 "$REF" "SELECT count(*) FROM p")
[ "$REF_ROWS" = "$PEOPLE" ] || fail "sqlite3 imported $REF_ROWS rows, not $PEOPLE"
log "   $T_REF s"

# ---------------------------------------------------------------- the unit to list
UNIT_ID=$(sqlite3 "$DB" "SELECT u.id FROM units u WHERE u.kind = 'province' ORDER BY
	(SELECT count(*) FROM units c WHERE c.parent_id = u.id AND c.active = 1) DESC, u.id LIMIT 1")
[ -n "$UNIT_ID" ] || UNIT_ID=$(sqlite3 "$DB" "SELECT id FROM units WHERE code = 'VN'")
UNIT_KIDS=$(sqlite3 "$DB" "SELECT count(*) FROM units WHERE parent_id = $UNIT_ID AND active = 1")
UNIT_NAME=$(sqlite3 "$DB" "SELECT code || ' ' || name FROM units WHERE id = $UNIT_ID")
log "== listing unit $UNIT_ID ($UNIT_NAME, $UNIT_KIDS children)"

# ---------------------------------------------------------------- 6. SQL baselines in the sqlite3 shell
# The units list, the unit page and the people search are measured in the
# shell with the very statements the server ran (section 7b captures them);
# the task counts, the dashboard and the eligibility conditions below are
# written here. Per-statement .timer has millisecond resolution, so the shell
# runs a file K times and once, and the difference of the wall clocks gives
# the time per run.
# sql_file_us NAME REPS FILE -> microseconds per run of FILE's statements (one a line)
sql_file_us() {
	local name=$1 reps=$2 f1=$OUT/sql-shell-$1-1.sql fk=$OUT/sql-shell-$1-k.sql t0 t1 tk
	{ echo '.output /dev/null'; sed 's/$/;/' "$3"; } >"$f1"
	{ echo '.output /dev/null'; for _ in $(seq 1 "$reps"); do sed 's/$/;/' "$3"; done; } >"$fk"
	sqlite3 -bail "$DB" <"$f1" >/dev/null 2>"$OUT/sql-shell-$name.err" || { echo n/a; return; }
	t0=$(now); sqlite3 "$DB" <"$f1" >/dev/null 2>&1; t1=$(since "$t0" %.6f)
	t0=$(now); sqlite3 "$DB" <"$fk" >/dev/null 2>&1; tk=$(since "$t0" %.6f)
	awk -v a="$t1" -v b="$tk" -v n="$reps" 'BEGIN { v = (b - a) / (n - 1) * 1e6; if (v < 0) v = 0; printf "%.0f", v }'
}
# sql_pair_us NAME REPS PARAMS STMT1 STMT2 -> microseconds per pair
sql_pair_us() {
	local name=$1 reps=$2 params=$3 s1=$4 s2=$5 f1=$OUT/sql-$1-1.sql fk=$OUT/sql-$1-k.sql t0 t1 tk
	{ printf '%s\n.output /dev/null\n' "$params"; printf '%s\n%s\n' "$s1" "$s2"; } >"$f1"
	{ printf '%s\n.output /dev/null\n' "$params"; S1=$s1 S2=$s2 awk -v n="$reps" 'BEGIN { for (i = 0; i < n; i++) print ENVIRON["S1"] "\n" ENVIRON["S2"] }'; } >"$fk"
	sqlite3 -bail "$DB" <"$f1" >/dev/null 2>"$OUT/sql-$name.err" || { cat "$OUT/sql-$name.err" >&2; fail "the SQL baseline $name does not run"; }
	t0=$(now); sqlite3 "$DB" <"$f1" >/dev/null 2>&1; t1=$(since "$t0" %.6f)
	t0=$(now); sqlite3 "$DB" <"$fk" >/dev/null 2>&1; tk=$(since "$t0" %.6f)
	awk -v a="$t1" -v b="$tk" -v n="$reps" 'BEGIN { v = (b - a) / (n - 1) * 1e6; if (v < 0) v = 0; printf "%.0f", v }'
}
# ---------------------------------------------------------------- the eligibility scan against one SQL query
# CSTD_BO_TINH's demo rule: "title CSTDCS for 3 consecutive years and
# initiative at least province in the last 3 years", for every active person
# of the province with the most people, in the last year of the data. The same
# conditions as one SQL query (the people of the subtree, the three years of
# CSTDCS, an initiative at the province level or above within them): its
# counts must be the scan's, or the bench fails.
ELIG_YEAR=2025 # bench/gen.c's ACH_LAST
ELIG_UNIT=$(sqlite3 "$DB" "SELECT u.id FROM units u WHERE u.kind = 'province' ORDER BY (SELECT count(*) FROM units c JOIN people p ON p.unit_id = c.id
	WHERE p.active = 1 AND c.path >= u.path AND c.path < substr(u.path, 1, length(u.path) - 1) || '0') DESC, u.id LIMIT 1")
[ -n "$ELIG_UNIT" ] || ELIG_UNIT=$(sqlite3 "$DB" "SELECT id FROM units WHERE code = 'VN'")
IFS='|' read -r ELIG_CODE ELIG_PATH ELIG_UNAME <<<"$(sqlite3 "$DB" "SELECT code, path, name FROM units WHERE id = $ELIG_UNIT")"
ELIG_HI="${ELIG_PATH%/}0"
ELIG_RECORDS=$(sqlite3 "$DB" "SELECT count(*) FROM units u JOIN people p ON p.unit_id = u.id AND p.active = 1 JOIN achievements a ON a.person_id = p.id
	WHERE u.path >= '$ELIG_PATH' AND u.path < '$ELIG_HI'")
SQL_E="SELECT count(*), coalesce(sum(CASE WHEN
 (SELECT count(DISTINCT a.year) FROM achievements a WHERE a.person_id = p.id AND a.kind = 'title' AND a.value = 'CSTDCS'
   AND a.year BETWEEN $((ELIG_YEAR - 2)) AND $ELIG_YEAR) = 3
 AND EXISTS (SELECT 1 FROM achievements a WHERE a.person_id = p.id AND a.kind = 'initiative' AND a.value IN ('province', 'national')
   AND a.year BETWEEN $((ELIG_YEAR - 2)) AND $ELIG_YEAR) THEN 1 ELSE 0 END), 0)
 FROM units u JOIN people p ON p.unit_id = u.id WHERE p.active = 1 AND u.path >= '$ELIG_PATH' AND u.path < '$ELIG_HI';"
IFS='|' read -r SQL_E_PEOPLE SQL_E_ELIGIBLE <<<"$(sqlite3 "$DB" "$SQL_E")"
log "== eligibility scan: CSTD_BO_TINH $ELIG_YEAR, $ELIG_CODE $ELIG_UNAME ($SQL_E_PEOPLE people, $ELIG_RECORDS records)"
# best_of3 VAR CPUVAR CMD...: the least wall time of 3 runs of CMD (seconds) in VAR,
# and the least CPU time (user + system, of the process and its children) in CPUVAR
best_of3() {
	local var=$1 cvar=$2 w c bw="" bc="" TIMEFORMAT='%R %U %S'
	shift 2
	for _ in 1 2 3; do
		read -r w u s < <({ time "$@" >/dev/null 2>&1; } 2>&1)
		c=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.3f", u + s }')
		if [ -z "$bw" ] || awk -v a="$w" -v b="$bw" 'BEGIN { exit !(a < b) }'; then bw=$w; fi
		if [ -z "$bc" ] || awk -v a="$c" -v b="$bc" 'BEGIN { exit !(a < b) }'; then bc=$c; fi
	done
	printf -v "$var" '%s' "$bw"
	printf -v "$cvar" '%s' "$bc"
}
# the scan through the command line: counts, then every eligible person with the reasons
# (--lang en: the lines read below, "eligible: N" and a person's ending in "eligible", are English)
"$BIN" eligibility --lang en --db "$DB" --award CSTD_BO_TINH --unit "$ELIG_CODE" --year "$ELIG_YEAR" >"$OUT/eligibility.txt" 2>"$OUT/eligibility.err" ||
	{ cat "$OUT/eligibility.err" >&2; fail "thidua eligibility"; }
best_of3 T_ELIG_CLI C_ELIG_CLI "$BIN" eligibility --lang en --db "$DB" --award CSTD_BO_TINH --unit "$ELIG_CODE" --year "$ELIG_YEAR"
# the start of a thidua process alone (opening the database, loading the catalogs): an unknown unit
best_of3 T_CLI_START C_CLI_START "$BIN" eligibility --lang en --db "$DB" --award CSTD_BO_TINH --unit "-" --year "$ELIG_YEAR"
elig_count() { sed -n "s/^$1: \([0-9]*\)$/\1/p" "$OUT/eligibility.txt"; }
ELIG_PEOPLE=$(elig_count people) ELIG_ELIGIBLE=$(elig_count eligible) ELIG_MANUAL=$(elig_count manual) ELIG_INELIGIBLE=$(elig_count ineligible)
[ "$ELIG_PEOPLE" = "$SQL_E_PEOPLE" ] && [ "$ELIG_ELIGIBLE" = "$SQL_E_ELIGIBLE" ] && [ "$ELIG_MANUAL" = 0 ] &&
	[ "$ELIG_INELIGIBLE" = $((SQL_E_PEOPLE - SQL_E_ELIGIBLE)) ] ||
	fail "the scan counts $ELIG_PEOPLE people, $ELIG_ELIGIBLE eligible, $ELIG_MANUAL manual, $ELIG_INELIGIBLE ineligible; the SQL $SQL_E_PEOPLE people, $SQL_E_ELIGIBLE eligible"
# the same query run by the sqlite3 shell as a whole process
best_of3 T_ELIG_SHELL C_ELIG_SHELL sqlite3 "$DB" "$SQL_E"
# one eligible person (or anyone of the province) for the single check over HTTP
ELIG_PERSON=$(awk '$NF == "eligible" { print $1; exit }' "$OUT/eligibility.txt")
[ -n "$ELIG_PERSON" ] || ELIG_PERSON=$(sqlite3 "$DB" "SELECT p.code FROM people p JOIN units u ON u.id = p.unit_id WHERE p.active = 1
	AND u.path >= '$ELIG_PATH' AND u.path < '$ELIG_HI' LIMIT 1")
log "   $ELIG_ELIGIBLE eligible, $ELIG_MANUAL manual, $ELIG_INELIGIBLE ineligible (the SQL agrees); thidua eligibility $T_ELIG_CLI s ($C_ELIG_CLI s of CPU; its start alone $C_CLI_START s), the sqlite3 shell $T_ELIG_SHELL s ($C_ELIG_SHELL s of CPU)"

log "== SQL baselines in the sqlite3 shell"
# the status counts of tasks_counts (src/tasks/tasks_status.c: DUE_AT, DONE_AT, STATUS_AT; keep in step),
# for the whole programme and for the lead units of one province (the unit listed above)
TK_DUE="(CASE WHEN t.extended_on IS NULL OR t.extended_on <= \$1 THEN t.due_on ELSE (SELECT e.due_before FROM task_extensions e WHERE e.task_id = t.id AND e.recorded_on > \$1 ORDER BY e.recorded_on, e.id LIMIT 1) END)"
TK_DONE="(CASE WHEN t.accepted_on <= \$1 THEN t.done_on WHEN t.reopened_on > \$1 THEN (SELECT r.done_on FROM task_reopenings r WHERE r.task_id = t.id AND r.accepted_on <= \$1 AND r.reopened_on > \$1 ORDER BY r.id DESC LIMIT 1) END)"
TK_STATUS="(CASE WHEN t.accepted_on <= \$1 THEN (CASE WHEN $TK_DUE IS NULL OR t.done_on <= $TK_DUE THEN 1 ELSE 2 END) WHEN t.reopened_on > \$1 AND $TK_DONE IS NOT NULL THEN (CASE WHEN $TK_DUE IS NULL OR $TK_DONE <= $TK_DUE THEN 1 ELSE 2 END) WHEN $TK_DUE < \$1 THEN 4 ELSE 3 END)"
SQL_T1="SELECT $TK_STATUS, count(*) FROM tasks t WHERE t.assigned_on <= \$1 AND t.programme_id = \$2 GROUP BY 1;"
SQL_T2="SELECT $TK_STATUS, count(*) FROM tasks t JOIN units lu ON lu.id = t.lead_id WHERE t.assigned_on <= \$1 AND t.programme_id = \$2 AND lu.path >= \$3 AND lu.path < \$4 GROUP BY 1;"
TK_PATH=$(sqlite3 "$DB" "SELECT path FROM units WHERE id = $UNIT_ID")
TK_UNIT=$(sqlite3 "$DB" "SELECT code FROM units WHERE id = $UNIT_ID")
TK_PROV=$(sqlite3 "$DB" "SELECT count(*) FROM tasks t JOIN units lu ON lu.id = t.lead_id WHERE t.programme_id = $TK_ID AND lu.path >= '$TK_PATH' AND lu.path < '${TK_PATH%/}0'")
TK_PARAMS=".parameter set \$1 \"'$TK_DATE'\"
.parameter set \$2 $TK_ID
.parameter set \$3 '$TK_PATH'
.parameter set \$4 '${TK_PATH%/}0'"
SQL_T1_REPS=20
SQL_T1_US=$(sql_pair_us tasks-all "$SQL_T1_REPS" "$TK_PARAMS" "$SQL_T1" "SELECT 1;")
SQL_T2_REPS=200
SQL_T2_US=$(sql_pair_us tasks-province "$SQL_T2_REPS" "$TK_PARAMS" "$SQL_T2" "SELECT 1;")
log "   task status counts: whole programme $SQL_T1_US us, one province ($TK_UNIT, $TK_PROV tasks) $SQL_T2_US us"

# ---------------------------------------------------------------- 4. thidua serve
# first the movement dashboard's aggregation as plain SQL in the shell: the
# registrations, the models per unit, field and status, and the results per
# unit, field and metric (src/movements/dashboard.c reads the last one in
# unit order and sums in C instead of GROUP BY; the figures are the same)
SQL_C="SELECT u.id, u.parent_id, u.code, u.name, u.path, u.depth, g.registered_on FROM registrations g JOIN units u ON u.id = g.unit_id WHERE g.movement_id = \$1 AND g.active = 1;
SELECT d.unit_id, d.field_code, d.status, sum(d.typical), count(*) FROM models d WHERE d.movement_id = \$1 AND d.active = 1 GROUP BY d.unit_id, d.field_code, d.status;"
SQL_C2="SELECT d.unit_id, d.field_code, v.metric_id, sum(v.value), count(*) FROM models d JOIN model_values v ON v.model_id = d.id WHERE d.movement_id = \$1 AND d.active = 1 GROUP BY d.unit_id, d.field_code, v.metric_id;"
SQL_C_REPS=4
SQL_C_US=$(sql_pair_us dashboard "$SQL_C_REPS" ".parameter set \$1 $MV_ID" "$SQL_C" "$SQL_C2")
log "   movement dashboard aggregation $SQL_C_US us"
SQL_E_REPS=5
SQL_E_US=$(sql_pair_us eligibility "$SQL_E_REPS" "" "$SQL_E" "SELECT 1;")
# the same by CPU time, which the machine's load does not inflate: 5 runs less 1, over 4
best_of3 T1 C1 sqlite3 "$DB" ".read $OUT/sql-eligibility-1.sql"
best_of3 TK CK sqlite3 "$DB" ".read $OUT/sql-eligibility-k.sql"
C_SQL_E_MS=$(awk -v a="$C1" -v b="$CK" -v n="$SQL_E_REPS" 'BEGIN { v = (b - a) / (n - 1) * 1000; if (v < 0) v = 0; printf "%.3f", v }')
log "   the eligibility conditions as one query $SQL_E_US us ($C_SQL_E_MS ms of CPU)"
PORT=$(free_port "${BENCH_PORT:-18480}")
log "== thidua serve on 127.0.0.1:$PORT"
# first without the reply cache (every request does its work), then with it
# (repeated GETs of an unchanged database answered from the worker's cache)
start_thidua() { # $@: extra serve arguments
	"$BIN" serve --db "$DB" --listen "127.0.0.1:$PORT" "$@" >>"$OUT/serve.log" 2>&1 &
	SPID=$!
	local up=0
	for _ in $(seq 1 100); do
		kill -0 "$SPID" 2>/dev/null || { tail -20 "$OUT/serve.log" >&2; SPID=""; fail "thidua serve exited"; }
		if curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz"; then up=1; break; fi
		sleep 0.1
	done
	[ "$up" = 1 ] || { tail -20 "$OUT/serve.log" >&2; fail "thidua serve does not answer /healthz"; }
	sleep 1
}
: >"$OUT/serve.log"
start_thidua --reply-cache 0
RSS_IDLE=$(rss_kb "$SPID" VmRSS)

BASE=http://127.0.0.1:$PORT
LOGIN=$(curl -s -X POST -H 'Content-Type: application/json' \
	--data "{\"login\":\"admin\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/login") || fail "POST /api/v1/login"
TOKEN=$(printf '%s' "$LOGIN" | sed -n 's/.*"token" *: *"\([^"]*\)".*/\1/p')
[ -n "$TOKEN" ] || fail "no token from POST /api/v1/login: $LOGIN"
AUTH="Authorization: Bearer $TOKEN"

# the memory sampler: the highest VmRSS seen, every 0.5 s
echo 0 >"$OUT/rss-peak.kb"
(
	peak=0
	while kill -0 "$SPID" 2>/dev/null; do
		r=$(rss_kb "$SPID" VmRSS)
		if [ "${r:-0}" -gt "$peak" ]; then peak=$r; echo "$peak" >"$OUT/rss-peak.kb"; fi
		sleep 0.5
	done
) &
MPID=$!

# the requests: label, path on thidua, file served by nginx
NAMES=(units people unitpage dash dashpage models tstatus tprov tpage elig)
declare -A PATHS LABELS CTYPES
PATHS[units]="/api/v1/units?parent=$UNIT_ID&limit=50"
PATHS[people]="/api/v1/people?q=nguyen%20van&limit=50"
PATHS[unitpage]="/units/$UNIT_ID"
LABELS[units]="GET /api/v1/units?parent=$UNIT_ID&limit=50"
LABELS[people]="GET /api/v1/people?q=nguyen%20van&limit=50"
LABELS[unitpage]="GET /units/$UNIT_ID (HTML)"
PATHS[dash]="/api/v1/movements/$MV_ID/dashboard"
PATHS[dashpage]="/movements/$MV_ID/dashboard"
PATHS[models]="/api/v1/movements/$MV_ID/models?field=economy&status=effective&limit=50"
LABELS[dash]="GET /api/v1/movements/$MV_ID/dashboard"
LABELS[dashpage]="GET /movements/$MV_ID/dashboard (HTML)"
LABELS[models]="GET …/models?field=economy&status=effective"
PATHS[tstatus]="/api/v1/programmes/$TK_ID/status?as_of=$TK_DATE"
PATHS[tprov]="/api/v1/programmes/$TK_ID/status?as_of=$TK_DATE&unit=$TK_UNIT"
PATHS[tpage]="/programmes/$TK_ID?as_of=$TK_DATE"
LABELS[tstatus]="GET /api/v1/programmes/$TK_ID/status?as_of=…"
LABELS[tprov]="GET …/status?as_of=…&unit=$TK_UNIT"
LABELS[tpage]="GET /programmes/$TK_ID?as_of=… (HTML)"
PATHS[elig]="/api/v1/eligibility?award=CSTD_BO_TINH&person=$ELIG_PERSON&year=$ELIG_YEAR"
LABELS[elig]="GET /api/v1/eligibility?award=CSTD_BO_TINH&person=…"
# the scan over HTTP: its first page (50 people with reasons) and the counts
SCAN_PATH="/api/v1/eligibility/scan?award=CSTD_BO_TINH&unit=$ELIG_CODE&year=$ELIG_YEAR"

NGX=$OUT/nginx
WWW=$NGX/www
rm -rf "$NGX"
mkdir -p "$WWW" "$NGX/tmp"
declare -A BYTES ONE
for n in "${NAMES[@]}"; do
	res=$(curl -s -o "$WWW/$n.body" -w '%{http_code} %{content_type}' -H "$AUTH" "$BASE${PATHS[$n]}") || fail "GET ${PATHS[$n]}"
	code=${res%% *}
	[ "$code" = 200 ] || { head -c 500 "$WWW/$n.body" >&2; fail "GET ${PATHS[$n]} answered $code"; }
	CTYPES[$n]=${res#* }
	BYTES[$n]=$(stat -c %s "$WWW/$n.body")
	# one request alone, warm: the best of three
	ONE[$n]=$(for _ in 1 2 3; do curl -s -o /dev/null -w '%{time_total}\n' -H "$AUTH" "$BASE${PATHS[$n]}"; done |
		awk 'NR == 1 || $1 < m { m = $1 } END { printf "%.3f", m * 1000 }')
	log "   ${PATHS[$n]}: 200, ${CTYPES[$n]}, ${BYTES[$n]} bytes, alone $(fmt_ms "${ONE[$n]}")"
done
grep -q '"total"' "$WWW/people.body" || fail "the people search returned no total"
grep -q '"verdict":"eligible"' "$WWW/elig.body" || [ "$ELIG_ELIGIBLE" = 0 ] || fail "the single check of $ELIG_PERSON is not eligible: $(head -c 300 "$WWW/elig.body")"
curl -s -o "$OUT/scan.body" -H "$AUTH" "$BASE$SCAN_PATH" || fail "GET $SCAN_PATH"
grep -q "\"counts\":{\"eligible\":$ELIG_ELIGIBLE,\"ineligible\":$ELIG_INELIGIBLE,\"manual\":$ELIG_MANUAL,\"people\":$ELIG_PEOPLE}" "$OUT/scan.body" ||
	fail "GET $SCAN_PATH counts otherwise than thidua eligibility: $(head -c 400 "$OUT/scan.body")"
ONE[scan]=$(for _ in 1 2 3; do curl -s -o /dev/null -w '%{time_total}\n' -H "$AUTH" "$BASE$SCAN_PATH"; done |
	awk 'NR == 1 || $1 < m { m = $1 } END { printf "%.3f", m * 1000 }')
# the server's CPU time for one scan: 10 in a row, in clock ticks of 10 ms
c0=$(cpu_ticks "$SPID")
for _ in $(seq 1 10); do curl -s -o /dev/null -H "$AUTH" "$BASE$SCAN_PATH"; done
CPU_SCAN=$(awk -v t=$(($(cpu_ticks "$SPID") - c0)) 'BEGIN { printf "%.3f", t * 10 / 10 }')
log "   $SCAN_PATH: alone $(fmt_ms "${ONE[scan]}"), $(fmt_ms "$CPU_SCAN") of the server's CPU"
PEOPLE_HITS=$(sed -n 's/.*"total" *: *\([0-9]*\).*/\1/p' "$WWW/people.body")
# a search counts up to a cap: past it the body says "total_capped": true
grep -q '"total_capped" *: *true' "$WWW/people.body" && PEOPLE_HITS="more than $PEOPLE_HITS (the count stops there)"


# ---------------------------------------------------------------- nginx with the same bytes
NPORT=$(free_port $((PORT + 1)))
write_nginx_conf() { # $1 = 1: also the temp paths of the proxy/fastcgi/uwsgi/scgi modules
	{
		[ "$(id -u)" = 0 ] && echo "user root;"
		cat <<-EOF
		worker_processes 1;
		daemon off;
		pid $NGX/nginx.pid;
		error_log $NGX/error.log warn;
		events { worker_connections 4096; }
		http {
		    access_log off;
		    sendfile on;
		    tcp_nopush on;
		    keepalive_timeout 65;
		    keepalive_requests 100000000;
		    client_body_temp_path $NGX/tmp/body;
		EOF
		if [ "$1" = 1 ]; then
			for m in proxy fastcgi uwsgi scgi; do echo "    ${m}_temp_path $NGX/tmp/$m;"; done
		fi
		echo "    server {"
		echo "        listen 127.0.0.1:$NPORT;"
		echo "        root $WWW;"
		for n in "${NAMES[@]}"; do
			echo "        location = /$n.body { types { } default_type \"${CTYPES[$n]}\"; }"
		done
		echo "    }"
		echo "}"
	} >"$NGX/nginx.conf"
}
write_nginx_conf 1
if ! nginx -t -q -p "$NGX/" -e "$NGX/error.log" -c "$NGX/nginx.conf" 2>"$NGX/test.log"; then
	write_nginx_conf 0
	nginx -t -q -p "$NGX/" -e "$NGX/error.log" -c "$NGX/nginx.conf" 2>"$NGX/test.log" || { cat "$NGX/test.log" >&2; fail "the nginx configuration"; }
fi
log "== nginx on 127.0.0.1:$NPORT"
nginx -p "$NGX/" -e "$NGX/error.log" -c "$NGX/nginx.conf" 2>>"$NGX/error.log" &
NPID=$!
up=0
for _ in $(seq 1 100); do
	kill -0 "$NPID" 2>/dev/null || { tail -20 "$NGX/error.log" >&2; NPID=""; fail "nginx exited"; }
	if curl -sf -o /dev/null "http://127.0.0.1:$NPORT/units.body"; then up=1; break; fi
	sleep 0.1
done
[ "$up" = 1 ] || fail "nginx does not answer"
for n in "${NAMES[@]}"; do
	curl -s "http://127.0.0.1:$NPORT/$n.body" | cmp -s - "$WWW/$n.body" || fail "nginx does not serve $n.body as fetched"
done

# ---------------------------------------------------------------- wrk
WRK_ARGS=(-t1 "-c$CONNS" "-d${DUR}s" --timeout "$TIMEOUT" --latency -H "$AUTH")
declare -A RPS P99 ERRS REQS CPU SHARE WCPU OCPU AIM
# bench_one KEY URL
bench_one() {
	local key=$1 url=$2 f=$OUT/wrk-$1.txt e c0 c1 m0 m1 o0 o1
	log "== wrk ${WRK_ARGS[*]/#Authorization*/Authorization: Bearer ...} $url"
	c0=$(cpu_ticks "$SPID")
	o0=$(other_ticks "$key")
	m0=$(machine_ticks)
	# wrk's own CPU time (bash's time: user and system seconds)
	local TIMEFORMAT='%U %S'
	{ time wrk "${WRK_ARGS[@]}" "$url" >"$f" 2>&1; } 2>"$f.cpu" || { cat "$f" >&2; fail "wrk $url"; }
	m1=$(machine_ticks)
	o1=$(other_ticks "$key")
	c1=$(cpu_ticks "$SPID")
	RPS[$key]=$(awk '/^Requests\/sec:/ { printf($2 < 10 ? "%.1f" : "%.0f", $2) }' "$f")
	REQS[$key]=$(awk '/ requests in / { print $1 }' "$f")
	P99[$key]=""
	[ "${REQS[$key]:-0}" -gt 0 ] && P99[$key]=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$f")")
	e=$(awk '/Non-2xx or 3xx responses:/ { printf "%s non-2xx ", $NF }
		/Socket errors:/ { gsub(",", ""); s = $4 + $6 + $8 + $10; if (s) printf "%d socket errors (%s timeouts) ", s, $10 }' "$f")
	if [ "${REQS[$key]:-0}" = 0 ]; then e="no response within the ${DUR} s $e"
	elif [ "${REQS[$key]}" -lt 1000 ]; then e="only ${REQS[$key]} responses in ${DUR} s $e"; fi
	ERRS[$key]=${e% }
	# thidua's own CPU time during the run (clock ticks of 10 ms): what a
	# request costs whatever else the machine was doing, and the share of
	# the cores the server got
	CPU[$key]="" SHARE[$key]="" WCPU[$key]="" OCPU[$key]=""
	if [ "${key#n-}" = "$key" ] && [ "${REQS[$key]:-0}" -gt 0 ]; then
		CPU[$key]=$(awk -v t=$((c1 - c0)) -v n="${REQS[$key]}" 'BEGIN { printf "%.3f", t * 10 / n }')
		SHARE[$key]=$(awk -v t=$((c1 - c0)) -v d="$DUR" 'BEGIN { printf "%.0f", t / d }')
	fi
	# per request: wrk's CPU, and the other server's: nginx's worker in its
	# runs, PostgreSQL's backends in thidua's runs on PostgreSQL; on SQLite
	# the rest of the machine (its busy time less thidua and wrk), about
	# nothing on a quiet machine
	if [ "${REQS[$key]:-0}" -gt 0 ]; then
		WCPU[$key]=$(awk -v n="${REQS[$key]}" '{ printf "%.3f", ($1 + $2) * 1000 / n }' "$f.cpu")
		case $key in
		n-* | p-* | q-*) OCPU[$key]=$(awk -v t=$((o1 - o0)) -v n="${REQS[$key]}" 'BEGIN { printf "%.3f", t * 10 / n }') ;;
		*) OCPU[$key]=$(awk -v m=$((m1 - m0)) -v s=$((c1 - c0)) -v w="${WCPU[$key]}" -v n="${REQS[$key]}" \
			'BEGIN { v = (m - s) * 10 / n - w; printf "%.3f", v < 0 ? 0 : v }') ;;
		esac
	fi
	log "   ${RPS[$key]} requests/s, p99 $(fmt_ms "${P99[$key]}") ${e}"
}
for n in "${NAMES[@]}"; do
	bench_one "t-$n" "$BASE${PATHS[$n]}"
	wait_idle
	bench_one "n-$n" "http://127.0.0.1:$NPORT/$n.body"
done

# ---------------------------------------------------------------- 5. memory
RSS_PEAK=$(cat "$OUT/rss-peak.kb")
RSS_HWM=$(rss_kb "$SPID" VmHWM)
RSS_END=$(rss_kb "$SPID" VmRSS)

# ---------------------------------------------------------------- the same with the reply cache
CACHED=(units unitpage people dash dashpage tstatus tprov tpage)
kill -TERM "$MPID" "$SPID" 2>/dev/null || true
wait "$MPID" "$SPID" 2>/dev/null || true
MPID="" SPID=""
log "== thidua serve again, with the reply cache"
start_thidua
for n in "${CACHED[@]}"; do
	curl -s -o "$OUT/cached-$n.body" -H "$AUTH" "$BASE${PATHS[$n]}" || fail "GET ${PATHS[$n]}"
	cmp -s "$OUT/cached-$n.body" "$WWW/$n.body" || fail "the cached server answers ${PATHS[$n]} with other bytes"
	bench_one "h-$n" "$BASE${PATHS[$n]}"
	wait_idle
done
cleanup

# ---------------------------------------------------------------- 7b. the SQL of a cold read alone
# The statements each cold read ran (THIDUA_SQL_PROFILE=1 prints them with
# their values), replayed in one process by bench/sql_replay.c: what SQLite
# alone spends on the request, without HTTP, JSON or HTML, which bounds the
# rate any server around the same queries can reach on these 2 cores.
declare -A SQLREP SQLN SQLSH
AIM[units]=0.5 AIM[unitpage]=0.4 AIM[people]=0.3
log "== the SQL of the cold reads alone (bench/sql_replay.c)"
if cc -O2 -o "$OUT/sql_replay" bench/sql_replay.c -lsqlite3 2>"$OUT/sql_replay.err"; then
	: >"$OUT/sql-profile.log"
	THIDUA_SQL_PROFILE=1 "$BIN" serve --db "$DB" --listen "127.0.0.1:$PORT" --reply-cache 0 >>"$OUT/sql-profile.log" 2>&1 &
	SPID=$!
	up=0
	for _ in $(seq 1 100); do
		curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz" && { up=1; break; }
		sleep 0.1
	done
	[ "$up" = 1 ] || fail "thidua serve (THIDUA_SQL_PROFILE=1) does not answer /healthz"
	# the job worker's first round (the day's task reminders: a scan of every
	# task) runs at the start; until the log stops growing (the worker's polls of
	# the job table aside) its statements would
	# be taken for the first request's (a units list "of" 37 ms)
	last=-1
	for _ in $(seq 1 240); do
		size=$(tr -d '\000' <"$OUT/sql-profile.log" | grep -vc 'FROM jobs WHERE status')
		[ "$size" = "$last" ] && break
		last=$size
		sleep 1
	done
	for n in units unitpage people; do
		# a warm worker, as under wrk: its identity cache and catalogue memos
		# filled (each worker thread has its own, and a new connection goes
		# to either: six requests before warm both, almost surely)
		for _ in 1 2 3 4 5 6; do
			curl -s -o /dev/null -H "$AUTH" "$BASE${PATHS[$n]}"
			sleep 0.1
		done
		sleep 0.2
		mark=$(stat -c %s "$OUT/sql-profile.log")
		curl -s -o /dev/null -H "$AUTH" "$BASE${PATHS[$n]}"
		sleep 0.3
		tail -c +$((mark + 1)) "$OUT/sql-profile.log" | tr -d '\000' | grep -v 'FROM jobs WHERE status' |
			sed -n 's/^sql *[0-9.]* us  //p' >"$OUT/sql-$n.sql"
		SQLN[$n]=$(wc -l <"$OUT/sql-$n.sql")
		SQLREP[$n]=$("$OUT/sql_replay" "$DB" "$OUT/sql-$n.sql" 5000 2>>"$OUT/sql_replay.err") || SQLREP[$n]=""
		SQLSH[$n]=$(sql_file_us "$n" 1000 "$OUT/sql-$n.sql")
		log "   ${PATHS[$n]}: ${SQLN[$n]} statements, ${SQLREP[$n]:-n/a} us of CPU; the sqlite3 shell ${SQLSH[$n]} us a run (parsed each time)"
	done
	cleanup
else
	log "   bench/sql_replay.c does not build: $(head -3 "$OUT/sql_replay.err")"
fi

# ---------------------------------------------------------------- 8. the same on PostgreSQL
# The data set copied into a throw-away cluster (scripts/pg-test-cluster.sh:
# unix socket, fsync off) by thidua migrate-db; the same requests without the
# reply cache, as ratios to SQLite in this run; the dashboard alone against
# the same aggregation in psql.
PG_NAMES=(units unitpage people dash elig)
PG_DONE=0
if [ "${BENCH_PG:-1}" = 1 ] && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && command -v psql >/dev/null; then
	log "== PostgreSQL: a throw-away cluster, thidua migrate-db of the data set"
	PGURI=$(./scripts/pg-test-cluster.sh start) || fail "scripts/pg-test-cluster.sh start"
	t0=$(now)
	"$BIN" migrate-db --from "$DB" --to "$PGURI" >"$OUT/migrate-db.log" 2>&1 || { tail -20 "$OUT/migrate-db.log" >&2; fail "thidua migrate-db"; }
	T_MIGRATE=$(since "$t0")
	log "   $T_MIGRATE s"
	PGHOST_DIR=$(printf '%s\n' "$PGURI" | sed -n 's/.*[?&]host=\([^&]*\).*/\1/p')
	PGUSER_NAME=$(printf '%s\n' "$PGURI" | sed -n 's/.*[?&]user=\([^&]*\).*/\1/p')
	psql_run() { psql -X -q -h "$PGHOST_DIR" -U "$PGUSER_NAME" -d thidua "$@"; }
	psql_run -c "VACUUM ANALYZE" >/dev/null 2>&1 || true
	# the dashboard's aggregation in psql: \timing's figures of the three statements, best of 3
	sub_mv() { printf '%s' "$1" | sed "s/\\\$1/$MV_ID/g"; }
	PSQL_C_MS=""
	for _ in 1 2 3; do
		v=$({ echo '\timing on'; echo '\o /dev/null'; sub_mv "$SQL_C"; echo; sub_mv "$SQL_C2"; echo; } | psql_run 2>&1 |
			awk '/^Time: / { t += $2 } END { printf "%.3f", t }')
		if [ -z "$PSQL_C_MS" ] || awk -v a="$v" -v b="$PSQL_C_MS" 'BEGIN { exit !(a < b) }'; then PSQL_C_MS=$v; fi
	done
	log "   the dashboard's aggregation in psql: $(fmt_ms "$PSQL_C_MS")"
	PSQL_E_COUNTS=$(printf '%s\n' "$SQL_E" | psql_run -A -t -F '|' 2>&1)
	[ "$PSQL_E_COUNTS" = "$SQL_E_PEOPLE|$SQL_E_ELIGIBLE" ] || fail "the eligibility conditions in psql count '$PSQL_E_COUNTS', the sqlite3 shell '$SQL_E_PEOPLE|$SQL_E_ELIGIBLE'"
	PSQL_E_MS=""
	for _ in 1 2 3; do
		v=$({ echo '\timing on'; echo '\o /dev/null'; printf '%s\n' "$SQL_E"; } | psql_run 2>&1 | awk '/^Time: / { t += $2 } END { printf "%.3f", t }')
		if [ -z "$PSQL_E_MS" ] || awk -v a="$v" -v b="$PSQL_E_MS" 'BEGIN { exit !(a < b) }'; then PSQL_E_MS=$v; fi
	done
	log "   the eligibility conditions in psql: $(fmt_ms "$PSQL_E_MS")"
	KEYS=()
	[ -s "$DB.key" ] && KEYS=(--keys "$DB.key")
	DB_SAVED=$DB
	DB=$PGURI
	start_thidua --reply-cache 0 "${KEYS[@]}"
	DB=$DB_SAVED
	LOGIN=$(curl -s -X POST -H 'Content-Type: application/json' \
		--data "{\"login\":\"admin\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/login") || fail "POST /api/v1/login on PostgreSQL"
	TOKEN=$(printf '%s' "$LOGIN" | sed -n 's/.*"token" *: *"\([^"]*\)".*/\1/p')
	[ -n "$TOKEN" ] || fail "no token from POST /api/v1/login on PostgreSQL: $LOGIN"
	AUTH="Authorization: Bearer $TOKEN"
	WRK_ARGS=(-t1 "-c$CONNS" "-d${DUR}s" --timeout "$TIMEOUT" --latency -H "$AUTH")
	for n in "${PG_NAMES[@]}"; do
		curl -s -o "$OUT/pg-$n.body" -H "$AUTH" "$BASE${PATHS[$n]}" || fail "GET ${PATHS[$n]} on PostgreSQL"
		cmp -s "$OUT/pg-$n.body" "$WWW/$n.body" || log "   note: ${PATHS[$n]} on PostgreSQL differs from SQLite's bytes ($(stat -c %s "$OUT/pg-$n.body") vs ${BYTES[$n]})"
		ONE[p-$n]=$(for _ in 1 2 3; do curl -s -o /dev/null -w '%{time_total}\n' -H "$AUTH" "$BASE${PATHS[$n]}"; done |
			awk 'NR == 1 || $1 < m { m = $1 } END { printf "%.3f", m * 1000 }')
		bench_one "p-$n" "$BASE${PATHS[$n]}"
		wait_idle
	done
	curl -s -o "$OUT/pg-scan.body" -H "$AUTH" "$BASE$SCAN_PATH" || fail "GET $SCAN_PATH on PostgreSQL"
	grep -q "\"counts\":{\"eligible\":$ELIG_ELIGIBLE,\"ineligible\":$ELIG_INELIGIBLE,\"manual\":$ELIG_MANUAL,\"people\":$ELIG_PEOPLE}" "$OUT/pg-scan.body" ||
		fail "GET $SCAN_PATH on PostgreSQL counts otherwise: $(head -c 400 "$OUT/pg-scan.body")"
	ONE[p-scan]=$(for _ in 1 2 3; do curl -s -o /dev/null -w '%{time_total}\n' -H "$AUTH" "$BASE$SCAN_PATH"; done |
		awk 'NR == 1 || $1 < m { m = $1 } END { printf "%.3f", m * 1000 }')
	log "   $SCAN_PATH on PostgreSQL: alone $(fmt_ms "${ONE[p-scan]}")"
	cleanup
	# the reads again with the reply cache, as a server runs by default: on
	# PostgreSQL a repeated GET of an unchanged database costs one round trip
	# (the change stamp, src/base/db_pg.c) instead of the page's statements
	log "== thidua serve on PostgreSQL again, with the reply cache"
	DB=$PGURI
	start_thidua "${KEYS[@]}"
	DB=$DB_SAVED
	for n in units unitpage people dash; do
		curl -s -o /dev/null -H "$AUTH" "$BASE${PATHS[$n]}" || fail "GET ${PATHS[$n]} on PostgreSQL"
		bench_one "q-$n" "$BASE${PATHS[$n]}"
		wait_idle
	done
	cleanup
	pg_cleanup
	PG_DONE=1
else
	log "== PostgreSQL skipped (BENCH_PG=0, or no initdb/psql: scripts/install-deps.sh test)"
fi
grep -qiE 'error|assert|sanitizer' "$OUT/serve.log" && log "note: build/bench/serve.log has error lines"

# ---------------------------------------------------------------- 6b. a vote round
log "== a vote round of ${BENCH_VOTERS:-10000} ballots over HTTP, then its close (bench/votes.mjs)"
VOTES_LINE=$(node bench/votes.mjs "$BIN") || fail "the vote bench"

# ---------------------------------------------------------------- 7. summary
S=$OUT/summary.txt
{
	printf 'thidua bench (%s cores, %s units, %s people)\n' "$CORES" "$UNITS" "$PEOPLE"
	awk -v a="$LOAD_BEFORE" 'BEGIN { if (a > 1) printf "note: the machine was busy before the bench (load average %s): other processes distort these numbers\n", a }'
	printf 'import units:  thidua %s s (%s units/s)\n' "$T_UNITS" "$(div "$UNITS" "$T_UNITS" %.0f)"
	printf 'import people: thidua %s s (%s people/s), sqlite3 .import %s s, ratio %sx  [%s MB CSV; database %s MB]\n' \
		"$T_PEOPLE" "$(div "$PEOPLE" "$T_PEOPLE" %.0f)" "$T_REF" "$(ratio "$T_PEOPLE" "$T_REF")" "$PCSV_MB" "$DB_MB"
	# thidua's own account of it: the people's rows, the word index, the
	# four secondary indexes (which .import into a bare table does not build)
	sed -n 's/^time /  where the time went: /p' "$OUT/import-people.log" | head -1
	printf '  the same rows and indexes written by the sqlite3 shell alone (bench/import_floor.sql): %s s, %sx .import; thidua %sx that\n' \
		"$T_FLOOR" "$(ratio "$T_FLOOR" "$T_REF")" "$(ratio "$T_PEOPLE" "$T_FLOOR")"
	printf 'wrk -t1 -c%s -d%ss --timeout %s; thidua default threads (%s) with --reply-cache 0, nginx worker_processes 1, same body and Content-Type\n' \
		"$CONNS" "$DUR" "$TIMEOUT" "$CORES"
	for n in "${NAMES[@]}"; do
		t=t-$n g=n-$n
		printf '%-46s thidua %6s rps p99 %7s | nginx %6s rps p99 %7s | ratio %s (p99 %s)  [%s bytes, alone %s; thidua CPU %s a request, %s%% of a core]\n' \
			"${LABELS[$n]}" "${RPS[$t]}" "$(fmt_ms "${P99[$t]}")" "${RPS[$g]}" "$(fmt_ms "${P99[$g]}")" \
			"$(ratio "${RPS[$t]}" "${RPS[$g]}")" "$(ratio "${P99[$t]}" "${P99[$g]}" | sed 's/[0-9]$/&x/')" "${BYTES[$n]}" "$(fmt_ms "${ONE[$n]}")" \
			"$(fmt_ms "${CPU[$t]}")" "${SHARE[$t]:-n/a}"
		[ -n "${ERRS[$t]}" ] && printf '%-46s   thidua: %s\n' "" "${ERRS[$t]}"
		[ -n "${ERRS[$g]}" ] && printf '%-46s   nginx: %s\n' "" "${ERRS[$g]}"
	done
	printf 'the same with the reply cache (a repeated GET of an unchanged database):\n'
	for n in "${CACHED[@]}"; do
		h=h-$n g=n-$n
		printf '%-46s thidua %6s rps p99 %7s | nginx %6s rps p99 %7s | ratio %s (p99 %s)  [thidua CPU %s a request, %s%% of a core]\n' \
			"${LABELS[$n]}" "${RPS[$h]}" "$(fmt_ms "${P99[$h]}")" "${RPS[$g]}" "$(fmt_ms "${P99[$g]}")" \
			"$(ratio "${RPS[$h]}" "${RPS[$g]}")" "$(ratio "${P99[$h]}" "${P99[$g]}" | sed 's/[0-9]$/&x/')" \
			"$(fmt_ms "${CPU[$h]}")" "${SHARE[$h]:-n/a}"
		[ -n "${ERRS[$h]}" ] && printf '%-46s   thidua: %s\n' "" "${ERRS[$h]}"
	done
	printf 'people search "nguyen van": %s matches of %s\n' "$PEOPLE_HITS" "$PEOPLE"
	printf 'achievements: %s records (bench/achievements.sql %s s); eligibility scan of CSTD_BO_TINH %s, %s %s (%s people, %s records): %s eligible, %s manual, %s ineligible, as the SQL counts\n' \
		"$ACH_ROWS" "$T_ACH" "$ELIG_YEAR" "$ELIG_CODE" "$ELIG_UNAME" "$ELIG_PEOPLE" "$ELIG_RECORDS" "$ELIG_ELIGIBLE" "$ELIG_MANUAL" "$ELIG_INELIGIBLE"
	printf '  scan over HTTP alone %s (GET /api/v1/eligibility/scan, first 50 with reasons) vs the conditions as one SQL query in the sqlite3 shell %s: ratio %sx (aim: at most 1)\n' \
		"$(fmt_ms "${ONE[scan]}")" "$(fmt_ms "$(div "$SQL_E_US" 1000 %.3f)")" "$(ratio "${ONE[scan]}" "$(div "$SQL_E_US" 1000 %.3f)")"
	printf '  CPU time: the scan in the server %s a request vs the sqlite3 shell running the query once %s (a whole process; CPU of 5 runs less 1 over 4: %s): ratio %sx\n' \
		"$(fmt_ms "$CPU_SCAN")" "$(fmt_ms "$(div "$C_ELIG_SHELL" 0.001 %.3f)")" "$(fmt_ms "$C_SQL_E_MS")" "$(ratio "$CPU_SCAN" "$C_SQL_E_MS")"
	printf '  thidua eligibility (a whole process: open, scan, every eligible person with reasons) %s, %s of CPU (its start alone %s of CPU) vs sqlite3 running the query (a whole process) %s, %s of CPU: ratio %sx, of CPU %sx\n' \
		"$(fmt_ms "$(div "$T_ELIG_CLI" 0.001 %.3f)")" "$(fmt_ms "$(div "$C_ELIG_CLI" 0.001 %.3f)")" "$(fmt_ms "$(div "$C_CLI_START" 0.001 %.3f)")" \
		"$(fmt_ms "$(div "$T_ELIG_SHELL" 0.001 %.3f)")" "$(fmt_ms "$(div "$C_ELIG_SHELL" 0.001 %.3f)")" "$(ratio "$T_ELIG_CLI" "$T_ELIG_SHELL")" "$(ratio "$C_ELIG_CLI" "$C_ELIG_SHELL")"
	printf 'movement: %s models, %s result values; dashboard alone %s vs the same aggregation in the sqlite3 shell %s, ratio %sx\n' \
		"$MV_MODELS" "$MV_RESULTS" "$(fmt_ms "${ONE[dash]}")" "$(fmt_ms "$(div "$SQL_C_US" 1000 %.3f)")" "$(ratio "${ONE[dash]}" "$(div "$SQL_C_US" 1000 %.3f)")"
	if [ "$PG_DONE" = 1 ]; then
		printf 'the same on PostgreSQL (migrate-db %s s; a throw-away cluster on a unix socket; --reply-cache 0), ratios to SQLite in this run:\n' "$T_MIGRATE"
		for n in "${PG_NAMES[@]}"; do
			p=p-$n t=t-$n
			printf '%-46s postgres %6s rps p99 %7s | sqlite %6s rps | ratio to sqlite %s, to nginx %s  [alone %s vs %s; thidua CPU %s a request]\n' \
				"${LABELS[$n]}" "${RPS[$p]}" "$(fmt_ms "${P99[$p]}")" "${RPS[$t]}" "$(ratio "${RPS[$p]}" "${RPS[$t]}")" \
				"$(ratio "${RPS[$p]}" "${RPS[n-$n]}")" "$(fmt_ms "${ONE[$p]}")" "$(fmt_ms "${ONE[$n]}")" "$(fmt_ms "${CPU[$p]}")"
			[ -n "${ERRS[$p]}" ] && printf '%-46s   thidua: %s\n' "" "${ERRS[$p]}"
		done
		printf 'the same with the reply cache on both (a repeated GET of an unchanged database), ratios to SQLite with its cache:\n'
		for n in units unitpage people dash; do
			q=q-$n h=h-$n
			printf '%-46s postgres %6s rps p99 %7s | sqlite %6s rps | ratio to sqlite %s, to nginx %s  [thidua CPU %s a request]\n' \
				"${LABELS[$n]}" "${RPS[$q]}" "$(fmt_ms "${P99[$q]}")" "${RPS[$h]}" "$(ratio "${RPS[$q]}" "${RPS[$h]}")" \
				"$(ratio "${RPS[$q]}" "${RPS[n-$n]}")" "$(fmt_ms "${CPU[$q]}")"
			[ -n "${ERRS[$q]}" ] && printf '%-46s   thidua: %s\n' "" "${ERRS[$q]}"
		done
		printf 'dashboard on PostgreSQL alone %s vs the same aggregation in psql %s, ratio %sx\n' \
			"$(fmt_ms "${ONE[p-dash]}")" "$(fmt_ms "$PSQL_C_MS")" "$(ratio "${ONE[p-dash]}" "$PSQL_C_MS")"
		printf 'eligibility scan on PostgreSQL alone %s vs the conditions as one query in psql %s, ratio %sx\n' \
			"$(fmt_ms "${ONE[p-scan]}")" "$(fmt_ms "$PSQL_E_MS")" "$(ratio "${ONE[p-scan]}" "$PSQL_E_MS")"
	fi
	# where a request's CPU goes: when every process is busy, the 2 cores
	# serve about 2 / (the sum) requests a second, whatever the server
	sum3() { awk -v a="$1" -v b="$2" -v c="$3" 'BEGIN { if (a == "" || b == "") printf "n/a"; else printf "%.3f", a + b + c }'; }
	printf 'CPU a request, every process of the machine, ms (rate ratios follow the sums: nginx with wrk over thidua with wrk and the rest):\n'
	for n in units unitpage people elig; do
		[ -n "${RPS[t-$n]:-}" ] || continue
		t=t-$n g=n-$n p=p-$n
		line=$(printf 'nginx %s + wrk %s = %s | thidua %s + wrk %s + rest %s = %s' \
			"${OCPU[$g]:-n/a}" "${WCPU[$g]:-n/a}" "$(sum3 "${OCPU[$g]}" "${WCPU[$g]}" 0)" \
			"${CPU[$t]:-n/a}" "${WCPU[$t]:-n/a}" "${OCPU[$t]:-n/a}" "$(sum3 "${CPU[$t]}" "${WCPU[$t]}" "${OCPU[$t]}")")
		[ "$PG_DONE" = 1 ] && [ -n "${RPS[$p]:-}" ] &&
			line="$line | on PostgreSQL: thidua ${CPU[$p]:-n/a} + wrk ${WCPU[$p]:-n/a} + postgres ${OCPU[$p]:-n/a} = $(sum3 "${CPU[$p]}" "${WCPU[$p]}" "${OCPU[$p]}")"
		printf '%-46s %s\n' "${LABELS[$n]}" "$line"
	done
	for n in units unitpage people; do
		[ -n "${RPS[h-$n]:-}" ] || continue
		h=h-$n q=q-$n
		line=$(printf 'thidua %s + wrk %s + rest %s = %s' "${CPU[$h]:-n/a}" "${WCPU[$h]:-n/a}" "${OCPU[$h]:-n/a}" "$(sum3 "${CPU[$h]}" "${WCPU[$h]}" "${OCPU[$h]}")")
		[ "$PG_DONE" = 1 ] && [ -n "${RPS[$q]:-}" ] &&
			line="$line | on PostgreSQL: thidua ${CPU[$q]:-n/a} + wrk ${WCPU[$q]:-n/a} + postgres ${OCPU[$q]:-n/a} = $(sum3 "${CPU[$q]}" "${WCPU[$q]}" "${OCPU[$q]}")"
		printf '%-46s %s\n' "${LABELS[$n]}, cached" "$line"
	done
	printf 'the SQL of a cold read alone, in one process (bench/sql_replay.c: the statements the request ran, prepared once, every row and column read), against the CPU a request may use at the aim (nginx and its wrk over the aim, less thidua'"'"'s wrk):\n'
	for n in units unitpage people; do
		[ -n "${SQLREP[$n]:-}" ] || continue
		t=t-$n g=n-$n
		printf '%-46s SQL %s us (%s statements; the sqlite3 shell parsing them each time %s us) | thidua'"'"'s whole request %s us | at the aim %s: %s us\n' "${LABELS[$n]}" "${SQLREP[$n]}" "${SQLN[$n]}" "${SQLSH[$n]:-n/a}" \
			"$(awk -v c="${CPU[$t]}" 'BEGIN { if (c == "") printf "n/a"; else printf "%.0f", c * 1000 }')" "${AIM[$n]}" \
			"$(awk -v o="${OCPU[$g]}" -v w="${WCPU[$g]}" -v tw="${WCPU[$t]}" -v a="${AIM[$n]}" 'BEGIN { if (o == "" || w == "" || tw == "") printf "n/a"; else printf "%.0f", ((o + w) / a - tw) * 1000 }')"
	done
	printf 'tasks: %s tasks, %s progress reports; status counts as of %s alone %s vs the same query in the sqlite3 shell %s, ratio %sx; of one province (%s, %s tasks) %s vs %s, ratio %sx\n' \
		"$TK_TASKS" "$TK_REPORTS" "$TK_DATE" "$(fmt_ms "${ONE[tstatus]}")" "$(fmt_ms "$(div "$SQL_T1_US" 1000 %.3f)")" \
		"$(ratio "${ONE[tstatus]}" "$(div "$SQL_T1_US" 1000 %.3f)")" "$TK_UNIT" "$TK_PROV" "$(fmt_ms "${ONE[tprov]}")" \
		"$(fmt_ms "$(div "$SQL_T2_US" 1000 %.3f)")" "$(ratio "${ONE[tprov]}" "$(div "$SQL_T2_US" 1000 %.3f)")"
	printf 'RSS idle %s MB, under load %s MB (peak of 0.5 s samples; VmHWM %s MB, after load %s MB)\n' \
		"$(div "$RSS_IDLE" 1024 %.0f)" "$(div "$RSS_PEAK" 1024 %.0f)" "$(div "$RSS_HWM" 1024 %.0f)" "$(div "$RSS_END" 1024 %.0f)"
	printf '%s\n' "$VOTES_LINE"
} >"$S"
echo
cat "$S"
