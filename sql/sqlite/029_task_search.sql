-- A task found by words of its code and title typed without accents (the
-- programme page's search, GET /api/v1/tasks?q=): `search` is the folded
-- code and title (fold_words), written with the task; thidua fills it for the
-- tasks that were there before this migration (schema.c, `folded`).
ALTER TABLE tasks ADD COLUMN search TEXT NOT NULL DEFAULT '';
