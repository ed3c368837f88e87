-- People search: the folded name in a covering index, so a search scans the
-- index instead of the table, and the default order (by folded name) walks it.
CREATE INDEX people_search ON people (search, id, active);
