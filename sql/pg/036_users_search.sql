-- A user found by words of the full name and the login typed without accents
-- (the administrator's page /users?q=): `search` is the folded full name and
-- login (fold_words), written with the user; thidua fills it for the users
-- that were there before this migration (schema.c, `folded`).
ALTER TABLE users ADD COLUMN search TEXT NOT NULL DEFAULT '';
