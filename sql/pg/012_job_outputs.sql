-- PostgreSQL spelling of sql/sqlite/012_job_outputs.sql
-- The file a job produced (an export, a PDF report: issue 8), kept beside
-- its job so it can be downloaded again: the worker drops the outputs of
-- jobs finished more than 7 days ago (src/base/jobs.c), and the row goes
-- with its job. A table of its own rather than columns of `jobs`: reading
-- a job's status never loads the bytes, and IF NOT EXISTS keeps the
-- migration repeatable (the migration tests run it again).
CREATE TABLE IF NOT EXISTS job_outputs (
	job_id BIGINT PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
	name TEXT NOT NULL,                  -- the file name offered on download
	type TEXT NOT NULL,                  -- its Content-Type
	data BYTEA NOT NULL,
	created_at TEXT NOT NULL
);
