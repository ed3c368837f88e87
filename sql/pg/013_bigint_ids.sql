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
