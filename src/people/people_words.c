/* The word index of people's names (person_words, person_word_counts;
** migration 008), kept in the transaction of every write to people. */
#include "people.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../base/db.h"
#include "../base/util.h"

/* ---- a bulk import's batch: rows and counts gathered in memory ----
**
** Inserting a million people's words one by one lands each row at a random
** place of the primary key (word, search, person_id); in key order the same
** rows are appended. A batch keeps the people added (their folded name, id,
** unit and flag), the words of each as ids of the batch's own word table,
** and the change of people per word. It is put in key order without
** comparing rows: the people are sorted once by (search, id), then dealt
** out to their words in that order (a counting sort by word), so each
** word's rows come out sorted — 3 million rows took 2.3 s with qsort, this
** takes the sort of 1 million names. word_batch_sort_start() runs that
** sort on a second thread (the import starts it before building the
** people's indexes again); word_batch_flush() waits for it and writes. */

struct pending_person {
	const char *search;          /* in the batch's blocks */
	int64_t id, unit_id;
	uint32_t first_word;         /* its words: word_of[first_word .. the next person's first_word) */
	uint16_t search_len;         /* UINT16_MAX: that or more (a name has at most 200 bytes) */
	uint8_t active;
};

struct word_batch {
	/* the words: ids in order of first use, found by open addressing */
	char **word;                 /* by id */
	int *word_len;
	int64_t *delta;              /* by id: the change of people */
	uint32_t *slot;              /* id + 1, 0 empty; cap slots, a power of two */
	size_t nwords, wcap, cap;
	/* the people added and their words */
	struct pending_person *people;
	size_t npeople, pcap;
	uint32_t *word_of;           /* word ids, person after person */
	size_t nrows, rcap;
	int64_t min_id;              /* the smallest person id among them */
	char **blocks;               /* the names, in blocks */
	size_t nblocks, bcap, used;
	/* the order: out[] is person indexes grouped by word, words in text order */
	uint32_t *out, *word_rank, *start;
	int sorted, sorting, sort_failed;
	pthread_t sorter;
	double ms;                   /* time spent writing rows and counts */
};

#define BATCH_ROWS (1u << 22)    /* word rows kept before they are written (about 4 million: ~150 MB) */
#define BATCH_BLOCK 65536

struct word_batch *word_batch_new(void)
{
	struct word_batch *t = calloc(1, sizeof *t);
	if (!t) return NULL;
	t->cap = 1024;
	t->slot = calloc(t->cap, sizeof *t->slot);
	t->min_id = INT64_MAX;
	t->used = BATCH_BLOCK;
	if (!t->slot) { word_batch_free(t); return NULL; }
	return t;
}

/* forgets the people and rows (written or dropped); the words and counts stay */
static void batch_clear(struct word_batch *t)
{
	for (size_t i = 0; i < t->nblocks; i++) free(t->blocks[i]);
	t->nblocks = 0;
	t->used = BATCH_BLOCK;
	t->npeople = t->nrows = 0;
	t->min_id = INT64_MAX;
	free(t->out);
	free(t->word_rank);
	free(t->start);
	t->out = t->word_rank = t->start = NULL;
	t->sorted = 0;
}

static void sort_wait(struct word_batch *t)
{
	if (!t->sorting) return;
	pthread_join(t->sorter, NULL);
	t->sorting = 0;
}

void word_batch_free(struct word_batch *t)
{
	if (!t) return;
	sort_wait(t);
	batch_clear(t);
	for (size_t i = 0; i < t->nwords; i++) free(t->word[i]);
	free(t->word);
	free(t->word_len);
	free(t->delta);
	free(t->slot);
	free(t->people);
	free(t->word_of);
	free(t->blocks);
	free(t);
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap) return 0;
	size_t n = *cap ? *cap : 1024;
	while (n < need) n *= 2;
	void *q = realloc(*p, n * size);
	if (!q) return -1;
	*p = q;
	*cap = n;
	return 0;
}

/* a copy of s in the batch's blocks (s is at most 200 bytes: a person's key) */
static char *batch_text(struct word_batch *t, const char *s)
{
	size_t n = strlen(s) + 1;
	if (n > BATCH_BLOCK) return NULL;
	if (t->used + n > BATCH_BLOCK) {
		if (grow((void **)&t->blocks, &t->bcap, t->nblocks + 1, sizeof *t->blocks) != 0) return NULL;
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

static size_t word_hash(const char *w, size_t len)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)w[i]) * 1099511628211ULL;
	return (size_t)h;
}

/* the id of the word w[0..len), added if new; -1 when out of memory */
static int64_t word_id(struct word_batch *t, const char *w, size_t len)
{
	if (2 * (t->nwords + 1) > t->cap) { /* grow: rehash into twice the slots */
		size_t cap = 2 * t->cap;
		uint32_t *slots = calloc(cap, sizeof *slots);
		if (!slots) return -1;
		for (size_t id = 0; id < t->nwords; id++) {
			size_t i = word_hash(t->word[id], strlen(t->word[id])) & (cap - 1);
			while (slots[i]) i = (i + 1) & (cap - 1);
			slots[i] = (uint32_t)id + 1;
		}
		free(t->slot);
		t->slot = slots;
		t->cap = cap;
	}
	size_t i = word_hash(w, len) & (t->cap - 1);
	for (; t->slot[i]; i = (i + 1) & (t->cap - 1)) {
		const char *k = t->word[t->slot[i] - 1];
		if (strncmp(k, w, len) == 0 && k[len] == 0) return t->slot[i] - 1;
	}
	if (t->nwords == t->wcap) { /* word and delta share wcap */
		size_t n = t->wcap ? 2 * t->wcap : 256;
		char **words = realloc(t->word, n * sizeof *words);
		if (!words) return -1;
		t->word = words;
		int64_t *d = realloc(t->delta, n * sizeof *d);
		if (!d) return -1;
		t->delta = d;
		int *lens = realloc(t->word_len, n * sizeof *lens);
		if (!lens) return -1;
		t->word_len = lens;
		t->wcap = n;
	}
	char *copy = strndup(w, len);
	if (!copy) return -1;
	t->word[t->nwords] = copy;
	t->word_len[t->nwords] = (int)len;
	t->delta[t->nwords] = 0;
	t->slot[i] = (uint32_t)t->nwords + 1;
	return (int64_t)t->nwords++;
}

static int tally_add(struct word_batch *t, const char *w, int64_t delta)
{
	int64_t id = word_id(t, w, strlen(w));
	if (id < 0) return DB_ERR;
	t->delta[id] += delta;
	return DB_OK;
}

static int person_cmp(const void *x, const void *y, void *arg)
{
	const struct pending_person *people = arg;
	const struct pending_person *a = &people[*(const uint32_t *)x], *b = &people[*(const uint32_t *)y];
	int c = strcmp(a->search, b->search);
	return c ? c : (a->id > b->id) - (a->id < b->id);
}

static int word_cmp(const void *x, const void *y, void *arg)
{
	char *const *word = arg;
	return strcmp(word[*(const uint32_t *)x], word[*(const uint32_t *)y]);
}

/* Puts the rows in key order: t->out holds the person indexes grouped by
** word, t->start[r] where the r-th word in text order begins (r = 0 ..
** nwords), t->word_rank the word ids in that order. 0, or -1 out of memory. */
static int batch_sort(struct word_batch *t)
{
	size_t np = t->npeople, nw = t->nwords;
	uint32_t *perm = malloc((np ? np : 1) * sizeof *perm), *pos = calloc(nw + 1, sizeof *pos);
	t->out = malloc((t->nrows ? t->nrows : 1) * sizeof *t->out);
	t->word_rank = malloc((nw ? nw : 1) * sizeof *t->word_rank);
	t->start = calloc(nw + 1, sizeof *t->start);
	if (!perm || !pos || !t->out || !t->word_rank || !t->start) { free(perm); free(pos); return -1; }
	for (size_t i = 0; i < np; i++) perm[i] = (uint32_t)i;
	qsort_r(perm, np, sizeof *perm, person_cmp, t->people);
	for (size_t i = 0; i < nw; i++) t->word_rank[i] = (uint32_t)i;
	qsort_r(t->word_rank, nw, sizeof *t->word_rank, word_cmp, t->word);
	uint32_t *rank_of = pos; /* pos[] is first the rank of each word id, then each word's next place in out[] */
	for (size_t r = 0; r < nw; r++) rank_of[t->word_rank[r]] = (uint32_t)r;
	uint32_t *count = t->start + 1; /* rows per word rank, then the prefix sums */
	for (size_t k = 0; k < t->nrows; k++) count[rank_of[t->word_of[k]]]++;
	for (size_t r = 1; r < nw; r++) count[r] += count[r - 1];
	/* rank_of becomes, by word id, the next free place of that word */
	for (size_t r = 0; r < nw; r++) rank_of[t->word_rank[r]] = t->start[r];
	for (size_t i = 0; i < np; i++) {
		const struct pending_person *p = &t->people[perm[i]];
		uint32_t end = perm[i] + 1 < np ? t->people[perm[i] + 1].first_word : (uint32_t)t->nrows;
		for (uint32_t k = p->first_word; k < end; k++) t->out[pos[t->word_of[k]]++] = (uint32_t)i;
	}
	free(pos);
	/* out[] holds places in name order: the people and their names are put
	** in that order too, so that each word's rows are read from memory
	** front to back (read at random, a million people's cache misses were a
	** third of writing the rows). first_word is not used any more. */
	struct pending_person *sorted = malloc((np ? np : 1) * sizeof *sorted);
	char **old = t->blocks;
	size_t nold = t->nblocks;
	t->blocks = NULL;
	t->nblocks = t->bcap = 0;
	t->used = BATCH_BLOCK;
	int rc = sorted ? 0 : -1;
	for (size_t i = 0; i < np && rc == 0; i++) {
		sorted[i] = t->people[perm[i]];
		if (!(sorted[i].search = batch_text(t, sorted[i].search))) rc = -1;
	}
	for (size_t i = 0; i < nold; i++) free(old[i]);
	free(old);
	free(perm);
	if (rc != 0) {
		free(sorted);
		return -1;
	}
	free(t->people);
	t->people = sorted;
	t->pcap = np ? np : 1;
	t->sorted = 1;
	return 0;
}

static void *sort_thread(void *arg)
{
	struct word_batch *t = arg;
	if (batch_sort(t) != 0) t->sort_failed = 1;
	return NULL;
}

void word_batch_sort_start(struct word_batch *t)
{
	if (!t || t->sorting || t->sorted || !t->nrows) return;
	t->sort_failed = 0;
	/* no second thread: word_batch_flush() sorts on its own */
	if (pthread_create(&t->sorter, NULL, sort_thread, t) == 0) t->sorting = 1;
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

/* the rows in key order, for db_copy_rows */
struct row_walk {
	struct word_batch *t;
	size_t rank;                 /* the word (its place in text order) */
	uint32_t k;                  /* the next place in out[] */
};

static int next_row(void *arg, struct db_value *v)
{
	struct row_walk *w = arg;
	struct word_batch *t = w->t;
	while (w->rank < t->nwords && w->k == t->start[w->rank + 1]) w->rank++;
	if (w->rank == t->nwords) return 0;
	uint32_t id = t->word_rank[w->rank];
	const struct pending_person *p = &t->people[t->out[w->k++]];
	v[0] = (struct db_value){ .type = 't', .p = t->word[id], .n = (size_t)t->word_len[id] };
	v[1] = (struct db_value){ .type = 't', .p = p->search, .n = p->search_len == UINT16_MAX ? 0 : p->search_len };
	v[2] = (struct db_value){ .type = 'i', .i = p->id };
	v[3] = (struct db_value){ .type = 'i', .i = p->unit_id };
	v[4] = (struct db_value){ .type = 'i', .i = p->active };
	return 1;
}

/* writes the pending rows in key order: one statement (SQLite) or one COPY */
static int write_rows(struct db *db, struct word_batch *t)
{
	double t0 = mono_ms();
	sort_wait(t);
	if (t->sort_failed || (!t->sorted && batch_sort(t) != 0)) {
		batch_clear(t);
		return DB_ERR;
	}
	static const char *const cols[] = { "word", "search", "person_id", "unit_id", "active" };
	struct row_walk w = { t, 0, 0 };
	int rc = t->nrows ? db_copy_rows(db, "person_words", cols, 5, next_row, &w, NULL) : DB_OK;
	batch_clear(t);
	t->ms += mono_ms() - t0;
	return rc;
}

int word_batch_flush(struct db *db, struct word_batch *t)
{
	int rc = write_rows(db, t);
	double t0 = mono_ms();
	for (size_t i = 0; i < t->nwords && rc == DB_OK; i++) {
		if (t->delta[i]) rc = count_word(db, t->word[i], t->delta[i]);
		t->delta[i] = 0;
	}
	t->ms += mono_ms() - t0;
	return rc;
}

/* a person added to the batch: its row waits there, its words by id */
static int batch_add(struct word_batch *t, int64_t id, const char *search, int64_t unit_id, int active)
{
	size_t len = strlen(search);
	if (t->nrows + len / 2 + 1 > BATCH_ROWS || t->npeople + 1 > UINT32_MAX) return 1; /* full: written first */
	const char *kept = batch_text(t, search);
	if (!kept || grow((void **)&t->people, &t->pcap, t->npeople + 1, sizeof *t->people) != 0 ||
	    grow((void **)&t->word_of, &t->rcap, t->nrows + len / 2 + 1, sizeof *t->word_of) != 0)
		return -1;
	uint32_t first = (uint32_t)t->nrows;
	t->people[t->npeople++] = (struct pending_person){ kept, id, unit_id, first, (uint16_t)(len < UINT16_MAX ? len : UINT16_MAX),
								     (uint8_t)(active != 0) };
	if (id < t->min_id) t->min_id = id;
	for (const char *w = kept; *w;) {
		size_t n = strcspn(w, " ");
		if (n) {
			int64_t wid = word_id(t, w, n);
			if (wid < 0) return -1;
			int seen = 0; /* an earlier word of the same name: done already */
			for (size_t k = first; k < t->nrows && !seen; k++) seen = t->word_of[k] == (uint32_t)wid;
			if (!seen) {
				t->word_of[t->nrows++] = (uint32_t)wid;
				t->delta[wid]++;
			}
		}
		w += n;
		while (*w == ' ') w++;
	}
	return 0;
}

/* For each distinct word of a search key: 'a' adds the person's row and
** counts them, 'd' deletes the row and the count, 'm' moves the row to
** another unit or active flag. With a batch, added rows wait in it and the
** counts gather there. */
static int words_each(struct db *db, int64_t id, const char *search, int64_t unit_id, int active, char op, struct word_batch *t)
{
	if (!search) search = "";
	if (t && op == 'a') {
		int full = batch_add(t, id, search, unit_id, active);
		if (full > 0) full = write_rows(db, t) == DB_OK ? batch_add(t, id, search, unit_id, active) : -1;
		return full == 0 ? DB_OK : DB_ERR;
	}
	/* rows of this person still waiting in the batch are written first */
	if (t && id >= t->min_id && write_rows(db, t) != DB_OK) return DB_ERR;
	char *s = strdup(search);
	if (!s) return DB_ERR;
	int rc = DB_OK;
	char *save = NULL;
	for (char *w = strtok_r(s, " ", &save); w && rc == DB_OK; w = strtok_r(NULL, " ", &save)) {
		int seen = 0; /* an earlier word of the same name: done already */
		for (char *p = s; p < w && !seen; p += strlen(p) + 1) seen = strcmp(p, w) == 0;
		if (seen) continue;
		if (op == 'a') {
			rc = insert_row(db, w, search, id, unit_id, active);
		} else if (op == 'd') {
			rc = db_exec(db, "DELETE FROM person_words WHERE word = $1 AND search = $2 AND person_id = $3", "tti", w, search, id);
		} else {
			rc = db_exec(db, "UPDATE person_words SET unit_id = $1, active = $2 WHERE word = $3 AND search = $4 AND person_id = $5",
				     "iitti", unit_id, (int64_t)active, w, search, id);
		}
		if (rc == DB_OK && op != 'm') rc = t ? tally_add(t, w, op == 'a' ? 1 : -1) : count_word(db, w, op == 'a' ? 1 : -1);
	}
	free(s);
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
