/* pdf: flowing report layout on a cairo PDF surface; see pdf.h. Units are
** PostScript points (1/72 in), the PDF surface's user units; font sizes are
** set as absolute sizes in those units, so no resolution is involved. */
#include "pdf.h"

#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "i18n.h"

#ifndef THIDUA_VERSION
#define THIDUA_VERSION "dev"
#endif

#define PAGE_W 595.276   /* A4: 210 x 297 mm */
#define PAGE_H 841.890
#define MARGIN 56.693    /* 20 mm */
#define LEFT MARGIN
#define RIGHT (PAGE_W - MARGIN)
#define TOP MARGIN
#define BOTTOM (PAGE_H - MARGIN)
#define CONTENT_W (RIGHT - LEFT)
#define FOOTER_Y (PAGE_H - 34)
#define BODY_SIZE 10.0
#define TABLE_SIZE 9.0
#define FOOTER_SIZE 8.0
#define CELL_PX 4.0
#define CELL_PY 3.0
#define CELL_MAX_LINES 20  /* a cell longer than this is ellipsized: a row always fits a page */
#define FONT_FAMILY "Noto Sans"
#define KEEP_AFTER (3 * BODY_SIZE * 1.362) /* three lines of body text (Noto Sans line height: 1.362 em) */

struct pdf {
	FILE *out;
	int write_failed;
	cairo_surface_t *surface;
	cairo_t *cr;
	PangoLayout *pl;        /* the flowing text */
	PangoLayout *foot;      /* the footer's own: a page can end in the middle of a paragraph */
	PangoFontDescription *fd;
	char *title;
	char *footer_text;      /* NULL: the title */
	char lang[8];
	double y;
	int page;
	int outline_parent;
	char *pending;          /* a heading kept back until what follows it is known */
	int pending_level;
	/* the open table */
	int ncols, rows;
	double colw[PDF_MAX_COLS];
	char align[PDF_MAX_COLS];
	char *headers[PDF_MAX_COLS];
	PangoLayout *cell[PDF_MAX_COLS];
};

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int len)
{
	struct pdf *p = closure;
	if (fwrite(data, 1, len, p->out) != len) {
		p->write_failed = 1;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

static int failed(const struct pdf *p)
{
	return p->write_failed || cairo_status(p->cr) != CAIRO_STATUS_SUCCESS ||
	       cairo_surface_status(p->surface) != CAIRO_STATUS_SUCCESS;
}

static void gray(cairo_t *cr, double v) { cairo_set_source_rgb(cr, v, v, v); }

/* sets layout l to text at size, bold or not, wrapped at width (0: one line, no wrap) */
static void set_text(struct pdf *p, PangoLayout *l, const char *text, double size, int bold, double width,
		     PangoAlignment align)
{
	pango_font_description_set_absolute_size(p->fd, size * PANGO_SCALE);
	pango_font_description_set_weight(p->fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, p->fd);
	pango_layout_set_width(l, width > 0 ? (int)(width * PANGO_SCALE) : -1);
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(l, align);
	pango_layout_set_text(l, text ? text : "", -1);
}

/* the same, in italics */
static void set_italic(struct pdf *p, PangoLayout *l, const char *text, double size, double width, PangoAlignment align)
{
	pango_font_description_set_style(p->fd, PANGO_STYLE_ITALIC);
	set_text(p, l, text, size, 0, width, align);
	pango_font_description_set_style(p->fd, PANGO_STYLE_NORMAL);
}

static double layout_height(PangoLayout *l)
{
	PangoRectangle r;
	pango_layout_get_extents(l, NULL, &r);
	return r.height / (double)PANGO_SCALE;
}

static void footer(struct pdf *p)
{
	struct buf b;
	buf_init(&b);
	buf_printf(&b, "%s · %s %d", p->footer_text ? p->footer_text : p->title, i18n_get(p->lang, N_("page")), p->page);
	set_text(p, p->foot, buf_cstr(&b), FOOTER_SIZE, 0, CONTENT_W, PANGO_ALIGN_CENTER);
	cairo_move_to(p->cr, LEFT, FOOTER_Y);
	gray(p->cr, 0.35);
	pango_cairo_show_layout(p->cr, p->foot);
	cairo_move_to(p->cr, LEFT, FOOTER_Y - 4);
	cairo_line_to(p->cr, RIGHT, FOOTER_Y - 4);
	cairo_set_line_width(p->cr, 0.5);
	gray(p->cr, 0.7);
	cairo_stroke(p->cr);
	buf_free(&b);
}

static void new_page(struct pdf *p)
{
	footer(p);
	cairo_show_page(p->cr);
	p->page++;
	p->y = TOP;
}

/* starts a new page unless h more points fit on this one (or it is still empty) */
static void need(struct pdf *p, double h)
{
	if (p->y + h > BOTTOM && p->y > TOP) new_page(p);
}

struct pdf *pdf_open(FILE *out, const char *title, const char *lang, const char *author, const char *subject)
{
	struct pdf *p = calloc(1, sizeof *p);
	if (!p) return NULL;
	p->out = out;
	p->title = strdup(title ? title : "");
	snprintf(p->lang, sizeof p->lang, "%s", lang && i18n_known(lang) ? lang : LANG_DEFAULT);
	p->surface = cairo_pdf_surface_create_for_stream(write_out, p, PAGE_W, PAGE_H);
	p->cr = cairo_create(p->surface);
	if (failed(p)) {
		cairo_destroy(p->cr);
		cairo_surface_destroy(p->surface);
		free(p->title);
		free(p);
		return NULL;
	}
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_TITLE, p->title);
	if (author) cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_AUTHOR, author);
	if (subject) cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_SUBJECT, subject);
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "thidua " THIDUA_VERSION);
	/* the calling thread's default font map (per thread since pango 1.32) */
	p->pl = pango_cairo_create_layout(p->cr);
	p->foot = pango_cairo_create_layout(p->cr);
	pdf_note_font_map(p->pl);
	pango_layout_set_ellipsize(p->foot, PANGO_ELLIPSIZE_MIDDLE);
	p->fd = pango_font_description_from_string(FONT_FAMILY);
	p->page = 1;
	p->y = TOP;
	p->outline_parent = CAIRO_PDF_OUTLINE_ROOT;
	return p;
}

/* draws p->pl at LEFT + dx, flowing its lines onto following pages as needed */
static void flow(struct pdf *p, double dx)
{
	PangoLayoutIter *it = pango_layout_get_iter(p->pl);
	double off = 0; /* layout y that sits at p->y on the current page */
	double start = p->y;
	do {
		PangoRectangle lr;
		pango_layout_iter_get_line_extents(it, NULL, &lr);
		double ly = lr.y / (double)PANGO_SCALE, lh = lr.height / (double)PANGO_SCALE;
		if (start + (ly - off) + lh > BOTTOM && (ly > off || start > TOP)) {
			new_page(p);
			start = p->y;
			off = ly;
		}
		double base = pango_layout_iter_get_baseline(it) / (double)PANGO_SCALE;
		cairo_move_to(p->cr, LEFT + dx + lr.x / (double)PANGO_SCALE, start + base - off);
		pango_cairo_show_layout_line(p->cr, pango_layout_iter_get_line_readonly(it));
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	p->y = start + layout_height(p->pl) - off;
}

/* draws the pending heading, on a new page unless "after" more points fit
** below it: a heading never ends a page without what it introduces */
static void flush_heading(struct pdf *p, double after)
{
	if (!p->pending) return;
	char *text = p->pending;
	int level = p->pending_level;
	p->pending = NULL;
	double size = level <= 1 ? 18 : level == 2 ? 14 : 12;
	set_text(p, p->pl, text, size, 1, CONTENT_W, PANGO_ALIGN_LEFT);
	double h = layout_height(p->pl);
	double before = p->y > TOP ? size * 0.6 : 0;
	need(p, before + h + size * 0.35 + after);
	if (p->y > TOP) p->y += before;
	if (level <= 2) {
		char dest[64];
		snprintf(dest, sizeof dest, "page=%d pos=[%.1f %.1f]", p->page, LEFT, p->y);
		int id = cairo_pdf_surface_add_outline(p->surface, level <= 1 ? CAIRO_PDF_OUTLINE_ROOT : p->outline_parent, text, dest, 0);
		if (level <= 1) p->outline_parent = id;
	}
	gray(p->cr, 0.1);
	cairo_move_to(p->cr, LEFT, p->y);
	pango_cairo_show_layout(p->cr, p->pl);
	p->y += h + size * 0.35;
	free(text);
}

void pdf_heading(struct pdf *p, int level, const char *text)
{
	if (failed(p)) return;
	flush_heading(p, KEEP_AFTER);
	p->pending = strdup(text ? text : "");
	p->pending_level = level;
}

void pdf_footer(struct pdf *p, const char *text)
{
	free(p->footer_text);
	p->footer_text = text ? strdup(text) : NULL;
}

/* draws text centred in the column [x, x + w) at p->y + dy; returns its height */
static double centred(struct pdf *p, PangoLayout *l, double x, double w, double dy)
{
	cairo_move_to(p->cr, x, p->y + dy);
	pango_cairo_show_layout(p->cr, l);
	return layout_height(l);
}

/* a rule of width rw centred in the column [x, x + w) at p->y + dy */
static void centred_rule(struct pdf *p, double x, double w, double rw, double dy)
{
	cairo_move_to(p->cr, x + (w - rw) / 2, p->y + dy);
	cairo_line_to(p->cr, x + (w + rw) / 2, p->y + dy);
	cairo_set_line_width(p->cr, 0.6);
	gray(p->cr, 0.1);
	cairo_stroke(p->cr);
}

static double ink_width(PangoLayout *l)
{
	PangoRectangle r;
	pango_layout_get_pixel_extents(l, &r, NULL);
	return r.width;
}

void pdf_letterhead(struct pdf *p, const char *parent, const char *body, const char *place_date)
{
	if (failed(p)) return;
	flush_heading(p, 0);
	const double lw = CONTENT_W * 0.40, gap = 8, rx = LEFT + lw + gap, rw = CONTENT_W - lw - gap, size = 10.5;
	PangoLayout *l = pango_layout_copy(p->pl);
	gray(p->cr, 0.1);
	/* left: the issuing body */
	double ly = 0;
	if (parent && *parent) {
		char *up = g_utf8_strup(parent, -1);
		set_text(p, l, up, size, 0, lw, PANGO_ALIGN_CENTER);
		ly += centred(p, l, LEFT, lw, ly);
		g_free(up);
	}
	char *up = g_utf8_strup(body ? body : "", -1);
	set_text(p, l, up, size, 1, lw, PANGO_ALIGN_CENTER);
	ly += centred(p, l, LEFT, lw, ly);
	g_free(up);
	centred_rule(p, LEFT, lw, lw / 3, ly + 4);
	ly += 8;
	/* right: the state's name and motto, then the place and date */
	double ry = 0;
	set_text(p, l, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size, 1, rw, PANGO_ALIGN_CENTER);
	ry += centred(p, l, rx, rw, ry);
	set_text(p, l, "Độc lập – Tự do – Hạnh phúc", size + 1, 1, rw, PANGO_ALIGN_CENTER);
	ry += centred(p, l, rx, rw, ry);
	centred_rule(p, rx, rw, fmin(ink_width(l), rw), ry + 3);
	ry += 11;
	if (place_date && *place_date) {
		set_italic(p, l, place_date, size + 0.5, rw, PANGO_ALIGN_CENTER);
		ry += centred(p, l, rx, rw, ry);
	}
	g_object_unref(l);
	p->y += fmax(ly, ry) + 20;
}

void pdf_title(struct pdf *p, const char *kicker, const char *title)
{
	if (failed(p)) return;
	flush_heading(p, 0);
	PangoLayout *k = pango_layout_copy(p->pl), *l = pango_layout_copy(p->pl);
	char *up = g_utf8_strup(kicker ? kicker : "", -1);
	set_text(p, k, up, 14, 1, CONTENT_W, PANGO_ALIGN_CENTER);
	g_free(up);
	double kh = kicker && *kicker ? layout_height(k) : 0;
	set_text(p, l, title, 13, 1, CONTENT_W, PANGO_ALIGN_CENTER);
	need(p, kh + layout_height(l) + KEEP_AFTER);
	char dest[64];
	snprintf(dest, sizeof dest, "page=%d pos=[%.1f %.1f]", p->page, LEFT, p->y);
	p->outline_parent = cairo_pdf_surface_add_outline(p->surface, CAIRO_PDF_OUTLINE_ROOT, title ? title : "", dest, 0);
	gray(p->cr, 0.1);
	if (kh > 0) centred(p, k, LEFT, CONTENT_W, 0);
	double h = kh + centred(p, l, LEFT, CONTENT_W, kh);
	g_object_unref(k);
	g_object_unref(l);
	p->y += h + 14;
}

void pdf_paragraph(struct pdf *p, const char *text)
{
	if (failed(p)) return;
	flush_heading(p, KEEP_AFTER);
	set_text(p, p->pl, text, BODY_SIZE, 0, CONTENT_W, PANGO_ALIGN_LEFT);
	gray(p->cr, 0.1);
	flow(p, 0);
	p->y += BODY_SIZE * 0.6;
}

void pdf_fact(struct pdf *p, const char *key, const char *value)
{
	if (failed(p)) return;
	flush_heading(p, KEEP_AFTER);
	double kw = CONTENT_W * 0.35;
	set_text(p, p->pl, key, BODY_SIZE, 1, kw - 8, PANGO_ALIGN_LEFT);
	double kh = layout_height(p->pl);
	PangoLayout *v = pango_layout_copy(p->pl);
	set_text(p, v, value, BODY_SIZE, 0, CONTENT_W - kw, PANGO_ALIGN_LEFT);
	double vh = layout_height(v);
	need(p, kh > vh ? kh : vh);
	gray(p->cr, 0.1);
	cairo_move_to(p->cr, LEFT, p->y);
	pango_cairo_show_layout(p->cr, p->pl);
	cairo_move_to(p->cr, LEFT + kw, p->y);
	pango_cairo_show_layout(p->cr, v);
	g_object_unref(v);
	p->y += (kh > vh ? kh : vh) + 3;
}

static PangoAlignment col_align(char a)
{
	return a == 'r' ? PANGO_ALIGN_RIGHT : a == 'c' ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT;
}

/* lays out one row's cells into p->cell[] and returns the row height */
static double row_layout(struct pdf *p, const char *const *cells, int bold)
{
	double h = 0;
	for (int i = 0; i < p->ncols; i++) {
		set_text(p, p->cell[i], cells[i], TABLE_SIZE, bold, p->colw[i] - 2 * CELL_PX, col_align(p->align[i]));
		double ch = layout_height(p->cell[i]);
		if (ch > h) h = ch;
	}
	return h + 2 * CELL_PY;
}

static void row_draw(struct pdf *p, double h, double fill)
{
	if (fill < 1) {
		cairo_rectangle(p->cr, LEFT, p->y, CONTENT_W, h);
		gray(p->cr, fill);
		cairo_fill(p->cr);
	}
	gray(p->cr, 0.1);
	double x = LEFT;
	for (int i = 0; i < p->ncols; i++) {
		cairo_move_to(p->cr, x + CELL_PX, p->y + CELL_PY);
		pango_cairo_show_layout(p->cr, p->cell[i]);
		x += p->colw[i];
	}
	p->y += h;
}

static void header_draw(struct pdf *p)
{
	double h = row_layout(p, (const char *const *)p->headers, 1);
	cairo_rectangle(p->cr, LEFT, p->y, CONTENT_W, h);
	cairo_set_source_rgb(p->cr, 0.85, 0.89, 0.94);
	cairo_fill(p->cr);
	row_draw(p, h, 1);
	cairo_move_to(p->cr, LEFT, p->y);
	cairo_line_to(p->cr, RIGHT, p->y);
	cairo_set_line_width(p->cr, 0.8);
	gray(p->cr, 0.3);
	cairo_stroke(p->cr);
}

void pdf_table(struct pdf *p, int ncols, const char *const *headers, const double *widths, const char *align)
{
	if (failed(p)) return;
	pdf_table_end(p); /* one table at a time */
	if (ncols < 1) ncols = 1;
	if (ncols > PDF_MAX_COLS) ncols = PDF_MAX_COLS;
	double sum = 0;
	for (int i = 0; i < ncols; i++) sum += widths && widths[i] > 0 ? widths[i] : 1;
	for (int i = 0; i < ncols; i++) {
		p->colw[i] = (widths && widths[i] > 0 ? widths[i] : 1) / sum * CONTENT_W;
		p->align[i] = align && strlen(align) > (size_t)i ? align[i] : 'l';
		p->headers[i] = strdup(headers && headers[i] ? headers[i] : "");
		p->cell[i] = pango_layout_copy(p->pl);
		pango_layout_set_height(p->cell[i], -CELL_MAX_LINES);
		pango_layout_set_ellipsize(p->cell[i], PANGO_ELLIPSIZE_END);
	}
	p->ncols = ncols;
	p->rows = 0;
	double hh = row_layout(p, (const char *const *)p->headers, 1);
	double keep = hh + 2 * (TABLE_SIZE * 1.362 + 2 * CELL_PY); /* the header and two rows */
	flush_heading(p, keep);
	need(p, keep);
	header_draw(p);
}

void pdf_row(struct pdf *p, const char *const *cells)
{
	if (failed(p) || !p->ncols) return;
	const char *row[PDF_MAX_COLS];
	for (int i = 0; i < p->ncols; i++) row[i] = cells && cells[i] ? cells[i] : "";
	double h = row_layout(p, row, 0);
	if (p->y + h > BOTTOM) {
		new_page(p);
		header_draw(p);
		row_layout(p, row, 0); /* the header reused the cell layouts */
	}
	row_draw(p, h, p->rows % 2 ? 0.94 : 1);
	p->rows++;
}

void pdf_table_end(struct pdf *p)
{
	if (!p->ncols) return;
	if (!failed(p)) {
		cairo_move_to(p->cr, LEFT, p->y);
		cairo_line_to(p->cr, RIGHT, p->y);
		cairo_set_line_width(p->cr, 0.8);
		gray(p->cr, 0.3);
		cairo_stroke(p->cr);
		p->y += BODY_SIZE;
	}
	for (int i = 0; i < p->ncols; i++) {
		free(p->headers[i]);
		g_object_unref(p->cell[i]);
		p->headers[i] = NULL;
		p->cell[i] = NULL;
	}
	p->ncols = 0;
}

void pdf_chart(struct pdf *p, const struct chart *c)
{
	if (failed(p)) return;
	double h = chart_height(c, CONTENT_W + 2 * CHART_PAD);
	if (h > BOTTOM - TOP) h = BOTTOM - TOP;
	flush_heading(p, h);
	need(p, h);
	/* the chart's own padding sits in the margin: its edges line up with the text */
	chart_cairo(p->cr, c, LEFT - CHART_PAD, p->y, CONTENT_W + 2 * CHART_PAD, h, p->lang);
	p->y += h + BODY_SIZE;
}

int pdf_page(const struct pdf *p) { return p->page; }

int pdf_close(struct pdf *p)
{
	if (!p) return -1;
	pdf_table_end(p);
	if (!failed(p)) flush_heading(p, 0);
	free(p->pending);
	if (!failed(p)) footer(p);
	cairo_destroy(p->cr);
	cairo_surface_finish(p->surface);
	int rc = p->write_failed || cairo_surface_status(p->surface) != CAIRO_STATUS_SUCCESS ? -1 : 0;
	cairo_surface_destroy(p->surface);
	if (fflush(p->out) != 0) rc = -1;
	pango_font_description_free(p->fd);
	g_object_unref(p->pl);
	g_object_unref(p->foot);
	free(p->title);
	free(p->footer_text);
	free(p);
	return rc;
}

/* the calling thread's font map, noted when a layout is made from it; and
** how many of every thread's noted font maps are still alive, so that
** pdf_library_end can wait for them all to be gone */
static __thread PangoFontMap *thread_font_map;
static gint live_font_maps;

static void font_map_gone(gpointer unused, GObject *gone)
{
	(void)unused;
	(void)gone;
	g_atomic_int_add(&live_font_maps, -1);
}

void pdf_note_font_map(void *layout)
{
	if (thread_font_map) return;
	thread_font_map = pango_context_get_font_map(pango_layout_get_context(layout));
	g_atomic_int_inc(&live_font_maps);
	g_object_weak_ref(G_OBJECT(thread_font_map), font_map_gone, NULL);
}

void pdf_thread_end(void)
{
	thread_font_map = NULL;
	pango_cairo_font_map_set_default(NULL);
}

/* Pango reads fontconfig's files in a thread of its own, which holds a
** font map until it is done. cairo's caches can be reset only once every
** font map and the fonts it keeps are gone — the main thread's and the
** worker threads' (cairo asserts otherwise: seen on a loaded machine, where
** that thread was late) — so wait for that, 5 s at most, and leave the
** caches if it does not come. */
void pdf_library_end(void)
{
	thread_font_map = NULL;
	pango_cairo_font_map_set_default(NULL);
	for (int i = 0; g_atomic_int_get(&live_font_maps) > 0 && i < 500; i++) g_usleep(10000);
	if (g_atomic_int_get(&live_font_maps) > 0) return;
	cairo_debug_reset_static_data();
	FcFini();
}
