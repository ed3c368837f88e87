-- Nothing to do on SQLite. PostgreSQL's migration 013 makes columns read as
-- SQLite reads them: the ids and epoch seconds its migration 001 declared
-- INTEGER (32 bits there, 64 here) become BIGINT, and the texts that lists
-- sort by compare byte by byte (COLLATE "C"), as every text does here. This
-- one keeps the two dialects' migrations alike.
SELECT 1;
