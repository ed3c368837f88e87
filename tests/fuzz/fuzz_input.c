/* Fuzz target: everything a person or a script types reaches the handlers
** through one input layer. The same bytes go through
**   - numbers as typed in each language (i18n_parse_number): an accepted
**     number is finite and reads back the same after fmt_number prints it;
**   - dates as typed (date_from_user): an accepted one is a real date;
**   - text_clean: what it keeps is UTF-8 without controls or bidi overrides;
**   - the CSV formula guard: guarded then unguarded gives the text back;
**   - an urlencoded form body and a query string, then the field tables
**     (input_read, input_numbers, input_list) in each language;
**   - a JSON body (jansson) through the same field tables, as the API;
**   - a Cookie and an Accept-Language header (req_cookie, i18n_pick). */
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/csv.h"
#include "base/fold.h"
#include "base/util.h"
#include "web.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const langs[] = { "vi", "en", "hi" };
static const char *const kinds[] = { "regular", "thematic", NULL };

static const struct field_spec spec[] = {
	{ "code", F_TEXT, 0, 40, 0, 0, NULL },
	{ "note", F_LINES, 0, 4000, 0, 0, NULL },
	{ "planned_models", F_INT, 0, 0, 0, 100000, NULL },
	{ "kind", F_CHOICE, 0, 0, 0, 0, kinds },
	{ "on", F_DATE, 0, 10, 0, 0, NULL },
	{ "active", F_BOOL, 0, 0, 0, 1, NULL },
	{ NULL, 0, 0, 0, 0, 0, NULL },
};

static void check_numbers(const char *s)
{
	for (int l = 0; l < 3; l++) {
		double v;
		if (i18n_parse_number(langs[l], s, &v) != 0) continue;
		if (!isfinite(v)) abort();
		if (fabs(v) >= 9e15) continue;
		/* what the pages print reads back as the same value (to the cent) */
		struct buf b;
		buf_init(&b);
		fmt_number(&b, langs[l], v);
		double back;
		if (i18n_parse_number(langs[l], buf_cstr(&b), &back) != 0) abort();
		double cents = (double)llround(fabs(v) * 100) / 100 * (v < 0 ? -1 : 1);
		if (fabs(back - cents) > 1e-6 * fmax(1, fabs(cents))) abort();
		buf_free(&b);
		int64_t n;
		if (i18n_parse_int(langs[l], s, &n) == 0 && (double)n != v) abort();
	}
}

static void check_text(struct arena *a, const char *s)
{
	const char *iso = date_from_user(a, s);
	if (iso && !date_valid(iso)) abort();
	for (int lines = 0; lines < 2; lines++) {
		char *t = arena_strdup(a, s);
		size_t n = strlen(t);
		if (text_clean(t, &n, lines) != 0) continue;
		if (n != strlen(t) || n > strlen(s) || !utf8_valid(t, n)) abort();
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)t[i];
			if ((c < 0x20 && !(lines && (c == '\n' || c == '\r' || c == '\t'))) || c == 0x7f) abort();
			if (c == 0xC2 && i + 1 < n && (unsigned char)t[i + 1] >= 0x80 && (unsigned char)t[i + 1] <= 0x9f) abort();
			if (c == 0xE2 && i + 2 < n && (unsigned char)t[i + 1] == 0x80 && (unsigned char)t[i + 2] >= 0xAA && (unsigned char)t[i + 2] <= 0xAE) abort();
			if (c == 0xE2 && i + 2 < n && (unsigned char)t[i + 1] == 0x81 && (unsigned char)t[i + 2] >= 0xA6 && (unsigned char)t[i + 2] <= 0xA9) abort();
		}
	}
	/* the CSV guard gives every text back */
	char *g = arena_printf(a, "%s%s", csv_needs_guard(s) ? "'" : "", s);
	csv_unguard(g);
	if (strcmp(g, s) != 0) abort();
}

/* the field tables over whatever the request carries */
static void read_inputs(struct req *r)
{
	struct field_errors fe = { 0 };
	struct input in;
	input_read(r, spec, &in, &fe, 0);
	for (int k = 0; spec[k].name; k++) {
		if (!in.present[k] || fe_get(&fe, spec[k].name)) continue;
		if (spec[k].type == F_INT && (in.i[k] < spec[k].min || in.i[k] > spec[k].max)) abort();
		if (spec[k].type == F_DATE && in.s[k] && !date_valid(in.s[k])) abort();
		if (spec[k].type == F_CHOICE && in.s[k] && strcmp(in.s[k], "regular") && strcmp(in.s[k], "thematic")) abort();
		if ((spec[k].type == F_TEXT || spec[k].type == F_LINES) && in.s[k] && (strlen(in.s[k]) > (size_t)spec[k].maxlen || !utf8_valid(in.s[k], strlen(in.s[k]))))
			abort();
	}
	memset(&fe, 0, sizeof fe);
	const char *codes[8];
	double values[8];
	int n, present;
	if (input_numbers(r, "results", codes, values, 8, &n, &present, &fe) == E_OK)
		for (int i = 0; i < n; i++)
			if (!isfinite(values[i])) abort();
	memset(&fe, 0, sizeof fe);
	const char *items[16];
	input_list(r, "scope", items, 16, &n, &present, &fe);
	if (n > 16) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 65536) return 0;
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = 0;

	struct req r;
	memset(&r, 0, sizeof r);
	arena_init(&r.a);
	TAILQ_INIT(&r.query);
	TAILQ_INIT(&r.form);
	r.ev = evhttp_request_new(NULL, NULL);

	check_numbers(s);
	check_text(&r.a, s);

	/* a form body (and, for a GET, a query string) in each language */
	if (evhttp_parse_query_str(s, &r.form) == 0) {
		for (int l = 0; l < 3; l++) {
			r.lang = langs[l];
			r.method = M_POST;
			read_inputs(&r);
		}
	}
	evhttp_clear_headers(&r.form);
	TAILQ_INIT(&r.form);
	if (evhttp_parse_query_str(s, &r.query) == 0) {
		r.method = M_GET;
		r.lang = "vi";
		read_inputs(&r);
		(void)query_int(&r, "limit", 50, 1, 500);
	}
	evhttp_clear_headers(&r.query);
	TAILQ_INIT(&r.query);

	/* a JSON body, as the API reads it */
	json_error_t err;
	json_t *v = json_loadb(s, size, JSON_REJECT_DUPLICATES, &err);
	if (v && json_is_object(v)) {
		r.json = v;
		r.api = 1;
		r.method = M_POST;
		r.lang = "en";
		read_inputs(&r);
		r.json = NULL;
		r.api = 0;
	}
	if (v) json_decref(v);

	/* headers: the cookie and the language */
	if (!memchr(data, 0, size) && !strpbrk(s, "\r\n")) {
		evhttp_add_header(evhttp_request_get_input_headers(r.ev), "Cookie", s);
		const char *c = req_cookie(&r, "lang");
		if (c && strchr(c, ';')) abort();
		(void)req_cookie(&r, "tdsid");
		const char *lang = i18n_pick(c, s);
		if (strcmp(lang, "vi") && strcmp(lang, "en") && strcmp(lang, "hi")) abort();
	}

	evhttp_request_free(r.ev);
	arena_free(&r.a);
	free(s);
	return 0;
}
