-- A dashboard's title in English and Hindi: `title` stays the Vietnamese one
-- and is what a language without its own shows (a public dashboard is read
-- by visitors in any of the three). Empty: not said.
ALTER TABLE indicator_dashboards ADD COLUMN title_en TEXT NOT NULL DEFAULT '';
ALTER TABLE indicator_dashboards ADD COLUMN title_hi TEXT NOT NULL DEFAULT '';
