/* people: the persons of the units. A person's records are non-public: they
** are read only within a role's scope (PERM_READ on the person's unit). */
#ifndef THIDUA_PEOPLE_H
#define THIDUA_PEOPLE_H
#include <stdint.h>
#include <stdio.h>

#include "../base/errors.h"
#include "../base/json.h"
#include "../units/units.h"
#include "../web/roles.h"

struct db;
struct arena;
struct user;

struct person {
	int64_t id;
	const char *code;          /* civil-servant code; may be NULL */
	const char *full_name;
	const char *gender;        /* "M", "F", "X" */
	int64_t birth_year;        /* 0: unknown */
	int64_t unit_id;
	const char *unit_code;
	const char *unit_name;
	const char *unit_path;
	const char *position;
	int active;
	int64_t version;
	const char *created_at;
	const char *updated_at;
};

#define PEOPLE_MAX_RANGES 16

struct people_query {
	int64_t unit;              /* >0: people of this unit only */
	int64_t under;             /* >0: this unit and its subtree */
	const char *q;
	int inactive;              /* 0 active only, 1 all, 2 inactive only */
	const char *sort;
	int64_t limit, offset;
	/* scope: the subtrees the reader may see; nranges = -1 means everything */
	int nranges;
	const char *range_lo[PEOPLE_MAX_RANGES];
};

struct person_in {
	const char *code, *full_name, *gender, *position;
	int64_t birth_year;        /* 0: unknown; update: -1 leaves it */
	int64_t unit_id;           /* update: 0 leaves it */
	int active;                /* update: -1 leaves it */
	int clear_code, clear_position;  /* update: set these to NULL */
};

/* A search (q) counts its matches up to PEOPLE_COUNT_CAP: past it, *total is
** the cap and *capped is set (capped may be NULL). Lists without q count exactly. */
#define PEOPLE_COUNT_CAP 1000
struct people_search_tuning { int few, scope, prefix_walk; };
extern struct people_search_tuning people_search_tuning; /* the choice of search plans (people.c); tests only */
int people_list(struct db *db, struct arena *a, const struct people_query *q, struct person **items, int *n, int64_t *total,
		int *capped);
int people_get(struct db *db, struct arena *a, int64_t id, struct person **out);
int people_create(struct db *db, const struct user *who, const struct person_in *in, struct field_errors *fe, int64_t *id);
int people_update(struct db *db, const struct user *who, int64_t id, int64_t version, const struct person_in *in,
		  struct field_errors *fe);
void person_json(struct jw *w, const struct person *p);

/* The word index of people's names (person_words), kept in the transaction of
** every write to people: the distinct words of search, with the unit and the
** active flag, and the people per word (person_word_counts). _update rewrites
** the rows only when one of the three changed. A bulk writer passes a batch:
** new rows wait in memory and go in sorted (much faster than one by one),
** counts gather there; word_batch_flush writes everything (the transaction
** must not end before). NULL writes at once. word_batch_sort_start puts the
** waiting rows in order on a second thread while the caller goes on with
** other work (the import builds the people's indexes again); the flush
** waits for it. */
struct word_batch;
struct word_batch *word_batch_new(void);
void word_batch_sort_start(struct word_batch *t);
int word_batch_flush(struct db *db, struct word_batch *t);
void word_batch_free(struct word_batch *t);
double word_batch_ms(const struct word_batch *t); /* the time spent writing, in ms */
int person_words_add(struct db *db, int64_t id, const char *search, int64_t unit_id, int active, struct word_batch *t);
int person_words_update(struct db *db, int64_t id, const char *old_search, int64_t old_unit, int old_active, const char *search,
			int64_t unit_id, int active, struct word_batch *t);

int people_import(struct db *db, const struct user *who, FILE *in, struct import_report *rep);
/* under_path: only people in that subtree; NULL: everyone */
int people_export(struct db *db, FILE *out, const char *format, const char *under_path, const char *lang);

#endif
