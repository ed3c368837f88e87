-- Nothing to do on SQLite: its INTEGER is 64 bits already. PostgreSQL's
-- migration 013 widens the id and epoch columns that its migration 001
-- declared INTEGER (32 bits there) to BIGINT; this one keeps the numbering of
-- the two dialects in step.
SELECT 1;
