/* pdf: a report writer on cairo's PDF surface, streamed to a FILE*.
** A4 portrait, 20 mm margins, text set by pango in "Noto Sans" (fontconfig
** falls back per script, e.g. to Noto Sans Devanagari for Hindi). Content
** flows down the page and breaks automatically; every page gets the footer
** "title · page N". Calls after an error are ignored; pdf_close reports it.
**
** Threads: fonts come from pango's default font map, which is per thread
** (pango >= 1.32), so reports can be written in several worker threads at
** once with nothing shared but fontconfig's thread-safe cache. A thread that
** wrote reports calls pdf_thread_end() before it exits to free its font map.
**
**   struct pdf *p = pdf_open(out, title, "vi", author, subject);
**   pdf_heading(p, 1, ...); pdf_paragraph(p, ...); pdf_fact(p, key, value);
**   pdf_table(p, 3, headers, widths, "lrr"); pdf_row(p, cells)...; pdf_table_end(p);
**   pdf_chart(p, &chart);
**   if (pdf_close(p) != 0) ...error... */
#ifndef THIDUA_PDF_H
#define THIDUA_PDF_H
#include <stdio.h>

#include "chart.h"

#define PDF_MAX_COLS 16

struct pdf;

/* title: document title, footer and metadata; author, subject: metadata (may
** be NULL); lang: "vi", "en" or "hi" for the footer and number formats.
** NULL if cairo cannot create the surface. */
struct pdf *pdf_open(FILE *out, const char *title, const char *lang, const char *author, const char *subject);
/* The opening of a Vietnamese administrative document: on the left the
** issuing body in capitals (its parent above it when parent is not NULL, the
** body in bold with a short rule under it); on the right the national header
** CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập – Tự do – Hạnh phúc (always in
** Vietnamese: it is the state's name) with a rule under the motto, and below
** it place_date in italics ("Quảng Yên, ngày 29 tháng 11 năm 2026"). */
void pdf_letterhead(struct pdf *p, const char *parent, const char *body, const char *place_date);
/* the document's title, centred and bold: kicker in capitals ("BÁO CÁO", may
** be NULL) above the title; the title is the outline's first entry */
void pdf_title(struct pdf *p, const char *kicker, const char *title);
/* the footer's text before " · page N" (by default the title given to pdf_open) */
void pdf_footer(struct pdf *p, const char *text);
void pdf_heading(struct pdf *p, int level, const char *text);   /* level 1..3; 1 and 2 go to the outline */
void pdf_paragraph(struct pdf *p, const char *text);            /* wrapped, may continue on the next page */
void pdf_fact(struct pdf *p, const char *key, const char *value); /* a "key: value" line of a fact list */
/* a table: ncols <= PDF_MAX_COLS headers, relative widths (NULL: equal),
** align per column 'l', 'c' or 'r' (NULL: all left). Rows follow with
** pdf_row; a page break repeats the header row. */
void pdf_table(struct pdf *p, int ncols, const char *const *headers, const double *widths, const char *align);
void pdf_row(struct pdf *p, const char *const *cells);         /* ncols cells, NULL is empty */
void pdf_table_end(struct pdf *p);
void pdf_chart(struct pdf *p, const struct chart *c);           /* kept whole on one page */
int pdf_page(const struct pdf *p);                              /* the current page number */
int pdf_close(struct pdf *p);                                   /* 0, or -1 if anything failed */

void pdf_thread_end(void);   /* frees the calling thread's font map */
void pdf_library_end(void);  /* at process exit (tests): frees cairo's and fontconfig's caches */
void pdf_note_font_map(void *pango_layout); /* a layout made from the thread's default font map (pdf_library_end waits for it) */

#endif
