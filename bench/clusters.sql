-- The clusters benchmark's bloc (make bench-clusters): 500 members ×
-- 300 criteria, each member scored by the leader (member 1) and the 10
-- members after it, every card submitted: about 5 500 cards and 1,65 million
-- points, on a database made by `thidua init`.
PRAGMA journal_mode = WAL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
INSERT INTO units (code, name, kind, parent_id, path, depth, search, sort_key, active, created_at, updated_at)
SELECT 'BB-' || printf('%03d', i), 'Sở Y tế ' || i, 'department', 1, '/1/x' || i || '/', 1, 'so y te ' || i, CAST('Sở Y tế ' || printf('%03d', i) AS BLOB), 1, 'now', 'now' FROM n;
UPDATE units SET path = '/1/' || id || '/' WHERE code LIKE 'BB-%';
INSERT INTO clusters (code, name, kind, organiser_id, search, created_at, updated_at) VALUES ('KHOI-BENCH', 'Khối thi đua ngành y tế', 'bloc', 1, 'khoi', 'now', 'now');
INSERT INTO cluster_years (cluster_id, year, leader_id, deputy_id, cross_mode, method, trim_n, created_at, updated_at)
SELECT c.id, 2025, (SELECT id FROM units WHERE code = 'BB-001'), (SELECT id FROM units WHERE code = 'BB-002'), 'all', 'trimmed', 1, 'now', 'now'
FROM clusters c WHERE c.code = 'KHOI-BENCH';
INSERT INTO cluster_members (cluster_year_id, unit_id) SELECT (SELECT max(id) FROM cluster_years), id FROM units WHERE code LIKE 'BB-%';
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
INSERT INTO cluster_criteria (cluster_year_id, position, code, title, kind, max_c)
SELECT (SELECT max(id) FROM cluster_years), i, 'C' || i, 'Tiêu chí ' || i, CASE WHEN i = 299 THEN 'bonus' WHEN i = 300 THEN 'penalty' ELSE 'score' END, 1000 FROM n;
-- the cards: target t is scored by member 1 (the leader) and members t+1 … t+10 (wrapping), never by itself
CREATE TEMP TABLE m AS SELECT u.id, CAST(substr(u.code, 4) AS INTEGER) AS i FROM units u WHERE u.code LIKE 'BB-%';
WITH RECURSIVE k(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM k WHERE j < 10),
pairs AS (
	SELECT s.id AS scorer, t.id AS target FROM m t JOIN k JOIN m s ON s.i = ((t.i + k.j - 1) % 500) + 1
	UNION SELECT (SELECT id FROM m WHERE i = 1), t.id FROM m t WHERE t.i <> 1)
INSERT INTO cluster_scorecards (cluster_year_id, scorer_id, target_id, kind, status, updated_at)
SELECT (SELECT max(id) FROM cluster_years), scorer, target, 'cross', 'submitted', 'now' FROM pairs;
INSERT INTO cluster_scores (scorecard_id, criterion_id, points_c)
SELECT s.id, c.id, (s.target_id * 37 + c.position * 11 + s.scorer_id * 7) % 1001
FROM cluster_scorecards s JOIN cluster_criteria c ON c.cluster_year_id = s.cluster_year_id;
UPDATE cluster_scorecards SET total_c = (SELECT sum(CASE WHEN k.kind = 'penalty' THEN -p.points_c ELSE p.points_c END)
	FROM cluster_scores p JOIN cluster_criteria k ON k.id = p.criterion_id WHERE p.scorecard_id = cluster_scorecards.id);
COMMIT;
SELECT 'cards', count(*) FROM cluster_scorecards;
SELECT 'points', count(*) FROM cluster_scores;
