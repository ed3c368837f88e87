-- Uploaded files (evidence, launch decisions). A file's bytes are stored once,
-- keyed by their SHA-256, however many records attach them; an attachment
-- links a stored file to one record under the name it was uploaded with.
-- The type is detected from the content, never taken from the name.

CREATE TABLE files (
	id BIGSERIAL PRIMARY KEY,
	sha256 TEXT NOT NULL UNIQUE,       -- hex of the content's SHA-256
	size BIGINT NOT NULL,
	mime TEXT NOT NULL,                -- detected from the content
	data BYTEA NOT NULL,
	created_at TEXT NOT NULL
);

CREATE TABLE attachments (
	id BIGSERIAL PRIMARY KEY,
	file_id BIGINT NOT NULL REFERENCES files(id),
	entity TEXT NOT NULL,              -- the kind of record: 'movement', 'model', 'report' ...
	entity_id BIGINT NOT NULL,
	name TEXT NOT NULL,                -- file name as uploaded, cleaned of any path
	active INTEGER NOT NULL DEFAULT 1, -- removed attachments are kept for the history
	created_by BIGINT REFERENCES users(id),
	created_at TEXT NOT NULL
);
CREATE INDEX attachments_entity ON attachments (entity, entity_id);
CREATE INDEX attachments_file ON attachments (file_id);
