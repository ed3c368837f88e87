#include "fold.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "fold_table.h"

/* Decodes one UTF-8 sequence; returns its length, or 0 if invalid. */
static int utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
	if (n == 0) return 0;
	unsigned c = s[0];
	if (c < 0x80) { *cp = c; return 1; }
	int len;
	unsigned min;
	if ((c & 0xE0) == 0xC0) { len = 2; c &= 0x1F; min = 0x80; }
	else if ((c & 0xF0) == 0xE0) { len = 3; c &= 0x0F; min = 0x800; }
	else if ((c & 0xF8) == 0xF0) { len = 4; c &= 0x07; min = 0x10000; }
	else return 0;
	if ((size_t)len > n) return 0;
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80) return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
	*cp = c;
	return len;
}

int utf8_valid(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		unsigned cp;
		int l = utf8_decode(u + i, n - i, &cp);
		if (!l) return 0;
		i += (size_t)l;
	}
	return 1;
}

int text_clean(char *s, size_t *n, int lines)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, o = 0;
	while (i < *n) {
		unsigned cp;
		int l = utf8_decode(u + i, *n - i, &cp);
		if (!l) return -1;
		if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
			if (!(lines && (cp == '\n' || cp == '\r' || cp == '\t'))) return -1;
		}
		int bidi = (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
		if (!bidi) {
			memmove(s + o, s + i, (size_t)l);
			o += (size_t)l;
		}
		i += (size_t)l;
	}
	*n = o;
	s[o] = 0;
	return 0;
}

void fold_text(struct buf *out, const char *s)
{
	if (!s) return;
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;
	int space = 1; /* drops leading space */
	while (i < n) {
		unsigned cp;
		int l = utf8_decode(u + i, n - i, &cp);
		if (!l) { i++; continue; } /* invalid bytes are dropped from keys */
		char a = 0;
		if (cp < 0x80) {
			a = (char)cp;
			if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
			if (a == ' ' || a == '\t' || a == '\n' || a == '\r') {
				if (!space) buf_char(out, ' ');
				space = 1;
				i += (size_t)l;
				continue;
			}
		} else if (cp >= 0xC0 && cp <= 0x24F && fold_latin[cp - 0xC0] != '.') {
			a = fold_latin[cp - 0xC0];
		} else if (cp >= 0x1EA0 && cp <= 0x1EF9 && fold_viet[cp - 0x1EA0] != '.') {
			a = fold_viet[cp - 0x1EA0];
		} else if (cp >= 0x300 && cp <= 0x36F) {
			i += (size_t)l; /* combining mark of a decomposed letter */
			continue;
		}
		if (a) buf_char(out, a);
		else buf_add(out, u + i, (size_t)l);
		space = 0;
		i += (size_t)l;
	}
	if (out->len && out->p[out->len - 1] == ' ' && !space) return;
	if (out->len && out->p[out->len - 1] == ' ') out->p[--out->len] = 0;
}

char *fold_dup(const char *s)
{
	struct buf b;
	buf_init(&b);
	fold_text(&b, s);
	return buf_detach(&b);
}

/* the UTF-8 length of a separator at s (ASCII punctuation, ‘ ’ “ ” – —), or 0 */
static int separator(const unsigned char *s)
{
	if (s[0] < 0x80) return s[0] > ' ' && s[0] < 0x7F && !(s[0] >= '0' && s[0] <= '9') && !(s[0] >= 'a' && s[0] <= 'z') &&
			       !(s[0] >= 'A' && s[0] <= 'Z');
	/* U+2013 U+2014 U+2018 U+2019 U+201C U+201D: E2 80 93/94/98/99/9C/9D */
	if (s[0] == 0xE2 && s[1] == 0x80 &&
	    (s[2] == 0x93 || s[2] == 0x94 || s[2] == 0x98 || s[2] == 0x99 || s[2] == 0x9C || s[2] == 0x9D))
		return 3;
	return 0;
}

void fold_words(struct buf *out, const char *s)
{
	struct buf f;
	buf_init(&f);
	fold_text(&f, s);
	const unsigned char *u = (const unsigned char *)buf_cstr(&f);
	size_t start = out->len;
	int space = 1; /* drops leading separators */
	while (*u) {
		int l = *u == ' ' ? 1 : separator(u);
		if (l) {
			if (!space) buf_char(out, ' ');
			space = 1;
			u += l;
			continue;
		}
		buf_char(out, (char)*u++);
		space = 0;
	}
	if (out->len > start && out->p[out->len - 1] == ' ') out->p[--out->len] = 0;
	buf_free(&f);
}

char *fold_words_dup(const char *s)
{
	struct buf b;
	buf_init(&b);
	fold_words(&b, s);
	return buf_detach(&b);
}

/* '%folded%' with LIKE's own characters escaped (ESCAPE '\') */
char *fold_words_pair(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 2;
	char *both = malloc(n);
	if (!both) return NULL;
	snprintf(both, n, "%s %s", a, b);
	char *key = fold_words_dup(both);
	free(both);
	return key;
}

char *like_pattern(struct arena *a, const char *q)
{
	struct buf f, b;
	buf_init(&f);
	buf_init(&b);
	fold_text(&f, q);
	buf_char(&b, '%');
	for (const char *s = buf_cstr(&f); *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\') buf_char(&b, '\\');
		buf_char(&b, *s);
	}
	buf_char(&b, '%');
	char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&f);
	buf_free(&b);
	return out;
}

