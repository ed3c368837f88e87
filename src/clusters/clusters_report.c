/* A cluster year's files: the criteria sheet exported and imported (CSV or
** XLSX through the one row reader, all or nothing with "line N: reason"),
** and the conference summary — ranking, points per criterion, the bias
** report, the place of the vote results, the proposals that follow and next
** year's leader and deputy — as an XLSX workbook and a printable PDF with
** its chart. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "../base/arena.h"
#include "../base/buf.h"
#include "../base/chart.h"
#include "../base/db.h"
#include "../base/i18n.h"
#include "../base/pdf.h"
#include "../base/sheet.h"
#include "../base/table.h"
#include "../votes/votes.h"
#include "clusters_int.h"
#include "clusters_web.h"

#define T(s) i18n_get(lang, (s))

static const struct column crit_cols[] = {
	{ "code", N_("Criterion code") },   { "parent", N_("Group code") },      { "kind", N_("Kind (group, score, bonus, penalty)") },
	{ "title", N_("Criterion") },       { "max", N_("Maximum points") },     { "evidence", N_("Evidence asked for") },
	{ "rule", N_("Rule (JSON)") },      { NULL, NULL },
};
enum { CC_CODE, CC_PARENT, CC_KIND, CC_TITLE, CC_MAX, CC_EVIDENCE, CC_RULE, CC_N };

static const char *num_text(struct arena *a, double v)
{
	char *s = arena_printf(a, "%.2f", v);
	size_t n = strlen(s);
	while (n && s[n - 1] == '0') s[--n] = 0;
	if (n && s[n - 1] == '.') s[--n] = 0;
	return s;
}

static int write_criteria(struct req *r, FILE *f, const char *format, const void *ctx)
{
	const struct cyear *y = ctx;
	const char *heads[CC_N + 1];
	column_headers(crit_cols, r->lang, heads);
	/* a group's maximum is derived from its criteria: written empty */
	struct sheet *s = sheet_open(f, format, arena_printf(&r->a, "%s %lld", y->cluster->code, (long long)y->year), heads, "tttt" "ntt");
	if (!s) return E_DB;
	for (int i = 0; i < y->ncrit; i++) {
		const struct criterion *c = &y->crit[i];
		const char *cells[] = { c->code, c->parent_code ? c->parent_code : "", c->kind, c->title,
					strcmp(c->kind, "group") ? num_text(&r->a, (double)c->max_c / 100.0) : "", c->evidence ? c->evidence : "",
					c->rule ? c->rule : "", NULL };
		sheet_row(s, cells);
	}
	return sheet_close(s) == 0 ? E_OK : E_DB;
}

void cluster_criteria_export(struct req *r)
{
	struct cyear *y = cl_load_year(r);
	if (!y) return;
	const char *format = reply_sheet_format(r, "xlsx");
	if (format) reply_sheet(r, arena_printf(&r->a, "criteria-%s-%lld", y->cluster->code, (long long)y->year), format, write_criteria, y);
}

/* A maximum as written in the file, read the Vietnamese way with the
** project's reader (i18n_parse_number: "1.000" is one thousand, "2,5" two and
** a half, "1.500.000,5"); a text that is not a Vietnamese number may be a
** plain decimal as an XLSX number cell or this export writes it ("2.5",
** "97.25"). A text both readings take, with different values and a last
** digit that is not 0 ("1.125": 1125, or 1.125 from a number cell), is
** ambiguous and refused; so is a third decimal (points are kept in
** hundredths). NULL, or why not (a message id, said in the reader's language). */
static const char *file_max(const char *s, double *out)
{
	double vi = 0, plain = 0;
	int has_vi = i18n_parse_number("vi", s, &vi) == 0, has_plain = parse_number(s, &plain) == 0;
	if (!has_vi && !has_plain) return N_("the maximum is not a number");
	if (has_vi && has_plain && vi != plain && s[strlen(s) - 1] != '0')
		return N_("the maximum is ambiguous: write thousands without a dot (1125) and decimals with a comma (1,5)");
	*out = has_vi ? vi : plain;
	double h = *out * 100.0;
	if (fabs(*out) < 1e9 && fabs(h - (double)llround(h)) >= 1e-6) return N_("the maximum has more than two decimals");
	return NULL;
}

/* one reason more, each on its own line */
static void line_error(struct buf *errors, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line_error(struct buf *errors, const char *fmt, ...)
{
	if (errors->len) buf_char(errors, '\n');
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(errors, fmt, ap);
	va_end(ap);
}

int cluster_criteria_read(struct req *r, FILE *f, struct crit_in **items, int *n, struct field_errors *fe)
{
	const char *lang = r->lang;
	char err[256];
	struct table *t;
	*n = 0;
	if (table_open(&t, f, lang, err, sizeof err) != 0) { fe_add(fe, "file", arena_strdup(&r->a, err)); return E_INVALID; }
	int col[CC_N], header = 0;
	struct crit_in *out = arena_alloc(&r->a, sizeof *out * (CLUSTER_MAX_CRITERIA + 1));
	/* every bad line is reported, one a line: "line N: reason", in the reader's language (dòng N: …) */
	struct buf errors;
	buf_init(&errors);
#define LINE_ERROR(...) line_error(&errors, __VA_ARGS__)
	for (int s; (s = table_next(t)) != 0;) {
		if (s < 0) {
			LINE_ERROR(T("line %d: %s"), t->line, t->err);
			if (t->xlsx) break; /* a broken XLSX ends; a CSV resumes at the next line */
			continue;
		}
		if (table_blank(t)) continue;
		if (!header) {
			table_columns_named(t, crit_cols, col);
			header = 1;
			if (col[CC_CODE] < 0 || col[CC_TITLE] < 0 || col[CC_KIND] < 0) {
				LINE_ERROR("%s", i18n_get(r->lang, N_("line 1: the header must name the columns code, kind and title")));
				break;
			}
			continue;
		}
		if (*n >= CLUSTER_MAX_CRITERIA) { LINE_ERROR(T("line %d: %s"), t->line, T(N_("too many criteria"))); break; }
		struct crit_in *c = &out[*n];
		const char *v[CC_N];
		for (int k = 0; k < CC_N; k++) {
			const char *x = table_cell(t, col[k]);
			v[k] = x && *x ? arena_strdup(&r->a, x) : NULL;
		}
		c->code = v[CC_CODE];
		c->parent_code = v[CC_PARENT];
		c->kind = v[CC_KIND];
		c->title = v[CC_TITLE];
		c->evidence = v[CC_EVIDENCE];
		c->rule = v[CC_RULE];
		double max = 0;
		const char *why = v[CC_MAX] ? file_max(v[CC_MAX], &max) : NULL;
		c->max_c = fabs(max) < 1e9 ? llround(max * 100.0) : -1;
		(*n)++;
		if (why) { LINE_ERROR(T("line %d: %s"), t->line, T(why)); continue; }
		/* each line checked as the sheet will be, against the lines before it */
		struct field_errors one = { 0 };
		if (cl_crit_validate(r->db, r->user, out, *n - 1, &one) != E_OK) LINE_ERROR(T("line %d: %s"), t->line, T(one.msg[0]));
	}
#undef LINE_ERROR
	if (!errors.len && !header) buf_printf(&errors, "%s", i18n_get(r->lang, N_("The file is empty")));
	table_close(t);
	int rc = E_OK;
	if (errors.len) {
		fe_add(fe, "file", arena_strdup(&r->a, buf_cstr(&errors)));
		rc = E_INVALID;
	}
	buf_free(&errors);
	*items = out;
	return rc;
}

/* ---- the chart ---- */

void cluster_chart(struct req *r, const struct ranking *k, struct chart *c)
{
	const char *lang = r->lang;
	memset(c, 0, sizeof *c);
	int n = 0;
	for (int i = 0; i < k->n; i++) n += k->rows[i].r.nused > 0;
	const char **labels = arena_alloc(&r->a, sizeof *labels * (size_t)(n + 1));
	double *v = arena_alloc(&r->a, sizeof *v * (size_t)(n + 1));
	int j = 0;
	for (int i = 0; i < k->n; i++) {
		if (!k->rows[i].r.nused) continue;
		labels[j] = k->rows[i].unit.name;
		v[j++] = round(k->rows[i].r.total * 100.0) / 100.0;
	}
	c->kind = CHART_BARS;
	c->format = CHART_NUMBER; /* as the ranking table prints the score: 99,8, not 99,80 */
	c->title = T("Final score");
	c->n = n;
	c->labels = labels;
	c->nseries = 1;
	c->series[0] = (struct chart_series){ T("Final score"), v };
}

void cluster_chart_svg(struct buf *o, struct req *r, const struct ranking *k)
{
	struct chart c;
	cluster_chart(r, k, &c);
	chart_figure(o, &c, r->lang);
}

/* ---- the summary ---- */

struct summary {
	struct cyear *y;
	struct ranking *k;
};

/* a stored UTC time as the page shows it: the date and HH:MM on the office's clock */
static const char *when_text(struct req *r, const char *iso)
{
	struct buf b;
	buf_init(&b);
	fmt_datetime(&b, r->lang, iso);
	const char *s = arena_strdup(&r->a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

static const char *pts(struct req *r, double v)
{
	struct buf b;
	buf_init(&b);
	fmt_number(&b, r->lang, round(v * 100.0) / 100.0);
	const char *s = arena_strdup(&r->a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

static const char *unit_or_dash(const struct cunit *u) { return u->id ? u->name : "—"; }

/* a closed round's candidate as the summary prints it: "passed" or not */
static const char *vote_verdict(const char *lang, const struct vote_candidate *c) { return c->passed ? T("passed") : T("not passed"); }
static const char *vote_title(struct req *r, const struct vote_round *v)
{
	const char *lang = r->lang;
	return strcmp(v->status, "closed") ? arena_printf(&r->a, "%s (%s)", v->title, T("The results are published when the round closes.")) : v->title;
}

static int write_workbook(struct req *r, FILE *out, const struct summary *s)
{
	const char *lang = r->lang;
	const struct cyear *y = s->y;
	const struct ranking *k = s->k;
	char tmp[] = "/tmp/thidua-cluster-XXXXXX";
	int fd = mkstemp(tmp);
	if (fd < 0) return E_DB;
	close(fd);
	lxw_workbook *wb = workbook_new(tmp);
	if (!wb) { unlink(tmp); return E_DB; }
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	lxw_format *num = workbook_add_format(wb);
	format_set_num_format(num, "0.00");
	/* the ranking */
	lxw_worksheet *ws = workbook_add_worksheet(wb, T("Ranking"));
	const char *rh[] = { T("Place"), T("Code"), T("Member"), T("Final score"), T("Self-assessment"), T("Criteria at maximum"), T("Bonus points"), T("Reason"), NULL };
	for (int c = 0; rh[c]; c++) worksheet_write_string(ws, 0, (lxw_col_t)c, rh[c], bold);
	for (int i = 0; i < k->n; i++) {
		const struct rank_row *w = &k->rows[i];
		lxw_row_t row = (lxw_row_t)(i + 1);
		if (w->r.place) worksheet_write_number(ws, row, 0, w->r.place, NULL);
		worksheet_write_string(ws, row, 1, w->unit.code, NULL);
		worksheet_write_string(ws, row, 2, w->unit.name, NULL);
		if (w->r.nused) worksheet_write_number(ws, row, 3, round(w->r.total * 100) / 100, num);
		if (w->has_self) worksheet_write_number(ws, row, 4, w->self_total, num);
		worksheet_write_number(ws, row, 5, w->r.at_max, NULL);
		worksheet_write_number(ws, row, 6, round(w->r.bonus * 100) / 100, num);
		worksheet_write_string(ws, row, 7, rank_reason_text(r, w), NULL);
	}
	worksheet_set_column(ws, 2, 2, 32, NULL);
	worksheet_set_column(ws, 7, 7, 60, NULL);
	/* points per criterion: a row per criterion, a column per member in rank order */
	ws = workbook_add_worksheet(wb, T("Points per criterion"));
	worksheet_write_string(ws, 0, 0, T("Criterion code"), bold);
	worksheet_write_string(ws, 0, 1, T("Criterion"), bold);
	worksheet_write_string(ws, 0, 2, T("Maximum points"), bold);
	for (int i = 0; i < k->n; i++) worksheet_write_string(ws, 0, (lxw_col_t)(3 + i), k->rows[i].unit.name, bold);
	for (int c = 0; c < y->ncrit; c++) {
		const struct criterion *cr = &y->crit[c];
		lxw_row_t row = (lxw_row_t)(c + 1);
		worksheet_write_string(ws, row, 0, cr->code, NULL);
		worksheet_write_string(ws, row, 1, cr->title, strcmp(cr->kind, "group") ? NULL : bold);
		worksheet_write_number(ws, row, 2, (double)cr->max_c / 100.0, num);
		for (int i = 0; i < k->n && strcmp(cr->kind, "group"); i++)
			if (k->rows[i].r.nused) worksheet_write_number(ws, row, (lxw_col_t)(3 + i), round(k->rows[i].r.crit[c] * 100) / 100, num);
	}
	worksheet_set_column(ws, 1, 1, 48, NULL);
	/* the bias report */
	ws = workbook_add_worksheet(wb, T("Scorer bias"));
	const char *bh[] = { T("Scorer"), T("Members compared"), T("Mean difference"), T("z-score"), NULL };
	for (int c = 0; bh[c]; c++) worksheet_write_string(ws, 0, (lxw_col_t)c, bh[c], bold);
	for (int i = 0; i < k->nbias; i++) {
		lxw_row_t row = (lxw_row_t)(i + 1);
		worksheet_write_string(ws, row, 0, k->bias[i].unit.name, NULL);
		worksheet_write_number(ws, row, 1, k->bias[i].b.ntargets, NULL);
		worksheet_write_number(ws, row, 2, round(k->bias[i].b.mean_diff * 100) / 100, num);
		worksheet_write_number(ws, row, 3, round(k->bias[i].b.z * 1000) / 1000, NULL);
	}
	worksheet_set_column(ws, 0, 0, 32, NULL);
	/* the rounds held at the review (src/votes/): each closed one's candidates with their yes votes and share */
	ws = workbook_add_worksheet(wb, T("Vote results"));
	{
		struct vote_round *vr;
		int nv = 0, hidden = 0, row = 0;
		if (votes_of_cluster_year(r->db, &r->a, y->id, r->user, &vr, &nv, &hidden) != E_OK) nv = hidden = 0;
		votes_localise(&r->a, vr, nv, lang);
		if (!nv) worksheet_write_string(ws, 0, 0, votes_none_text(&r->a, lang, hidden), NULL);
		for (int i = 0; i < nv; i++) {
			worksheet_write_string(ws, (lxw_row_t)row++, 0, vote_title(r, &vr[i]), bold);
			if (strcmp(vr[i].status, "closed")) { row++; continue; }
			const char *vh[] = { T("Candidate"), T("Yes"), T("Share"), T("Result"), NULL };
			for (int c = 0; vh[c]; c++) worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)c, vh[c], bold);
			row++;
			for (int c = 0; c < vr[i].ncand; c++, row++) {
				worksheet_write_string(ws, (lxw_row_t)row, 0, vr[i].cand[c].label, NULL);
				worksheet_write_number(ws, (lxw_row_t)row, 1, (double)vr[i].cand[c].yes, NULL);
				worksheet_write_number(ws, (lxw_row_t)row, 2, vr[i].cand[c].share, num);
				worksheet_write_string(ws, (lxw_row_t)row, 3, vote_verdict(lang, &vr[i].cand[c]), NULL);
			}
			row++;
		}
		worksheet_set_column(ws, 0, 0, 40, NULL);
	}
	/* the proposals that follow and next year's leadership */
	ws = workbook_add_worksheet(wb, T("Next year"));
	worksheet_write_string(ws, 0, 0, T("Proposed leader"), bold);
	worksheet_write_string(ws, 0, 1, unit_or_dash(&y->next_leader), NULL);
	worksheet_write_string(ws, 1, 0, T("Proposed deputy"), bold);
	worksheet_write_string(ws, 1, 1, unit_or_dash(&y->next_deputy), NULL);
	worksheet_write_string(ws, 2, 0, T("Confirmed by the organiser"), bold);
	/* a date cell on the office's clock, as the page shows it */
	struct tm ct;
	if (y->rotation_confirmed_at && office_time(y->rotation_confirmed_at, &ct)) {
		lxw_format *when = workbook_add_format(wb);
		format_set_num_format(when, "dd/mm/yyyy hh:mm");
		format_set_align(when, LXW_ALIGN_LEFT);
		lxw_datetime dt = { ct.tm_year + 1900, ct.tm_mon + 1, ct.tm_mday, ct.tm_hour, ct.tm_min, 0 };
		worksheet_write_datetime(ws, 2, 1, &dt, when);
	} else {
		worksheet_write_string(ws, 2, 1, y->rotation_confirmed_at ? y->rotation_confirmed_at : T("not yet"), NULL);
	}
	worksheet_write_string(ws, 3, 0, T("Proposals that follow"), bold);
	worksheet_write_string(ws, 3, 1, y->rotation_note ? y->rotation_note : "", NULL);
	worksheet_set_column(ws, 0, 0, 30, NULL);
	worksheet_set_column(ws, 1, 1, 60, NULL);
	int rc = workbook_close(wb) == LXW_NO_ERROR ? E_OK : E_DB;
	FILE *in = fopen(tmp, "rb");
	if (in) {
		char b[65536];
		size_t got;
		while ((got = fread(b, 1, sizeof b, in)) > 0) fwrite(b, 1, got, out);
		fclose(in);
	} else {
		rc = E_DB;
	}
	unlink(tmp);
	return rc;
}

static int write_pdf(struct req *r, FILE *out, const struct summary *s)
{
	const char *lang = r->lang;
	const struct cyear *y = s->y;
	const struct ranking *k = s->k;
	const char *title = arena_printf(&r->a, "%s — %lld", y->cluster->name, (long long)y->year);
	struct pdf *p = pdf_open(out, title, lang, y->cluster->organiser.name, T("Conference summary"));
	if (!p) return E_DB;
	pdf_letterhead(p, NULL, y->cluster->organiser.name, NULL);
	pdf_title(p, T("CONFERENCE SUMMARY"), title);
	pdf_fact(p, T("Leader"), unit_or_dash(&y->leader));
	pdf_fact(p, T("Deputy leader"), unit_or_dash(&y->deputy));
	pdf_fact(p, T("Method"), cluster_method_label(r, y));
	pdf_fact(p, T("Cards submitted"), arena_printf(&r->a, "%lld / %lld", (long long)k->submitted, (long long)k->expected));
	pdf_heading(p, 1, T("Ranking"));
	const char *rh[] = { T("Place"), T("Member"), T("Final score"), T("Criteria at maximum"), T("Bonus points"), T("Reason") };
	const double rw[] = { 0.6, 2.2, 1, 1, 1, 3 };
	pdf_table(p, 6, rh, rw, "lrrrrl");
	for (int i = 0; i < k->n; i++) {
		const struct rank_row *w = &k->rows[i];
		const char *cells[] = { w->r.place ? arena_printf(&r->a, "%d", w->r.place) : "—", w->unit.name, w->r.nused ? pts(r, w->r.total) : "—",
					arena_printf(&r->a, "%d", w->r.at_max), pts(r, w->r.bonus), rank_reason_text(r, w) };
		pdf_row(p, cells);
	}
	pdf_table_end(p);
	struct chart c;
	cluster_chart(r, k, &c);
	pdf_chart(p, &c);
	/* points per criterion, up to 12 members a table; a large bloc's are in the workbook (a printout of hundreds of pages helps nobody) */
	pdf_heading(p, 1, T("Points per criterion"));
	if (k->n > 36) pdf_paragraph(p, T("The points per criterion of each member are in the XLSX workbook of this summary."));
	for (int from = 0; from < k->n && k->n <= 36; from += 12) {
		int m = k->n - from < 12 ? k->n - from : 12;
		const char *h[PDF_MAX_COLS];
		double w[PDF_MAX_COLS];
		char align[PDF_MAX_COLS + 1];
		h[0] = T("Criterion");
		w[0] = 3;
		align[0] = 'l';
		h[1] = T("Maximum points");
		w[1] = 1;
		align[1] = 'r';
		for (int i = 0; i < m; i++) { h[2 + i] = k->rows[from + i].unit.code; w[2 + i] = 1; align[2 + i] = 'r'; }
		align[2 + m] = 0;
		pdf_table(p, 2 + m, h, w, align);
		for (int cix = 0; cix < y->ncrit; cix++) {
			const struct criterion *cr = &y->crit[cix];
			const char *cells[PDF_MAX_COLS];
			cells[0] = arena_printf(&r->a, "%s %s", cr->code, cr->title);
			cells[1] = pts(r, (double)cr->max_c / 100.0);
			for (int i = 0; i < m; i++) {
				const struct rank_row *row = &k->rows[from + i];
				cells[2 + i] = strcmp(cr->kind, "group") && row->r.nused ? pts(r, row->r.crit[cix]) : "";
			}
			pdf_row(p, cells);
		}
		pdf_table_end(p);
	}
	pdf_heading(p, 1, T("Scorer bias"));
	pdf_paragraph(p, T("Each scorer's totals against the mean of the other scorers of the same member: a negative mean difference is a harsh scorer, a positive one a lenient scorer; the z-score compares the scorers with each other."));
	const char *bh[] = { T("Scorer"), T("Members compared"), T("Mean difference"), T("z-score") };
	pdf_table(p, 4, bh, NULL, "lrrr");
	for (int i = 0; i < k->nbias; i++) {
		const char *cells[] = { k->bias[i].unit.name, arena_printf(&r->a, "%d", k->bias[i].b.ntargets), pts(r, k->bias[i].b.mean_diff),
					cl_z_text(r, k->bias[i].b.z) };
		pdf_row(p, cells);
	}
	pdf_table_end(p);
	pdf_heading(p, 1, T("Vote results"));
	{
		struct vote_round *vr;
		int nv = 0, hidden = 0;
		if (votes_of_cluster_year(r->db, &r->a, y->id, r->user, &vr, &nv, &hidden) != E_OK) nv = hidden = 0;
		votes_localise(&r->a, vr, nv, lang);
		if (!nv) pdf_paragraph(p, votes_none_text(&r->a, lang, hidden));
		for (int i = 0; i < nv; i++) {
			pdf_heading(p, 2, vote_title(r, &vr[i]));
			if (strcmp(vr[i].status, "closed")) continue;
			const char *vh[] = { T("Candidate"), T("Yes"), T("Share"), T("Result") };
			pdf_table(p, 4, vh, NULL, "lrrl");
			for (int j = 0; j < vr[i].ncand; j++) {
				const char *cells[] = { vr[i].cand[j].label, arena_printf(&r->a, "%lld", (long long)vr[i].cand[j].yes),
							arena_printf(&r->a, "%s%%", pts(r, vr[i].cand[j].share)), vote_verdict(lang, &vr[i].cand[j]) };
				pdf_row(p, cells);
			}
			pdf_table_end(p);
		}
	}
	pdf_heading(p, 1, T("Next year"));
	pdf_fact(p, T("Proposed leader"), unit_or_dash(&y->next_leader));
	pdf_fact(p, T("Proposed deputy"), unit_or_dash(&y->next_deputy));
	pdf_fact(p, T("Confirmed by the organiser"), y->rotation_confirmed_at ? when_text(r, y->rotation_confirmed_at) : T("not yet"));
	if (y->rotation_note) pdf_fact(p, T("Proposals that follow"), y->rotation_note);
	return pdf_close(p) == 0 ? E_OK : E_DB;
}

static const char *const summary_formats[] = { "xlsx", "pdf", NULL };

void cluster_summary_download(struct req *r)
{
	const char *format = query_choice(r, "format", summary_formats);
	if (query_bad(r)) return;
	if (!format) format = "pdf";
	struct summary s;
	s.y = cl_load_year(r);
	if (!s.y) return;
	if (cluster_ranking(r->db, &r->a, s.y, &s.k) != E_OK) { reply_fail(r, E_DB, NULL); return; }
	char *data = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&data, &len);
	if (!f) { reply_fail(r, E_DB, NULL); return; }
	int rc = !strcmp(format, "pdf") ? write_pdf(r, f, &s) : write_workbook(r, f, &s);
	fclose(f);
	if (rc != E_OK) { free(data); reply_fail(r, rc, NULL); return; }
	r->status = 200;
	r->ctype = !strcmp(format, "pdf") ? "application/pdf" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	req_set_header(r, "Content-Disposition",
		       arena_printf(&r->a, "attachment; filename=\"summary-%s-%lld.%s\"", s.y->cluster->code, (long long)s.y->year, format));
	buf_add(&r->out, data, len);
	free(data);
}
