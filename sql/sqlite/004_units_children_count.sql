-- The number of active children of each unit, kept by the domain code in the
-- transaction that creates, moves, deactivates or reactivates a unit, so a
-- list of units does not count grandchildren row by row.
ALTER TABLE units ADD COLUMN children INTEGER NOT NULL DEFAULT 0;
UPDATE units SET children = (SELECT count(*) FROM units c WHERE c.parent_id = units.id AND c.active = 1);
