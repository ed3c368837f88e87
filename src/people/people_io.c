/* People: CSV/XLSX import (all or nothing, upsert by civil-servant code; a
** row without one matches a code-less person: store_codeless) and
** CSV/XLSX export. The import is the bulk path: one transaction, one audit
** row for the file and one per updated person (see people_import). */
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/audit.h"
#include "../base/auth.h"
#include "../base/collate.h"
#include "../base/db.h"
#include "../base/i18n.h"
#include "../base/fold.h"
#include "../base/keyset.h"
#include "../base/sheet.h"
#include "../base/table.h"
#include "../base/util.h"
#include "people.h"
#include "../web/roles.h"

static const struct column person_cols[] = {
	{ "code", N_("Civil-servant code") }, { "full_name", N_("Full name") }, { "gender", N_("Gender (M, F or X)") },
	{ "birth_year", N_("Birth year") }, { "unit_code", N_("Unit code") }, { "position", N_("Position") },
	{ "active", N_("Active (1 or 0)") }, { NULL, NULL },
};

static const char *cell(const struct table *t, int col)
{
	const char *s = table_cell(t, col);
	return s ? s : "";
}

static int eq(const char *a, const char *b) { return strcmp(a ? a : "", b ? b : "") == 0; }

/* the JSON the audit log keeps of a person (malloc'd) */
static char *person_audit(const char *code, const char *name, const char *gender, int64_t year, const char *unit_code,
			  const char *position, int active, int64_t version)
{
	struct buf b;
	buf_init(&b);
	struct jw w;
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "code", code && *code ? code : NULL);
	jw_kstr(&w, "full_name", name);
	jw_kstr(&w, "gender", gender);
	jw_kint(&w, "birth_year", year);
	jw_kstr(&w, "unit_code", unit_code);
	jw_kstr(&w, "position", position && *position ? position : NULL);
	jw_kbool(&w, "active", active);
	jw_kint(&w, "version", version);
	jw_obj_end(&w);
	return buf_detach(&b);
}

/* ---- the import ----
**
** One transaction for the whole file; rows are validated, matched by code and
** inserted or updated one by one, the word index gathered in a batch that is
** written sorted at the end. The audit log gets one row for the file (its
** SHA-256, the lines read and the id ranges of the people it created) and one
** row per updated person with the record before and after: the created
** records are exactly the rows of the file, which its hash identifies. */

struct id_ranges {                 /* ascending ids as [first, last] runs */
	int64_t (*r)[2];
	size_t n, cap;
};

static int ranges_add(struct id_ranges *g, int64_t id)
{
	if (g->n && g->r[g->n - 1][1] + 1 == id) { g->r[g->n - 1][1] = id; return 0; }
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 16;
		void *p = realloc(g->r, cap * sizeof *g->r);
		if (!p) return -1;
		g->r = p;
		g->cap = cap;
	}
	g->r[g->n][0] = g->r[g->n][1] = id;
	g->n++;
	return 0;
}

struct pimport {
	struct db *db;
	const struct user *who;
	struct import_report *rep;
	struct table *t;
	int col[7];
	struct audit_chain chain;
	struct word_batch *batch;      /* the word index, written sorted */
	char now[21];
	const char *key;               /* the row's folded name and its collation key (the reader's) */
	const void *sort;
	size_t sort_len;
	int line;                      /* the line being stored */
	/* the last unit looked up: files are usually grouped by unit */
	char last_unit[64];
	int64_t unit_id;
	char unit_path[UNIT_PATH_MAX];
	struct id_ranges created;
	char sha256[65];               /* of the file */
	int lite;                      /* SQLite (else PostgreSQL) */
	int fresh;                     /* the table had nobody: insert first, look up only on a conflict */
	int header_fields;             /* a CSV line must have as many */
	struct keyset seen;            /* the file's codes and their lines: a code may appear once */
};

struct prow {
	const char *code, *name, *gender, *ucode, *position;
	int64_t year;
	int active;
};

/* The SHA-256 of the whole file, read from where it stands; *use is the file
** to import: in itself, rewound, or for a stream a temporary copy. */
static int file_sha256(FILE *in, FILE **use, char out[65], int64_t *bytes)
{
	crypto_hash_sha256_state h;
	crypto_hash_sha256_init(&h);
	off_t pos = ftello(in);
	FILE *copy = pos < 0 ? tmpfile() : NULL;
	if (pos < 0 && !copy) return -1;
	unsigned char buf[65536];
	size_t n;
	*bytes = 0;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
		*bytes += (int64_t)n;
		crypto_hash_sha256_update(&h, buf, n);
		if (copy && fwrite(buf, 1, n, copy) != n) { fclose(copy); return -1; }
	}
	if (ferror(in)) { if (copy) fclose(copy); return -1; }
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&h, d);
	sodium_bin2hex(out, 65, d, sizeof d);
	if (copy) { rewind(copy); *use = copy; return 0; }
	clearerr(in);
	if (fseeko(in, pos, SEEK_SET) != 0) return -1;
	*use = in;
	return 0;
}

/* the header line: the columns by name */
static int read_header(struct pimport *p)
{
	struct table *t = p->t;
	int rc = table_next(t);
	if (rc <= 0) {
		fprintf(p->rep->errors, "line %d: %s\n", rc < 0 ? t->line : 1, rc < 0 ? t->err : "the file is empty; the first line must name the columns");
		return E_INVALID;
	}
	p->header_fields = t->nfields;
	table_columns_named(t, person_cols, p->col);
	if (p->col[0] < 0 || p->col[1] < 0 || p->col[2] < 0 || p->col[4] < 0) {
		fprintf(p->rep->errors, "line %d: the header must name the columns code, full_name, gender and unit_code "
					"(and may add birth_year, position, active)\n", t->line);
		return E_INVALID;
	}
	return E_OK;
}

/* the unit of the row, looked up again only when it differs from the last */
static void find_unit(struct pimport *p, const char *ucode)
{
	if (strcmp(ucode, p->last_unit) == 0) return;
	p->unit_id = 0;
	struct stmt *st = db_query(p->db, "SELECT id, path FROM units WHERE code = $1", "t", ucode);
	if (st && db_step(st) == DB_ROW) {
		p->unit_id = db_int(st, 0);
		snprintf(p->unit_path, sizeof p->unit_path, "%s", db_text(st, 1));
	}
	db_done(st);
	snprintf(p->last_unit, sizeof p->last_unit, "%s", strlen(ucode) < sizeof p->last_unit ? ucode : "");
}

/* the row's fields, copied to a (the table's row is overwritten by the
** next line) and checked by themselves; NULL or the reason it is rejected */
static const char *read_row(const struct pimport *p, struct arena *a, struct prow *w)
{
	const struct table *t = p->t;
	const int *col = p->col;
	w->code = arena_strdup(a, cell(t, col[0]));
	w->name = arena_strdup(a, cell(t, col[1]));
	w->gender = arena_strdup(a, cell(t, col[2]));
	w->ucode = arena_strdup(a, cell(t, col[4]));
	w->position = arena_strdup(a, cell(t, col[5]));
	const char *year_s = cell(t, col[3]), *active_s = cell(t, col[6]);
	w->year = 0;
	w->active = 1;
	/* an empty code is allowed: store_row() then finds the person by unit, name and birth year */
	if (strlen(w->code) > 32 || strchr(w->code, ' ')) return "code: at most 32 characters, no spaces";
	if (!*w->name) return "full_name: is required";
	if (strlen(w->name) > 200) return "full_name: is too long";
	if (!eq(w->gender, "M") && !eq(w->gender, "F") && !eq(w->gender, "X")) return "gender: must be M, F or X";
	if (*year_s && (parse_int(year_s, &w->year) != 0 || w->year < 1900 || w->year > 2100))
		return "birth_year: must be a year between 1900 and 2100";
	if (*active_s && !eq(active_s, "1") && !eq(active_s, "0")) return "active: must be 1 or 0";
	if (strlen(w->position) > 200) return "position: is too long";
	w->active = !eq(active_s, "0");
	return NULL;
}

/* the row's unit, and the right to write there; NULL or the reason it is rejected */
static const char *check_unit(struct pimport *p, const struct prow *w)
{
	find_unit(p, w->ucode);
	if (!p->unit_id) return "unit_code: no unit has this code";
	if (!role_can(p->who, PERM_WRITE_PEOPLE, p->unit_path)) return "unit_code: outside the units you may change";
	return NULL;
}

/* an existing person (st on its row): unchanged, or updated with its audit row */
static int update_person(struct pimport *p, const struct prow *w, struct stmt *st)
{
	int64_t id = db_int(st, 0), version = db_int(st, 7);
	if (eq(db_text(st, 1), w->name) && eq(db_text(st, 2), w->gender) && db_int(st, 3) == w->year && db_int(st, 4) == p->unit_id &&
	    eq(db_text(st, 5), *w->position ? w->position : NULL) && db_int(st, 6) == w->active) {
		db_done(st);
		p->rep->unchanged++;
		return E_OK;
	}
	char *before = person_audit(w->code, db_text(st, 1), db_text(st, 2), db_int(st, 3), db_text(st, 8), db_text(st, 5),
				    (int)db_int(st, 6), version);
	char *old_search = strdup(db_text(st, 9));
	int64_t old_unit = db_int(st, 4);
	int old_active = (int)db_int(st, 6);
	db_done(st);
	char *after = person_audit(w->code, w->name, w->gender, w->year, w->ucode, w->position, w->active, version + 1);
	int rc = E_OK;
	if (db_exec(p->db,
		    "UPDATE people SET full_name = $1, search = $2, gender = $3, birth_year = $4, unit_id = $5, position = $6, "
		    "active = $7, version = version + 1, updated_at = $8, sort_key = $10 WHERE id = $9",
		    "tttIititib", w->name, p->key, w->gender, w->year, p->unit_id, *w->position ? w->position : NULL,
		    (int64_t)w->active, p->now, id, p->sort, p->sort_len) != DB_OK ||
	    !old_search ||
	    person_words_update(p->db, id, old_search, old_unit, old_active, p->key, p->unit_id, w->active, p->batch) != DB_OK ||
	    audit_chain_add(&p->chain, p->who, "update", "person", id, before, after, "import") != DB_OK)
		rc = E_DB;
	free(old_search);
	free(before);
	free(after);
	p->rep->updated++;
	return rc;
}

/* A new person; its id joins the ranges of the file's audit row. With
** if_new, a code already there inserts nothing and gives E_CONFLICT (an
** import into an empty table inserts first: one statement a line instead
** of a lookup and an insert, a round trip less on PostgreSQL). */
static int insert_person(struct pimport *p, const struct prow *w, int if_new)
{
	/* SQLite: no RETURNING, which it runs through a temporary table, but
	** db_last_id, which costs nothing there; PostgreSQL: RETURNING, as its
	** last id (lastval()) would be one more round trip to the server */
#define INSERT_PERSON                                                                                                                \
	"INSERT INTO people (code, full_name, search, gender, birth_year, unit_id, position, active, created_at, updated_at, sort_key) " \
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)"
#define IF_NEW " ON CONFLICT (code) DO NOTHING"
	static const char *const sql[2][2] = { { INSERT_PERSON " RETURNING id", INSERT_PERSON }, /* PostgreSQL, SQLite */
					       { INSERT_PERSON IF_NEW " RETURNING id", INSERT_PERSON IF_NEW } };
	struct stmt *st = db_query(p->db, sql[if_new != 0][p->lite != 0], "ttttIititb", w->code, w->name, p->key, w->gender,
				   w->year, p->unit_id, *w->position ? w->position : NULL, (int64_t)w->active, p->now, p->sort,
				   p->sort_len);
#undef IF_NEW
#undef INSERT_PERSON
	if (!st) return E_DB;
	int s = db_step(st);
	int64_t id = s == DB_ROW ? db_int(st, 0) : 0;
	db_done(st);
	if (if_new && (p->lite ? s == DB_DONE && db_changes(p->db) == 0 : s == DB_DONE)) return E_CONFLICT;
	if (s != (p->lite ? DB_DONE : DB_ROW)) return E_DB;
	if (p->lite) id = db_last_id(p->db);
	p->rep->inserted++;
	if (!id || person_words_add(p->db, id, p->key, p->unit_id, w->active, p->batch) != DB_OK || ranges_add(&p->created, id) != 0)
		return E_DB;
	return E_OK;
}

/* A row without a code (a person saved without one, exported and imported
** back): the one person without a code of the row's unit with its name and
** birth year (none: no birth year) is that row's person, unchanged or
** updated (gender, position, active). A row matching nobody, or several,
** is refused: a new person needs a code, the key of later imports, so a
** name changed in the file is not taken for somebody new. */
static int store_codeless(struct pimport *p, const struct prow *w, const char **why)
{
	struct stmt *st = db_query(p->db,
				   "SELECT id FROM people WHERE code IS NULL AND unit_id = $1 AND full_name = $2 AND COALESCE(birth_year, 0) = $3 "
				   "ORDER BY id LIMIT 2",
				   "iti", p->unit_id, w->name, w->year);
	if (!st) return E_DB;
	int64_t found[2] = { 0, 0 };
	for (int k = 0; k < 2 && db_step(st) == DB_ROW; k++) found[k] = db_int(st, 0);
	db_done(st);
	if (!found[0]) {
		*why = "code: is required for a new person (no person without a code in this unit has this full name and birth year)";
		return E_INVALID;
	}
	if (found[1]) { /* which of them the line means cannot be told */
		*why = "code: several people without a code in this unit have this full name and birth year; give them codes";
		return E_INVALID;
	}
	st = db_query(p->db,
		      "SELECT p.id, p.full_name, p.gender, p.birth_year, p.unit_id, p.position, p.active, p.version, u.code, p.search "
		      "FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = $1",
		      "i", found[0]);
	if (!st) return E_DB;
	if (db_step(st) != DB_ROW) { db_done(st); return E_DB; }
	return update_person(p, w, st);
}

/* one valid row: its keys, then an insert or an update by code (without a
** code: store_codeless; *why says why such a row is refused) */
static int store_row(struct pimport *p, const struct prow *w, const char **why)
{
	if (!*w->code) return store_codeless(p, w, why);
	if (p->fresh) {
		int rc = insert_person(p, w, 1);
		if (rc != E_CONFLICT) return rc; /* else the code is there after all: its row is updated below (a code repeated in the file was refused by import_rows) */
	}
	struct stmt *st = db_query(p->db,
				   "SELECT p.id, p.full_name, p.gender, p.birth_year, p.unit_id, p.position, p.active, p.version, u.code, "
				   "p.search "
				   "FROM people p JOIN units u ON u.id = p.unit_id WHERE p.code = $1",
				   "t", w->code);
	if (!st) return E_DB;
	if (db_step(st) == DB_ROW) return update_person(p, w, st);
	db_done(st);
	return insert_person(p, w, 0);
}

/* the audit row of the file: its hash, the lines read, the people created */
static int audit_file(struct pimport *p)
{
	if (!p->created.n) return DB_OK;
	struct buf b;
	buf_init(&b);
	struct jw w;
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "file_sha256", p->sha256);
	jw_kint(&w, "lines", p->rep->lines);
	jw_kint(&w, "created", p->rep->inserted);
	jw_kint(&w, "updated", p->rep->updated);
	jw_kint(&w, "unchanged", p->rep->unchanged);
	jw_key(&w, "created_ids");
	jw_arr(&w);
	for (size_t i = 0; i < p->created.n; i++) {
		jw_arr(&w);
		jw_int(&w, p->created.r[i][0]);
		jw_int(&w, p->created.r[i][1]);
		jw_arr_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	int rc = audit_chain_add(&p->chain, p->who, "import", "person", 0, NULL, buf_cstr(&b), "import of a file: created_ids are [first, last] ranges");
	buf_free(&b);
	return rc;
}

/* ---- the lines: read on a second thread ----
**
** A reader thread reads the lines, checks each by itself (read_row) and
** works out its keys (the folded name, the collation key: ICU), a chunk of
** lines at a time, while this thread looks units up, stores the rows and
** gathers the word index: the two halves of a line's work on two cores.
** The chunks come back in order, so the errors are reported in line order
** as before. */

struct rline {
	int line;
	const char *why;               /* rejected: the reason; NULL: a row */
	struct prow w;
	const char *key;               /* the folded name */
	const void *sort;              /* the collation key */
	size_t sort_len;
};

#define CHUNK_LINES 512
#define CHUNKS_AHEAD 8

struct chunk {
	struct rline l[CHUNK_LINES];
	int n;
	struct arena a;                /* the lines' texts */
	long done, total;              /* the file read after it (the progress) */
	struct chunk *next;
};

struct reader {
	struct pimport *p;             /* its table is the reader's alone until reader_end() */
	pthread_t tid;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct chunk *full, *full_tail, *spare;
	int nfull;
	int eof, failed, stop;
	struct chunk *cur;             /* the chunk being stored, and its next line */
	int at;
};

/* a chunk to fill: one given back, or a new one; NULL when told to stop */
static struct chunk *chunk_take(struct reader *r)
{
	pthread_mutex_lock(&r->mu);
	while (!r->stop && r->nfull >= CHUNKS_AHEAD) pthread_cond_wait(&r->cv, &r->mu);
	int stop = r->stop;
	struct chunk *c = stop ? NULL : r->spare;
	if (c) r->spare = c->next;
	pthread_mutex_unlock(&r->mu);
	if (stop) return NULL;
	if (c) {
		arena_free(&c->a);
	} else if (!(c = malloc(sizeof *c))) {
		return NULL;
	}
	arena_init(&c->a);
	c->n = 0;
	c->next = NULL;
	return c;
}

/* hands a chunk over (c may be NULL: only the end, or the failure, is told) */
static void chunk_give(struct reader *r, struct chunk *c, int eof, int failed)
{
	pthread_mutex_lock(&r->mu);
	if (c) {
		if (r->full_tail) r->full_tail->next = c;
		else r->full = c;
		r->full_tail = c;
		r->nfull++;
	}
	r->eof |= eof;
	r->failed |= failed;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

/* the table's current line into l: a row with its keys, or the reason it is
** rejected; -1 out of memory */
static int read_line(struct pimport *p, int rc, struct chunk *c, struct rline *l, struct buf *key, struct buf *sort)
{
	const struct table *t = p->t;
	memset(l, 0, sizeof *l);
	l->line = t->line;
	char msg[160];
	if (rc < 0) {
		l->why = arena_strdup(&c->a, t->err);
		return l->why ? 0 : -1;
	}
	if (import_fields_message(t, p->header_fields, msg, sizeof msg)) {
		l->why = arena_strdup(&c->a, msg);
		return l->why ? 0 : -1;
	}
	if ((l->why = read_row(p, &c->a, &l->w)) != NULL) return 0;
	if (!l->w.code || !l->w.name || !l->w.gender || !l->w.ucode || !l->w.position) return -1;
	buf_reset(key);
	fold_words(key, l->w.name);
	collate_key(sort, l->w.name);
	l->key = arena_strndup(&c->a, key->len ? key->p : "", key->len);
	void *k = arena_alloc_uninit(&c->a, sort->len + 1);
	if (!l->key || !k) return -1;
	if (sort->len) memcpy(k, sort->p, sort->len);
	l->sort = k;
	l->sort_len = sort->len;
	return 0;
}

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	struct pimport *p = r->p;
	struct buf key, sort;
	buf_init(&key);
	buf_init(&sort);
	int eof = 0, failed = 0;
	while (!eof && !failed) {
		struct chunk *c = chunk_take(r);
		if (!c) {
			pthread_mutex_lock(&r->mu);
			failed = !r->stop; /* no memory for a chunk; else told to stop */
			pthread_mutex_unlock(&r->mu);
			break;
		}
		while (c->n < CHUNK_LINES && !failed) {
			int rc = table_next(p->t);
			if (rc == 0) {
				eof = 1;
				break;
			}
			if (rc > 0 && table_blank(p->t)) continue;
			failed = read_line(p, rc, c, &c->l[c->n], &key, &sort) != 0;
			if (!failed) c->n++;
		}
		table_progress(p->t, &c->done, &c->total);
		chunk_give(r, c, eof, failed);
	}
	if (failed) chunk_give(r, NULL, 1, 1);
	buf_free(&key);
	buf_free(&sort);
	collate_thread_end();
	return NULL;
}

static int reader_start(struct reader *r, struct pimport *p)
{
	memset(r, 0, sizeof *r);
	r->p = p;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	if (pthread_create(&r->tid, NULL, reader_main, r) == 0) return 0;
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	return -1;
}

/* the next line read, in order; NULL after the last (or when the reader
** failed: r->failed) */
static struct rline *reader_next(struct reader *r)
{
	while (!r->cur || r->at == r->cur->n) {
		pthread_mutex_lock(&r->mu);
		if (r->cur) { /* done with it: the reader may fill it again */
			r->cur->next = r->spare;
			r->spare = r->cur;
			r->cur = NULL;
		}
		while (!r->full && !r->eof) pthread_cond_wait(&r->cv, &r->mu);
		if (!r->full) {
			pthread_mutex_unlock(&r->mu);
			return NULL;
		}
		r->cur = r->full;
		r->full = r->cur->next;
		if (!r->full) r->full_tail = NULL;
		r->nfull--;
		r->at = 0;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
	}
	return &r->cur->l[r->at++];
}

static void free_chunks(struct chunk *c)
{
	while (c) {
		struct chunk *next = c->next;
		arena_free(&c->a);
		free(c);
		c = next;
	}
}

/* stops the reader (if it is still reading) and frees what it read */
static void reader_end(struct reader *r)
{
	pthread_mutex_lock(&r->mu);
	r->stop = 1;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
	pthread_join(r->tid, NULL);
	if (r->cur) r->cur->next = NULL;
	free_chunks(r->cur);
	free_chunks(r->full);
	free_chunks(r->spare);
	r->cur = r->full = r->spare = NULL;
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
}

/* every data line; E_OK when all were stored */
static int import_rows(struct pimport *p)
{
	struct import_report *rep = p->rep;
	struct reader r;
	if (reader_start(&r, p) != 0) { /* said here: the database's last message would be another's */
		fprintf(rep->errors, "line 1: the file could not be read: no thread could be started for it\n");
		return E_INVALID;
	}
	int result = E_OK;
	struct rline *l;
	while (result == E_OK && (l = reader_next(&r)) != NULL) {
		rep->lines++;
		import_progress_at(rep, r.cur->done, r.cur->total);
		p->line = l->line;
		const char *why = l->why ? l->why : check_unit(p, &l->w);
		if (why) {
			fprintf(rep->errors, "line %d: %s\n", l->line, why);
			rep->rejected++;
			continue;
		}
		int first = *l->w.code ? keyset_add(&p->seen, l->w.code, l->line) : 0;
		if (first) {
			import_code_repeated(rep, l->line, l->w.code, first);
			continue;
		}
		p->key = l->key;
		p->sort = l->sort;
		p->sort_len = l->sort_len;
		result = store_row(p, &l->w, &why);
		if (result == E_INVALID) {
			fprintf(rep->errors, "line %d: %s\n", l->line, why);
			rep->rejected++;
			result = E_OK;
		}
	}
	reader_end(&r);
	if (result == E_OK && r.failed) {
		fprintf(rep->errors, "line %d: the file could not be read: out of memory\n", p->line + 1);
		rep->rejected++;
	}
	if (result == E_OK && rep->rejected) result = E_INVALID;
	return result;
}

int people_import(struct db *db, const struct user *who, FILE *in, struct import_report *rep)
{
	struct pimport p = { .db = db, .who = who, .rep = rep };
	FILE *src = NULL;
	int64_t bytes = 0;
	if (file_sha256(in, &src, p.sha256, &bytes) != 0) {
		fprintf(rep->errors, "line 1: the file could not be read\n");
		return E_INVALID;
	}
	int result = import_open(&p.t, src, rep) == E_OK ? E_OK : E_INVALID;
	if (result == E_OK) result = read_header(&p);
	if (result != E_OK) {
		if (p.t) table_close(p.t);
		if (src != in) fclose(src);
		return result;
	}
	if (db_begin(db) != DB_OK) { table_close(p.t); if (src != in) fclose(src); return E_DB; }
	/* foreign keys are checked at the commit: a row's insert then needs no
	** statement journal (the unit of every row was looked up already) */
	int lite = p.lite = strcmp(db_dialect(db), "sqlite") == 0; /* the PRAGMAs are SQLite's; PostgreSQL needs neither */
	result = (!lite || db_exec(db, "PRAGMA defer_foreign_keys = ON", "") == DB_OK) && audit_chain_open(db, &p.chain) == DB_OK ? E_OK : E_DB;
	/* The one CHECK of people, gender IN ('M', 'F', 'X'), builds a temporary
	** b-tree for its list on every insert (a fifth of the import's work in
	** SQLite 3.40); read_row() applies the same rule to every line first. */
	if (result == E_OK && lite && db_script(db, "PRAGMA ignore_check_constraints = ON") != DB_OK) result = E_DB;
	/* a file that may hold more people than the table: the secondary
	** indexes are built once at the end instead of row by row (a line of a
	** people file is 60 to 70 bytes; 100 underestimates the rows) */
	int64_t have = 0;
	int deferred = 0;
	if (result == E_OK && db_int1(db, &have, "SELECT count(*) FROM people", "") == DB_ROW && bytes / 100 > have) {
		if (db_indexes_defer(db, "people") != DB_OK) result = E_DB;
		deferred = 1;
		p.fresh = have == 0;
	}
	p.batch = word_batch_new();
	if (!p.batch) result = E_DB;
	now_iso(p.now);
	/* where the time goes, for the command line: the lines (checked, the
	** people's rows), the word index, the indexes built again, the commit */
	double t0 = mono_ms();
	if (result == E_OK) result = import_rows(&p);
	double t_rows = mono_ms();
	if (result == E_OK) word_batch_sort_start(p.batch); /* beside the indexes */
	if (result == E_OK && deferred && db_indexes_restore(db) != DB_OK) result = E_DB;
	double t_idx = mono_ms();
	if (result == E_OK && word_batch_flush(db, p.batch) != DB_OK) result = E_DB;
	if (result == E_OK && db_analyze(db, rep->inserted, "people, person_words, person_word_counts") != DB_OK) result = E_DB;
	double t_words = mono_ms();
	if (result == E_OK && (audit_file(&p) != DB_OK || audit_chain_close(&p.chain) != DB_OK || db_commit(db) != DB_OK)) result = E_DB;
	double t_commit = mono_ms();
	if (result == E_OK) {
		double words = word_batch_ms(p.batch); /* written during the lines too, when the batch fills */
		snprintf(rep->timing, sizeof rep->timing, "%.1f s: lines %.1f s (checked, stored), word index %.1f s, %s %.1f s, commit %.1f s",
			 (t_commit - t0) / 1e3, (t_rows - t0 - (words - (t_words - t_idx))) / 1e3, words / 1e3,
			 deferred ? "indexes built again" : "indexes (kept row by row)", (t_idx - t_rows) / 1e3, (t_commit - t_words) / 1e3);
	}
	word_batch_free(p.batch);
	if (lite) db_script(db, "PRAGMA ignore_check_constraints = OFF");
	if (result != E_OK) {
		if (result == E_DB) fprintf(rep->errors, "line %d: could not be stored: %s\n", p.line ? p.line : p.t->line, db_errmsg(db));
		db_rollback(db);
		rep->inserted = rep->updated = 0;
	}
	import_progress_end(rep, p.t);
	free(p.created.r);
	keyset_free(&p.seen);
	table_close(p.t);
	if (src != in) fclose(src);
	return result;
}

int people_export(struct db *db, FILE *out, const char *format, const char *under_path, const char *lang)
{
	const char *headers[8];
	column_headers(person_cols, lang, headers);
	struct sheet *s = sheet_open(out, format, i18n_get(lang, N_("People")), headers, "tttnttn");
	if (!s) return E_DB;
	char hi[UNIT_PATH_MAX] = "~";
	if (under_path) subtree_end(hi, sizeof hi, under_path);
	struct stmt *st = db_query(db,
				   "SELECT p.code, p.full_name, p.gender, p.birth_year, u.code, p.position, p.active "
				   "FROM people p JOIN units u ON u.id = p.unit_id WHERE u.path >= $1 AND u.path < $2 ORDER BY p.sort_key, p.id",
				   "tt", under_path ? under_path : "/", hi);
	if (!st) { sheet_close(s); return E_DB; }
	while (db_step(st) == DB_ROW) {
		char year[16] = "";
		if (!db_isnull(st, 3)) snprintf(year, sizeof year, "%lld", (long long)db_int(st, 3));
		const char *cells[7] = { db_text(st, 0), db_text(st, 1), db_text(st, 2), year, db_text(st, 4), db_text(st, 5),
					 db_int(st, 6) ? "1" : "0" };
		sheet_row(s, cells);
	}
	db_done(st);
	return sheet_close(s) == 0 ? E_OK : E_DB;
}
