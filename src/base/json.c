#include "json.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void jw_init(struct jw *w, struct buf *b)
{
	memset(w, 0, sizeof *w);
	w->b = b;
	w->first[0] = 1;
}

/* Writes the separator a new value needs at the current level. */
static void sep(struct jw *w)
{
	if (w->after_key) { w->after_key = 0; return; }
	if (!w->first[w->depth]) buf_char(w->b, ',');
	w->first[w->depth] = 0;
}

static void open(struct jw *w, char c)
{
	sep(w);
	buf_char(w->b, c);
	if (w->depth < JW_MAXDEPTH - 1) w->depth++;
	w->first[w->depth] = 1;
}

static void close_(struct jw *w, char c)
{
	buf_char(w->b, c);
	if (w->depth > 0) w->depth--;
}

void jw_obj(struct jw *w) { open(w, '{'); }
void jw_obj_end(struct jw *w) { close_(w, '}'); }
void jw_arr(struct jw *w) { open(w, '['); }
void jw_arr_end(struct jw *w) { close_(w, ']'); }

void jw_escape(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	buf_char(b, '"');
	const unsigned char *run = u;
	while (*u) {
		unsigned c = *u;
		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) { u++; continue; }
		buf_add(b, run, (size_t)(u - run));
		if (c >= 0x80) {
			/* copy a valid UTF-8 sequence, replace an invalid one */
			int len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
			int ok = len > 0;
			unsigned cp = len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
			for (int i = 1; ok && i < len; i++) {
				if ((u[i] & 0xC0) != 0x80) ok = 0;
				else cp = (cp << 6) | (u[i] & 0x3F);
			}
			if (ok) {
				unsigned min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
				if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) ok = 0;
			}
			if (ok) { buf_add(b, u, (size_t)len); u += len; }
			else { buf_raw(b, "\xEF\xBF\xBD"); u++; }
		} else {
			switch (c) {
			case '"': buf_raw(b, "\\\""); break;
			case '\\': buf_raw(b, "\\\\"); break;
			case '\n': buf_raw(b, "\\n"); break;
			case '\r': buf_raw(b, "\\r"); break;
			case '\t': buf_raw(b, "\\t"); break;
			default: {
				char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
				buf_add(b, e, 6);
			}
			}
			u++;
		}
		run = u;
	}
	buf_add(b, run, (size_t)(u - run));
	buf_char(b, '"');
}

void jw_key(struct jw *w, const char *k)
{
	sep(w);
	jw_escape(w->b, k);
	buf_char(w->b, ':');
	w->after_key = 1;
}

void jw_str(struct jw *w, const char *s)
{
	if (!s) { jw_null(w); return; }
	sep(w);
	jw_escape(w->b, s);
}

void jw_int(struct jw *w, int64_t v) { sep(w); buf_int(w->b, v); }

void jw_num(struct jw *w, double v)
{
	if (!isfinite(v)) { jw_null(w); return; }
	sep(w);
	buf_printf(w->b, "%.15g", v);
}

void jw_bool(struct jw *w, int v) { sep(w); buf_raw(w->b, v ? "true" : "false"); }
void jw_null(struct jw *w) { sep(w); buf_raw(w->b, "null"); }
void jw_raw(struct jw *w, const char *json) { sep(w); buf_raw(w->b, json ? json : "null"); }
void jw_kstr(struct jw *w, const char *k, const char *s) { jw_key(w, k); jw_str(w, s); }
void jw_kint(struct jw *w, const char *k, int64_t v) { jw_key(w, k); jw_int(w, v); }
void jw_kbool(struct jw *w, const char *k, int v) { jw_key(w, k); jw_bool(w, v); }
