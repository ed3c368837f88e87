/* Fuzz target: the SVG chart renderer. Any kind, format, values (NaN,
** infinities, huge) and labels render without a crash; every '<' in the
** output opens one of the renderer's own elements (labels are escaped);
** there is no style; every value but NaN (no data) is drawn as a bar; and
** valid UTF-8 labels stay valid UTF-8 when they are cut with an ellipsis.
** Input: kind, format (bit 2: line charts take the first series as dates,
** in any order; bit 3: a caption), number of series, number of categories,
** then 8-byte doubles (categories x series), then labels separated by '\n'. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/chart.h"
#include "base/fold.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int known_tag(const char *p)
{
	static const char *const tags[] = { "<svg ", "</svg>", "<title>", "</title>", "<rect ", "</rect>", "<line ",
		"<text ", "</text>", "<polyline ", "<circle ", "</circle>" };
	for (size_t i = 0; i < sizeof tags / sizeof *tags; i++)
		if (strncmp(p, tags[i], strlen(tags[i])) == 0) return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 4) return 0;
	struct chart c = { .kind = (enum chart_kind)(data[0] % 4), .format = (enum chart_format)(data[1] % 4), .title = "t" };
	const uint8_t flags = data[1];
	c.nseries = data[2] % (CHART_MAX_SERIES + 1);
	c.n = data[3] % 33; /* up to 32 categories: enough to crowd every kind (labels thinned, bars past 20); more only multiplies the work */
	data += 4, size -= 4;
	double *v = calloc((size_t)(c.n * (c.nseries ? c.nseries : 1)) + 1, sizeof *v); /* c.at may point at it even without series */
	size_t nv = size / 8 < (size_t)(c.n * c.nseries) ? size / 8 : (size_t)(c.n * c.nseries);
	memcpy(v, data, nv * 8);
	data += nv * 8, size -= nv * 8;
	for (int s = 0; s < c.nseries; s++) c.series[s] = (struct chart_series){ s % 2 ? NULL : "série <s>", v + s * c.n };
	if (c.kind == CHART_LINE && (flags & 4)) c.at = v; /* dates: any order, NaN, huge: even spacing when not increasing */
	if (flags & 8) c.caption = "top <20> of \"32\" — see the table";
	int drawn = 0;
	for (int i = 0; i < c.n * c.nseries; i++) drawn += !isnan(v[i]);
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = 0;
	int valid = utf8_valid(text, strlen(text));
	const char **labels = calloc((size_t)c.n + 1, sizeof *labels);
	char *p = text;
	for (int i = 0; i < c.n && p; i++) {
		labels[i] = p;
		p = strchr(p, '\n');
		if (p) *p++ = 0;
	}
	c.labels = labels;

	struct buf b;
	buf_init(&b);
	chart_svg(&b, &c, c.format % 2 ? "vi" : "hi");
	const char *o = buf_cstr(&b);
	/* one pass over the output (it is up to ~100 times the input: every byte
	** checked again here costs as much as drawing it) */
	int bars = 0;
	for (const char *q = o; *q; q++) {
		if (*q == '<' && !known_tag(q)) abort();
		if (*q == 's' && strncmp(q, "style=\"", 7) == 0) abort(); /* a label "style=\"" comes out escaped */
		if (*q == 'c' && strncmp(q, "class=\"bar\"", 11) == 0) bars++;
	}
	if (c.n > 0 && c.nseries > 0 && c.kind != CHART_LINE && bars != drawn) abort();
	if (valid && !utf8_valid(o, b.len)) abort();
	buf_free(&b);
	free(labels);
	free(text);
	free(v);
	return 0;
}
