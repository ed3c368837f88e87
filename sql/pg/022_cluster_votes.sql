-- A vote round held at a cluster's yearly review (issue 11): the conference
-- summary of that year lists its results. NULL: a council's or any other
-- round.
ALTER TABLE vote_rounds ADD COLUMN cluster_year_id BIGINT REFERENCES cluster_years(id);
CREATE INDEX vote_rounds_cluster_year ON vote_rounds (cluster_year_id);
