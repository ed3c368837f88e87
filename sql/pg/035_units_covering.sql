-- The children of a unit in Vietnamese order with every column a list of
-- them shows (units_list, the unit page), for an index-only scan; id comes
-- right after sort_key so that ORDER BY sort_key, id is the index's order.
DROP INDEX units_children;
CREATE INDEX units_children ON units (parent_id, active, sort_key, id) INCLUDE (code, name, kind, path, depth, version, created_at,
	updated_at, children);

-- The units of a subtree that are active, in path order, from the index
-- alone: a picker counts its choices without reading each unit's row.
CREATE INDEX units_path_active ON units (path, active);
