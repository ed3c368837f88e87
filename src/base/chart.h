/* chart: a chart described by plain data, laid out once and drawn by two
** renderers: inline SVG for HTML pages (chart_svg) and cairo + pango for
** PDF reports (chart_cairo). Both draw the same display list, so a page
** and its printed report show the same picture.
**
** Values are doubles; NaN is "no data": no bar, no point (a line breaks
** there) and "—" where the value would be printed, never a zero bar.
** Infinities count as 0 and magnitudes are clamped to CHART_VALUE_MAX. Percent values are in percent (12.5 means
** 12.5 %). A chart with no categories or no series is drawn as an explicit
** "No data" chart. Strings are borrowed for the duration of the call. */
#ifndef THIDUA_CHART_H
#define THIDUA_CHART_H
#include <cairo.h>

#include "buf.h"

#define CHART_MAX_SERIES 4
#define CHART_VALUE_MAX 1e18
#define CHART_SVG_WIDTH 640
#define CHART_PAD 8      /* blank border inside the chart's rectangle */

enum chart_kind {
	CHART_BARS,      /* horizontal bars, one row per category: totals per unit */
	CHART_COLUMNS,   /* vertical columns: models per field */
	CHART_STACKED,   /* horizontal bars, series stacked: models per status per field */
	CHART_LINE,      /* one line per series over ordered categories: a cumulative timeline */
};

enum chart_format {
	CHART_INT,       /* a count: 1.030.000.000 / 1,030,000,000 / 1,03,00,00,000 */
	CHART_VND,       /* money: 1.030.000.000 ₫ / 1,030,000,000 VND */
	CHART_PERCENT,   /* one decimal: 12,5% / 12.5% */
	CHART_DECIMAL,   /* two decimals: 1.234,50 / 1,234.50 */
	CHART_NUMBER,    /* as a table's figure (fmt_number): up to two decimals, none trailing: 99,8 / 96,35 / 100 */
};

struct chart_series {
	const char *name;          /* shown in the legend when there are several series */
	const double *values;      /* n values, one per category */
};

struct chart {
	enum chart_kind kind;
	enum chart_format format;
	const char *title;         /* NULL or "": none drawn (a heading outside names the chart) */
	int n;                     /* number of categories */
	const char *const *labels; /* n UTF-8 category labels */
	/* line charts: NULL (categories evenly spaced), or each category's place on
	** a time axis in days (e.g. since 1970-01-01), increasing: points are spaced
	** by date and their labels thinned so that none overlaps another */
	const double *at;
	const char *caption;       /* NULL, or a note under the chart: "Top 20 of 32 — see the table" */
	int nseries;               /* 0..CHART_MAX_SERIES */
	struct chart_series series[CHART_MAX_SERIES];
};

/* one value as the chart prints it, in the language's conventions; NaN is "—" */
void chart_format_value(struct buf *b, enum chart_format f, const char *lang, double v);

/* the height the chart wants at width w (SVG uses it at CHART_SVG_WIDTH) */
double chart_height(const struct chart *c, double w);

/* standalone inline SVG: viewBox, role="img", <title>, aria-label; only
** presentation attributes (no style), so it passes a CSP without inline styles */
void chart_svg(struct buf *o, const struct chart *c, const char *lang);
/* the SVG in a box of its own that a page puts where a chart goes: on a
** phone the chart keeps a width its labels can be read at (app.css) and the
** box scrolls sideways instead of the page, reached by the keyboard as a
** region named by the chart's title */
void chart_figure(struct buf *o, const struct chart *c, const char *lang);

/* the same chart in the rectangle (x, y, w, h) of cr, text through pango
** (the calling thread's default font map); cr's state is restored */
void chart_cairo(cairo_t *cr, const struct chart *c, double x, double y, double w, double h, const char *lang);

#endif
