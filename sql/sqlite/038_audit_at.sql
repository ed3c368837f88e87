-- The audit log read between two days (the administrators' page
-- /audit?from=&to=), newest first: the page is ordered by at, id and its
-- pager carries both, so a range of days is one walk of this index down from
-- its end, with no sort of the entries it matches (an index on at alone left
-- SQLite sorting a whole year's entries by id for each page).
CREATE INDEX audit_log_at ON audit_log (at, id);
