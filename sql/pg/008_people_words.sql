-- People search by words: an inverted index of the words of each person's
-- folded name (see sql/sqlite/008_people_words.sql for the reasons). A plain
-- table whose primary key is the B-tree the lookup walks; the texts compare
-- byte by byte (COLLATE "C") so that word prefixes are ranges and the name
-- order is the same as SQLite's.
CREATE TABLE person_words (
	word TEXT COLLATE "C" NOT NULL,
	search TEXT COLLATE "C" NOT NULL,
	person_id BIGINT NOT NULL,
	unit_id BIGINT NOT NULL,
	active SMALLINT NOT NULL,
	PRIMARY KEY (word, search, person_id)
);

-- How many people have each word (inactive ones too): ranks the terms of a
-- query without counting index rows, and lists the words a prefix stands
-- for. Kept with person_words; a word nobody has any more stays at 0.
CREATE TABLE person_word_counts (
	word TEXT COLLATE "C" PRIMARY KEY,
	people BIGINT NOT NULL
);

-- people.search: words separated by single spaces, in byte order like the
-- words (fold_words() in src/base/fold.c)
ALTER TABLE people ALTER COLUMN search TYPE TEXT COLLATE "C";
-- (a run of spaces and separators is one space: "a - b" is "a b", as SQLite's
-- replace-then-collapse makes it)
UPDATE people SET search = btrim(regexp_replace(search, '[ !-/:-@[-`{-~‘’“”–—]+', ' ', 'g'))
	WHERE search ~ '[!-/:-@[-`{-~‘’“”–—]| {2,}|^ | $';

INSERT INTO person_words (word, search, person_id, unit_id, active)
SELECT DISTINCT w.word, p.search, p.id, p.unit_id, p.active
FROM people p CROSS JOIN LATERAL regexp_split_to_table(p.search, ' ') AS w(word)
WHERE w.word <> '';

INSERT INTO person_word_counts (word, people) SELECT word, count(*) FROM person_words GROUP BY word;

-- The people of a unit with what a search checks: a search within one unit
-- or a small subtree reads them here (and a unit's count of active people
-- comes from this index alone). Nothing used the order by full name.
DROP INDEX people_unit;
CREATE INDEX people_unit ON people (unit_id, active, search);
