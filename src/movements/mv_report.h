/* The movement's charts and its PDF report (movements_report.c). */
#ifndef THIDUA_MV_REPORT_H
#define THIDUA_MV_REPORT_H
#include <stdio.h>

#include "../base/chart.h"
#include "movements.h"

struct db;
struct buf;
struct arena;

#define MV_CHART_BARS 20   /* the units chart shows the first 20 units, then a caption */

/* which: "fields" (models per field and assessment, stacked), "units" (the
** money metric per unit below the top, largest first), "timeline"
** (registrations, cumulative, on a time axis). Units without a value are
** "—", never a zero bar; past MV_CHART_BARS units a caption says "Top 20 of
** 32 — see the table". -1 when the movement has nothing to show. */
int mv_chart(struct db *db, struct arena *a, const struct dashboard *d, const char *which, const char *lang, struct chart *c);
int mv_money_metric(const struct movement *m);   /* index of "vnd" or the first amount; -1 */
/* a territorial unit's name without its kind prefix: "Thị xã Quảng Yên" -> "Quảng Yên" */
const char *mv_place_name(const char *name);
/* the issuing body's parent unless that is the country (parent may be NULL),
** and the place of a document it issues: the nearest territorial unit at or
** above it, without its kind; Hà Nội, the capital, for central bodies */
void mv_issuer(struct db *db, struct arena *a, int64_t unit_id, const char **parent, const char **place);
/* a date in words in lang: "ngày 05 tháng 02 năm 2026", "5 February 2026", "5 फ़रवरी 2026" */
void mv_long_date(struct buf *b, const char *lang, int y, int mo, int d);
/* the dashboard as a printable PDF: 0, or -1 when writing failed */
int mv_report_pdf(struct db *db, struct arena *a, const struct dashboard *d, const char *lang, FILE *out);

#endif
