#include "json.h"

#include <math.h>
#include <stdint.h>
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

/* the bytes copied as they are: printable ASCII but '"' and '\' */
#define KEY_FAST 64 /* the longest key jw_key copies without jw_escape */
static const unsigned char plain[256] = { [0x20 ... 0x21] = 1, [0x23 ... 0x5B] = 1, [0x5D ... 0x7F] = 1 };

/* whether the 8 bytes at u are all plain, a word at a time: none below
** 0x20 (NUL included), none from 0x80, no '"' and no '\\'; a byte
** misjudged next to one that is not plain only sends the word to the
** byte-by-byte path */
static inline int plain8(const unsigned char *u)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint64_t w, q, k;
	memcpy(&w, u, 8);
	q = w ^ (ones * '"');
	k = w ^ (ones * '\\');
	return !((((w - ones * 0x20) & ~w) | w | ((q - ones) & ~q) | ((k - ones) & ~k)) & highs);
}

/* the length of the valid UTF-8 sequence at u, or 0 */
static int utf8_len(const unsigned char *u)
{
	unsigned c = *u;
	int len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
	unsigned cp = len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
	for (int i = 1; i < len; i++) {
		if ((u[i] & 0xC0) != 0x80) return 0;
		cp = (cp << 6) | (u[i] & 0x3F);
	}
	if (!len) return 0;
	unsigned min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
	return len;
}

/* Plain bytes and valid UTF-8 are copied as they are; a control character,
** '"' and '\' are escaped, an invalid UTF-8 byte becomes U+FFFD. Written
** straight into the buffer, grown once for the worst case (a byte becomes
** at most 6): a list of 50 units escapes 1 400 keys and strings. */
void jw_escape(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s);
	buf_grow(b, n * 6 + 2);
	char *o = b->p + b->len;
	const unsigned char *end = u + n;
	*o++ = '"';
	/* most strings (codes, paths, dates) are plain ASCII throughout: checked
	** 8 bytes at a time, the last 8 overlapping the ones before, and copied
	** in one go */
	if (n >= 8) {
		size_t i = 0;
		while (i + 8 <= n && plain8(u + i)) i += 8;
		if (i + 8 > n && plain8(end - 8)) {
			memcpy(o, u, n);
			o[n] = '"';
			b->len = (size_t)(o + n + 1 - b->p);
			b->p[b->len] = 0;
			return;
		}
		u += i; /* the 8 bytes from here hold the first byte that is not plain */
		memcpy(o, s, i);
		o += i;
	}
	for (;;) {
		if (end - u >= 8 && plain8(u)) {
			memcpy(o, u, 8);
			o += 8;
			u += 8;
			continue;
		}
		/* a byte of the next 8 is not plain (or the end is near): the
		** plain ones up to it one at a time, not a word check at each */
		const unsigned char *stop = end - u > 8 ? u + 8 : end;
		while (u < stop && plain[*u]) *o++ = (char)*u++;
		if (u == end) break;
		if (u == stop) continue;
		unsigned c = *u;
		if (c >= 0x80) {
			int len = utf8_len(u);
			if (len) {
				memcpy(o, u, (size_t)len);
				o += len;
				u += len;
				continue;
			}
			memcpy(o, "\xEF\xBF\xBD", 3);
			o += 3;
		} else {
			*o++ = '\\';
			switch (c) {
			case '"': *o++ = '"'; break;
			case '\\': *o++ = '\\'; break;
			case '\n': *o++ = 'n'; break;
			case '\r': *o++ = 'r'; break;
			case '\t': *o++ = 't'; break;
			default:
				memcpy(o, "u00", 3);
				o[3] = hex[c >> 4];
				o[4] = hex[c & 15];
				o += 5;
			}
		}
		u++;
	}
	*o++ = '"';
	b->len = (size_t)(o - b->p);
	b->p[b->len] = 0;
}

void jw_key_n(struct jw *w, const char *k, size_t n)
{
	sep(w);
	/* a key is nearly always a short ASCII literal whose length the
	** compiler knew (json.h): checked without a branch a byte, copied with
	** its quotes and colon; anything else is escaped */
	struct buf *b = w->b;
	unsigned char ok = 1;
	for (size_t i = 0; i < n; i++) ok &= plain[(unsigned char)k[i]];
	if (ok && n <= KEY_FAST) {
		buf_grow(b, n + 3);
		char *o = b->p + b->len;
		o[0] = '"';
		memcpy(o + 1, k, n);
		o[n + 1] = '"';
		o[n + 2] = ':';
		b->len += n + 3;
		b->p[b->len] = 0;
	} else {
		jw_escape(b, k);
		buf_char(b, ':');
	}
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
