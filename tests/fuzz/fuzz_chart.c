/* Fuzz target: the SVG chart renderer. Any kind, format, values (NaN,
** infinities, huge) and labels render without a crash; every '<' in the
** output opens one of the renderer's own elements (labels are escaped);
** there is no style; every value but NaN (no data) is drawn as a bar; and
** valid UTF-8 labels stay valid UTF-8 when they are cut with an ellipsis.
** Input: kind, format (bit 2: line charts take the first series as dates,
** in any order; bit 3: a caption), number of series, number of categories,
** then 8-byte doubles (categories x series), then labels separated by '\n'
** (each cut to 256 bytes). */
#include <glib.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/chart.h"
#include "base/fold.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LABEL_MAX 256

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
	struct chart c = { .kind = (enum chart_kind)(data[0] % 4), .format = (enum chart_format)(data[1] % 5), .title = "t" };
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
	const char **labels = calloc((size_t)c.n + 1, sizeof *labels);
	char *p = text;
	int valid = 1;
	for (int i = 0; i < c.n && p; i++) {
		labels[i] = p;
		p = strchr(p, '\n');
		if (p) *p++ = 0;
		/* a label is a unit's name or a model's title: a few hundred bytes
		** at most, still far wider than its space, so still cut; a longer
		** one only repeats its bytes in every series' tooltip */
		if (strlen(labels[i]) > LABEL_MAX) ((char *)labels[i])[LABEL_MAX] = 0;
		valid &= utf8_valid(labels[i], strlen(labels[i]));
	}
	c.labels = labels;

	static struct buf b; /* kept between inputs: no regrowing to ~30 KB each time */
	buf_reset(&b);
	chart_svg(&b, &c, c.format % 2 ? "vi" : "hi");
	const char *o = buf_cstr(&b);
	/* the output is ~70 times the input (a tooltip and a value per bar): it is
	** searched with libc's memchr and memmem, not a loop here, where every
	** byte would cost an instrumented comparison */
	int bars = 0;
	const char *end = o + b.len;
	for (const char *q = o; (q = memchr(q, '<', (size_t)(end - q))); q++)
		if (!known_tag(q)) abort();
	if (memmem(o, b.len, "style=\"", 7)) abort(); /* a label "style=\"" comes out escaped */
	for (const char *q = o; (q = memmem(q, (size_t)(end - q), "class=\"bar\"", 11)); q += 11) bars++;
	if (c.n > 0 && c.nseries > 0 && c.kind != CHART_LINE && bars != drawn) abort();
	/* the same rules as utf8_valid (no overlong form, surrogate, or code
	** point past U+10FFFF), in glib: not instrumented, so not a cost per byte */
	if (valid && !g_utf8_validate_len(o, b.len, NULL)) abort();
	free(labels);
	free(text);
	free(v);
	return 0;
}
