-- The floor of a people import: the writes `thidua import people` makes,
-- done by the sqlite3 shell with nothing else. The people's rows and their
-- word-index rows are copied from the database thidua just imported into
-- (attached as src, keys already computed: no CSV, no checks, no folding or
-- collation keys, no audit), into a copy of the database as it was before,
-- in the bulk mode thidua uses (rollback journal, exclusive lock, 256 MiB
-- cache), with the four secondary indexes built at the end as thidua builds
-- them (worker threads for the sort, two as on a 2-core machine, and a 4 MiB
-- cache for it). bench/run.sh times it against `sqlite3 .import` into a bare
-- table: what any import writing these rows and indexes costs at the least.
PRAGMA cache_size=-262144;
PRAGMA locking_mode=EXCLUSIVE;
PRAGMA journal_mode=DELETE;
PRAGMA temp_store=FILE;
BEGIN;
DROP INDEX people_search;
DROP INDEX people_unit;
DROP INDEX people_sort;
DROP INDEX people_unit_sort;
INSERT INTO people (id, code, full_name, search, gender, birth_year, unit_id, position, active, created_at, updated_at, sort_key, version)
	SELECT id, code, full_name, search, gender, birth_year, unit_id, position, active, created_at, updated_at, sort_key, version
	FROM src.people WHERE id > 0;
PRAGMA threads=2;
PRAGMA cache_size=-4000;
CREATE INDEX people_search ON people (search, id, active);
CREATE INDEX people_unit ON people (unit_id, active, search);
CREATE INDEX people_sort ON people (sort_key);
CREATE INDEX people_unit_sort ON people (unit_id, active, sort_key);
PRAGMA cache_size=-262144;
-- WHERE: a row at a time, as an import inserts them (without it SQLite
-- copies the table's pages into the empty one whole)
INSERT INTO person_words SELECT * FROM src.person_words WHERE person_id > 0;
INSERT INTO person_word_counts SELECT * FROM src.person_word_counts WHERE people > 0;
COMMIT;
