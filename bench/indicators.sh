#!/usr/bin/env bash
# thidua benchmark of indicators (issue 13), each figure against the same
# computation in the sqlite3 shell, measured in the same run:
#   1. a roll-up to the root of one indicator for one period, over
#      BENCH_IND_VALUES values of BENCH_IND_UNITS units: thidua reads the row
#      kept live (GET /api/v1/indicator-figures?children=0) against the SQL
#      that sums the subtree's values;
#   2. the ranking of an index of 10 criteria over 1 000 units for a year (and
#      the year before, for the change): GET /api/v1/indexes/{id}/ranking against
#      one SQL statement computing the same points and ranks from the roll-up;
#   3. entering one value and reading the province's figure back (POST then GET).
#
#   bench/indicators.sh [build/release/thidua]     (make bench runs it after bench/run.sh)
#
# Environment: BENCH_IND_UNITS=100000 (a root, 1 000 districts, the rest communes),
# BENCH_IND_FRESH=1 rebuilds the data set, BENCH_PORT=18490. The data set (about
# 2 GB) stays in build/bench/indicators.db. Fails only when something does not work.
set -euo pipefail

BIN=${1:-build/release/thidua}
case "$BIN" in /*) ;; *) BIN="$PWD/$BIN" ;; esac
cd "$(dirname "$0")/.."
OUT=$PWD/build/bench
mkdir -p "$OUT"
UNITS=${BENCH_IND_UNITS:-100000}
FRESH=${BENCH_IND_FRESH:-0}
PORT=${BENCH_PORT:-18490}
NIND=20
YEARS="2021 2022 2023 2024 2025"
DISTRICTS=1000
COMMUNES=$((UNITS - DISTRICTS - 1))
VALUES=$(( (UNITS - 1) * NIND * 5 ))
DB=$OUT/indicators-$UNITS.db
SPID=""

log() { printf '%s\n' "$*" >&2; }
fail() { log "bench/indicators: FAILED: $*"; exit 1; }
cleanup() { [ -n "$SPID" ] && kill -TERM "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null || true; }
trap cleanup EXIT
for t in curl wrk sqlite3 awk node; do command -v "$t" >/dev/null 2>&1 || fail "$t is not installed"; done
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" -v f="${2:-%.2f}" 'BEGIN { printf f, b - a }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a <= 0 || b <= 0) { printf "n/a"; exit } v = a / b;
	if (v >= 10) printf "%.1f", v; else if (v >= 0.1) printf "%.2f", v; else printf "%.4f", v }'; }

# ---------------------------------------------------------------- the data set
if [ "$FRESH" = 1 ] || [ ! -s "$DB" ] || [ sql/sqlite/020_indicators.sql -nt "$DB" ]; then
	rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.key"
	"$BIN" init --db "$DB" >"$OUT/indicators-init.log" 2>&1 || { cat "$OUT/indicators-init.log" >&2; fail "thidua init"; }
	log "== $UNITS units, $NIND yearly indicators, $VALUES values (sqlite3)"
	t0=$(now)
	sqlite3 -bail "$DB" >"$OUT/indicators-load.log" 2>&1 <<SQL || { tail "$OUT/indicators-load.log" >&2; fail "loading the data set"; }
PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000;
BEGIN;
-- the root is the one thidua init makes (id 1, path /1/)
UPDATE units SET children = $DISTRICTS WHERE id = 1 AND path = '/1/';
WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < $DISTRICTS + 1)
INSERT INTO units (id, code, name, search, kind, parent_id, path, depth, children, created_at, updated_at)
SELECT i, 'D' || i, 'Huyện ' || i, 'huyen ' || i, 'district', 1, '/1/' || i || '/', 1, 0, 'now', 'now' FROM n;
WITH RECURSIVE n(i) AS (SELECT $DISTRICTS + 2 UNION ALL SELECT i + 1 FROM n WHERE i < $UNITS)
INSERT INTO units (id, code, name, search, kind, parent_id, path, depth, children, created_at, updated_at)
SELECT i, 'C' || i, 'Xã ' || i, 'xa ' || i, 'commune', 2 + (i % $DISTRICTS), '/1/' || (2 + (i % $DISTRICTS)) || '/' || i || '/', 2, 0, 'now', 'now' FROM n;
UPDATE units SET children = (SELECT count(*) FROM units c WHERE c.parent_id = units.id) WHERE kind = 'district';
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $NIND)
INSERT INTO indicators (id, code, name_vi, name_en, name_hi, measure, kind, aggregation, direction, period_type, decimals, created_at, updated_at)
SELECT i, printf('i%02d', i), 'Chỉ tiêu ' || i, 'Indicator ' || i, 'संकेतक ' || i, '',
       CASE WHEN i <= 14 THEN 'number' WHEN i <= 17 THEN 'percent' ELSE 'ratio' END,
       CASE WHEN i <= 14 THEN 'sum' WHEN i <= 17 THEN 'mean' ELSE 'weighted' END, 'higher', 'year', 0, 'now', 'now' FROM n;
CREATE TEMP TABLE years(y TEXT);
INSERT INTO years VALUES ('2021'), ('2022'), ('2023'), ('2024'), ('2025');
-- in the primary key's order; a ratio's value is 100 × numerator / denominator
INSERT INTO indicator_values (indicator_id, unit_id, period, value, numerator, denominator, status, seq, entered_at)
SELECT i.id, u.id, y.y,
       CASE WHEN i.kind = 'ratio' THEN (abs(random()) % 1000) / 10.0 WHEN i.kind = 'percent' THEN (abs(random()) % 1001) / 10.0 ELSE abs(random()) % 1000 END,
       NULL, NULL, 'entered', (u.id * 100 + i.id) * 10 + (y.y - 2020), 'now'
FROM indicators i, units u, years y WHERE u.id > 1 ORDER BY i.id, u.id, y.y;
UPDATE indicator_values SET numerator = value * 10, denominator = 1000 WHERE indicator_id > 17;
COMMIT;
SQL
	log "   loaded in $(since "$t0") s"
	t0=$(now)
	# the live roll-up's rows, built once as rollup_rebuild() does (src/indicators/rollup.c)
	sqlite3 -bail "$DB" >>"$OUT/indicators-load.log" 2>&1 <<'SQL' || { tail "$OUT/indicators-load.log" >&2; fail "building the roll-up"; }
PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000;
BEGIN;
INSERT INTO indicator_rollup (indicator_id, unit_id, period, n, total, num, den, latest_seq, latest)
WITH RECURSIVE anc(unit_id, ancestor_id) AS (SELECT id, id FROM units
  UNION ALL SELECT a.unit_id, u.parent_id FROM anc a JOIN units u ON u.id = a.ancestor_id WHERE u.parent_id IS NOT NULL)
SELECT v.indicator_id, a.ancestor_id, v.period, count(*), sum(v.value), COALESCE(sum(v.numerator), 0), COALESCE(sum(v.denominator), 0), max(v.seq), 0
FROM indicator_values v JOIN anc a ON a.unit_id = v.unit_id GROUP BY v.indicator_id, a.ancestor_id, v.period;
UPDATE indicator_rollup SET latest = (SELECT v.value FROM indicator_values v WHERE v.indicator_id = indicator_rollup.indicator_id
  AND v.unit_id = indicator_rollup.unit_id AND v.period = indicator_rollup.period) WHERE unit_id > 1;
COMMIT;
ANALYZE;
SQL
	log "   roll-up built in $(since "$t0") s"
else
	log "== reusing $DB (BENCH_IND_FRESH=1 rebuilds)"
fi
NVAL=$(sqlite3 "$DB" "SELECT count(*) FROM indicator_values")
NUNITS=$(sqlite3 "$DB" "SELECT count(*) FROM units")

# ---------------------------------------------------------------- SQL baselines
# sql_us NAME REPS STMT -> microseconds per statement (K runs minus one run, over K-1)
sql_us() {
	local name=$1 reps=$2 stmt=$3 f1="$OUT/ind-sql-$1-1.sql" fk="$OUT/ind-sql-$1-k.sql" t0 t1 tk
	printf '.output /dev/null\n%s\n' "$stmt" >"$f1"
	{ printf '.output /dev/null\n'; S=$stmt awk -v n="$reps" 'BEGIN { for (i = 0; i < n; i++) print ENVIRON["S"] }'; } >"$fk"
	sqlite3 -bail "$DB" <"$f1" >/dev/null 2>"$OUT/ind-sql-$name.err" || { cat "$OUT/ind-sql-$name.err" >&2; fail "the SQL baseline $name"; }
	t0=$(now); sqlite3 "$DB" <"$f1" >/dev/null 2>&1; t1=$(since "$t0" %.6f)
	t0=$(now); sqlite3 "$DB" <"$fk" >/dev/null 2>&1; tk=$(since "$t0" %.6f)
	awk -v a="$t1" -v b="$tk" -v n="$reps" 'BEGIN { v = (b - a) / (n - 1) * 1e6; if (v < 0) v = 0; printf "%.0f", v }'
}
# the roll-up to the root as plain SQL: the values of the root's subtree (a range of paths)
SQL_ROLLUP="SELECT count(*), sum(v.value) FROM units u JOIN indicator_values v ON v.unit_id = u.id AND v.indicator_id = 1 AND v.period = '2025' WHERE u.path >= '/1/' AND u.path < '/10';"
# the index's points and ranks of the 1 000 districts for 2025 and 2024 from the roll-up rows,
# as indexes.c computes them (linear, thresholds, rank with ties sharing the better rank)
SQL_RANK="WITH f AS (SELECT r.unit_id, r.period, i.id AS ind,
  CASE i.aggregation WHEN 'sum' THEN r.total WHEN 'mean' THEN r.total / r.n ELSE i.factor * r.num / r.den END AS v
  FROM units u JOIN indicator_rollup r ON r.unit_id = u.id JOIN indicators i ON i.id = r.indicator_id
  WHERE u.parent_id = 1 AND u.active = 1 AND r.period IN ('2025', '2024') AND r.indicator_id IN (1, 2, 3, 4, 5, 6, 15, 16, 18, 19)),
g AS (SELECT f.*, count(*) OVER (PARTITION BY period, ind) AS cnt, rank() OVER (PARTITION BY period, ind ORDER BY v DESC) AS rk FROM f),
p AS (SELECT unit_id, period, CASE ind
  WHEN 1 THEN 100 * min(max(v / 1000.0, 0), 1) WHEN 2 THEN 100 * min(max(v / 1000.0, 0), 1)
  WHEN 3 THEN CASE WHEN v >= 800 THEN 100 WHEN v >= 500 THEN 60 WHEN v >= 200 THEN 30 ELSE 0 END
  WHEN 15 THEN 150 * min(max(v / 100.0, 0), 1) WHEN 16 THEN 150.0 * (cnt - rk) / (cnt - 1)
  WHEN 18 THEN 100 * min(max(v / 100.0, 0), 1) WHEN 19 THEN 100 * min(max(v / 100.0, 0), 1) WHEN 4 THEN 100.0 * (cnt - rk) / (cnt - 1)
  WHEN 5 THEN 50 * min(max((v - 100000) / -100000.0, 0), 1)
  ELSE CASE WHEN v >= 90000 THEN 50 WHEN v >= 50000 THEN 30 WHEN v >= 10000 THEN 10 ELSE 0 END END AS pts FROM g),
s AS (SELECT unit_id, period, sum(pts) AS score FROM p GROUP BY unit_id, period)
SELECT s.unit_id, u.code, u.name, s.period, s.score, rank() OVER (PARTITION BY s.period ORDER BY s.score DESC, u.code) FROM s JOIN units u ON u.id = s.unit_id ORDER BY s.period, 6;"
log "== SQL baselines in the sqlite3 shell"
US_ROLLUP=$(sql_us rollup 20 "$SQL_ROLLUP")
US_RANK=$(sql_us rank 20 "$SQL_RANK")
log "   roll-up to the root: $US_ROLLUP µs; index ranking: $US_RANK µs"

# ---------------------------------------------------------------- thidua serve
while (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; do PORT=$((PORT + 1)); done
"$BIN" serve --db "$DB" --listen "127.0.0.1:$PORT" --threads 2 --reply-cache 0 >"$OUT/indicators-serve.log" 2>&1 &
SPID=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
BASE=http://127.0.0.1:$PORT
PW=$(sed -n 's/^admin password: //p' "$OUT/indicators-init.log")
TOKEN=$(curl -fs -H 'Content-Type: application/json' -d "{\"login\":\"admin\",\"password\":\"$PW\"}" "$BASE/api/v1/login" | sed -n 's/.*"token" *: *"\([^"]*\)".*/\1/p')
[ -n "$TOKEN" ] || fail "login"
AUTH="Authorization: Bearer $TOKEN"
IX=$(curl -fs -H "$AUTH" "$BASE/api/v1/indexes" | sed -n 's/.*"id":\([0-9]*\),"code":"DTI-BENCH".*/\1/p')
if [ -z "$IX" ]; then
	IX=$(curl -fs -H "$AUTH" -H 'Content-Type: application/json' "$BASE/api/v1/indexes" -d '{"code":"DTI-BENCH","name_vi":"Chỉ số","name_en":"Index","name_hi":"Index",
	"scope_id":1,"unit_kind":"district","total_points":1000,"criteria":[
	{"code":"A","name_vi":"A","name_en":"A","name_hi":"A","points":300},
	{"code":"A1","name_vi":"A1","name_en":"A1","name_hi":"A1","points":100,"parent":"A","indicator":"i01","method":"linear","lo":0,"hi":1000},
	{"code":"A2","name_vi":"A2","name_en":"A2","name_hi":"A2","points":100,"parent":"A","indicator":"i02","method":"linear","lo":0,"hi":1000},
	{"code":"A3","name_vi":"A3","name_en":"A3","name_hi":"A3","points":100,"parent":"A","indicator":"i03","method":"threshold","thresholds":"200:30;500:60;800:100"},
	{"code":"B","name_vi":"B","name_en":"B","name_hi":"B","points":300},
	{"code":"B1","name_vi":"B1","name_en":"B1","name_hi":"B1","points":150,"parent":"B","indicator":"i15","method":"linear","lo":0,"hi":100},
	{"code":"B2","name_vi":"B2","name_en":"B2","name_hi":"B2","points":150,"parent":"B","indicator":"i16","method":"rank"},
	{"code":"C","name_vi":"C","name_en":"C","name_hi":"C","points":300},
	{"code":"C1","name_vi":"C1","name_en":"C1","name_hi":"C1","points":100,"parent":"C","indicator":"i18","method":"linear","lo":0,"hi":100},
	{"code":"C2","name_vi":"C2","name_en":"C2","name_hi":"C2","points":100,"parent":"C","indicator":"i19","method":"linear","lo":0,"hi":100},
	{"code":"C3","name_vi":"C3","name_en":"C3","name_hi":"C3","points":100,"parent":"C","indicator":"i04","method":"rank"},
	{"code":"D","name_vi":"D","name_en":"D","name_hi":"D","points":100},
	{"code":"D1","name_vi":"D1","name_en":"D1","name_hi":"D1","points":50,"parent":"D","indicator":"i05","method":"linear","lo":100000,"hi":0},
	{"code":"D2","name_vi":"D2","name_en":"D2","name_hi":"D2","points":50,"parent":"D","indicator":"i06","method":"threshold","thresholds":"10000:10;50000:30;90000:50"}]}' \
	| sed -n 's/^{"id":\([0-9]*\),.*/\1/p')
fi
[ -n "$IX" ] || fail "creating the index"
N_RANKED=$(curl -fs -H "$AUTH" "$BASE/api/v1/indexes/$IX/ranking?year=2025" | grep -o '"rank":' | wc -l)
[ "$N_RANKED" = "$DISTRICTS" ] || fail "the ranking has $N_RANKED units, not $DISTRICTS"

# the mean time of a request of one connection doing one after another, in µs:
# 1 / (requests per second), which a stall of the machine moves less than wrk's mean latency
wrk_us() {
	local f="$OUT/ind-wrk-$1.txt"
	wrk -t1 -c1 -d5s -H "$AUTH" "$2" >"$f" 2>&1 || { cat "$f" >&2; fail "wrk $1"; }
	grep -q 'Non-2xx' "$f" && { cat "$f" >&2; fail "wrk $1: non-2xx answers"; }
	awk '/^Requests\/sec:/ { if ($2 > 0) printf "%.0f", 1e6 / $2 }' "$f"
}
log "== thidua"
US_LIVE=$(wrk_us rollup "$BASE/api/v1/indicator-figures?indicator=i01&unit_id=1&period=2025&children=0")
US_IX=$(wrk_us rank "$BASE/api/v1/indexes/$IX/ranking?year=2025")

# entering one value of a commune and reading the province's figure back, 300 times;
# the server's CPU time over them (utime + stime of /proc/PID/stat, in clock ticks)
server_cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SPID/stat"; }
CPU0=$(server_cpu_ticks)
ENTRY=$(BASE=$BASE TOKEN=$TOKEN FIRST=$((DISTRICTS + 2)) LAST=$UNITS node --input-type=module -e '
const { BASE, TOKEN, FIRST, LAST } = process.env;
const h = { Authorization: "Bearer " + TOKEN, "Content-Type": "application/json" };
const times = [];
let expect = null;
for (let k = 0; k < 330; k++) {
  const unit = Number(FIRST) + Math.floor(Math.random() * (Number(LAST) - Number(FIRST)));
  const t0 = process.hrtime.bigint();
  const w = await fetch(BASE + "/api/v1/indicator-values", { method: "POST", headers: h,
    body: JSON.stringify({ unit_id: unit, period: "2025", values: [{ indicator: "i01", value: 1000 + k }] }) });
  if (w.status !== 200) throw new Error("POST " + w.status + " " + await w.text());
  await w.arrayBuffer();
  const r = await fetch(BASE + "/api/v1/indicator-figures?indicator=i01&unit_id=1&period=2025&children=0", { headers: h });
  const j = await r.json();
  const t1 = process.hrtime.bigint();
  if (k >= 30) times.push(Number(t1 - t0) / 1e3);
  if (expect !== null && j.figure.value === expect) throw new Error("the figure did not move");
  expect = j.figure.value;
}
times.sort((a, b) => a - b);
const mean = times.reduce((s, x) => s + x, 0) / times.length;
console.log(Math.round(mean), Math.round(times[Math.floor(times.length / 2)]), Math.round(times[Math.floor(times.length * 0.95)]));
') || fail "entry and read back"
read -r US_ENTRY US_ENTRY_P50 US_ENTRY_P95 <<<"$ENTRY"
# the server's CPU per entry (POST + GET; the 30 warm-up entries included: 330)
US_ENTRY_CPU=$(awk -v a="$CPU0" -v b="$(server_cpu_ticks)" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", (b - a) / hz * 1e6 / 330 }')
cleanup
SPID=""
# the same in the process, without HTTP (bench/ind_entry.c against the release library)
LIB=$(dirname "$BIN")/libthidua.a
PKGS="libevent libevent_pthreads jansson libsodium sqlite3 xlsxwriter libmagic libzip libxml-2.0 cairo pangocairo fontconfig pwquality icu-i18n icu-uc libpq libqrencode"
cc -std=c11 -D_GNU_SOURCE -O2 -Isrc -Isrc/web -Ibuild/gen $(pkg-config --cflags $PKGS) -o "$OUT/ind_entry" bench/ind_entry.c "$LIB" \
	$(pkg-config --libs $PKGS) -lpthread -lm || fail "cannot build bench/ind_entry.c"
LIBOUT=$("$OUT/ind_entry" "$DB" $((DISTRICTS + 2)) "$UNITS" 1 300) || fail "bench/ind_entry"
{ read -r US_LIB US_LIB_P50 US_LIB_P95; read -r US_LIB_CPU US_LIB_CPU_P50 US_LIB_CPU_P95
  read -r SLOW SLOW_CKPT SLOW_EXCESS SLOW_CPU SLOW_VCSW SLOW_IVCSW ALL_VCSW ALL_IVCSW
  read -r US_NOSYNC US_NOSYNC_P50 US_NOSYNC_P95 NOSYNC_VCSW; } <<<"$LIBOUT"

SUMMARY="indicators: $NVAL values over $NUNITS units ($DISTRICTS districts ranked), load $(cut -d' ' -f1 /proc/loadavg)
  roll-up to the root, one indicator, one period: thidua (live row, HTTP) ${US_LIVE} µs, sqlite3 shell SUM over the subtree ${US_ROLLUP} µs: $(ratio "$US_LIVE" "$US_ROLLUP")×
  index ranking of $DISTRICTS units (10 criteria, this year and last): thidua (HTTP) ${US_IX} µs, sqlite3 shell one statement ${US_RANK} µs: $(ratio "$US_IX" "$US_RANK")×
  enter one value and read the province's figure back (POST + GET, node fetch): mean ${US_ENTRY} µs, p50 ${US_ENTRY_P50} µs, p95 ${US_ENTRY_P95} µs; server CPU ${US_ENTRY_CPU} µs per entry
  the same in the process (indicators_enter + indicator_value, commit included): mean ${US_LIB} µs, p50 ${US_LIB_P50} µs, p95 ${US_LIB_P95} µs
    its CPU time: mean ${US_LIB_CPU} µs, p50 ${US_LIB_CPU_P50} µs, p95 ${US_LIB_CPU_P95} µs
    entries over 2 × the median: ${SLOW} of 300 (${SLOW_CKPT} at a WAL checkpoint), ${SLOW_EXCESS}% of the time; each: CPU ${SLOW_CPU} µs, ${SLOW_VCSW} waits (voluntary switches: fsync, lock), ${SLOW_IVCSW} preemptions (load); every entry: ${ALL_VCSW} waits, ${ALL_IVCSW} preemptions
    the same without the fsync of the log at each commit (synchronous=NORMAL; thidua keeps FULL): mean ${US_NOSYNC} µs, p50 ${US_NOSYNC_P50} µs, p95 ${US_NOSYNC_P95} µs, ${NOSYNC_VCSW} waits per entry"
printf '%s\n' "$SUMMARY"
printf '%s\n' "$SUMMARY" >"$OUT/indicators-summary.txt"
