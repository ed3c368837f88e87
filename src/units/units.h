/* units: the organisation tree. Every unit has a materialised path
** ('/1/7/42/'); a subtree is the range [path, path with its last '/' raised
** to '0'), which both SQLite and PostgreSQL answer from the path index.
** Domain functions take a db and plain values; `who` is the acting user,
** NULL for the command line (the system), and scope is checked here. */
#ifndef THIDUA_UNITS_H
#define THIDUA_UNITS_H
#include <stdint.h>
#include <stdio.h>

#include "../base/errors.h"
#include "../base/json.h"

struct db;
struct arena;
struct user;

struct unit {
	int64_t id;
	const char *code;
	const char *name;
	const char *kind;
	int64_t parent_id;         /* 0: a root */
	const char *parent_code;
	const char *parent_name;
	const char *path;
	int depth;
	int active;
	int64_t version;
	const char *created_at;
	const char *updated_at;
	int64_t children;          /* active children */
	int64_t people;            /* active people directly in the unit (units_get, units_get_chain) */
};

struct unit_query {
	int64_t parent;            /* -1: any; 0: roots; >0: children of */
	int64_t under;             /* >0: the subtree of this unit, itself excluded */
	const char *q;             /* diacritic-insensitive text in name or code */
	const char *kind;
	int inactive;              /* 0: active only; 1: inactive too; 2: inactive only */
	const char *sort;          /* "name", "-code", ... */
	int64_t limit, offset;
	const struct unit *parent_row; /* the parent (parent > 0) as the caller read it already, or NULL */
	int brief;                 /* read only id, code, name, active and children (a list of links; the rest NULL or 0) */
};

/* what create and update take; a NULL field in an update is left alone */
struct unit_in {
	const char *code, *name, *kind;
	int64_t parent_id;         /* update: -1 leaves it; 0 makes a root */
	int active;                /* update: -1 leaves it */
};

#define UNIT_CODE_MAX 32
#define UNIT_NAME_MAX 200
#define UNIT_MAX_DEPTH 24       /* levels below a root; keeps paths short */
#define UNIT_PATH_MAX 1024

int units_list(struct db *db, struct arena *a, const struct unit_query *q, struct unit **items, int *n, int64_t *total);
/* the same rows one at a time as they are read: u and its texts are valid
** during the call only, nothing is copied (the list API writes each out) */
typedef void units_each_fn(void *arg, const struct unit *u);
int units_each(struct db *db, struct arena *a, const struct unit_query *q, units_each_fn *each, void *arg, int *n, int64_t *total);
int units_get(struct db *db, struct arena *a, int64_t id, struct unit **out);
int units_find_code(struct db *db, const char *code, int64_t *id);
/* The unit (*out, with its people) and its ancestors, root first and the
** unit itself last (*out points to the last), in one statement. */
int units_get_chain(struct db *db, struct arena *a, int64_t id, struct unit **out, struct unit **items, int *n);
/* root first, the unit itself last */
int units_ancestors(struct db *db, struct arena *a, const char *path, struct unit **items, int *n);
int units_create(struct db *db, const struct user *who, const struct unit_in *in, struct field_errors *fe, int64_t *id);
int units_update(struct db *db, const struct user *who, int64_t id, int64_t version, const struct unit_in *in,
		 struct field_errors *fe);
int unit_kind_valid(struct db *db, const char *kind);
int64_t units_root_count(struct db *db);
void unit_json(struct jw *w, const struct unit *u);
void subtree_end(char *out, size_t n, const char *path);  /* the range's upper bound */
/* The scope of a list as SQL: appends " AND (open OR (c.path >= $k AND
** c.path < $k+1) ...)" with one pair of parameters per range from $first,
** for the column col and, when col2 is not NULL, the same ranges on col2
** (a row in scope by either unit). open is the condition that lets a row in
** regardless ("1 = 0": none). hi[i] receives each range's upper bound, for
** scope_ranges_bind. The one place a list's scope is written. */
struct buf;
struct stmt;
void scope_ranges_sql(struct buf *sql, const char *open, const char *col, const char *col2, int first, const char *const *lo, int n,
		      char hi[][UNIT_PATH_MAX]);
void scope_ranges_bind(struct stmt *st, int first, const char *const *lo, int n, char hi[][UNIT_PATH_MAX]);
/* the subtree of a unit as the path range [lo, hi) (both n bytes); E_NOTFOUND */
int units_subtree(struct db *db, int64_t id, char *lo, char *hi, size_t n);
/* the unit's materialised path ("/1/7/42/") into out: E_OK, or E_NOTFOUND
** (out is then empty). The one lookup every feature uses for scope checks. */
int units_path(struct db *db, int64_t id, char *out, size_t n);

/* import (CSV or XLSX, read through table.h) and export (units_io.c) */
struct import_report {
	int inserted, updated, unchanged, rejected;
	int lines;                 /* data lines read */
	FILE *errors;              /* one line per rejected line: "line N: reason" */
	int progress;              /* print progress to stderr */
	struct job_run *job;       /* run as a background job (jobs.h): its progress, its staging key */
	const char *lang;          /* the language of the errors (movement imports); NULL: English (the command line) */
	char timing[200];          /* where an import's time went, if it says (the command line prints it) */
};
struct table;
struct job_run;
/* opens the import file as a table; E_INVALID with the reason written to rep->errors */
int import_open(struct table **t, FILE *in, struct import_report *rep);
void import_progress(struct import_report *rep, const struct table *t);      /* every 20 000 lines */
void import_progress_at(struct import_report *rep, long done, long total); /* the same, the file's position given */
void import_progress_end(struct import_report *rep, const struct table *t);
/* 1 (the line rejected and reported) when a CSV line has another number of
** fields than the header: a field left out would read as empty (a unit
** without its parent_code put at the top of the tree), an unquoted
** separator in a value would shift every later column */
int import_fields_differ(const struct table *t, int header_fields, struct import_report *rep);
/* the same test, the reason written to msg (no line number) instead of reported */
int import_fields_message(const struct table *t, int header_fields, char *msg, size_t size);
/* reports line as rejected: its code was on line first already (first < 0:
** keyset_add ran out of memory) */
void import_code_repeated(struct import_report *rep, int line, const char *code, int first);
int units_import(struct db *db, const struct user *who, FILE *in, struct import_report *rep);
int units_export(struct db *db, FILE *out, const char *format, const char *lang);  /* "csv" or "xlsx"; headers in lang */

#endif
