-- The eligibility scan (src/commendation/eligibility.c, elig_scan): the
-- records of every person of a subtree in one ordered query, by person then
-- year. This index answers it alone, without the table: per person one seek
-- to the first year a rule looks at, then the years in order, the kind and
-- value filtered in the index. A single check's load (person, year <= Y,
-- ordered by year) walks it too.
CREATE INDEX achievements_person_year ON achievements (person_id, year, kind, value);
