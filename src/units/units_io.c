/* Units: CSV/XLSX import (all or nothing, upsert by code) and CSV/XLSX export. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/arena.h"
#include "../base/audit.h"
#include "../base/db.h"
#include "../base/i18n.h"
#include "../base/keyset.h"
#include "../base/sheet.h"
#include "../base/table.h"
#include "units.h"

static const struct column unit_cols[] = {
	{ "code", N_("Unit code") }, { "name", N_("Unit name") }, { "kind", N_("Kind") },
	{ "parent_code", N_("Parent unit code") }, { "active", N_("Active (1 or 0)") }, { NULL, NULL },
};

struct pending {
	int line;
	char *code, *name, *kind, *parent, *active;
};

void import_progress(struct import_report *rep, const struct table *t)
{
	if (!rep->progress || rep->lines % 20000 != 0) return;
	long done, total;
	table_progress(t, &done, &total);
	import_progress_at(rep, done, total);
}

void import_progress_at(struct import_report *rep, long done, long total)
{
	if (rep->progress && rep->lines % 20000 == 0 && total > 0) fprintf(stderr, "\r%d lines, %3ld%%", rep->lines, done * 100 / total);
}

void import_progress_end(struct import_report *rep, const struct table *t)
{
	long done, total;
	table_progress(t, &done, &total);
	if (rep->progress && total > 0) fprintf(stderr, "\r%d lines, 100%%\n", rep->lines);
}

int import_open(struct table **t, FILE *in, struct import_report *rep)
{
	char err[256];
	if (table_open(t, in, rep->lang, err, sizeof err) == 0) return E_OK;
	fprintf(rep->errors, "%s\n", err);
	return E_INVALID;
}

int import_fields_message(const struct table *t, int header_fields, char *msg, size_t size)
{
	/* an XLSX row leaves its empty cells out: only a CSV line can tell */
	if (t->xlsx || t->nfields == header_fields) return 0;
	snprintf(msg, size, "%d fields where the header has %d (a field is missing, or a value holds the separator and is not quoted)",
		 t->nfields, header_fields);
	return 1;
}

int import_fields_differ(const struct table *t, int header_fields, struct import_report *rep)
{
	char msg[160];
	if (!import_fields_message(t, header_fields, msg, sizeof msg)) return 0;
	fprintf(rep->errors, "line %d: %s\n", t->line, msg);
	rep->rejected++;
	return 1;
}

void import_code_repeated(struct import_report *rep, int line, const char *code, int first)
{
	if (first < 0) fprintf(rep->errors, "line %d: out of memory\n", line);
	else fprintf(rep->errors, "line %d: code: %s is on line %d too; a code may appear once in a file\n", line, code, first);
	rep->rejected++;
}

/* One line: 0 done, 1 parent not known yet (retry later), -1 rejected. */
static int import_one(struct db *db, const struct user *who, struct pending *p, struct import_report *rep, int last_pass)
{
	struct field_errors fe = { 0 };
	int64_t parent = 0;
	if (p->parent && *p->parent) {
		if (units_find_code(db, p->parent, &parent) != E_OK) {
			if (!last_pass) return 1;
			fprintf(rep->errors, "line %d: parent_code: no unit has the code '%s'\n", p->line, p->parent);
			return -1;
		}
	}
	int active = 1;
	if (p->active && *p->active) {
		if (strcmp(p->active, "1") == 0 || strcmp(p->active, "true") == 0) active = 1;
		else if (strcmp(p->active, "0") == 0 || strcmp(p->active, "false") == 0) active = 0;
		else {
			fprintf(rep->errors, "line %d: active: must be 1 or 0, not '%s'\n", p->line, p->active);
			return -1;
		}
	}
	int64_t id = 0;
	int rc;
	struct unit_in in = { .code = p->code, .name = p->name, .kind = p->kind, .parent_id = parent, .active = active };
	if (p->code && *p->code && units_find_code(db, p->code, &id) == E_OK) {
		struct arena a;
		arena_init(&a);
		struct unit *u;
		rc = units_get(db, &a, id, &u);
		if (rc == E_OK && strcmp(u->name, p->name ? p->name : "") == 0 && strcmp(u->kind, p->kind ? p->kind : "") == 0 &&
		    u->parent_id == parent && u->active == active) {
			rep->unchanged++;
			arena_free(&a);
			return 0;
		}
		int64_t version = rc == E_OK ? u->version : 0;
		arena_free(&a);
		in.code = NULL; /* the key stays */
		rc = units_update(db, who, id, version, &in, &fe);
		if (rc == E_OK) rep->updated++;
	} else {
		in.active = 1;
		rc = units_create(db, who, &in, &fe, &id);
		if (rc == E_OK && !active) {
			in.code = in.name = in.kind = NULL;
			in.parent_id = -1;
			in.active = 0;
			rc = units_update(db, who, id, 1, &in, &fe);
		}
		if (rc == E_OK) rep->inserted++;
	}
	if (rc == E_OK) return 0;
	if (rc == E_INVALID && fe.n) fprintf(rep->errors, "line %d: %s: %s\n", p->line, fe.field[0], fe.msg[0]);
	else if (rc == E_FORBIDDEN) fprintf(rep->errors, "line %d: outside the units you may change\n", p->line);
	else fprintf(rep->errors, "line %d: could not be stored: %s\n", p->line, db_errmsg(db));
	return -1;
}

int units_import(struct db *db, const struct user *who, FILE *in, struct import_report *rep)
{
	struct table *t;
	if (import_open(&t, in, rep) != E_OK) return E_INVALID;
	int col[5];
	int rc = table_next(t);
	if (rc <= 0) {
		fprintf(rep->errors, "line %d: %s\n", rc < 0 ? t->line : 1, rc < 0 ? t->err : "the file is empty; the first line must name the columns");
		table_close(t);
		return E_INVALID;
	}
	table_columns_named(t, unit_cols, col);
	if (col[0] < 0 || col[1] < 0 || col[2] < 0) {
		fprintf(rep->errors, "line %d: the header must name the columns code, name and kind (and may add parent_code, active)\n", t->line);
		table_close(t);
		return E_INVALID;
	}
	struct pending *items = NULL;
	int n = 0, cap = 0, header_fields = t->nfields;
	struct keyset seen;
	keyset_init(&seen);
	while ((rc = table_next(t)) != 0) {
		if (rc < 0) {
			fprintf(rep->errors, "line %d: %s\n", t->line, t->err);
			rep->rejected++;
			rep->lines++;
			continue;
		}
		if (table_blank(t)) continue;
		rep->lines++;
		if (import_fields_differ(t, header_fields, rep)) continue;
		const char *code = table_cell(t, col[0]);
		int first = code && *code ? keyset_add(&seen, code, t->line) : 0;
		if (first) {
			import_code_repeated(rep, t->line, code, first);
			continue;
		}
		if (n == cap) { cap = cap ? cap * 2 : 256; items = realloc(items, sizeof *items * (size_t)cap); }
		struct pending *p = &items[n++];
		p->line = t->line;
		p->code = strdup(table_cell(t, col[0]) ? table_cell(t, col[0]) : "");
		p->name = strdup(table_cell(t, col[1]) ? table_cell(t, col[1]) : "");
		p->kind = strdup(table_cell(t, col[2]) ? table_cell(t, col[2]) : "");
		p->parent = table_cell(t, col[3]) ? strdup(table_cell(t, col[3])) : NULL;
		p->active = table_cell(t, col[4]) ? strdup(table_cell(t, col[4])) : NULL;
		import_progress(rep, t);
	}
	int result = db_tx_begin(db);
	/* parents may come after their children in the file: retry until no progress */
	int *state = calloc((size_t)n + 1, sizeof *state); /* 0 pending, 1 done */
	int progress = 1;
	for (int pass = 0; result == E_OK && progress; pass++) {
		progress = 0;
		int left = 0;
		for (int i = 0; i < n; i++) {
			if (state[i]) continue;
			int r = import_one(db, who, &items[i], rep, 0);
			if (r == 0) { state[i] = 1; progress = 1; }
			else if (r < 0) { state[i] = 2; rep->rejected++; }
			else left++;
		}
		if (!left) break;
		if (!progress) {
			for (int i = 0; i < n; i++)
				if (!state[i] && import_one(db, who, &items[i], rep, 1) < 0) rep->rejected++;
		}
	}
	if (result == E_OK) {
		if (rep->rejected) {
			result = E_INVALID;
		} else {
			char note[160];
			snprintf(note, sizeof note, "units import: %d lines, %d new, %d changed, %d unchanged", rep->lines,
				 rep->inserted, rep->updated, rep->unchanged);
			if (audit_add(db, who, N_("import"), "unit", 0, NULL, NULL, note) != DB_OK) result = E_DB;
			if (result == E_OK && db_analyze(db, rep->inserted, "units") != DB_OK) result = E_DB;
		}
		result = db_tx_end(db, result);
		if (result != E_OK) rep->inserted = rep->updated = 0;
	}
	import_progress_end(rep, t);
	for (int i = 0; i < n; i++) {
		free(items[i].code); free(items[i].name); free(items[i].kind); free(items[i].parent); free(items[i].active);
	}
	free(items);
	free(state);
	keyset_free(&seen);
	table_close(t);
	return result;
}

int units_export(struct db *db, FILE *out, const char *format, const char *lang)
{
	const char *headers[6];
	column_headers(unit_cols, lang, headers);
	struct sheet *s = sheet_open(out, format, i18n_get(lang, N_("Units")), headers, "tttt" "n");
	if (!s) return E_DB;
	/* parents before children, so the file re-imports in one pass; each
	** level in Vietnamese order of the names (the code decides between equal names) */
	struct stmt *st = db_query(db,
				   "SELECT u.code, u.name, u.kind, p.code, u.active FROM units u LEFT JOIN units p ON p.id = u.parent_id "
				   "ORDER BY u.depth, u.sort_key, u.code",
				   "");
	if (!st) { sheet_close(s); return E_DB; }
	while (db_step(st) == DB_ROW) {
		const char *cells[5] = { db_text(st, 0), db_text(st, 1), db_text(st, 2), db_text(st, 3), db_int(st, 4) ? "1" : "0" };
		sheet_row(s, cells);
	}
	db_done(st);
	return sheet_close(s) == 0 ? E_OK : E_DB;
}
