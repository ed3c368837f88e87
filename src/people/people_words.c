/* The word index of people's names (person_words, person_word_counts;
** migration 008), kept in the transaction of every write to people. */
#include "people.h"

#include <stdlib.h>
#include <string.h>

#include "../base/db.h"
#include "../base/util.h"

/* ---- a bulk import's batch: rows and counts gathered in memory ----
**
** Inserting a million people's words one by one lands each row at a random
** place of the primary key; sorted first, the same rows go in about six
** times faster. A batch keeps the rows to add (sorted and written when it
** fills up and at the end) and the change of people per word. */

struct pending_row {
	const char *word, *search;
	int64_t id, unit_id;
	int active;
};

struct word_batch {
	size_t n, cap;               /* counts: open addressing, cap a power of two */
	char **word;
	int64_t *delta;
	struct pending_row *rows;    /* rows to insert */
	size_t nrows;
	int64_t min_id;              /* the smallest person id among them */
	char **blocks;               /* the texts of the rows, in blocks */
	size_t nblocks, used;
	double ms;                   /* time spent writing rows and counts */
};

#define BATCH_ROWS 500000
#define BATCH_BLOCK 65536

struct word_batch *word_batch_new(void)
{
	struct word_batch *t = calloc(1, sizeof *t);
	if (!t) return NULL;
	t->cap = 1024;
	t->word = calloc(t->cap, sizeof *t->word);
	t->delta = calloc(t->cap, sizeof *t->delta);
	t->rows = malloc(BATCH_ROWS * sizeof *t->rows);
	t->blocks = calloc(1 + BATCH_ROWS * 2 * 204 / BATCH_BLOCK, sizeof *t->blocks);
	t->min_id = INT64_MAX;
	t->used = BATCH_BLOCK;
	if (!t->word || !t->delta || !t->rows || !t->blocks) { word_batch_free(t); return NULL; }
	return t;
}

static void free_blocks(struct word_batch *t)
{
	for (size_t i = 0; i < t->nblocks; i++) free(t->blocks[i]);
	t->nblocks = 0;
	t->used = BATCH_BLOCK;
}

void word_batch_free(struct word_batch *t)
{
	if (!t) return;
	for (size_t i = 0; i < t->cap && t->word; i++) free(t->word[i]);
	free(t->word);
	free(t->delta);
	free(t->rows);
	if (t->blocks) free_blocks(t);
	free(t->blocks);
	free(t);
}

/* a copy of s in the batch's blocks (s is at most 200 bytes: a person's key) */
static char *batch_text(struct word_batch *t, const char *s)
{
	size_t n = strlen(s) + 1;
	if (n > BATCH_BLOCK) return NULL;
	if (t->used + n > BATCH_BLOCK) {
		char *b = malloc(BATCH_BLOCK);
		if (!b) return NULL;
		t->blocks[t->nblocks++] = b;
		t->used = 0;
	}
	char *p = t->blocks[t->nblocks - 1] + t->used;
	memcpy(p, s, n);
	t->used += n;
	return p;
}

static size_t tally_slot(char **words, size_t cap, const char *w)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)w; *p; p++) h = (h ^ *p) * 1099511628211ULL;
	size_t i = (size_t)h & (cap - 1);
	while (words[i] && strcmp(words[i], w) != 0) i = (i + 1) & (cap - 1);
	return i;
}

static int tally_add(struct word_batch *t, const char *w, int64_t delta)
{
	if (2 * (t->n + 1) > t->cap) { /* grow: rehash into twice the slots */
		size_t cap = 2 * t->cap;
		char **words = calloc(cap, sizeof *words);
		int64_t *deltas = calloc(cap, sizeof *deltas);
		if (!words || !deltas) { free(words); free(deltas); return DB_ERR; }
		for (size_t i = 0; i < t->cap; i++) {
			if (!t->word[i]) continue;
			size_t j = tally_slot(words, cap, t->word[i]);
			words[j] = t->word[i];
			deltas[j] = t->delta[i];
		}
		free(t->word);
		free(t->delta);
		t->word = words;
		t->delta = deltas;
		t->cap = cap;
	}
	size_t i = tally_slot(t->word, t->cap, w);
	if (!t->word[i]) {
		if (!(t->word[i] = strdup(w))) return DB_ERR;
		t->n++;
	}
	t->delta[i] += delta;
	return DB_OK;
}

static int count_word(struct db *db, const char *w, int64_t delta)
{
	return db_exec(db,
		       "INSERT INTO person_word_counts (word, people) VALUES ($1, $2) "
		       "ON CONFLICT (word) DO UPDATE SET people = person_word_counts.people + $2",
		       "ti", w, delta);
}

static int insert_row(struct db *db, const char *w, const char *search, int64_t id, int64_t unit_id, int active)
{
	return db_exec(db, "INSERT INTO person_words (word, search, person_id, unit_id, active) VALUES ($1, $2, $3, $4, $5)", "ttiii", w,
		       search, id, unit_id, (int64_t)active);
}

static int row_cmp(const void *x, const void *y)
{
	const struct pending_row *a = x, *b = y;
	int c = strcmp(a->word, b->word);
	if (!c) c = strcmp(a->search, b->search);
	return c ? c : (a->id > b->id) - (a->id < b->id);
}

/* ROWS_PER_INSERT rows in one statement: the statement's own cost (bind,
** step, reset) was most of a row's (5 parameters each, $1..$60) */
#define ROWS_PER_INSERT 12

static const char multi_insert_sql[] =
	"INSERT INTO person_words (word, search, person_id, unit_id, active) VALUES "
	"($1, $2, $3, $4, $5), ($6, $7, $8, $9, $10), ($11, $12, $13, $14, $15), ($16, $17, $18, $19, $20), "
	"($21, $22, $23, $24, $25), ($26, $27, $28, $29, $30), ($31, $32, $33, $34, $35), ($36, $37, $38, $39, $40), "
	"($41, $42, $43, $44, $45), ($46, $47, $48, $49, $50), ($51, $52, $53, $54, $55), ($56, $57, $58, $59, $60)";

static int insert_rows(struct db *db, const struct pending_row *rows)
{
	struct stmt *st = db_prep(db, multi_insert_sql);
	if (!st) return DB_ERR;
	for (int r = 0; r < ROWS_PER_INSERT; r++) {
		/* the batch's texts live until write_rows() returns, after db_done */
		db_bind_text_static(st, 5 * r + 1, rows[r].word);
		db_bind_text_static(st, 5 * r + 2, rows[r].search);
		db_bind_int(st, 5 * r + 3, rows[r].id);
		db_bind_int(st, 5 * r + 4, rows[r].unit_id);
		db_bind_int(st, 5 * r + 5, rows[r].active);
	}
	int rc = db_step(st);
	db_done(st);
	return rc == DB_DONE ? DB_OK : rc;
}

/* writes the pending rows in key order */
static int write_rows(struct db *db, struct word_batch *t)
{
	double t0 = mono_ms();
	qsort(t->rows, t->nrows, sizeof *t->rows, row_cmp);
	int rc = DB_OK;
	size_t i = 0;
	for (; i + ROWS_PER_INSERT <= t->nrows && rc == DB_OK; i += ROWS_PER_INSERT) rc = insert_rows(db, &t->rows[i]);
	for (; i < t->nrows && rc == DB_OK; i++)
		rc = insert_row(db, t->rows[i].word, t->rows[i].search, t->rows[i].id, t->rows[i].unit_id, t->rows[i].active);
	t->nrows = 0;
	t->min_id = INT64_MAX;
	free_blocks(t);
	t->ms += mono_ms() - t0;
	return rc;
}

int word_batch_flush(struct db *db, struct word_batch *t)
{
	int rc = write_rows(db, t);
	double t0 = mono_ms();
	for (size_t i = 0; i < t->cap && rc == DB_OK; i++) {
		if (t->word[i] && t->delta[i]) rc = count_word(db, t->word[i], t->delta[i]);
		if (t->word[i]) t->delta[i] = 0;
	}
	t->ms += mono_ms() - t0;
	return rc;
}

/* For each distinct word of a search key: 'a' adds the person's row and
** counts them, 'd' deletes the row and the count, 'm' moves the row to
** another unit or active flag. With a batch, added rows wait in it and the
** counts gather there. */
static int words_each(struct db *db, int64_t id, const char *search, int64_t unit_id, int active, char op, struct word_batch *t)
{
	if (!search) search = "";
	/* rows of this person still waiting in the batch are written first */
	if (t && op != 'a' && id >= t->min_id && write_rows(db, t) != DB_OK) return DB_ERR;
	if (t && op == 'a' && t->nrows + strlen(search) / 2 + 1 > BATCH_ROWS && write_rows(db, t) != DB_OK) return DB_ERR;
	const char *kept = t && op == 'a' ? batch_text(t, search) : search;
	char *s = t && op == 'a' ? batch_text(t, search) : strdup(search);
	if (!kept || !s) return DB_ERR;
	int rc = DB_OK;
	char *save = NULL;
	for (char *w = strtok_r(s, " ", &save); w && rc == DB_OK; w = strtok_r(NULL, " ", &save)) {
		int seen = 0; /* an earlier word of the same name: done already */
		for (char *p = s; p < w && !seen; p += strlen(p) + 1) seen = strcmp(p, w) == 0;
		if (seen) continue;
		if (op == 'a' && t) {
			t->rows[t->nrows++] = (struct pending_row){ w, kept, id, unit_id, active };
			if (id < t->min_id) t->min_id = id;
		} else if (op == 'a') {
			rc = insert_row(db, w, search, id, unit_id, active);
		} else if (op == 'd') {
			rc = db_exec(db, "DELETE FROM person_words WHERE word = $1 AND search = $2 AND person_id = $3", "tti", w, search, id);
		} else {
			rc = db_exec(db, "UPDATE person_words SET unit_id = $1, active = $2 WHERE word = $3 AND search = $4 AND person_id = $5",
				     "iitti", unit_id, (int64_t)active, w, search, id);
		}
		if (rc == DB_OK && op != 'm') rc = t ? tally_add(t, w, op == 'a' ? 1 : -1) : count_word(db, w, op == 'a' ? 1 : -1);
	}
	if (!(t && op == 'a')) free(s);
	return rc;
}

int person_words_add(struct db *db, int64_t id, const char *search, int64_t unit_id, int active, struct word_batch *t)
{
	return words_each(db, id, search, unit_id, active, 'a', t);
}

int person_words_update(struct db *db, int64_t id, const char *old_search, int64_t old_unit, int old_active, const char *search,
			int64_t unit_id, int active, struct word_batch *t)
{
	if (strcmp(old_search, search) == 0)
		return old_unit == unit_id && old_active == active ? DB_OK : words_each(db, id, search, unit_id, active, 'm', t);
	int rc = words_each(db, id, old_search, old_unit, old_active, 'd', t);
	return rc == DB_OK ? words_each(db, id, search, unit_id, active, 'a', t) : rc;
}

double word_batch_ms(const struct word_batch *t) { return t ? t->ms : 0; }
