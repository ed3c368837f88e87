/* chart: layout of a chart into a display list (rectangles, lines, texts,
** polylines, dots) in user units, then two renderers of that list: SVG text
** and cairo. The layout measures text through a callback: pango for cairo,
** a per-character width table of Noto Sans for SVG (the browser measures
** nothing for us, and the page must not depend on script). */
#include "chart.h"

#include <math.h>
#include <pango/pangocairo.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "errors.h"
#include "i18n.h"
#include "pdf.h"

#define FONT_FAMILY "Noto Sans"
#define PAD ((double)CHART_PAD)
#define TITLE_SIZE 14.0
#define TEXT_SIZE 11.0
#define SMALL_SIZE 10.0
#define AXIS_H 18.0
#define LEGEND_ROW 16.0
#define CAPTION_H 16.0
#define NO_DATA "—"
#define NONE (-1L)
#define NOLIMIT INFINITY /* a text's width budget: none */

/* Okabe-Ito: told apart by colour-blind readers, distinct in grey on paper */
static const long palette[CHART_MAX_SERIES] = { 0x0072B2, 0xE69F00, 0x009E73, 0xCC79A7 };
static const long ink_on[CHART_MAX_SERIES] = { 0xFFFFFF, 0x000000, 0x000000, 0x000000 };
/* line charts also differ by dash pattern (index into dashes[]) */
static const double dashes[CHART_MAX_SERIES][4] = { { 0 }, { 6, 3 }, { 2, 2 }, { 8, 3, 2, 3 } };
static const int ndashes[CHART_MAX_SERIES] = { 0, 2, 2, 4 };
#define C_TEXT 0x222222L
#define C_MUTED 0x555555L
#define C_GRID 0xDDDDDDL
#define C_AXIS 0x666666L
#define C_WHITE 0xFFFFFFL

enum { OP_RECT, OP_LINE, OP_TEXT, OP_POLY, OP_DOT };
enum { A_START, A_MIDDLE, A_END };

struct item {
	int op;
	long fill, stroke;      /* 0xRRGGBB or NONE; a text's colour is fill */
	double x, y, x2, y2;    /* rect: x, y, width, height; line: both ends; text: anchor on the baseline; dot: centre, radius x2 */
	double size;            /* text: font size; line, poly, rect: stroke width */
	int bold, anchor, bar, dash;
	const char *text;
	const char *title;      /* full text of a truncated label, or a bar's label and value */
	double *pts;
	int npts;
};

typedef double measure_fn(void *ctx, const char *s, double size, int bold);

struct layout {
	struct arena a;
	struct item *it;
	int n, cap;
	double w, h;
	measure_fn *measure;
	void *mctx;
	const char *lang;
	double foot;            /* the caption's height under the plot */
	struct buf tmp;
};

/* ---- values ---- */

static double clampv(double v)
{
	if (isnan(v)) return v;   /* no data */
	if (isinf(v)) return 0;
	if (v > CHART_VALUE_MAX) return CHART_VALUE_MAX;
	if (v < -CHART_VALUE_MAX) return -CHART_VALUE_MAX;
	return v;
}

/* a value, NaN when there is none */
static double val(const struct chart *c, int s, int i)
{
	return c->series[s].values ? clampv(c->series[s].values[i]) : NAN;
}

static void fmt_dec(struct buf *b, const char *lang, double v, int decimals)
{
	int64_t scale = decimals == 1 ? 10 : 100;
	double a = fabs(v);
	int64_t ip, fp;
	if (a * (double)scale >= 9e18) {
		ip = llround(a);
		fp = 0;
	} else {
		int64_t r = llround(a * (double)scale);
		ip = r / scale;
		fp = r % scale;
	}
	if (v < 0 && (ip || fp)) buf_char(b, '-');
	fmt_int(b, lang, ip);
	buf_char(b, strcmp(lang, "vi") == 0 ? ',' : '.');
	buf_printf(b, decimals == 1 ? "%01lld" : "%02lld", (long long)fp);
}

void chart_format_value(struct buf *b, enum chart_format f, const char *lang, double v)
{
	if (!lang) lang = LANG_DEFAULT;
	v = clampv(v);
	if (isnan(v)) {
		buf_raw(b, NO_DATA);
		return;
	}
	switch (f) {
	case CHART_INT: fmt_int(b, lang, llround(v)); break;
	case CHART_VND: fmt_vnd(b, lang, llround(v)); break;
	case CHART_PERCENT: fmt_dec(b, lang, v, 1); buf_char(b, '%'); break;
	case CHART_DECIMAL: fmt_dec(b, lang, v, 2); break;
	case CHART_NUMBER: /* the page's table prints the same figure the same way (99,8, not 99,80) */
		if (fabs(v) > 9e15) fmt_int(b, lang, llround(v)); /* fmt_number's limit: whole at that size anyway */
		else fmt_number(b, lang, v);
		break;
	}
}

static int chart_empty(const struct chart *c)
{
	return !c || c->n <= 0 || !c->labels || c->nseries <= 0;
}

static int nseries(const struct chart *c) { return c->nseries > CHART_MAX_SERIES ? CHART_MAX_SERIES : c->nseries; }

/* ---- text widths ---- */

static uint32_t utf8_next(const char **ps)
{
	const unsigned char *s = (const unsigned char *)*ps;
	uint32_t cp;
	int n;
	if (s[0] < 0x80) { cp = s[0]; n = 1; }
	else if ((s[0] & 0xE0) == 0xC0 && (s[1] & 0xC0) == 0x80) { cp = (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F); n = 2; }
	else if ((s[0] & 0xF0) == 0xE0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
		cp = (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
		n = 3;
	} else if ((s[0] & 0xF8) == 0xF0 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80 && (s[3] & 0xC0) == 0x80) {
		cp = (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 | (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
		n = 4;
	} else { cp = 0xFFFD; n = 1; }
	*ps += n;
	return cp;
}

/* marks that join the previous character: no width of their own, never cut before */
static int is_mark(uint32_t cp)
{
	return (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x1AB0 && cp <= 0x1AFF) || (cp >= 0x1DC0 && cp <= 0x1DFF) ||
	       (cp >= 0x20D0 && cp <= 0x20FF) || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0x200D || cp == 0x200C ||
	       (cp >= 0x900 && cp <= 0x903) || (cp >= 0x93A && cp <= 0x94F) || (cp >= 0x951 && cp <= 0x957) ||
	       (cp >= 0x962 && cp <= 0x963);
}

/* widths in em of Noto Sans, rounded up a little so an estimate rarely overflows */
static double em_width(uint32_t cp)
{
	if (is_mark(cp)) return cp == 0x93E || cp == 0x93F || cp == 0x940 || cp == 0x94B || cp == 0x94C || cp == 0x949 || cp == 0x94A ? 0.3 : 0;
	if (cp == ' ') return 0.26;
	if (cp < 0x80) {
		if (strchr("ijl.,:;'|!()[]`", (int)cp)) return 0.29;
		if (strchr("frtI-\"/\\", (int)cp)) return 0.38;
		if (cp == 'm' || cp == 'w') return 0.84;
		if (cp == 'M' || cp == 'W') return 0.92;
		if (cp >= '0' && cp <= '9') return 0.58;
		if (cp >= 'A' && cp <= 'Z') return 0.66;
		if (cp >= 'a' && cp <= 'z') return 0.56;
		return 0.6;
	}
	if (cp == 0x2026) return 0.8;
	if (cp >= 0x2E80 && cp <= 0xFFEF) return 1.0;
	if (cp >= 0x900 && cp <= 0x97F) return 0.64;
	return 0.62;
}

static double estimate_width(void *ctx, const char *s, double size, int bold)
{
	(void)ctx;
	double em = 0;
	while (*s) em += em_width(utf8_next(&s));
	return em * size * (bold ? 1.06 : 1.0);
}

/* s, or its longest prefix ending at a safe place followed by "…" that fits in maxw */
static const char *fit(struct layout *L, const char *s, double size, int bold, double maxw, int *cut)
{
	*cut = 0;
	if (!s) return "";
	if (maxw < 0) maxw = 0; /* a cramped chart: just the ellipsis */
	if (maxw == NOLIMIT || L->measure(L->mctx, s, size, bold) <= maxw) return s;
	*cut = 1;
	size_t len = strlen(s);
	size_t *off = arena_alloc(&L->a, (len + 1) * sizeof *off);
	int m = 0;
	uint32_t prev = 0;
	for (const char *p = s; *p;) {
		const char *at = p;
		uint32_t cp = utf8_next(&p);
		/* cut before a new character, never before a mark or after a virama/joiner */
		if (at != s && !is_mark(cp) && prev != 0x94D && prev != 0x200D) off[m++] = (size_t)(at - s);
		prev = cp;
	}
	int lo = 0, hi = m; /* answer: the first lo prefixes fit (lo = 0: just the ellipsis) */
	while (lo < hi) {
		int mid = (lo + hi + 1) / 2;
		buf_reset(&L->tmp);
		buf_add(&L->tmp, s, off[mid - 1]);
		buf_raw(&L->tmp, "…");
		if (L->measure(L->mctx, L->tmp.p, size, bold) <= maxw) lo = mid;
		else hi = mid - 1;
	}
	size_t n = lo ? off[lo - 1] : 0;
	while (n && s[n - 1] == ' ') n--;
	buf_reset(&L->tmp);
	buf_add(&L->tmp, s, n);
	buf_raw(&L->tmp, "…");
	return arena_strdup(&L->a, L->tmp.p);
}

/* ---- display list ---- */

static struct item *add(struct layout *L, int op)
{
	if (L->n == L->cap) {
		L->cap = L->cap ? L->cap * 2 : 64;
		struct item *it = realloc(L->it, (size_t)L->cap * sizeof *it);
		if (!it) abort();
		L->it = it;
	}
	struct item *i = &L->it[L->n++];
	memset(i, 0, sizeof *i);
	i->op = op;
	i->fill = i->stroke = NONE;
	return i;
}

static struct item *rect(struct layout *L, double x0, double y0, double x1, double y1, long fill)
{
	struct item *i = add(L, OP_RECT);
	i->x = fmin(x0, x1);
	i->y = fmin(y0, y1);
	i->x2 = fabs(x1 - x0);
	i->y2 = fabs(y1 - y0);
	i->fill = fill;
	return i;
}

static void line(struct layout *L, double x0, double y0, double x1, double y1, long color, double width)
{
	struct item *i = add(L, OP_LINE);
	i->x = x0, i->y = y0, i->x2 = x1, i->y2 = y1;
	i->stroke = color;
	i->size = width;
}

static void text(struct layout *L, double x, double y, const char *s, double size, int bold, int anchor, long color, double maxw)
{
	int cut;
	const char *t = fit(L, s, size, bold, maxw, &cut);
	struct item *i = add(L, OP_TEXT);
	i->x = x, i->y = y;
	i->text = t;
	i->title = cut ? s : NULL;
	i->size = size;
	i->bold = bold;
	i->anchor = anchor;
	i->fill = color;
}

static const char *fmtv(struct layout *L, enum chart_format f, double v)
{
	buf_reset(&L->tmp);
	chart_format_value(&L->tmp, f, L->lang, v);
	return arena_strdup(&L->a, L->tmp.p);
}

/* "label: value" or "label — series: value", the tooltip of a bar or point */
static const char *bar_title(struct layout *L, const struct chart *c, int s, int i, double v)
{
	buf_reset(&L->tmp);
	buf_raw(&L->tmp, c->labels[i] ? c->labels[i] : "");
	if (nseries(c) > 1 && c->series[s].name) {
		buf_raw(&L->tmp, " — ");
		buf_raw(&L->tmp, c->series[s].name);
	}
	buf_raw(&L->tmp, ": ");
	chart_format_value(&L->tmp, c->format, L->lang, v);
	return arena_strdup(&L->a, L->tmp.p);
}

/* ---- scales ---- */

struct scale {
	double lo, hi, step;
};

static struct scale scale_for(double lo, double hi, int target, int integer)
{
	struct scale s;
	if (hi <= lo) hi = lo + 1;
	double raw = (hi - lo) / (target > 0 ? target : 1);
	double mag = pow(10, floor(log10(raw)));
	double f = raw / mag;
	s.step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
	if (integer && s.step < 1) s.step = 1;
	s.lo = floor(lo / s.step) * s.step;
	s.hi = ceil(hi / s.step) * s.step;
	if (s.hi <= s.lo) s.hi = s.lo + s.step;
	return s;
}

static int scale_ticks(const struct scale *s) { return (int)llround((s->hi - s->lo) / s->step); }
static double tick_value(const struct scale *s, int k) { return s->lo + k * s->step; }
static double map(const struct scale *s, double v, double a, double b) { return a + (v - s->lo) / (s->hi - s->lo) * (b - a); }

/* the data's range, always including 0; stacked charts add up per sign */
static void data_range(const struct chart *c, double *lo, double *hi)
{
	*lo = 0, *hi = 0;
	for (int i = 0; i < c->n; i++) {
		double pos = 0, neg = 0;
		for (int s = 0; s < nseries(c); s++) {
			double v = val(c, s, i);
			if (isnan(v)) continue;
			if (c->kind == CHART_STACKED) {
				if (v >= 0) pos += v;
				else neg += v;
			} else {
				pos = fmax(pos, v);
				neg = fmin(neg, v);
			}
		}
		*lo = fmin(*lo, neg);
		*hi = fmax(*hi, pos);
	}
	if (*lo == *hi) *hi = 1;
}

static int integer_format(const struct chart *c) { return c->format == CHART_INT || c->format == CHART_VND; }

/* ---- layout ---- */

static double lay_header(struct layout *L, const struct chart *c, int draw)
{
	double top = PAD;
	if (c->title && *c->title) { /* no title: a heading outside the chart names it */
		top += TITLE_SIZE;
		if (draw) text(L, PAD, top, c->title, TITLE_SIZE, 1, A_START, C_TEXT, L->w - 2 * PAD);
		top += 10;
	}
	if (chart_empty(c) || nseries(c) < 2) return top;
	double x = PAD, sw = c->kind == CHART_LINE ? 20 : 14; /* the swatch and its gap */
	for (int s = 0; s < nseries(c); s++) {
		const char *name = c->series[s].name ? c->series[s].name : "";
		double nw = fmax(fmin(L->measure(L->mctx, name, TEXT_SIZE, 0), L->w - 2 * PAD - sw), 0);
		if (x > PAD && x + sw + nw > L->w - PAD) {
			x = PAD;
			top += LEGEND_ROW;
		}
		if (draw && c->kind == CHART_LINE) { /* lines: a stroke with the series' dash pattern */
			struct item *k = add(L, OP_POLY);
			k->pts = arena_alloc(&L->a, 4 * sizeof *k->pts);
			k->pts[0] = x, k->pts[1] = top + 5, k->pts[2] = x + 16, k->pts[3] = top + 5;
			k->npts = 2;
			k->stroke = palette[s];
			k->size = 2;
			k->dash = s;
		} else if (draw) {
			rect(L, x, top, x + 10, top + 10, palette[s]);
		}
		if (draw) text(L, x + sw, top + 9, name, TEXT_SIZE, 0, A_START, C_TEXT, nw);
		x += sw + nw + 14;
	}
	return top + LEGEND_ROW + 4;
}

static void lay_empty(struct layout *L, double top)
{
	double bottom = fmax(L->h - PAD - L->foot, top);
	struct item *f = rect(L, PAD, top, L->w - PAD, bottom, NONE);
	f->stroke = C_GRID;
	f->size = 1;
	text(L, L->w / 2, (top + bottom) / 2 + 12 * 0.35, i18n_get(L->lang, N_("No data")), 12, 0, A_MIDDLE, C_MUTED, L->w - 4 * PAD);
}

/* horizontal bars, grouped or stacked: a row per category */
static void lay_bars(struct layout *L, const struct chart *c, double top)
{
	const int ns = nseries(c), stacked = c->kind == CHART_STACKED;
	double lo, hi;
	data_range(c, &lo, &hi);
	double bottom = L->h - PAD - AXIS_H - L->foot;
	if (bottom < top + 1) bottom = top + 1;
	double band = (bottom - top) / c->n;
	double fs = fmax(fmin(TEXT_SIZE, band * 0.8), 0.5);
	double thick = stacked || ns == 1 ? band * 0.7 : band * 0.8 / ns;
	double vs = fmax(fmin(SMALL_SIZE, (stacked || ns == 1 ? band : thick) * 0.9), 0.5);

	double lab_w = 0, val_w = 0;
	for (int i = 0; i < c->n; i++) {
		lab_w = fmax(lab_w, L->measure(L->mctx, c->labels[i] ? c->labels[i] : "", fs, 0));
		double pos = 0, neg = 0;
		for (int s = 0; s < ns; s++) {
			double v = val(c, s, i);
			if (stacked) {
				if (!isnan(v)) *(v >= 0 ? &pos : &neg) += v;
			} else val_w = fmax(val_w, L->measure(L->mctx, fmtv(L, c->format, v), vs, 0));
		}
		if (stacked) val_w = fmax(val_w, L->measure(L->mctx, fmtv(L, c->format, pos + neg), vs, 0));
	}
	lab_w = fmin(lab_w, L->w * 0.3);
	double vr = fmin(val_w + 6, L->w * 0.25);
	double x0 = PAD + lab_w + 8 + (lo < 0 ? vr : 0);
	double x1 = L->w - PAD - (hi > 0 ? vr : 0);
	if (x1 - x0 < L->w * 0.25) { /* a narrow chart: the labels give way to the bars */
		double short_by = L->w * 0.25 - (x1 - x0);
		lab_w = fmax(0, lab_w - short_by);
		x0 = PAD + lab_w + 8 + (lo < 0 ? vr : 0);
	}
	if (x1 < x0 + 1) x1 = x0 + 1; /* a chart too small to read still draws */

	/* as many ticks as fit their labels */
	struct scale sc = scale_for(lo, hi, 2, integer_format(c));
	for (int target = 6; target >= 2; target--) {
		struct scale t = scale_for(lo, hi, target, integer_format(c));
		double tw = 0;
		for (int k = 0; k <= scale_ticks(&t); k++)
			tw = fmax(tw, L->measure(L->mctx, fmtv(L, c->format, tick_value(&t, k)), SMALL_SIZE, 0));
		if ((tw + 8) * scale_ticks(&t) <= x1 - x0) { sc = t; break; }
	}
	for (int k = 0; k <= scale_ticks(&sc); k++) {
		double v = tick_value(&sc, k), x = map(&sc, v, x0, x1);
		line(L, x, top, x, bottom, C_GRID, 0.5);
		text(L, x, bottom + 13, fmtv(L, c->format, v), SMALL_SIZE, 0, A_MIDDLE, C_MUTED, NOLIMIT);
	}
	double zx = map(&sc, 0, x0, x1);

	for (int i = 0; i < c->n; i++) {
		double y = top + i * band;
		text(L, PAD + lab_w, y + band / 2 + fs * 0.35, c->labels[i], fs, 0, A_END, C_TEXT, lab_w);
		if (stacked) {
			double pos = 0, neg = 0;
			int any = 0;
			for (int s = 0; s < ns; s++) {
				double v = val(c, s, i), a, b;
				if (isnan(v)) continue; /* no data: no segment */
				any = 1;
				if (v >= 0) a = pos, pos += v, b = pos;
				else a = neg, neg += v, b = neg;
				double xa = map(&sc, a, x0, x1), xb = map(&sc, b, x0, x1);
				struct item *r = rect(L, xa, y + band * 0.15, xb, y + band * 0.85, palette[s]);
				r->bar = 1;
				r->stroke = C_WHITE;
				r->size = 0.5;
				r->title = bar_title(L, c, s, i, v);
				const char *lab = fmtv(L, c->format, v);
				if (v != 0 && L->measure(L->mctx, lab, vs, 0) + 6 <= fabs(xb - xa) && band * 0.7 >= vs)
					text(L, (xa + xb) / 2, y + band / 2 + vs * 0.35, lab, vs, 0, A_MIDDLE, ink_on[s], NOLIMIT);
			}
			int right = pos > 0 || neg == 0;
			double ex = map(&sc, right ? pos : neg, x0, x1);
			text(L, right ? ex + 4 : ex - 4, y + band / 2 + vs * 0.35, fmtv(L, c->format, any ? pos + neg : NAN), vs, 0,
			     right ? A_START : A_END, any ? C_TEXT : C_MUTED, NOLIMIT);
		} else {
			for (int s = 0; s < ns; s++) {
				double v = val(c, s, i);
				double yb = ns == 1 ? y + band * 0.15 : y + band * 0.1 + s * thick;
				double hb = ns == 1 ? thick : thick * 0.9;
				if (isnan(v)) { /* no data: "—" where the bar would start, no bar of zero */
					text(L, zx + 4, yb + hb / 2 + vs * 0.35, NO_DATA, vs, 0, A_START, C_MUTED, NOLIMIT);
					continue;
				}
				double xv = map(&sc, v, x0, x1);
				struct item *r = rect(L, zx, yb, xv, yb + hb, palette[s]);
				r->bar = 1;
				r->title = bar_title(L, c, s, i, v);
				text(L, v >= 0 ? xv + 4 : xv - 4, yb + hb / 2 + vs * 0.35, fmtv(L, c->format, v), vs, 0,
				     v >= 0 ? A_START : A_END, C_TEXT, NOLIMIT);
			}
		}
	}
	line(L, zx, top, zx, bottom, C_AXIS, 1);
}

/* a time axis: at[] finite and increasing (equal neighbours allowed) */
static int time_axis(const struct chart *c)
{
	if (!c->at || c->kind != CHART_LINE) return 0;
	for (int i = 0; i < c->n; i++)
		if (!isfinite(c->at[i]) || (i && c->at[i] < c->at[i - 1])) return 0;
	return 1;
}

/* vertical columns and lines: categories along the bottom, evenly spaced or
** (lines with dates) spaced by date */
static void lay_columns(struct layout *L, const struct chart *c, double top)
{
	const int ns = nseries(c), is_line = c->kind == CHART_LINE, timed = time_axis(c);
	double lo, hi;
	data_range(c, &lo, &hi);
	double y0 = top + 14, y1 = L->h - PAD - AXIS_H - L->foot;
	if (y1 < y0 + 1) y1 = y0 + 1;
	int target = (int)((y1 - y0) / 40);
	struct scale sc = scale_for(lo, hi, target < 2 ? 2 : target > 8 ? 8 : target, integer_format(c));
	double tw = 0;
	for (int k = 0; k <= scale_ticks(&sc); k++)
		tw = fmax(tw, L->measure(L->mctx, fmtv(L, c->format, tick_value(&sc, k)), SMALL_SIZE, 0));
	tw = fmin(tw, L->w * 0.3);
	double x0 = PAD + tw + 6, x1 = L->w - PAD;
	if (x1 < x0 + 1) x1 = x0 + 1;
	for (int k = 0; k <= scale_ticks(&sc); k++) {
		double v = tick_value(&sc, k), y = map(&sc, v, y1, y0);
		line(L, x0, y, x1, y, C_GRID, 0.5);
		text(L, x0 - 4, y + SMALL_SIZE * 0.35, fmtv(L, c->format, v), SMALL_SIZE, 0, A_END, C_MUTED, tw);
	}
	double zy = map(&sc, 0, y1, y0);
	double band = (x1 - x0) / c->n;
	/* each category's x: the middle of its band, or its date on the axis */
	double *xs = arena_alloc(&L->a, (size_t)c->n * sizeof *xs);
	double inset = fmin(band / 2, (x1 - x0) / 2);
	if (timed) {
		inset = fmin(24, (x1 - x0) / 2); /* room for the first and last labels */
		double span = c->at[c->n - 1] - c->at[0];
		for (int i = 0; i < c->n; i++)
			xs[i] = span > 0 ? x0 + inset + (c->at[i] - c->at[0]) / span * (x1 - x0 - 2 * inset) : (x0 + x1) / 2;
	} else {
		for (int i = 0; i < c->n; i++) xs[i] = x0 + (i + 0.5) * band;
	}
	if (timed) {
		/* labels at their points, from the left, skipping any that would touch the
		** one before; the last point's label is placed first so it always shows */
		double *w = arena_alloc(&L->a, (size_t)c->n * sizeof *w);
		double *cx = arena_alloc(&L->a, (size_t)c->n * sizeof *cx);
		for (int i = 0; i < c->n; i++) {
			w[i] = fmin(L->measure(L->mctx, c->labels[i] ? c->labels[i] : "", SMALL_SIZE, 0), x1 - x0);
			/* kept inside the chart: a label near an edge moves in */
			cx[i] = fmin(fmax(xs[i], PAD + w[i] / 2), L->w - PAD - w[i] / 2);
		}
		const double gap = 6;
		int last = c->n - 1;
		double right = -INFINITY, stop = cx[last] - w[last] / 2 - gap;
		for (int i = 0; i < last; i++) {
			if (cx[i] - w[i] / 2 < right + gap || cx[i] + w[i] / 2 > stop) continue;
			text(L, cx[i], y1 + 13, c->labels[i], SMALL_SIZE, 0, A_MIDDLE, C_TEXT, w[i]);
			right = cx[i] + w[i] / 2;
		}
		text(L, cx[last], y1 + 13, c->labels[last], SMALL_SIZE, 0, A_MIDDLE, C_TEXT, w[last]);
	} else {
		/* category labels: every k-th when they are crowded */
		int every = band >= 36 ? 1 : (int)ceil(36 / band);
		for (int i = 0; i < c->n; i += every)
			text(L, xs[i], y1 + 13, c->labels[i], SMALL_SIZE, 0, A_MIDDLE, C_TEXT, every * band - 4);
	}

	if (is_line) {
		for (int s = 0; s < ns; s++) {
			/* one polyline per run of points with data: no data breaks the line */
			int lastv = -1;
			for (int i = 0; i < c->n;) {
				if (isnan(val(c, s, i))) { i++; continue; }
				int j = i;
				while (j < c->n && !isnan(val(c, s, j))) j++;
				struct item *p = add(L, OP_POLY);
				p->pts = arena_alloc(&L->a, (size_t)(j - i) * 2 * sizeof *p->pts);
				p->npts = j - i;
				p->stroke = palette[s];
				p->size = 2;
				p->dash = s;
				for (int k = i; k < j; k++) {
					p->pts[2 * (k - i)] = xs[k];
					p->pts[2 * (k - i) + 1] = map(&sc, val(c, s, k), y1, y0);
				}
				lastv = j - 1;
				i = j;
			}
			if (c->n <= 60) {
				for (int i = 0; i < c->n; i++) {
					double v = val(c, s, i);
					if (isnan(v)) continue;
					struct item *d = add(L, OP_DOT);
					d->x = xs[i], d->y = map(&sc, v, y1, y0), d->x2 = 2.5;
					d->fill = palette[s];
					d->bar = 1;
					d->title = bar_title(L, c, s, i, v);
				}
			}
			if (lastv >= 0) {
				double v = val(c, s, lastv);
				text(L, xs[lastv], map(&sc, v, y1, y0) - 6, fmtv(L, c->format, v), SMALL_SIZE, 1, c->n == 1 || lastv < c->n - 1 ? A_MIDDLE : A_END,
				     C_TEXT, NOLIMIT);
			}
		}
	} else {
		double slot = band * 0.8 / ns;
		double vs = fmin(SMALL_SIZE, fmax(slot, 6));
		for (int i = 0; i < c->n; i++) {
			for (int s = 0; s < ns; s++) {
				double v = val(c, s, i);
				double xa = x0 + i * band + band * 0.1 + s * slot;
				if (isnan(v)) { /* no data: "—" on the zero line, no column */
					if (L->measure(L->mctx, NO_DATA, vs, 0) <= band / ns)
						text(L, xa + slot * (ns == 1 ? 0.5 : 0.45), zy - 3, NO_DATA, vs, 0, A_MIDDLE, C_MUTED, NOLIMIT);
					continue;
				}
				double yv = map(&sc, v, y1, y0);
				struct item *r = rect(L, xa, zy, xa + slot * (ns == 1 ? 1 : 0.9), yv, palette[s]);
				r->bar = 1;
				r->title = bar_title(L, c, s, i, v);
				const char *lab = fmtv(L, c->format, v);
				if (L->measure(L->mctx, lab, vs, 0) <= band / ns)
					text(L, xa + slot * (ns == 1 ? 0.5 : 0.45), v >= 0 ? yv - 3 : yv + vs + 1, lab, vs, 0, A_MIDDLE, C_TEXT, NOLIMIT);
			}
		}
	}
	line(L, x0, zy, x1, zy, C_AXIS, 1);
}

static void lay(struct layout *L, const struct chart *c)
{
	double top = lay_header(L, c, 1);
	L->foot = c->caption && *c->caption ? CAPTION_H : 0;
	if (chart_empty(c)) lay_empty(L, top);
	else if (c->kind == CHART_BARS || c->kind == CHART_STACKED) lay_bars(L, c, top);
	else lay_columns(L, c, top);
	if (L->foot) text(L, PAD, L->h - PAD - 3, c->caption, SMALL_SIZE, 0, A_START, C_MUTED, L->w - 2 * PAD);
}

static void layout_init(struct layout *L, double w, double h, const char *lang, measure_fn *m, void *ctx)
{
	memset(L, 0, sizeof *L);
	arena_init(&L->a);
	buf_init(&L->tmp);
	L->w = w, L->h = h;
	L->lang = lang ? lang : LANG_DEFAULT;
	L->measure = m;
	L->mctx = ctx;
}

static void layout_free(struct layout *L)
{
	free(L->it);
	buf_free(&L->tmp);
	arena_free(&L->a);
}

double chart_height(const struct chart *c, double w)
{
	struct layout L;
	layout_init(&L, w, 0, NULL, estimate_width, NULL);
	double top = lay_header(&L, c, 0) + (c->caption && *c->caption ? CAPTION_H : 0);
	layout_free(&L);
	if (chart_empty(c)) return round(top + 90);
	int ns = nseries(c);
	if (c->kind == CHART_BARS || c->kind == CHART_STACKED) {
		double band = c->kind == CHART_STACKED || ns == 1 ? 22 : 8 + 11 * ns;
		return round(top + c->n * band + AXIS_H + PAD);
	}
	return round(top + 14 + fmax(180, w * 0.4) + AXIS_H + PAD);
}

/* ---- SVG ---- */

/* a coordinate to one decimal, "12" or "-0.5"; written by hand: a chart has
** hundreds of them and printf is the larger part of drawing one */
static void svg_num(struct buf *o, double v)
{
	long long t = llround(v * 10);
	unsigned long long u = t < 0 ? 0ULL - (unsigned long long)t : (unsigned long long)t;
	char tmp[32], *p = tmp + sizeof tmp;
	if (u % 10) {
		*--p = (char)('0' + u % 10);
		*--p = '.';
	}
	u /= 10;
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (t < 0) *--p = '-';
	buf_add(o, p, (size_t)(tmp + sizeof tmp - p));
}

static void svg_attr(struct buf *o, const char *name, double v)
{
	buf_char(o, ' ');
	buf_raw(o, name);
	buf_raw(o, "=\"");
	svg_num(o, v);
	buf_char(o, '"');
}

static void svg_color(struct buf *o, const char *name, long c)
{
	buf_char(o, ' ');
	buf_raw(o, name);
	if (c == NONE) {
		buf_raw(o, "=\"none\"");
		return;
	}
	char hex[] = "=\"#000000\"";
	for (int k = 0; k < 6; k++) hex[8 - k] = "0123456789ABCDEF"[(c >> (4 * k)) & 0xF];
	buf_raw(o, hex);
}

static void svg_dash(struct buf *o, int d)
{
	if (!ndashes[d]) return;
	buf_raw(o, " stroke-dasharray=\"");
	for (int k = 0; k < ndashes[d]; k++) {
		if (k) buf_char(o, ' ');
		svg_num(o, dashes[d][k]);
	}
	buf_char(o, '"');
}

static void svg_title(struct buf *o, const char *t)
{
	buf_raw(o, "<title>");
	buf_html(o, t);
	buf_raw(o, "</title>");
}

static void svg_item(struct buf *o, const struct item *i)
{
	switch (i->op) {
	case OP_RECT:
		buf_raw(o, i->bar ? "<rect class=\"bar\"" : "<rect");
		svg_attr(o, "x", i->x), svg_attr(o, "y", i->y), svg_attr(o, "width", i->x2), svg_attr(o, "height", i->y2);
		svg_color(o, "fill", i->fill);
		if (i->stroke != NONE) svg_color(o, "stroke", i->stroke), svg_attr(o, "stroke-width", i->size);
		break;
	case OP_LINE:
		buf_raw(o, "<line");
		svg_attr(o, "x1", i->x), svg_attr(o, "y1", i->y), svg_attr(o, "x2", i->x2), svg_attr(o, "y2", i->y2);
		svg_color(o, "stroke", i->stroke);
		svg_attr(o, "stroke-width", i->size);
		break;
	case OP_DOT:
		buf_raw(o, "<circle class=\"point\"");
		svg_attr(o, "cx", i->x), svg_attr(o, "cy", i->y), svg_attr(o, "r", i->x2);
		svg_color(o, "fill", i->fill);
		break;
	case OP_POLY:
		buf_raw(o, "<polyline points=\"");
		for (int k = 0; k < i->npts; k++) {
			if (k) buf_char(o, ' ');
			svg_num(o, i->pts[2 * k]);
			buf_char(o, ',');
			svg_num(o, i->pts[2 * k + 1]);
		}
		buf_raw(o, "\" fill=\"none\" stroke-linejoin=\"round\" stroke-linecap=\"round\"");
		svg_color(o, "stroke", i->stroke);
		svg_attr(o, "stroke-width", i->size);
		svg_dash(o, i->dash);
		buf_raw(o, "/>\n");
		return;
	case OP_TEXT:
		buf_raw(o, "<text");
		svg_attr(o, "x", i->x), svg_attr(o, "y", i->y), svg_attr(o, "font-size", i->size);
		if (i->bold) buf_raw(o, " font-weight=\"bold\"");
		if (i->anchor != A_START) buf_raw(o, i->anchor == A_MIDDLE ? " text-anchor=\"middle\"" : " text-anchor=\"end\"");
		svg_color(o, "fill", i->fill);
		buf_char(o, '>');
		buf_html(o, i->text);
		if (i->title) svg_title(o, i->title);
		buf_raw(o, "</text>\n");
		return;
	}
	if (i->title) {
		buf_char(o, '>');
		svg_title(o, i->title);
		buf_raw(o, i->op == OP_RECT ? "</rect>\n" : "</circle>\n");
	} else {
		buf_raw(o, "/>\n");
	}
}

void chart_svg(struct buf *o, const struct chart *c, const char *lang)
{
	struct layout L;
	double w = CHART_SVG_WIDTH, h = chart_height(c, w);
	layout_init(&L, w, h, lang, estimate_width, NULL);
	lay(&L, c);
	const char *title = c->title ? c->title : "";
	buf_raw(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 ");
	svg_num(o, w);
	buf_char(o, ' ');
	svg_num(o, h);
	buf_char(o, '"');
	svg_attr(o, "width", w);
	svg_attr(o, "height", h);
	buf_raw(o, " font-family=\"" FONT_FAMILY ", sans-serif\" aria-label=\"");
	buf_html(o, title);
	if (chart_empty(c)) {
		buf_raw(o, ": ");
		buf_html(o, i18n_get(L.lang, N_("No data")));
	}
	buf_raw(o, "\">\n");
	svg_title(o, title);
	buf_raw(o, "\n<rect width=\"100%\" height=\"100%\" fill=\"#FFFFFF\"/>\n");
	for (int k = 0; k < L.n; k++) svg_item(o, &L.it[k]);
	buf_raw(o, "</svg>\n");
	layout_free(&L);
}

void chart_figure(struct buf *o, const struct chart *c, const char *lang)
{
	buf_raw(o, "<div class=\"chart-scroll\" tabindex=\"0\"");
	if (c->title && *c->title) {
		buf_raw(o, " role=\"region\" aria-label=\"");
		buf_html(o, c->title);
		buf_raw(o, "\"");
	}
	buf_raw(o, ">\n");
	chart_svg(o, c, lang);
	buf_raw(o, "</div>\n");
}

/* ---- cairo ---- */

struct pango_measure {
	PangoLayout *pl;
	PangoFontDescription *fd;
};

static void pango_set(struct pango_measure *pm, const char *s, double size, int bold)
{
	pango_font_description_set_absolute_size(pm->fd, size * PANGO_SCALE);
	pango_font_description_set_weight(pm->fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(pm->pl, pm->fd);
	pango_layout_set_text(pm->pl, s, -1);
}

static double pango_width(void *ctx, const char *s, double size, int bold)
{
	struct pango_measure *pm = ctx;
	pango_set(pm, s, size, bold);
	PangoRectangle logical;
	pango_layout_get_extents(pm->pl, NULL, &logical);
	return logical.width / (double)PANGO_SCALE;
}

static void cairo_color(cairo_t *cr, long c)
{
	cairo_set_source_rgb(cr, ((c >> 16) & 0xFF) / 255.0, ((c >> 8) & 0xFF) / 255.0, (c & 0xFF) / 255.0);
}

void chart_cairo(cairo_t *cr, const struct chart *c, double x, double y, double w, double h, const char *lang)
{
	struct pango_measure pm;
	pm.pl = pango_cairo_create_layout(cr);
	pdf_note_font_map(pm.pl);
	pm.fd = pango_font_description_from_string(FONT_FAMILY);
	struct layout L;
	layout_init(&L, w, h, lang, pango_width, &pm);
	lay(&L, c);

	cairo_save(cr);
	cairo_translate(cr, x, y);
	cairo_rectangle(cr, 0, 0, w, h);
	cairo_clip(cr);
	for (int k = 0; k < L.n; k++) {
		const struct item *i = &L.it[k];
		switch (i->op) {
		case OP_RECT:
			cairo_rectangle(cr, i->x, i->y, i->x2, i->y2);
			if (i->fill != NONE) {
				cairo_color(cr, i->fill);
				cairo_fill_preserve(cr);
			}
			if (i->stroke != NONE) {
				cairo_color(cr, i->stroke);
				cairo_set_line_width(cr, i->size);
				cairo_stroke(cr);
			}
			cairo_new_path(cr);
			break;
		case OP_LINE:
			cairo_move_to(cr, i->x, i->y);
			cairo_line_to(cr, i->x2, i->y2);
			cairo_color(cr, i->stroke);
			cairo_set_line_width(cr, i->size);
			cairo_stroke(cr);
			break;
		case OP_DOT:
			cairo_new_sub_path(cr);
			cairo_arc(cr, i->x, i->y, i->x2, 0, 2 * M_PI);
			cairo_color(cr, i->fill);
			cairo_fill(cr);
			break;
		case OP_POLY:
			cairo_new_path(cr);
			for (int p = 0; p < i->npts; p++) cairo_line_to(cr, i->pts[2 * p], i->pts[2 * p + 1]);
			cairo_color(cr, i->stroke);
			cairo_set_line_width(cr, i->size);
			cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
			cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
			cairo_set_dash(cr, dashes[i->dash], ndashes[i->dash], 0);
			cairo_stroke(cr);
			cairo_set_dash(cr, NULL, 0, 0);
			break;
		case OP_TEXT: {
			double tw = pango_width(&pm, i->text, i->size, i->bold);
			double base = pango_layout_get_baseline(pm.pl) / (double)PANGO_SCALE;
			double ax = i->anchor == A_MIDDLE ? tw / 2 : i->anchor == A_END ? tw : 0;
			cairo_move_to(cr, i->x - ax, i->y - base);
			cairo_color(cr, i->fill);
			pango_cairo_show_layout(cr, pm.pl);
			cairo_new_path(cr); /* no current point left for the next item */
			break;
		}
		}
	}
	cairo_restore(cr);
	layout_free(&L);
	pango_font_description_free(pm.fd);
	g_object_unref(pm.pl);
}
