#!/bin/sh
# make bench-clusters: a bloc of 500 members × 300 criteria, each member
# scored by the leader and 10 others (bench/clusters.sql); its ranking
# (trimmed mean) and bias report computed from scratch by thidua
# (bench/clusters_bench.c), and the same aggregation in the sqlite3 shell.
# Fails only when something does not work; never on timing.
set -e
BIN=${1:-build/release/thidua}
OUT=build/bench/clusters
mkdir -p "$OUT"
DB="$OUT/bloc.db"
rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.key"
"$BIN" init --db "$DB" >/dev/null
sqlite3 "$DB" <bench/clusters.sql
ms() { date +%s%3N; }
build/release/clusters_bench "$DB"
# the reference: the same trimmed means, points per criterion and leave-one-out bias in one sqlite3 run
t0=$(ms)
sqlite3 "$DB" >"$OUT/sqlite3.out" <<'SQL'
CREATE TEMP TABLE cards AS SELECT s.id, s.scorer_id, s.target_id, s.total_c,
	row_number() OVER (PARTITION BY s.target_id ORDER BY s.total_c, s.scorer_id) AS rn,
	count(*) OVER (PARTITION BY s.target_id) AS n
	FROM cluster_scorecards s JOIN cluster_years y ON y.id = s.cluster_year_id JOIN clusters c ON c.id = y.cluster_id
	WHERE c.code = 'KHOI-BENCH' AND s.kind = 'cross' AND s.status = 'submitted';
CREATE TEMP TABLE kept AS SELECT * FROM cards WHERE n <= 2 OR (rn > 1 AND rn < n);
CREATE TEMP TABLE final AS SELECT target_id, avg(total_c) / 100.0 AS total FROM kept GROUP BY target_id;
CREATE TEMP TABLE per_crit AS SELECT k.target_id, p.criterion_id, avg(p.points_c) / 100.0 AS pts
	FROM kept k JOIN cluster_scores p ON p.scorecard_id = k.id GROUP BY k.target_id, p.criterion_id;
CREATE TEMP TABLE bias AS SELECT c.scorer_id, avg((c.total_c - (t.s - c.total_c) * 1.0 / (t.n - 1)) / 100.0) AS md
	FROM cards c JOIN (SELECT target_id, sum(total_c) AS s, count(*) AS n FROM cards GROUP BY target_id) t ON t.target_id = c.target_id
	WHERE t.n > 1 GROUP BY c.scorer_id;
SELECT (SELECT u.code FROM final f JOIN units u ON u.id = f.target_id ORDER BY f.total DESC LIMIT 1),
	(SELECT printf('%.2f', max(total)) FROM final), (SELECT count(*) FROM per_crit), (SELECT count(*) FROM bias);
SQL
t1=$(ms)
echo "sqlite3 shell, the same aggregation: $((t1 - t0)) ms ($(cat "$OUT/sqlite3.out"))"
