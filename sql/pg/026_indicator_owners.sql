-- Who may change an indicator's definition or a validation rule
-- (src/indicators/indicators.c, indicators_may_change): the unit that owns
-- it and the officers over that unit. NULL is the whole tree: the rows made
-- before owners were kept, and those made by a grant on a root unit; only
-- such a grant changes them. A rule owned by a unit judges only the values
-- entered for that unit's subtree: a province's rule no longer refuses
-- another province's figures.
ALTER TABLE indicators ADD COLUMN owner_id BIGINT REFERENCES units(id);
ALTER TABLE indicator_rules ADD COLUMN owner_id BIGINT REFERENCES units(id);
