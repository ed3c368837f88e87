-- Columns that PostgreSQL would read otherwise than SQLite, made to read
-- alike (the HTTP suite runs on both databases: docs/ARCHITECTURE.md).
--
-- Ids and epoch seconds in 64 bits. Migration 001 declared these columns
-- INTEGER, which is 64 bits in SQLite but 32 in PostgreSQL, while the ids
-- they hold are BIGSERIAL (and every later migration uses BIGINT): a
-- parameter compared with one of them was typed int4, so a query for an id
-- past 2^31 (GET /api/v1/units?parent=3000000000) failed with "out of
-- range" (a 500) where SQLite finds nothing; the ids themselves could not
-- grow past 2^31; and the sessions' epoch seconds would overflow in 2038.
ALTER TABLE units ALTER COLUMN parent_id TYPE BIGINT;
ALTER TABLE people ALTER COLUMN unit_id TYPE BIGINT;
ALTER TABLE user_roles ALTER COLUMN user_id TYPE BIGINT, ALTER COLUMN unit_id TYPE BIGINT;
ALTER TABLE sessions ALTER COLUMN user_id TYPE BIGINT, ALTER COLUMN created_at TYPE BIGINT,
	ALTER COLUMN seen_at TYPE BIGINT, ALTER COLUMN expires_at TYPE BIGINT;
ALTER TABLE api_tokens ALTER COLUMN user_id TYPE BIGINT, ALTER COLUMN created_at TYPE BIGINT,
	ALTER COLUMN expires_at TYPE BIGINT;
ALTER TABLE login_failures ALTER COLUMN at TYPE BIGINT;
ALTER TABLE audit_log ALTER COLUMN user_id TYPE BIGINT, ALTER COLUMN entity_id TYPE BIGINT;

-- Texts that lists sort by, compared byte by byte as SQLite compares them.
-- A database takes the collation of the server's locale (vi_VN, en_US ...):
-- there "chuyên viên" came before "Chuyên viên" and "Chánh văn phòng" before
-- both, "CC_6" before "CC-1", where SQLite, and the same list on another
-- server, put them the other way (?sort=position, ?sort=code). Names and
-- titles are sorted by their ICU sort keys (migration 009), the same
-- everywhere; paths and words were "C" from the start (001, 008). A column
-- of "C" compared with one of the database's collation, or with a
-- parameter, compares as "C".
ALTER TABLE units ALTER COLUMN code TYPE TEXT COLLATE "C", ALTER COLUMN search TYPE TEXT COLLATE "C",
	ALTER COLUMN kind TYPE TEXT COLLATE "C";
ALTER TABLE unit_kinds ALTER COLUMN code TYPE TEXT COLLATE "C";
ALTER TABLE people ALTER COLUMN code TYPE TEXT COLLATE "C", ALTER COLUMN position TYPE TEXT COLLATE "C";
ALTER TABLE users ALTER COLUMN login TYPE TEXT COLLATE "C";
ALTER TABLE movements ALTER COLUMN code TYPE TEXT COLLATE "C", ALTER COLUMN status TYPE TEXT COLLATE "C";
ALTER TABLE models ALTER COLUMN code TYPE TEXT COLLATE "C", ALTER COLUMN status TYPE TEXT COLLATE "C",
	ALTER COLUMN field_code TYPE TEXT COLLATE "C";
