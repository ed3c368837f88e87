-- Children of a unit, active first, in name order: covers the child counts of
-- a list and the ordered walk of one parent's children without table lookups.
DROP INDEX units_parent;
CREATE INDEX units_children ON units (parent_id, active, name);
