-- The achievement records of the benchmark, written straight into the bench
-- database after its people are imported (thidua import achievements checks
-- and audits each record in its own savepoint: right for an office's file,
-- minutes for 10 million lines). run.sh first reads the generated CSV into
-- temp.ach_in (person_code, year, kind, value) and data/demo/rule_sets.csv
-- into temp.rs_in with the sqlite3 shell's .import; this script resolves the
-- people's codes and inserts the records in person then year order, and adds
-- the demo's rule set of CSTD_BO_TINH exactly as the demo file writes it (the
-- bench runs `thidua init`, not `thidua demo`). The scan parses the rule when
-- it runs, so a rule that does not parse fails the bench. Each record carries
-- its holder's unit as migration 025's triggers would set it (they check it).
PRAGMA cache_size = -400000;
BEGIN;
INSERT INTO achievements (person_id, holder_unit_id, year, kind, value, created_at, updated_at)
SELECT p.id, CASE WHEN p.active = 1 THEN p.unit_id END, CAST(a.year AS INTEGER), a.kind, a.value, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'
FROM temp.ach_in a JOIN people p ON p.code = a.person_code
ORDER BY p.id, CAST(a.year AS INTEGER);
INSERT INTO rule_sets (award_id, legal_basis, source, effective_from, effective_to, rules, created_at, updated_at)
SELECT w.id, r.legal_basis, NULLIF(r.source, ''), r.effective_from, NULLIF(r.effective_to, ''), r.rules, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'
FROM temp.rs_in r JOIN awards w ON w.code = r.award
WHERE r.award = 'CSTD_BO_TINH';
COMMIT;
ANALYZE achievements;
