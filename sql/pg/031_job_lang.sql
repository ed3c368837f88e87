-- The language of the page that submitted a job: an import writes its
-- line errors in it (the requester's, not the owner's saved choice, which
-- is NULL until they pick one). NULL on older rows: Vietnamese.
ALTER TABLE jobs ADD COLUMN lang TEXT;
