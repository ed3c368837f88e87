/* Movements: import of models and results from CSV or XLSX (all or nothing,
** through the domain functions, so every rule and scope check applies to
** each line), and export of registrations, models and results to CSV or
** XLSX in the same columns, so an export re-imports unchanged. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/auth.h"
#include "../base/db.h"
#include "../base/i18n.h"
#include "../base/jobs.h"
#include "../base/log.h"
#include "../base/sheet.h"
#include "../base/table.h"
#include "../base/util.h"
#include "../units/units.h"
#include "movements.h"
#include "../web/roles.h"
#include "mv_internal.h"
#include "mv_report.h"

static const struct column model_cols[] = {
	{ "code", N_("Model code") }, { "unit_code", N_("Unit code") }, { "title", N_("Title") }, { "field", N_("Field") },
	{ "owner_unit_code", N_("Owner unit code") }, { "description", N_("Description") }, { "started_on", N_("Started on") },
	{ NULL, NULL },
};
enum { MC_CODE, MC_UNIT, MC_TITLE, MC_FIELD, MC_OWNER, MC_DESC, MC_STARTED };
static const struct column result_cols[] = {
	{ "model_code", N_("Model code") }, { "reported_on", N_("Report date") }, { "metric", N_("Result code") },
	{ "value", N_("Value") }, { "note", N_("Note") }, { NULL, NULL },
};
/* registrations: the columns read back, then those only written */
static const struct column reg_cols[] = {
	{ "unit_code", N_("Unit code") }, { "pledge", N_("Pledge") }, { "planned_models", N_("Planned models") },
	{ "registered_on", N_("Registered on") }, { NULL, NULL },
};
enum { GC_UNIT, GC_PLEDGE, GC_PLANNED, GC_ON };
enum { RC_MODEL, RC_ON, RC_METRIC, RC_VALUE, RC_NOTE };

static const char *cell(const struct table *t, int col)
{
	const char *s = table_cell(t, col);
	return s ? s : "";
}

static int eq(const char *a, const char *b) { return strcmp(a ? a : "", b ? b : "") == 0; }

/* An import's messages are in the requester's language (the job's); the
** command line's in English. A line's error names its column as the file's
** header does (title[]), not by an internal field code. */
#define T(s) i18n_get(lang, (s))
static const char *rep_lang(const struct import_report *rep) { return rep->lang ? rep->lang : "en"; }

/* "line N: message" (msg in the language already), the line rejected */
static void line_msg(struct import_report *rep, int line, const char *msg)
{
	const char *lang = rep_lang(rep);
	fprintf(rep->errors, T("line %d: %s"), line, msg);
	fputc('\n', rep->errors);
	rep->rejected++;
}

/* "line N: column: message" */
static void col_msg(struct import_report *rep, int line, const char *column, const char *msg)
{
	const char *lang = rep_lang(rep);
	fprintf(rep->errors, T("line %d: %s: %s"), line, column, msg);
	fputc('\n', rep->errors);
	rep->rejected++;
}

/* a domain field (field_errors) and the import column it comes from */
struct fmap {
	const char *field;
	int col;
};

static void line_error(struct import_report *rep, int line, const struct field_errors *fe, int rc, const struct fmap *map, const char *const *title)
{
	const char *lang = rep_lang(rep);
	if (fe->n) {
		const char *column = NULL;
		for (int i = 0; map[i].field && !column; i++)
			if (!strcmp(map[i].field, fe->field[0])) column = title[map[i].col];
		if (column) col_msg(rep, line, column, T(fe->msg[0]));
		else line_msg(rep, line, T(fe->msg[0]));
	} else line_msg(rep, line, T(rc == E_FORBIDDEN ? N_("outside the units you may change") : rc == E_NOTFOUND ? N_("no such record") : N_("could not be stored")));
}

/* A number of a file, read as people write it, the Vietnamese way whatever
** the page's language (the product's rule, GUIDE.md): "1.500" is one thousand
** five hundred, "80,5" eighty and a half, "1.500.000,5". A number cell of a
** workbook is a number already (plain decimal text). A text that is not a
** Vietnamese number may be a plain decimal as older CSV exports and other
** programs write it ("87.5"); a text both readings take with different
** values and a last digit other than 0 ("1.125": 1125, or 1.125 from such a
** program) is ambiguous and refused rather than guessed — a plain decimal
** never ends in 0, so "1.500" is 1500. NULL, or why not (in lang). */
static const char *file_number(const char *lang, const struct table *t, int col, double *out)
{
	const char *s = table_cell(t, col);
	if (!s || !*s) return T("Is not a number: write it like 1.500.000 or 80,5");
	if (table_numeric(t, col)) return parse_number(s, out) == 0 ? NULL : T("Is not a number: write it like 1.500.000 or 80,5");
	double vi = 0, plain = 0;
	int has_vi = i18n_parse_number("vi", s, &vi) == 0, has_plain = parse_number(s, &plain) == 0;
	if (!has_vi && !has_plain) return T("Is not a number: write it like 1.500.000 or 80,5");
	if (has_vi && has_plain && vi != plain && s[strlen(s) - 1] != '0')
		return T("Could be read two ways: write thousands without the dot (1125) and decimals with a comma (1,125)");
	*out = has_vi ? vi : plain;
	return NULL;
}

/* a metric's column header in lang: "Commitment: Kinh phí (VND)" */
static const char *metric_header(struct arena *a, const char *lang, const char *fmt, const struct metric *mt)
{
	return arena_printf(a, i18n_get(lang, fmt), arena_printf(a, "%s (%s)", mt->name, mt->unit));
}

/* 1 if a header cell names the metric's column: <prefix><code>, or fmt with
** its "name (unit)", its name or its code, in any language */
static int metric_column(struct arena *a, const char *cell, const char *prefix, const char *fmt, const struct metric *mt)
{
	static const char *const langs[] = { "vi", "en", "hi" };
	if (header_is(cell, arena_printf(a, "%s%s", prefix, mt->code))) return 1;
	for (size_t i = 0; i < sizeof langs / sizeof *langs; i++) {
		const char *f = i18n_get(langs[i], fmt);
		if (header_is(cell, metric_header(a, langs[i], fmt, mt)) || header_is(cell, arena_printf(a, f, mt->name)) ||
		    header_is(cell, arena_printf(a, f, mt->code)))
			return 1;
	}
	return 0;
}

/* opens the file and matches its header; E_OK with the columns, and
** title[i] the header's text of each (the column's name in lang if absent) */
static int open_table(FILE *in, const struct column *want, int *col, int nreq, struct import_report *rep, struct arena *a, const char **title,
		      struct table **out)
{
	const char *lang = rep_lang(rep);
	struct table *t;
	if (import_open(&t, in, rep) != E_OK) return E_INVALID;
	int rc = table_next(t);
	if (rc <= 0) {
		fprintf(rep->errors, T("line %d: %s"), rc < 0 ? t->line : 1, rc < 0 ? t->err : T("the file is empty; the first line must name the columns"));
		fputc('\n', rep->errors);
		table_close(t);
		return E_INVALID;
	}
	table_columns_named(t, want, col);
	for (int i = 0; want[i].code; i++) title[i] = col[i] >= 0 ? arena_strdup(a, t->field[col[i]]) : T(want[i].label);
	for (int i = 0; i < nreq; i++) {
		if (col[i] >= 0) continue;
		struct buf b;
		buf_init(&b);
		for (int k = 0; k < nreq; k++) buf_printf(&b, "%s%s (%s)", k ? ", " : "", T(want[k].label), want[k].code);
		fprintf(rep->errors, T("line %d: the header must name the columns %s"), t->line, buf_cstr(&b));
		fputc('\n', rep->errors);
		buf_free(&b);
		table_close(t);
		return E_INVALID;
	}
	*out = t;
	return E_OK;
}

/* Lines of a background import are checked and staged this many to a write
** transaction, so other writers wait milliseconds between batches. */
#define IMPORT_BATCH 500

/* the longest write transaction of the import so far, for the log */
struct tx_clock {
	double began, longest, final;
};

static void batch_end(struct db *db, struct import_report *rep, int *result, struct tx_clock *clk)
{
	if (rep->job) {
		int p = job_progress(rep->job, rep->lines, rep->job->total);
		if (p != E_OK && *result == E_OK) *result = p; /* the job is no longer ours: roll the batch back */
	}
	*result = db_tx_end(db, *result);
	double d = mono_ms() - clk->began;
	if (d > clk->longest) clk->longest = d;
	if (*result == E_OK && rep->job && job_stopping()) *result = E_BUSY; /* queued again at the next start */
}

/* the key of an import's staged rows: its job, or for the command line a
** negative key of its own */
static int64_t staging_key(const struct import_report *rep)
{
	if (rep->job) return rep->job->id;
	char hex[17];
	random_token(hex, 7);
	return -(int64_t)strtoll(hex, NULL, 16) - 1;
}

/* the counts; a results import also says how many reports its lines make
** (reports >= 0), which inserted, updated and unchanged count */
static void import_result(const struct import_report *rep, int reports, struct buf *b)
{
	b->len = 0;
	buf_printf(b, "{\"lines\":%d,\"inserted\":%d,\"updated\":%d,\"unchanged\":%d,\"rejected\":%d", rep->lines, rep->inserted, rep->updated,
		   rep->unchanged, rep->rejected);
	if (reports >= 0) buf_printf(b, ",\"reports\":%d", reports);
	buf_char(b, '}');
}

/* Models: every line is checked and staged (model_staging) in batches, none
** visible; then models_publish_staged() makes them all visible in one short
** transaction, which also marks the job done. Any bad line: nothing. */
static const struct fmap model_fmap[] = {
	{ "code", MC_CODE }, { "unit_id", MC_UNIT }, { "title", MC_TITLE }, { "field", MC_FIELD }, { "owner_unit_id", MC_OWNER },
	{ "owner_person_id", MC_OWNER }, { "description", MC_DESC }, { "started_on", MC_STARTED }, { NULL, 0 },
};

int movement_import_models(struct db *db, const struct user *who, int64_t movement_id, FILE *in, struct import_report *rep)
{
	const char *lang = rep_lang(rep);
	int col[8];
	const char *title[8];
	struct table *t;
	struct arena ma;
	arena_init(&ma);
	if (open_table(in, model_cols, col, 4, rep, &ma, title, &t) != E_OK) { arena_free(&ma); return E_INVALID; }
	struct movement *mv;
	if (movements_get_plain(db, &ma, movement_id, &mv) != E_OK) { arena_free(&ma); table_close(t); return E_NOTFOUND; }
	int64_t key = staging_key(rep);
	int result = models_unstage(db, key); /* what an interrupted run of this job left */
	int rc, inbatch = 0, same_staged = 0, same_stored = 0; /* lines unchanged against the staging, against the models */
	struct tx_clock clk = { 0 };
	double t0 = mono_ms();
	while (result == E_OK && (rc = table_next(t)) != 0) {
		if (inbatch == IMPORT_BATCH) { batch_end(db, rep, &result, &clk); inbatch = 0; if (result != E_OK) break; }
		if (inbatch++ == 0) {
			clk.began = mono_ms();
			if ((result = db_tx_begin(db)) != E_OK) { inbatch = 0; break; }
		}
		if (rc < 0) {
			line_msg(rep, t->line, t->err);
			rep->lines++;
			continue;
		}
		if (table_blank(t)) continue;
		rep->lines++;
		import_progress(rep, t);
		struct field_errors fe = { 0 };
		const char *code = cell(t, col[MC_CODE]), *ucode = cell(t, col[MC_UNIT]), *ocode = cell(t, col[MC_OWNER]);
		if (!*code) { col_msg(rep, t->line, title[MC_CODE], T("Is required (it identifies the model on re-import)")); continue; }
		int64_t unit = 0, owner = 0;
		if (units_find_code(db, ucode, &unit) != E_OK) { col_msg(rep, t->line, title[MC_UNIT], arena_printf(&ma, T("No unit has the code '%s'"), ucode)); continue; }
		if (*ocode && units_find_code(db, ocode, &owner) != E_OK) {
			col_msg(rep, t->line, title[MC_OWNER], arena_printf(&ma, T("No unit has the code '%s'"), ocode));
			continue;
		}
		/* a date as the export writes it (dd/mm/yyyy, an XLSX date cell) or ISO */
		const char *started = cell(t, col[MC_STARTED]);
		if (*started && !(started = table_date(&ma, t, started))) {
			col_msg(rep, t->line, title[MC_STARTED], T("Is not a date (dd/mm/yyyy)"));
			continue;
		}
		struct model_in m = { .code = code, .title = cell(t, col[MC_TITLE]), .field = cell(t, col[MC_FIELD]),
				      .description = cell(t, col[MC_DESC]), .started_on = started, .unit_id = unit,
				      .owner_unit_id = owner, .owner_person_id = -1, .active = -1 };
		struct arena a;
		arena_init(&a);
		struct model_staged sg;
		int r, staged = models_staged_find(db, &a, key, code, &sg) == E_OK;
		int found = staged || models_stored_find(db, &a, movement_id, code, &sg) == E_OK;
		if (found && !staged) {
			/* a stored model the user may not read is answered as a new
			** model of that code: nothing of it (owner, content) is compared
			** or named, and the line's unit is checked first */
			char path[UNIT_PATH_MAX];
			if (units_path(db, sg.unit_id, path, sizeof path) != E_OK ||
			    !(mv_may(who, PERM_READ, path) || mv_may(who, PERM_READ, mv->authority_path)))
				found = 0;
		}
		if (found) {
			/* the same code again: compared with what the file staged before, else with the stored model */
			if (sg.unit_id != unit) {
				const char *owner_code = "?";
				struct stmt *us = db_query(db, "SELECT code FROM units WHERE id = $1", "i", sg.unit_id);
				if (us && db_step(us) == DB_ROW) owner_code = arena_strdup(&a, db_text(us, 0));
				db_done(us);
				col_msg(rep, t->line, title[MC_UNIT], arena_printf(&a, T("The model %s belongs to %s; a model cannot change unit"), code, owner_code));
				arena_free(&a);
				continue;
			}
			if (eq(sg.title, m.title) && eq(sg.field, m.field) && eq(sg.description, *m.description ? m.description : NULL) &&
			    eq(sg.started_on, *m.started_on ? m.started_on : NULL) && sg.owner_unit_id == owner) {
				rep->unchanged++;
				if (staged) same_staged++;
				else same_stored++;
				arena_free(&a);
				continue;
			}
			r = models_stage(db, who, mv, key, t->line, &m, sg.model_id, sg.version, &fe);
			if (r == E_OK) rep->updated++;
		} else {
			r = models_stage(db, who, mv, key, t->line, &m, 0, 0, &fe);
			if (r == E_OK) rep->inserted++;
		}
		if (r == E_DB || r == E_BUSY) result = r;
		else if (r != E_OK) line_error(rep, t->line, &fe, r, model_fmap, title);
		arena_free(&a);
	}
	if (inbatch) batch_end(db, rep, &result, &clk);
	import_progress_end(rep, t);
	table_close(t);
	if (result == E_OK && rep->rejected == 0) {
		/* the one transaction that makes the import visible (and the job done) */
		if (rep->progress) fprintf(stderr, "%d lines checked; storing them in one transaction\n", rep->lines);
		double f0 = mono_ms();
		result = db_tx_begin(db);
		if (result == E_OK) result = models_publish_staged(db, who, movement_id, key, lang, rep->errors, &rep->rejected);
		/* the next import's lookups by code are planned on the new rows (db_analyze) */
		if (result == E_OK && db_analyze(db, rep->inserted, "models") != DB_OK) result = E_DB;
		/* the staged lines go with the commit that publishes them: a job seen done has none left */
		if (result == E_OK && db_exec(db, "DELETE FROM model_staging WHERE job_id = $1", "i", key) != DB_OK) result = E_DB;
		if (result == E_OK && rep->job) {
			import_result(rep, -1, &rep->job->result);
			result = job_mark_done(rep->job);
		}
		result = db_tx_end(db, result);
		clk.final = mono_ms() - f0;
	}
	arena_free(&ma);
	models_unstage(db, key);
	if (rep->job)
		log_info("job %lld: %d lines in %.0f ms; longest batch transaction %.1f ms, final transaction %.1f ms; unchanged: %d as staged, %d as stored",
			 (long long)key, rep->lines, mono_ms() - t0, clk.longest, clk.final, same_staged, same_stored);
	if (result == E_OK && rep->rejected == 0) return E_OK;
	rep->inserted = rep->updated = 0;
	return result == E_OK ? E_INVALID : result;
}

/* FNV-1a of a report's group key: model, date and note */
static uint64_t group_hash(const char *model, const char *on, const char *note)
{
	uint64_t h = 1469598103934665603ULL;
	const char *parts[] = { model, on, note };
	for (int i = 0; i < 3; i++) {
		for (const unsigned char *p = (const unsigned char *)parts[i]; *p; p++) h = (h ^ *p) * 1099511628211ULL;
		h = (h ^ 0x1f) * 1099511628211ULL;
	}
	return h;
}

struct rgroup {
	int line;
	char *model, *on, *note;
	int n;
	struct commitment_in v[MV_MAX_METRICS];
	int64_t model_id;           /* > 0: a new report of this model, to write */
};

static const struct fmap result_fmap[] = {
	{ "model", RC_MODEL }, { "reported_on", RC_ON }, { "metric", RC_METRIC }, { "results", RC_VALUE }, { "note", RC_NOTE }, { NULL, 0 },
};

int movement_import_results(struct db *db, const struct user *who, int64_t movement_id, FILE *in, struct import_report *rep)
{
	const char *lang = rep_lang(rep);
	int col[6];
	const char *title[6];
	struct table *t;
	struct arena a;
	arena_init(&a);
	if (open_table(in, result_cols, col, 4, rep, &a, title, &t) != E_OK) { arena_free(&a); return E_INVALID; }
	int cap = 256, ng = 0, rc;
	struct rgroup *g = malloc(sizeof *g * (size_t)cap);
	size_t nslots = 1024;
	int *slots = malloc(sizeof *slots * nslots);
	for (size_t i = 0; i < nslots; i++) slots[i] = -1;
	/* rows of one model, date and note form one report, wherever they are in the file */
	while ((rc = table_next(t)) != 0) {
		if (rc < 0) {
			line_msg(rep, t->line, t->err);
			rep->lines++;
			continue;
		}
		if (table_blank(t)) continue;
		rep->lines++;
		const char *model = cell(t, col[RC_MODEL]), *on = cell(t, col[RC_ON]), *metric = cell(t, col[RC_METRIC]);
		const char *note = cell(t, col[RC_NOTE]);
		double v;
		const char *why;
		if (!*model) { col_msg(rep, t->line, title[RC_MODEL], T("Is required")); continue; }
		/* dd/mm/yyyy as the export writes it, an XLSX date cell, or ISO; grouped by the ISO day */
		if (!(on = table_date(&a, t, on))) { col_msg(rep, t->line, title[RC_ON], T("Is not a date (dd/mm/yyyy)")); continue; }
		if ((why = file_number(lang, t, col[RC_VALUE], &v))) { col_msg(rep, t->line, title[RC_VALUE], why); continue; }
		/* the group of (model, date, note), found through a hash table: a
		** linear search made a 100 000-line file quadratic */
		uint64_t h = group_hash(model, on, note);
		size_t at = (size_t)h & (nslots - 1);
		int k;
		while ((k = slots[at]) >= 0 && !(eq(g[k].model, model) && eq(g[k].on, on) && eq(g[k].note, note))) at = (at + 1) & (nslots - 1);
		if (k < 0) {
			if (ng == cap) g = realloc(g, sizeof *g * (size_t)(cap *= 2));
			g[ng] = (struct rgroup){ .line = t->line, .model = arena_strdup(&a, model), .on = arena_strdup(&a, on), .note = arena_strdup(&a, note) };
			k = ng++;
			slots[at] = k;
			if ((size_t)ng * 2 > nslots) {
				/* grow and place every group again */
				free(slots);
				nslots *= 2;
				slots = malloc(sizeof *slots * nslots);
				for (size_t i = 0; i < nslots; i++) slots[i] = -1;
				for (int x = 0; x < ng; x++) {
					size_t y = (size_t)group_hash(g[x].model, g[x].on, g[x].note) & (nslots - 1);
					while (slots[y] >= 0) y = (y + 1) & (nslots - 1);
					slots[y] = x;
				}
			}
		}
		if (g[k].n >= MV_MAX_METRICS) { line_msg(rep, t->line, T("too many results in one report")); continue; }
		g[k].v[g[k].n++] = (struct commitment_in){ arena_strdup(&a, metric), v };
	}
	import_progress_end(rep, t);
	table_close(t);
	free(slots);
	/* first, without the write lock: the models, and the reports already stored */
	int towrite = 0;
	for (int k = 0; k < ng; k++) {
		int64_t mid = 0;
		struct model *d;
		/* a model the user may not read is answered as one that does not
		** exist, before anything of its reports is compared */
		if (models_find_code(db, movement_id, g[k].model, &mid) != E_OK || models_get(db, &a, mid, &d) != E_OK || !model_readable(db, who, d)) {
			col_msg(rep, g[k].line, title[RC_MODEL], arena_printf(&a, T("The movement has no model '%s'"), g[k].model));
			continue;
		}
		/* the same report again (same date, note and values) is left as it is */
		struct report *reports;
		int nr, same = 0;
		reports_list(db, &a, mid, &reports, &nr);
		for (int i = 0; i < nr && !same; i++) {
			if (!eq(reports[i].reported_on, g[k].on) || !eq(reports[i].note, *g[k].note ? g[k].note : NULL) || reports[i].nvalues != g[k].n) continue;
			int all = 1;
			for (int x = 0; x < g[k].n; x++) {
				int found = 0;
				int64_t metric_id = 0;
				db_int1(db, &metric_id, "SELECT id FROM movement_metrics WHERE movement_id = $1 AND code = $2", "it", movement_id, g[k].v[x].metric);
				for (int y = 0; y < reports[i].nvalues; y++)
					found |= reports[i].metric[y] == metric_id && fabs(reports[i].value[y] - g[k].v[x].value) < 1e-9;
				all &= found;
			}
			same = all;
		}
		if (same) { rep->unchanged++; continue; }
		g[k].model_id = mid;
		towrite++;
	}
	/* then each new report is checked (every rule of reports_add) and staged,
	** IMPORT_BATCH to a write transaction; none is visible */
	int64_t key = staging_key(rep);
	int result = towrite ? reports_unstage(db, key) : E_OK;
	struct tx_clock clk = { 0 };
	double t0 = mono_ms();
	int inbatch = 0, done = 0;
	for (int k = 0; towrite && result == E_OK && k < ng; k++) {
		if (!g[k].model_id) continue;
		if (inbatch == IMPORT_BATCH) {
			rep->lines = done; /* the progress: groups checked */
			batch_end(db, rep, &result, &clk);
			inbatch = 0;
			if (result != E_OK) break;
		}
		if (inbatch++ == 0) {
			clk.began = mono_ms();
			if ((result = db_tx_begin(db)) != E_OK) { inbatch = 0; break; }
		}
		struct report_in rin = { .reported_on = g[k].on, .note = g[k].note, .nvalues = g[k].n };
		memcpy(rin.values, g[k].v, sizeof(struct commitment_in) * (size_t)g[k].n);
		struct field_errors fe = { 0 };
		int r = reports_stage(db, who, key, k, g[k].line, g[k].model_id, &rin, &fe);
		if (r == E_OK) rep->inserted++;
		else if (r == E_DB || r == E_BUSY) result = r;
		else line_error(rep, g[k].line, &fe, r, result_fmap, title);
		done += g[k].n;
	}
	int lines = rep->lines;
	if (inbatch) batch_end(db, rep, &result, &clk);
	rep->lines = lines;
	free(g);
	arena_free(&a);
	if (result == E_OK && rep->rejected == 0 && (towrite || rep->job)) {
		/* the one transaction that writes every report (and marks the job done) */
		double f0 = mono_ms();
		result = db_tx_begin(db);
		if (result == E_OK && towrite) result = reports_publish_staged(db, who, movement_id, key, lang, rep->errors, &rep->rejected);
		if (result == E_OK && db_analyze(db, towrite, "model_reports, model_results, model_values") != DB_OK) result = E_DB;
		if (result == E_OK && towrite && db_exec(db, "DELETE FROM report_staging WHERE job_id = $1", "i", key) != DB_OK) result = E_DB;
		if (result == E_OK && rep->job) {
			import_result(rep, ng, &rep->job->result);
			result = job_mark_done(rep->job);
		}
		result = db_tx_end(db, result);
		clk.final = mono_ms() - f0;
	}
	if (towrite) reports_unstage(db, key);
	if (rep->job && towrite)
		log_info("job %lld: %d new reports in %.0f ms; longest batch transaction %.1f ms, final transaction %.1f ms", (long long)key, towrite,
			 mono_ms() - t0, clk.longest, clk.final);
	if (result == E_OK && rep->rejected) result = E_INVALID;
	if (result == E_OK) return E_OK;
	rep->inserted = rep->updated = 0;
	return result;
}

/* Registrations, as exported: unit_code, pledge, planned_models and a
** commit_<metric> column per metric (unit_name, registered_on and models are
** read back but only registered_on is used, and only for a new registration
** entered by an officer). Upsert by unit. */
static const struct fmap reg_fmap[] = {
	{ "unit_id", GC_UNIT }, { "pledge", GC_PLEDGE }, { "planned_models", GC_PLANNED }, { "registered_on", GC_ON }, { NULL, 0 },
};

int movement_import_registrations(struct db *db, const struct user *who, int64_t movement_id, FILE *in, struct import_report *rep)
{
	const char *lang = rep_lang(rep);
	int col[5];
	const char *title[5];
	struct table *t;
	struct arena a;
	arena_init(&a);
	if (open_table(in, reg_cols, col, 1, rep, &a, title, &t) != E_OK) { arena_free(&a); return E_INVALID; }
	struct movement *m;
	int result = movements_get(db, &a, movement_id, &m);
	/* a commitment column per metric: commit_<metric>, or "Commitment: <name (unit)>" in any language */
	int ccol[MV_MAX_METRICS];
	const char *ctitle[MV_MAX_METRICS];
	for (int k = 0; result == E_OK && k < m->nmetrics; k++) {
		ccol[k] = -1;
		for (int f = 0; f < t->nfields && ccol[k] < 0; f++)
			if (metric_column(&a, t->field[f], "commit_", N_("Commitment: %s"), &m->metrics[k])) { ccol[k] = f; ctitle[k] = arena_strdup(&a, t->field[f]); }
	}
	if (result == E_OK && db_begin(db) != DB_OK) result = E_DB;
	int rc;
	while (result == E_OK && (rc = table_next(t)) != 0) {
		if (rc < 0) {
			line_msg(rep, t->line, t->err);
			rep->lines++;
			continue;
		}
		if (table_blank(t)) continue;
		rep->lines++;
		const char *ucode = cell(t, col[GC_UNIT]), *planned = cell(t, col[GC_PLANNED]);
		int64_t unit = 0, np = -1, gid = 0;
		if (units_find_code(db, ucode, &unit) != E_OK) { col_msg(rep, t->line, title[GC_UNIT], arena_printf(&a, T("No unit has the code '%s'"), ucode)); continue; }
		if (*planned && (parse_int(planned, &np) != 0 || np < 0)) { col_msg(rep, t->line, title[GC_PLANNED], T("Must be a whole number")); continue; }
		struct registration_in in2 = { .unit_id = unit, .pledge = cell(t, col[GC_PLEDGE]), .planned_models = *planned ? np : -1, .active = -1,
						.set_commitments = 1 };
		int bad = 0;
		for (int k = 0; k < m->nmetrics; k++) {
			const char *v = cell(t, ccol[k]), *why;
			double d;
			if (!*v) continue;
			if ((why = file_number(lang, t, ccol[k], &d))) { col_msg(rep, t->line, ctitle[k], why); bad = 1; break; }
			in2.commit[in2.ncommit++] = (struct commitment_in){ m->metrics[k].code, d };
		}
		if (bad) continue;
		struct field_errors fe = { 0 };
		struct arena ra;
		arena_init(&ra);
		struct registration *g;
		int r;
		int exists = registrations_find(db, movement_id, unit, &gid) == E_OK && registrations_get(db, &ra, gid, &g) == E_OK;
		if (exists && !mv_may(who, PERM_READ, g->unit_path) && !mv_may(who, PERM_READ, m->authority_path)) {
			/* another unit's registration: answered as for a unit the user
			** may not register, before its pledge is compared */
			line_msg(rep, t->line, T("outside the units you may change"));
			arena_free(&ra);
			continue;
		}
		if (exists) {
			int same = eq(g->pledge, *in2.pledge ? in2.pledge : NULL) && (g->planned_models ? g->planned_models : -1) == in2.planned_models &&
				   g->ncommit == in2.ncommit;
			for (int x = 0; same && x < in2.ncommit; x++) {
				int found = 0;
				const struct metric *mt = movement_metric(m, in2.commit[x].metric);
				for (int y = 0; y < g->ncommit; y++) found |= g->commit_metric[y] == mt->id && fabs(g->commit_value[y] - in2.commit[x].value) < 1e-9;
				same &= found;
			}
			if (same) { rep->unchanged++; arena_free(&ra); continue; }
			r = registrations_update(db, who, gid, g->version, &in2, &fe);
			if (r == E_OK) rep->updated++;
		} else {
			const char *on = cell(t, col[GC_ON]);
			/* only an officer (or the command line) may enter another date;
			** dd/mm/yyyy as the export writes it, an XLSX date cell, or ISO */
			if (*on && role_can(who, PERM_MOVEMENT_MANAGE, m->authority_path)) {
				if (!(in2.registered_on = table_date(&ra, t, on))) {
					col_msg(rep, t->line, title[GC_ON], T("Is not a date (dd/mm/yyyy)"));
					arena_free(&ra);
					continue;
				}
			}
			r = registrations_create(db, who, movement_id, &in2, &fe, &gid);
			if (r == E_OK) rep->inserted++;
		}
		if (r == E_DB) result = E_DB;
		else if (r != E_OK) line_error(rep, t->line, &fe, r, reg_fmap, title);
		arena_free(&ra);
	}
	import_progress_end(rep, t);
	table_close(t);
	arena_free(&a);
	if (result == E_OK && rep->rejected == 0 && db_analyze(db, rep->inserted, "registrations, registration_commitments") != DB_OK)
		result = E_DB;
	if (result == E_OK && rep->rejected == 0 && db_commit(db) == DB_OK) return E_OK;
	if (result != E_NOTFOUND) db_rollback(db);
	rep->inserted = rep->updated = 0;
	return result == E_OK ? E_INVALID : result;
}

/* A value as the exports write it: whole numbers without grouping; in a
** workbook's number cell a plain decimal ("87.5"), in a CSV (text) the
** decimal comma, so that the import reads it back as it reads what people
** type (file_number: "1,125" is one and an eighth, "1.125" ambiguous). */
static const char *numtext(struct arena *a, double v, int csv)
{
	if (fabs(v - round(v)) < 1e-9 && fabs(v) < 9e15) return arena_printf(a, "%lld", (long long)llround(v));
	char *s = arena_printf(a, "%.15g", v), *dot = strchr(s, '.');
	if (csv && dot && !strchr(s, 'e')) *dot = ',';
	return s;
}

/* the models: the import columns, then (full, not the template) their
** standing results, which the import ignores */
static int export_models(struct db *db, struct arena *a, const struct movement *m, int full, FILE *out, const char *format, const char *lang)
{
	int rc = E_OK;
	const char *h[8 + 4 + MV_MAX_METRICS];
	char types[8 + 4 + MV_MAX_METRICS + 1];
	int nh = 0;
	/* the start date a date cell (dd/mm/yyyy in CSV), as people read it; the import reads it back */
	for (int i = 0; model_cols[i].code; i++) { h[nh] = i18n_get(lang, model_cols[i].label); types[nh++] = i == MC_STARTED ? 'd' : 't'; }
	if (full) {
		static const char *const extra[] = { N_("Status"), N_("Typical example (1 or 0)"), N_("Citation"), N_("Number of reports") };
		for (int i = 0; i < 4; i++) { h[nh] = i18n_get(lang, extra[i]); types[nh++] = i == 3 ? 'n' : 't'; }
		for (int k = 0; k < m->nmetrics; k++) { h[nh] = metric_header(a, lang, N_("Result: %s"), &m->metrics[k]); types[nh++] = 'n'; }
	}
	h[nh] = NULL;
	types[nh] = 0;
	struct sheet *s = sheet_open(out, format, i18n_get(lang, full ? N_("Models") : N_("Models template")), h, types);
	if (!s) return E_INVALID;
	struct model_query q = { .movement_id = m->id, .nranges = -1, .typical = -1, .with_values = 1, .limit = 1000 };
	for (int64_t off = 0; full; off += q.limit) {
		q.offset = off;
		struct model *items;
		int n;
		int64_t total;
		if (models_list(db, a, &q, &items, &n, &total) != E_OK) { rc = E_DB; break; }
		for (int i = 0; i < n; i++) {
			const struct model *d = &items[i];
			const char *row[8 + 4 + MV_MAX_METRICS];
			int c = 0;
			char owner[UNIT_CODE_MAX + 1] = "";
			if (d->owner_unit_id) {
				struct stmt *st = db_query(db, "SELECT code FROM units WHERE id = $1", "i", d->owner_unit_id);
				if (st && db_step(st) == DB_ROW) snprintf(owner, sizeof owner, "%s", db_text(st, 0));
				db_done(st);
			}
			row[c++] = d->code;
			row[c++] = d->unit_code;
			row[c++] = d->title;
			row[c++] = d->field;
			row[c++] = arena_strdup(a, owner);
			row[c++] = d->description ? d->description : "";
			row[c++] = d->started_on ? d->started_on : "";
			row[c++] = d->status;
			row[c++] = d->typical ? "1" : "0";
			row[c++] = d->citation ? d->citation : "";
			row[c++] = arena_printf(a, "%lld", (long long)d->reports);
			for (int k = 0; k < m->nmetrics; k++) {
				row[c] = "";
				for (int v = 0; v < d->nvalues; v++)
					if (d->values[v].metric_id == m->metrics[k].id && d->values[v].has_value) row[c] = numtext(a, d->values[v].value, !strcmp(format, "csv"));
				c++;
			}
			sheet_row(s, row);
		}
		if (off + n >= total) break;
	}
	if (sheet_close(s) != 0 && rc == E_OK) rc = E_DB;
	return rc;
}

/* every result of every report, one row per value */
static int export_results(struct db *db, struct arena *a, const struct movement *m, FILE *out, const char *format, const char *lang)
{
	int rc = E_OK;
	const char *h[6];
	column_headers(result_cols, lang, h);
	struct sheet *s = sheet_open(out, format, i18n_get(lang, N_("Results")), h, "tdtnt");
	if (!s) return E_INVALID;
	struct stmt *st = db_query(db,
				   "SELECT d.code, p.reported_on, mt.code, r.value, p.note FROM model_results r "
				   "JOIN model_reports p ON p.id = r.report_id JOIN models d ON d.id = p.model_id "
				   "JOIN movement_metrics mt ON mt.id = r.metric_id WHERE d.movement_id = $1 "
				   "ORDER BY d.code, p.reported_on, p.id, mt.position, mt.id",
				   "i", m->id);
	while (st && db_step(st) == DB_ROW) {
		const char *row[] = { db_text(st, 0), db_text(st, 1), db_text(st, 2), numtext(a, db_double(st, 3), !strcmp(format, "csv")), db_text(st, 4) ? db_text(st, 4) : "" };
		sheet_row(s, row);
	}
	if (!st) rc = E_DB;
	db_done(st);
	if (sheet_close(s) != 0 && rc == E_OK) rc = E_DB;
	return rc;
}

/* the registrations with their commitments */
static int export_registrations(struct db *db, struct arena *a, const struct movement *m, FILE *out, const char *format, const char *lang)
{
	int rc = E_OK;
	const char *h[6 + MV_MAX_METRICS];
	char types[6 + MV_MAX_METRICS + 1];
	static const char *const base[] = { N_("Unit code"), N_("Unit name"), N_("Registered on"), N_("Pledge"), N_("Planned models"), N_("Models") };
	int nh = 0;
	for (int i = 0; i < 6; i++) { h[nh] = i18n_get(lang, base[i]); types[nh++] = i >= 4 ? 'n' : i == 2 ? 'd' : 't'; }
	for (int k = 0; k < m->nmetrics; k++) { h[nh] = metric_header(a, lang, N_("Commitment: %s"), &m->metrics[k]); types[nh++] = 'n'; }
	h[nh] = NULL;
	types[nh] = 0;
	struct sheet *s = sheet_open(out, format, i18n_get(lang, N_("Registrations")), h, types);
	if (!s) return E_INVALID;
	struct reg_query q = { .movement_id = m->id, .nranges = -1, .limit = 100000 };
	struct registration *items;
	int n;
	int64_t total;
	if (registrations_list(db, a, &q, &items, &n, &total) != E_OK) rc = E_DB;
	for (int i = 0; rc == E_OK && i < n; i++) {
		const struct registration *g = &items[i];
		const char *row[6 + MV_MAX_METRICS];
		int c = 0;
		row[c++] = g->unit_code;
		row[c++] = g->unit_name;
		row[c++] = g->registered_on;
		row[c++] = g->pledge ? g->pledge : "";
		row[c++] = g->planned_models ? arena_printf(a, "%lld", (long long)g->planned_models) : "";
		row[c++] = arena_printf(a, "%lld", (long long)g->models);
		for (int k = 0; k < m->nmetrics; k++) {
			row[c] = "";
			for (int x = 0; x < g->ncommit; x++)
				if (g->commit_metric[x] == m->metrics[k].id) row[c] = numtext(a, g->commit_value[x], !strcmp(format, "csv"));
			c++;
		}
		sheet_row(s, row);
	}
	if (sheet_close(s) != 0 && rc == E_OK) rc = E_DB;
	return rc;
}

int movement_export(struct db *db, const struct movement *m, const char *what, FILE *out, const char *format, const char *lang)
{
	struct arena a;
	arena_init(&a);
	int rc = !strcmp(what, "models") || !strcmp(what, "template") ? export_models(db, &a, m, !strcmp(what, "models"), out, format, lang)
		 : !strcmp(what, "results")				 ? export_results(db, &a, m, out, format, lang)
		 : !strcmp(what, "registrations")			 ? export_registrations(db, &a, m, out, format, lang)
										 : E_INVALID;
	arena_free(&a);
	return rc;
}

/* ---- imports as background jobs (jobs.h) ---- */

typedef int import_fn(struct db *db, const struct user *who, int64_t movement_id, FILE *in, struct import_report *rep);

static int import_job(struct job_run *j, import_fn *fn)
{
	/* the lines expected, for the progress bar: a CSV's line breaks (a workbook's are not known) */
	j->total = -1;
	if (j->len < 2 || memcmp(j->data, "PK", 2) != 0) {
		int64_t n = 0;
		for (const char *p = j->data, *end = p + j->len; (p = memchr(p, '\n', (size_t)(end - p))); p++) n++;
		if (j->len && ((const char *)j->data)[j->len - 1] != '\n') n++;
		j->total = n > 0 ? n - 1 : 0;
	}
	FILE *in = fmemopen((void *)(j->len ? j->data : "\n"), j->len ? j->len : 1, "rb");
	if (!in) return E_DB;
	struct import_report rep = { .errors = j->errors, .job = j, .lang = j->lang };
	int rc = fn(j->db, j->who, j->entity_id, in, &rep);
	fclose(in);
	if (!j->marked) import_result(&rep, -1, &j->result);
	if (rc == E_INVALID) j->reason = N_("Nothing was imported: the file has errors");
	else if (rc == E_NOTFOUND) j->reason = N_("The movement no longer exists");
	return rc;
}

static int job_import_models(struct job_run *j) { return import_job(j, movement_import_models); }
static int job_import_results(struct job_run *j) { return import_job(j, movement_import_results); }
static int job_import_registrations(struct job_run *j) { return import_job(j, movement_import_registrations); }

/* ---- exports and the PDF report as background jobs ----
** The request checked the user's rights and the parameters and kept them
** with the job as a JSON object (its `data`); the job checks the rights
** again with the owner's grants of now, produces the same bytes as the
** synchronous route and leaves them as the job's output. */

static json_t *job_params(const struct job_run *j)
{
	return j->len ? json_loadb(j->data, j->len, 0, NULL) : NULL;
}

static const char *param_text(json_t *p, const char *key)
{
	const char *s = json_string_value(json_object_get(p, key));
	return s && *s ? s : NULL;
}

/* the movement of the job, if its owner may still read it; else a reason */
static int job_movement(struct job_run *j, struct arena *a, struct movement **m)
{
	int rc = movements_get(j->db, a, j->entity_id, m);
	if (rc == E_NOTFOUND) j->reason = N_("The movement no longer exists");
	if (rc != E_OK) return rc;
	if (!movement_readable(j->who, *m)) { j->reason = N_("The movement no longer exists"); return E_NOTFOUND; }
	return E_OK;
}

static void job_keep_output(struct job_run *j, const char *data, size_t len, const char *type, const char *name)
{
	buf_add(&j->output, data, len);
	j->output_type = type;
	snprintf(j->output_name, sizeof j->output_name, "%s", name);
}

static int job_export(struct job_run *j)
{
	struct arena a;
	arena_init(&a);
	json_t *p = job_params(j);
	const char *what = param_text(p, "what"), *format = param_text(p, "format"), *lang = param_text(p, "lang");
	struct movement *m = NULL;
	int rc = E_INVALID;
	if (!what || (strcmp(what, "registrations") && strcmp(what, "models") && strcmp(what, "results")) || !format || !sheet_format_valid(format))
		j->reason = N_("The job's parameters are not valid");
	else if ((rc = job_movement(j, &a, &m)) != E_OK) {
	} else if (!mv_may(j->who, PERM_READ, m->authority_path)) {
		j->reason = N_("You may no longer read this movement");
		rc = E_FORBIDDEN;
	} else {
		char *data = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&data, &len);
		rc = f ? movement_export(j->db, m, what, f, format, lang ? lang : "vi") : E_DB;
		if (f) fclose(f);
		if (rc == E_OK)
			job_keep_output(j, data, len,
					!strcmp(format, "csv") ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
					arena_printf(&a, "%s-%s.%s", m->code, what, format));
		free(data);
	}
	json_decref(p);
	arena_free(&a);
	return rc;
}

static int job_report_pdf(struct job_run *j)
{
	struct arena a;
	arena_init(&a);
	json_t *p = job_params(j);
	const char *lang = param_text(p, "lang");
	struct movement *m = NULL;
	int rc = p ? job_movement(j, &a, &m) : E_INVALID;
	if (!p) j->reason = N_("The job's parameters are not valid");
	struct dash_query q = { 0 };
	if (rc == E_OK) {
		q.movement_id = m->id;
		q.under = json_integer_value(json_object_get(p, "under"));
		q.field = param_text(p, "field");
		q.status = param_text(p, "status");
		q.from = param_text(p, "from");
		q.to = param_text(p, "to");
		q.levels = (int)json_integer_value(json_object_get(p, "levels"));
		/* the whole movement, or the subtree the request chose for the owner */
		char path[UNIT_PATH_MAX];
		if (!mv_may(j->who, PERM_READ, m->authority_path) &&
		    (q.under <= 0 || units_path(j->db, q.under, path, sizeof path) != E_OK || !mv_may(j->who, PERM_READ, path))) {
			j->reason = N_("You may no longer read this movement");
			rc = E_FORBIDDEN;
		}
	}
	struct dashboard d;
	if (rc == E_OK) rc = dashboard_build(j->db, &a, m, &q, &d);
	if (rc == E_OK) {
		char *data = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&data, &len);
		rc = f && mv_report_pdf(j->db, &a, &d, lang ? lang : "vi", f) == 0 ? E_OK : E_DB;
		if (f) fclose(f);
		if (rc == E_OK) job_keep_output(j, data, len, "application/pdf", arena_printf(&a, "%s.pdf", m->code));
		free(data);
	}
	json_decref(p);
	arena_free(&a);
	return rc;
}

void movements_jobs_register(void)
{
	jobs_register("export", job_export);
	jobs_register("report_pdf", job_report_pdf);
	jobs_register("import_models", job_import_models);
	jobs_register("import_results", job_import_results);
	jobs_register("import_registrations", job_import_registrations);
}
