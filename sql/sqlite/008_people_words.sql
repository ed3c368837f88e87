-- People search by words: an inverted index of the words of each person's
-- folded name. A search term matches a word that starts with it ("nguyen va"
-- finds "Nguyễn Văn An"); the rarest term drives the lookup through this
-- table's primary key and the other terms are checked on the folded name it
-- carries, so neither the people table nor its full index is scanned.
--
-- One row per distinct word of a person. The row repeats what the lookup
-- filters and sorts on (the folded name, unit, active flag), so a page in name
-- order walks the primary key of one word and stops after the page. It is
-- kept by the domain code (src/people) in the transaction of every write:
-- people_create, people_update, the CSV import and the demo loader.
CREATE TABLE person_words (
	word TEXT NOT NULL,                -- one word of people.search
	search TEXT NOT NULL,              -- people.search of the person (the name order)
	person_id INTEGER NOT NULL,        -- people.id (not declared as a foreign key: one probe less per row on import)
	unit_id INTEGER NOT NULL,          -- people.unit_id
	active INTEGER NOT NULL,           -- people.active
	PRIMARY KEY (word, search, person_id)
) WITHOUT ROWID;

-- How many people have each word (inactive ones too): ranks the terms of a
-- query without counting index rows, and lists the words a prefix stands
-- for. Kept with person_words; a word nobody has any more stays at 0.
CREATE TABLE person_word_counts (
	word TEXT PRIMARY KEY,
	people INTEGER NOT NULL
);

-- people.search becomes words separated by single spaces: ASCII punctuation
-- and the typographic quotes and dashes are separators ("H'Hen" is the words
-- "h hen"), as fold_words() in src/base/fold.c makes them. Only the rows that
-- hold such a character are rewritten.
UPDATE people SET search = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search, '!', ' '), '"', ' '), '#', ' '), '$', ' '), '%', ' '), '&', ' '), '''', ' '), '(', ' '), ')', ' '), '*', ' ')
	WHERE search GLOB '*[!-/:-@[-`{-~‘’“”–—]*';
UPDATE people SET search = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search, '+', ' '), ',', ' '), '-', ' '), '.', ' '), '/', ' '), ':', ' '), ';', ' '), '<', ' '), '=', ' '), '>', ' ')
	WHERE search GLOB '*[!-/:-@[-`{-~‘’“”–—]*';
UPDATE people SET search = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(search, '?', ' '), '@', ' '), '[', ' '), '\', ' '), ']', ' '), '^', ' '), '_', ' '), '`', ' '), '{', ' '), '|', ' ')
	WHERE search GLOB '*[!-/:-@[-`{-~‘’“”–—]*';
UPDATE people SET search = replace(replace(replace(replace(replace(replace(replace(replace(search, '}', ' '), '~', ' '), '‘', ' '), '’', ' '), '“', ' '), '”', ' '), '–', ' '), '—', ' ')
	WHERE search GLOB '*[!-/:-@[-`{-~‘’“”–—]*';
UPDATE people SET search = trim(replace(replace(replace(replace(replace(replace(replace(replace(search, '  ', ' '), '  ', ' '), '  ', ' '), '  ', ' '), '  ', ' '), '  ', ' '), '  ', ' '), '  ', ' '))
	WHERE search GLOB '*  *' OR search GLOB ' *' OR search GLOB '* ';

-- every distinct word of every person
WITH RECURSIVE split(id, search, unit_id, active, word, rest) AS (
	SELECT id, search, unit_id, active, '', search || ' ' FROM people
	UNION ALL
	SELECT id, search, unit_id, active, substr(rest, 1, instr(rest, ' ') - 1), substr(rest, instr(rest, ' ') + 1)
	FROM split WHERE rest <> ''
)
INSERT INTO person_words (word, search, person_id, unit_id, active)
SELECT DISTINCT word, search, id, unit_id, active FROM split WHERE word <> '' ORDER BY 1, 2, 3;

INSERT INTO person_word_counts (word, people) SELECT word, count(*) FROM person_words GROUP BY word;

-- The people of a unit with what a search checks: a search within one unit
-- or a small subtree reads them here (and a unit's count of active people
-- comes from this index alone). Nothing used the order by full name.
DROP INDEX people_unit;
CREATE INDEX people_unit ON people (unit_id, active, search);
