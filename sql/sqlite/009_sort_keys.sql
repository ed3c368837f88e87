-- Vietnamese alphabetical order: each name carries its ICU sort key (locale
-- "vi", src/base/collate.c) in a BLOB that SQLite compares with memcmp, so
-- ORDER BY sort_key is the Vietnamese order (Bạc Liêu, Bình Định, Cà Mau,
-- Dương, Đà Nẵng) and a plain index walks it. The keys are computed in C:
-- schema_migrate() fills them after this migration, and again whenever the
-- collator's version differs from the one kept in sort_key_collator (an ICU
-- upgrade may change keys; old and new keys must never be mixed).
ALTER TABLE units ADD COLUMN sort_key BLOB NOT NULL DEFAULT x'';
ALTER TABLE people ADD COLUMN sort_key BLOB NOT NULL DEFAULT x'';
-- the titles of movements and models, for the lists sorted by title
ALTER TABLE movements ADD COLUMN sort_key BLOB NOT NULL DEFAULT x'';
ALTER TABLE models ADD COLUMN sort_key BLOB NOT NULL DEFAULT x'';

CREATE TABLE sort_key_collator (
	one INTEGER PRIMARY KEY CHECK (one = 1),
	version TEXT NOT NULL              -- collate_version() of the keys stored
);

-- children of a unit, active first, in Vietnamese order (was by name)
DROP INDEX units_children;
CREATE INDEX units_children ON units (parent_id, active, sort_key);
-- every person in Vietnamese order; the people of one unit in that order.
-- people_search and people_unit stay: the search walks the folded names.
CREATE INDEX people_sort ON people (sort_key);  -- SQLite appends the rowid (id): ORDER BY sort_key, id walks it
CREATE INDEX people_unit_sort ON people (unit_id, active, sort_key);
