/* The movement's charts (for the dashboard page and the printed report) and
** the movement report as PDF, ready to print for a review conference: the
** dashboard's tables and charts and the typical examples. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../base/arena.h"
#include "../base/buf.h"
#include "../base/chart.h"
#include "../base/db.h"
#include "../base/i18n.h"
#include "../base/pdf.h"
#include "movements.h"
#include "mv_report.h"

#define T(s) i18n_get(lang, (s))

/* the money metric the charts show: "vnd" if there is one, else the first amount */
int mv_money_metric(const struct movement *m)
{
	for (int k = 0; k < m->nmetrics; k++)
		if (!strcmp(m->metrics[k].code, "vnd")) return k;
	for (int k = 0; k < m->nmetrics; k++)
		if (!strcmp(m->metrics[k].kind, "amount")) return k;
	return -1;
}

/* days since 1970-01-01 of "YYYY-MM-DD..."; NaN if it is not a date */
static double iso_days(const char *iso)
{
	int y, mo, dd;
	if (!iso || sscanf(iso, "%4d-%2d-%2d", &y, &mo, &dd) != 3 || mo < 1 || mo > 12 || dd < 1 || dd > 31) return NAN;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = dd, .tm_hour = 12 };
	return floor((double)timegm(&tm) / 86400.0);
}

/* the units the "by unit" chart shows for metric k (idx NULL: only counted):
** the heads of the dashboard's tree; when a single unit heads it, its
** children if one of them has a value of the metric, else that unit itself
** (a ward whose models sit on the ward, a department with one unit) */
static int top_children(const struct dashboard *d, int k, int *idx, int max)
{
	if (!d->nunits) return 0;
	int base = d->units[0].depth, n = 0;
	for (int i = 0; i < d->nunits; i++)
		if (d->units[i].depth < base) base = d->units[i].depth;
	int heads = 0, head = -1, valued = 0;
	for (int i = 0; i < d->nunits; i++)
		if (d->units[i].depth == base) {
			heads++;
			head = i;
		}
	if (heads == 1)
		for (int i = 0; i < d->nunits; i++) valued |= d->units[i].depth == base + 1 && d->units[i].sub[k].n;
	if (heads == 1 && !valued) {
		if (idx && max > 0) idx[0] = head;
		return max > 0;
	}
	int want = heads == 1 ? base + 1 : base;
	for (int i = 0; i < d->nunits && n < max; i++)
		if (d->units[i].depth == want) {
			if (idx) idx[n] = i;
			n++;
		}
	return n;
}

int mv_chart(struct db *db, struct arena *a, const struct dashboard *d, const char *which, const char *lang, struct chart *c)
{
	const struct movement *m = d->m;
	memset(c, 0, sizeof *c);
	if (!strcmp(which, "fields")) {
		c->kind = CHART_STACKED;
		c->format = CHART_INT;
		c->title = T("Models per field");
		c->n = d->nfields;
		const char **labels = arena_alloc(a, sizeof(char *) * (size_t)(d->nfields + 1));
		double *eff = arena_alloc(a, sizeof(double) * (size_t)(d->nfields + 1));
		double *not = arena_alloc(a, sizeof(double) * (size_t)(d->nfields + 1));
		double *reg = arena_alloc(a, sizeof(double) * (size_t)(d->nfields + 1));
		for (int f = 0; f < d->nfields; f++) {
			labels[f] = mv_field_label(db, a, lang, d->by_field[f].key);
			reg[f] = (double)d->field_status[f][0];
			eff[f] = (double)d->field_status[f][1];
			not[f] = (double)d->field_status[f][2];
		}
		c->labels = labels;
		c->nseries = 3;
		c->series[0] = (struct chart_series){ T("Effective"), eff };
		c->series[1] = (struct chart_series){ T("Not effective"), not };
		c->series[2] = (struct chart_series){ T("Not yet assessed"), reg };
		return 0;
	}
	if (!strcmp(which, "units")) {
		int k = mv_money_metric(m);
		if (k < 0) return -1;
		int n = top_children(d, k, NULL, INT32_MAX);
		int *order = arena_alloc(a, sizeof(int) * (size_t)(n + 1));
		n = top_children(d, k, order, n);
		c->kind = CHART_BARS;
		c->format = !strcmp(m->metrics[k].unit, "VND") ? CHART_VND : CHART_INT;
		c->title = arena_printf(a, "%s (%s)", m->metrics[k].name, m->metrics[k].unit);
		const char **labels = arena_alloc(a, sizeof(char *) * (size_t)(n + 1));
		double *v = arena_alloc(a, sizeof(double) * (size_t)(n + 1));
		/* largest first; units without a reported value last, in tree order */
		for (int i = 1; i < n; i++)
			for (int j = i; j > 0; j--) {
				const struct dash_total *x = &d->units[order[j]].sub[k], *y = &d->units[order[j - 1]].sub[k];
				if (!(x->n && (!y->n || x->sum > y->sum))) break;
				int t = order[j];
				order[j] = order[j - 1];
				order[j - 1] = t;
			}
		int shown = n > MV_CHART_BARS ? MV_CHART_BARS : n;
		for (int i = 0; i < shown; i++) {
			const struct dash_unit *u = &d->units[order[i]];
			labels[i] = u->name;
			v[i] = u->sub[k].n ? dash_value(&m->metrics[k], &u->sub[k]) : NAN; /* no value: "—", not a zero bar */
		}
		if (shown < n) c->caption = arena_printf(a, T("Top %d of %d — see the table"), shown, n);
		c->n = shown;
		c->labels = labels;
		c->nseries = 1;
		c->series[0] = (struct chart_series){ m->metrics[k].name, v };
		return 0;
	}
	if (!strcmp(which, "timeline")) {
		c->kind = CHART_LINE;
		c->format = CHART_INT;
		c->title = T("Units registered, cumulative");
		const char **labels = arena_alloc(a, sizeof(char *) * (size_t)(d->ntimeline + 1));
		double *v = arena_alloc(a, sizeof(double) * (size_t)(d->ntimeline + 1));
		double *at = arena_alloc(a, sizeof(double) * (size_t)(d->ntimeline + 1));
		int64_t cum = 0;
		for (int t = 0; t < d->ntimeline; t++) {
			cum += d->timeline[t].n;
			struct buf b;
			buf_init(&b);
			fmt_date(&b, lang, d->timeline[t].key);
			labels[t] = arena_strdup(a, buf_cstr(&b));
			buf_free(&b);
			v[t] = (double)cum;
			at[t] = iso_days(d->timeline[t].key);
		}
		c->at = at; /* points spaced by date (a bad date falls back to even spacing) */
		c->n = d->ntimeline;
		c->labels = labels;
		c->nseries = 1;
		c->series[0] = (struct chart_series){ T("Units registered"), v };
		return 0;
	}
	return -1;
}

/* a value as the tables print it (fmt_number), in the arena */
static const char *num(struct arena *a, const char *lang, double v)
{
	struct buf b;
	buf_init(&b);
	fmt_number(&b, lang, v);
	const char *s = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

static const char *date(struct arena *a, const char *lang, const char *iso)
{
	if (!iso) return "—";
	struct buf b;
	buf_init(&b);
	fmt_date(&b, lang, iso);
	const char *s = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

/* a territorial unit's name without its kind: "Thị xã Quảng Yên" -> "Quảng Yên" */
const char *mv_place_name(const char *name)
{
	static const char *const prefixes[] = { "Thành phố ", "Thị xã ", "Thị trấn ", "Tỉnh ", "Huyện ", "Quận ", "Phường ",
						"Xã ", "Đặc khu ", "TP. ", "TP ", "Tp. " };
	for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
		size_t n = strlen(prefixes[i]);
		if (!strncmp(name, prefixes[i], n) && name[n]) return name + n;
	}
	return name;
}

/* a date in words: "ngày 05 tháng 02 năm 2026" (day and month padded as in
** Vietnamese official documents), "5 February 2026", "5 फ़रवरी 2026" */
void mv_long_date(struct buf *b, const char *lang, int y, int mo, int d)
{
	static const char *const en[] = { "January", "February", "March", "April", "May", "June", "July", "August",
					  "September", "October", "November", "December" };
	static const char *const hi[] = { "जनवरी", "फ़रवरी", "मार्च", "अप्रैल", "मई", "जून", "जुलाई", "अगस्त", "सितंबर", "अक्टूबर", "नवंबर", "दिसंबर" };
	if (mo < 1 || mo > 12) return;
	if (!strcmp(lang, "en")) buf_printf(b, "%d %s %d", d, en[mo - 1], y);
	else if (!strcmp(lang, "hi")) buf_printf(b, "%d %s %d", d, hi[mo - 1], y);
	else buf_printf(b, "ngày %02d tháng %s%d năm %d", d, mo < 3 ? "0" : "", mo, y);
}

void mv_issuer(struct db *db, struct arena *a, int64_t unit_id, const char **parent, const char **place)
{
	if (parent) *parent = NULL;
	*place = NULL;
	int64_t id = unit_id;
	const char *top_kind = "";
	static const char *const territorial[] = { "province", "city", "district", "town", "ward", "commune", NULL };
	for (int depth = 0; id && depth < 32; depth++) {
		struct stmt *st = db_query(db, "SELECT name, kind, parent_id FROM units WHERE id = $1", "i", id);
		if (!st || db_step(st) != DB_ROW) { db_done(st); break; }
		const char *name = arena_strdup(a, db_text(st, 0)), *kind = arena_strdup(a, db_text(st, 1));
		id = db_isnull(st, 2) ? 0 : db_int(st, 2);
		db_done(st);
		if (depth == 1 && parent && strcmp(kind, "country")) *parent = name;
		for (int i = 0; !*place && territorial[i]; i++)
			if (!strcmp(kind, territorial[i])) *place = arena_strdup(a, mv_place_name(name));
		top_kind = kind;
	}
	if (!*place && (!strcmp(top_kind, "country") || !strcmp(top_kind, "central") || !strcmp(top_kind, "ministry"))) *place = "Hà Nội";
}

int mv_report_pdf(struct db *db, struct arena *a, const struct dashboard *d, const char *lang, FILE *out)
{
	const struct movement *m = d->m;
	struct pdf *p = pdf_open(out, m->title, lang, m->authority_name, T("Movement report"));
	if (!p) return -1;
	pdf_footer(p, arena_printf(a, "%s — %s", m->code, T("Movement report")));
	const char *parent, *place;
	mv_issuer(db, a, m->authority_id, &parent, &place);
	/* the date of issue on the office's clock */
	time_t now = time(NULL) + (time_t)i18n_tz_minutes * 60;
	struct tm tm;
	gmtime_r(&now, &tm);
	struct buf when;
	buf_init(&when);
	if (place) buf_printf(&when, "%s, ", place);
	mv_long_date(&when, lang, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	if (!place && when.len && !strcmp(lang, "vi")) when.p[0] = 'N'; /* "Ngày ..." opens the line */
	pdf_letterhead(p, parent, m->authority_name, buf_cstr(&when));
	buf_free(&when);
	pdf_title(p, T("Report"), m->title);
	pdf_fact(p, T("Code"), m->code);
	if (m->legal_basis) pdf_fact(p, T("Legal basis"), m->legal_basis);
	pdf_fact(p, T("Period"), arena_printf(a, "%s – %s", date(a, lang, m->starts_on), date(a, lang, m->ends_on)));
	pdf_fact(p, T("Registration deadline"), date(a, lang, m->register_by));
	pdf_fact(p, T("Stage"), T(mv_status_label(m->status)));
	if (m->theme) pdf_paragraph(p, m->theme);

	pdf_heading(p, 2, T("Summary"));
	pdf_fact(p, T("units registered"), num(a, lang, (double)d->registrations));
	pdf_fact(p, T("models"), num(a, lang, (double)d->models));
	pdf_fact(p, T("effective"), num(a, lang, (double)d->effective));
	pdf_fact(p, T("typical examples"), num(a, lang, (double)d->typical));
	pdf_fact(p, T("replications"), num(a, lang, (double)d->replications));

	pdf_heading(p, 2, T("Results"));
	{
		const char *h[] = { T("Indicator"), T("Total"), T("Unit of measure"), T("Models reporting") };
		double w[] = { 4, 2, 1.3, 1.5 };
		pdf_table(p, 4, h, w, "lrlr");
		for (int k = 0; k < m->nmetrics; k++) {
			const char *name = !strcmp(m->metrics[k].kind, "rate") ? arena_printf(a, "%s (%s)", m->metrics[k].name, T("average")) : m->metrics[k].name;
			/* an average of no report is no value, not 0 % */
			int none = !d->total[k].n && !strcmp(m->metrics[k].kind, "rate");
			const char *row[] = { name, none ? "—" : num(a, lang, dash_value(&m->metrics[k], &d->total[k])), m->metrics[k].unit,
					      num(a, lang, (double)d->total[k].n) };
			pdf_row(p, row);
		}
		pdf_table_end(p);
	}

	pdf_heading(p, 2, T("Models per field"));
	struct chart c;
	if (mv_chart(db, a, d, "fields", lang, &c) == 0) {
		c.title = NULL; /* the heading says it: the chart does not repeat it */
		pdf_chart(p, &c);
	}
	{
		const char *h[] = { T("Field"), T("Models"), T("Effective"), T("Not effective"), T("Not yet assessed") };
		double w[] = { 3, 1, 1, 1, 1.2 };
		pdf_table(p, 5, h, w, "lrrrr");
		for (int f = 0; f < d->nfields; f++) {
			const char *row[] = { mv_field_label(db, a, lang, d->by_field[f].key), num(a, lang, (double)d->by_field[f].n),
					      num(a, lang, (double)d->field_status[f][1]), num(a, lang, (double)d->field_status[f][2]),
					      num(a, lang, (double)d->field_status[f][0]) };
			pdf_row(p, row);
		}
		pdf_table_end(p);
	}

	pdf_heading(p, 2, T("Per unit, with the units below"));
	if (mv_chart(db, a, d, "units", lang, &c) == 0) pdf_chart(p, &c);
	{
		int k = mv_money_metric(m);
		const char *h[] = { T("Unit"), T("Models"), k >= 0 ? arena_printf(a, "%s (%s)", m->metrics[k].name, m->metrics[k].unit) : "" };
		double w[] = { 4, 1, 2.2 };
		pdf_table(p, k >= 0 ? 3 : 2, h, w, "lrr");
		int base = d->nunits ? d->units[0].depth : 0;
		for (int i = 0; i < d->nunits; i++) {
			const struct dash_unit *u = &d->units[i];
			int indent = u->depth - base;
			if (indent > 6) indent = 6;
			const char *row[] = { arena_printf(a, "%.*s%s", indent * 2, "            ", u->name), num(a, lang, (double)u->models_sub),
					      k >= 0 && u->sub[k].n ? num(a, lang, dash_value(&m->metrics[k], &u->sub[k])) : "—" };
			pdf_row(p, row);
		}
		pdf_table_end(p);
	}

	pdf_heading(p, 2, T("Registration timeline"));
	if (mv_chart(db, a, d, "timeline", lang, &c) == 0) pdf_chart(p, &c);

	/* the typical examples, with their citations: those the summary counts
	** (the reader's subtree, the field and assessment chosen) */
	struct model_query q = { .movement_id = m->id, .typical = 1, .nranges = -1, .limit = 500, .with_values = 1 };
	if (d->q) {
		q.under = d->q->under;
		q.field = d->q->field && *d->q->field ? d->q->field : NULL;
		q.status = d->q->status && *d->q->status ? d->q->status : NULL;
	}
	struct model *items;
	int n;
	int64_t total;
	if (models_list(db, a, &q, &items, &n, &total) == E_OK && n) {
		pdf_heading(p, 2, T("Typical examples"));
		for (int i = 0; i < n; i++) {
			const struct model *md = &items[i];
			pdf_heading(p, 3, arena_printf(a, "%s — %s", md->code, md->title));
			pdf_fact(p, T("Unit"), md->unit_name);
			pdf_fact(p, T("Field"), mv_field_label(db, a, lang, md->field));
			struct buf b;
			buf_init(&b);
			for (int k = 0; k < md->nvalues; k++) {
				if (!md->values[k].has_value) continue;
				for (int x = 0; x < m->nmetrics; x++)
					if (m->metrics[x].id == md->values[k].metric_id)
						buf_printf(&b, "%s%s: %s %s", b.len ? "; " : "", m->metrics[x].name, num(a, lang, md->values[k].value), m->metrics[x].unit);
			}
			if (b.len) pdf_fact(p, T("Results achieved"), arena_strdup(a, buf_cstr(&b)));
			buf_free(&b);
			if (md->citation) pdf_paragraph(p, md->citation);
		}
	}
	return pdf_close(p);
}
