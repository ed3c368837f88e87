/* Input: one reader for JSON bodies, forms and query strings, driven by a
** field table, so the API and the HTML forms validate the same way. */
#include <stdlib.h>
#include <string.h>

#include "../base/fold.h"
#include "../base/util.h"
#include "web.h"

static int is_form(struct req *r) { return r->json == NULL; }

/* a whole number in the reader's language: 1945 and 2200 as years are
** written, 100.000 grouped (vi) */
static void range_num(struct buf *b, const char *lang, int64_t v)
{
	if (v > -10000 && v < 10000) buf_printf(b, "%lld", (long long)v);
	else fmt_int(b, lang, v);
}

/* "Must be from 1945 to 2200": the range a number missed, however far, in
** the reader's language (the message is whole when stored, so shown as is);
** a range up to the largest integer (an identifier, an offset) is said by
** its minimum, "Must be 1 or more", unless the number passed even that */
static const char *range_msg(struct req *r, int64_t min, int64_t max, int below)
{
	struct buf lo, hi;
	buf_init(&lo);
	buf_init(&hi);
	range_num(&lo, r->lang, min);
	range_num(&hi, r->lang, max);
	const char *m = max == INT64_MAX && below ? arena_printf(&r->a, _("Must be %s or more"), buf_cstr(&lo))
						  : arena_printf(&r->a, _("Must be from %s to %s"), buf_cstr(&lo), buf_cstr(&hi));
	buf_free(&lo);
	buf_free(&hi);
	return m;
}

int input_read(struct req *r, const struct field_spec *spec, struct input *in, struct field_errors *fe, int partial)
{
	memset(in, 0, sizeof *in);
	if (r->api && r->method != M_GET && !r->json) {
		fe_add(fe, "body", N_("A JSON object is required"));
		return E_INVALID;
	}
	for (int k = 0; spec[k].name && k < IN_MAX; k++) {
		const struct field_spec *f = &spec[k];
		const char *text = NULL;
		int have = 0, isnull = 0;
		if (!is_form(r)) {
			json_t *v = json_object_get(r->json, f->name);
			if (v) {
				have = 1;
				if (json_is_null(v) && f->type == F_BOOL) { fe_add(fe, f->name, N_("Must be true or false")); continue; }
				if (json_is_null(v)) isnull = 1;
				else if (f->type == F_TEXT || f->type == F_LINES || f->type == F_CHOICE || f->type == F_DATE) {
					if (!json_is_string(v)) { fe_add(fe, f->name, N_("Must be text")); continue; }
					text = json_string_value(v);
				} else if (f->type == F_INT) {
					/* a number written as a real (1e21, 150.5) outside the range says the range */
					double d = json_is_real(v) ? json_real_value(v) : 0;
					if (json_is_real(v) && !(d >= (double)f->min && d <= (double)f->max)) {
						fe_add(fe, f->name, range_msg(r, f->min, f->max, d < (double)f->min));
						continue;
					}
					if (!json_is_integer(v)) { fe_add(fe, f->name, N_("Must be a whole number")); continue; }
					in->i[k] = json_integer_value(v);
				} else if (f->type == F_BOOL) {
					if (!json_is_boolean(v)) { fe_add(fe, f->name, N_("Must be true or false")); continue; }
					in->i[k] = json_is_true(v);
				}
			}
		} else {
			const char *v = req_form(r, f->name);
			if (!v && r->method == M_GET) v = req_query(r, f->name);
			if (v) {
				have = 1;
				while (*v == ' ') v++;
				if (!*v) isnull = 1;
				else if (f->type == F_INT) {
					/* typed the user's way: "1.500" is 1500 in Vietnamese; a
					** number however long, or with decimals, outside the range
					** says the range */
					int rc = i18n_parse_int(r->lang, v, &in->i[k]);
					double d = 0;
					if (rc == -1 && i18n_parse_number(r->lang, v, &d) == 0 && !(d >= (double)f->min && d <= (double)f->max)) {
						in->i[k] = d < (double)f->min ? INT64_MIN : INT64_MAX;
						rc = -2;
					}
					if (rc != 0) {
						in->s[k] = arena_strdup(&r->a, v); /* shown back in the form */
						fe_add(fe, f->name, rc == -2 ? range_msg(r, f->min, f->max, in->i[k] < f->min) : N_("Must be a whole number"));
						in->i[k] = 0;
						continue;
					}
				} else if (f->type == F_BOOL) {
					in->i[k] = strcmp(v, "1") == 0 || strcmp(v, "true") == 0 || strcmp(v, "on") == 0;
				} else {
					text = v;
				}
			} else if (f->type == F_BOOL && r->method == M_POST && !partial) {
				have = 1; /* an unchecked box sends nothing */
			}
		}
		if (text) {
			/* trim: a name is never meant to start or end with spaces */
			while (*text == ' ') text++;
			size_t n = strlen(text);
			while (n && text[n - 1] == ' ') n--;
			if (!utf8_valid(text, n)) { fe_add(fe, f->name, N_("Must be valid UTF-8 text")); continue; }
			if (f->maxlen && n > (size_t)f->maxlen) {
				in->s[k] = arena_strndup(&r->a, text, n); /* shown back in the form */
				fe_add(fe, f->name, N_("Is too long"));
				continue;
			}
			if (n == 0) isnull = 1;
			else {
				char *t = arena_strndup(&r->a, text, n);
				if (text_clean(t, &n, f->type == F_LINES) != 0) {
					fe_add(fe, f->name, f->type == F_LINES ? N_("Must not contain control characters") : N_("Must be one line without control characters"));
					continue;
				}
				text = t;
				if (n == 0) isnull = 1; /* nothing left but bidi marks */
			}
		}
		if (isnull) text = NULL;
		if (have && !isnull && f->type == F_DATE) {
			/* the API speaks ISO dates; a form also takes dd/mm/yyyy as typed */
			const char *iso = is_form(r) ? date_from_user(&r->a, text) : (date_valid(text) ? text : NULL);
			if (!iso) {
				in->s[k] = text; /* shown back in the form */
				fe_add(fe, f->name, is_form(r) ? N_("Is not a date (dd/mm/yyyy)") : N_("Is not a date (YYYY-MM-DD)"));
				continue;
			}
			text = iso;
		}
		if (have && !isnull && f->type == F_CHOICE) {
			int ok = 0;
			for (int c = 0; f->choices[c]; c++) if (strcmp(f->choices[c], text) == 0) ok = 1;
			if (!ok) { fe_add(fe, f->name, N_("Is not one of the allowed values")); continue; }
		}
		if (have && !isnull && f->type == F_INT && (in->i[k] < f->min || in->i[k] > f->max)) {
			fe_add(fe, f->name, range_msg(r, f->min, f->max, in->i[k] < f->min));
			in->i[k] = 0;
			continue;
		}
		if (f->required && (isnull || (!have && !partial))) {
			fe_add(fe, f->name, N_("Is required"));
			continue;
		}
		in->present[k] = have;
		in->s[k] = text;
		if (isnull && f->type == F_INT) in->i[k] = 0;
	}
	return fe->n ? E_INVALID : E_OK;
}

int64_t input_version(struct req *r)
{
	if (r->json) {
		json_t *v = json_object_get(r->json, "version");
		return json_is_integer(v) ? json_integer_value(v) : -1;
	}
	int64_t v;
	return parse_int(req_form(r, "version"), &v) == 0 ? v : -1;
}

int64_t require_version(struct req *r, struct field_errors *fe)
{
	int64_t v = input_version(r);
	if (v < 0) fe_add(fe, "version", N_("The record's version is required to change it"));
	return v;
}

int64_t param_id_or_404(struct req *r, int i)
{
	int64_t id;
	if (parse_id(r->params[i], &id) == 0) return id;
	reply_fail(r, E_NOTFOUND, NULL);
	return 0;
}

static void query_fail(struct req *r, const char *name, const char *msg)
{
	if (r->qerr) return;
	r->qerr = name;
	r->qerr_msg = msg;
}

int64_t query_int(struct req *r, const char *name, int64_t dflt, int64_t min, int64_t max)
{
	int64_t v;
	const char *s = req_query(r, name);
	if (!s || !*s) return dflt;
	if (parse_int(s, &v) != 0) {
		/* digits past the largest integer: above the cap, or below the minimum */
		const char *d = s + (*s == '-' || *s == '+');
		if (*d && !d[strspn(d, "0123456789")]) {
			if (*s != '-') return max;
			query_fail(r, name, range_msg(r, min, max, 1));
			return dflt;
		}
		query_fail(r, name, N_("Must be a whole number"));
		return dflt;
	}
	/* below the smallest meaningful value is a mistake (a negative offset),
	** answered with the range; above a cap (a page size) is read as the cap */
	if (v < min) {
		query_fail(r, name, range_msg(r, min, max, 1));
		return dflt;
	}
	return v > max ? max : v;
}

const char *query_choice(struct req *r, const char *name, const char *const *choices)
{
	const char *s = req_query(r, name);
	if (!s || !*s) return NULL;
	for (int i = 0; choices[i]; i++)
		if (strcmp(s, choices[i]) == 0) return choices[i];
	query_fail(r, name, N_("Is not one of the allowed values"));
	return NULL;
}

int query_bad(struct req *r)
{
	if (!r->qerr) return 0;
	struct field_errors fe = { 0 };
	fe_add(&fe, r->qerr, r->qerr_msg ? r->qerr_msg : N_("Must be a whole number"));
	if (r->api) reply_invalid(r, &fe);
	else reply_error(r, 400, "bad_request", N_("A parameter of the address is not valid"));
	r->status = 400;
	return 1;
}

int query_choice_bad(struct req *r, const char *name, const char *value, const char *const *choices)
{
	if (!value || !*value) return 0;
	for (int i = 0; choices[i]; i++)
		if (strcmp(value, choices[i]) == 0) return 0;
	struct field_errors fe = { 0 };
	fe_add(&fe, name, N_("Is not one of the allowed values"));
	if (r->api) reply_invalid(r, &fe);
	else reply_error(r, 400, "bad_request", N_("A parameter of the address is not valid"));
	r->status = 400;
	return 1;
}

static int push_item(struct req *r, const char *s, size_t len, const char **out, int max, int *n, const char *name,
		     struct field_errors *fe)
{
	while (len && (*s == ' ' || *s == '\t' || *s == '\r')) { s++; len--; }
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r')) len--;
	if (!len) return 0;
	if (*n >= max) { fe_add(fe, name, N_("Too many values")); return -1; }
	if (!utf8_valid(s, len)) { fe_add(fe, name, N_("Must be valid UTF-8 text")); return -1; }
	out[(*n)++] = arena_strndup(&r->a, s, len);
	return 0;
}

int input_list(struct req *r, const char *name, const char **out, int max, int *n, int *present, struct field_errors *fe)
{
	*n = 0;
	*present = 0;
	if (r->json) {
		json_t *v = json_object_get(r->json, name);
		if (!v) return E_OK;
		*present = 1;
		if (json_is_null(v)) return E_OK;
		if (!json_is_array(v)) { fe_add(fe, name, N_("Must be a list")); return E_INVALID; }
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) {
			if (json_is_string(e)) {
				if (push_item(r, json_string_value(e), strlen(json_string_value(e)), out, max, n, name, fe)) return E_INVALID;
			} else if (json_is_integer(e)) {
				const char *t = arena_printf(&r->a, "%lld", (long long)json_integer_value(e));
				if (push_item(r, t, strlen(t), out, max, n, name, fe)) return E_INVALID;
			} else {
				fe_add(fe, name, N_("Must be a list of texts or numbers"));
				return E_INVALID;
			}
		}
		return E_OK;
	}
	struct evkeyval *kv;
	TAILQ_FOREACH(kv, &r->form, next) {
		if (strcmp(kv->key, name) != 0) continue;
		*present = 1;
		for (const char *p = kv->value; *p;) {
			size_t len = strcspn(p, ",;\n");
			if (push_item(r, p, len, out, max, n, name, fe)) return E_INVALID;
			p += len;
			if (*p) p++;
		}
	}
	return E_OK;
}

int input_numbers(struct req *r, const char *name, const char **codes, double *values, int max, int *n, int *present,
		  struct field_errors *fe)
{
	*n = 0;
	*present = 0;
	if (r->json) {
		json_t *v = json_object_get(r->json, name);
		if (!v) return E_OK;
		*present = 1;
		if (json_is_null(v)) return E_OK;
		if (!json_is_object(v)) { fe_add(fe, name, N_("Must be an object of numbers by metric code")); return E_INVALID; }
		const char *k;
		json_t *e;
		json_object_foreach(v, k, e) {
			if (!json_is_number(e)) { fe_add(fe, name, N_("Must be an object of numbers by metric code")); return E_INVALID; }
			if (*n >= max) { fe_add(fe, name, N_("Too many values")); return E_INVALID; }
			codes[*n] = arena_strdup(&r->a, k);
			values[(*n)++] = json_number_value(e);
		}
		return E_OK;
	}
	size_t nl = strlen(name);
	struct evkeyval *kv;
	TAILQ_FOREACH(kv, &r->form, next) {
		if (strncmp(kv->key, name, nl) != 0 || kv->key[nl] != '.') continue;
		*present = 1;
		const char *v = kv->value;
		while (*v == ' ') v++;
		if (!*v) continue;
		double d;
		/* typed the user's way: vi 1.500.000,5, en 1,500,000.5, hi 15,00,000.5 */
		if (i18n_parse_number(r->lang, v, &d) != 0) {
			fe_add(fe, arena_strdup(&r->a, kv->key), N_("Must be a number written like 1,500,000.5"));
			fe_add(fe, name, N_("Must be a number written like 1,500,000.5"));
			continue;
		}
		if (*n >= max) { fe_add(fe, name, N_("Too many values")); return E_INVALID; }
		codes[*n] = arena_strdup(&r->a, kv->key + nl + 1);
		values[(*n)++] = d;
	}
	return fe_get(fe, name) ? E_INVALID : E_OK;
}

