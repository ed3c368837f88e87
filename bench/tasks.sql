-- Task monitoring at scale (make bench): one programme of 100 000 tasks
-- over the bench's units (one task per unit, the first 100 000), with
-- 1 000 000 progress reports (ten per task), written straight into the
-- tables of migration 019 with the same invariants the domain keeps:
--   task i, assigned 2025-01-01 + i % 180 days;
--   deadline assigned + 30 + (7 i) % 300 days, none for every 20th (a regular task);
--   40% done (i % 5 in 0, 1): done 20 + i % 200 days after assignment, accepted 3 days later;
--   every 50th (i % 50 = 2, not done) extended by 90 days, recorded 40 days after assignment.
PRAGMA foreign_keys = OFF;
BEGIN;
DELETE FROM task_reports WHERE task_id IN (SELECT t.id FROM tasks t JOIN task_programmes p ON p.id = t.programme_id WHERE p.code = 'BENCH-TASKS');
DELETE FROM task_extensions WHERE task_id IN (SELECT t.id FROM tasks t JOIN task_programmes p ON p.id = t.programme_id WHERE p.code = 'BENCH-TASKS');
DELETE FROM tasks WHERE programme_id IN (SELECT id FROM task_programmes WHERE code = 'BENCH-TASKS');
DELETE FROM task_programmes WHERE code = 'BENCH-TASKS';
INSERT INTO task_programmes (code, title, kind, legal_source, owner_id, starts_on, created_at, updated_at)
SELECT 'BENCH-TASKS', 'Bench: 100 000 nhiệm vụ', 'resolution', 'bench/tasks.sql', id, '2025-01-01', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'
FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1;

CREATE TEMP TABLE bench_units AS SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM units;
CREATE UNIQUE INDEX temp.bench_units_k ON bench_units (k);

WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99999),
x AS (
	SELECT n.i, u.id AS lead,
	       date('2025-01-01', '+' || (n.i % 180) || ' days') AS a,
	       CASE WHEN n.i % 20 = 0 THEN NULL ELSE date('2025-01-01', '+' || (n.i % 180 + 30 + (7 * n.i) % 300) || ' days') END AS d0,
	       n.i % 5 IN (0, 1) AS done,
	       date('2025-01-01', '+' || (n.i % 180 + 20 + n.i % 200) || ' days') AS done_on,
	       n.i % 50 = 2 AND n.i % 20 <> 0 AS ext
	FROM n JOIN bench_units u ON u.k = n.i % (SELECT count(*) FROM bench_units)
)
INSERT INTO tasks (programme_id, code, title, assigner_id, lead_id, assigned_on, due_original, due_on, extended_on, percent, state,
		   done_on, accepted_on, created_at, updated_at)
SELECT p.id, printf('B-%06d', x.i), 'Nhiệm vụ số ' || x.i, p.owner_id, x.lead, x.a, x.d0,
       CASE WHEN x.ext THEN date(x.d0, '+90 days') ELSE x.d0 END,
       CASE WHEN x.ext THEN date(x.a, '+40 days') END,
       CASE WHEN x.done THEN 100 ELSE x.i % 100 END,
       CASE WHEN x.done THEN 'done' ELSE 'open' END,
       CASE WHEN x.done THEN x.done_on END,
       CASE WHEN x.done THEN date(x.done_on, '+3 days') END,
       '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'
FROM x, task_programmes p WHERE p.code = 'BENCH-TASKS';

INSERT INTO task_extensions (task_id, due_before, due_on, reason, recorded_on, created_at)
SELECT t.id, t.due_original, t.due_on, 'bench', t.extended_on, '2026-01-01T00:00:00Z'
FROM tasks t JOIN task_programmes p ON p.id = t.programme_id WHERE p.code = 'BENCH-TASKS' AND t.extended_on IS NOT NULL;

-- ten progress reports a task, the last a week before today's percent
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999999),
first AS (SELECT min(t.id) AS id FROM tasks t JOIN task_programmes p ON p.id = t.programme_id WHERE p.code = 'BENCH-TASKS')
INSERT INTO task_reports (task_id, kind, percent, note, reported_on, created_at)
SELECT first.id + n.i / 10, 'progress', (n.i % 10) * 10, 'Báo cáo tiến độ', date('2025-01-15', '+' || (n.i % 300) || ' days'),
       '2026-01-01T00:00:00Z'
FROM n, first;
COMMIT;
ANALYZE;
