#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b) { b->p = NULL; b->len = b->cap = 0; }
void buf_free(struct buf *b) { free(b->p); buf_init(b); }
void buf_reset(struct buf *b) { b->len = 0; if (b->p) b->p[0] = 0; }

void buf_grow_to(struct buf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap) return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra + 1) cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p) { fputs("out of memory\n", stderr); abort(); }
	b->p = p;
	b->cap = cap;
}


void buf_raw(struct buf *b, const char *s) { if (s) buf_add(b, s, strlen(s)); }

/* a format of plain text, %s, %d and %% only (most of the SQL and HTML
** the handlers put together): written here, without vsnprintf's cost of
** about a thousand instructions a call (a people search makes 56 calls) */
static int simple_format(const char *fmt)
{
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') continue;
		if (p[1] != 's' && p[1] != 'd' && p[1] != '%') return 0;
		p++;
	}
	return 1;
}

static void simple_printf(struct buf *b, const char *fmt, va_list ap)
{
	const char *run = fmt, *p = fmt;
	for (; *p; p++) {
		if (*p != '%') continue;
		buf_add(b, run, (size_t)(p - run));
		p++;
		if (*p == 's') {
			const char *v = va_arg(ap, const char *);
			buf_raw(b, v ? v : "(null)");
		} else if (*p == 'd') {
			buf_int(b, va_arg(ap, int));
		} else {
			buf_char(b, '%');
		}
		run = p + 1;
	}
	buf_add(b, run, (size_t)(p - run));
}

/* one pass when the text fits the room left (nearly always: a reply's
** buffer starts with 16 KiB), a second after growing when it does not */
void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	if (simple_format(fmt)) {
		simple_printf(b, fmt, ap);
		return;
	}
	if (!b->p) buf_grow_to(b, 64);
	size_t room = b->cap - b->len;
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(b->p + b->len, room, fmt, cp);
	va_end(cp);
	if (n < 0) {
		b->p[b->len] = 0;
		return;
	}
	if ((size_t)n >= room) {
		buf_grow(b, (size_t)n);
		vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	}
	b->len += (size_t)n;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void buf_int(struct buf *b, int64_t v)
{
	char tmp[24];
	int n = sizeof tmp;
	uint64_t u = v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
	do { tmp[--n] = (char)('0' + u % 10); u /= 10; } while (u);
	if (v < 0) tmp[--n] = '-';
	buf_add(b, tmp + n, sizeof tmp - (size_t)n);
}

/* the bytes buf_html stops at: the end, the five of markup, the control
** characters (tab, line feed and carriage return are then kept, the others
** become U+FFFD) and DEL (U+FFFD); everything else, UTF-8 included, runs
** through a tight loop (a unit page escapes about 160 texts) */
static const unsigned char html_special[256] = {
	[0x00 ... 0x1f] = 1, ['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['\''] = 1, [0x7f] = 1,
};

void buf_html(struct buf *b, const char *s)
{
	if (!s) return;
	const unsigned char *u = (const unsigned char *)s, *run = u;
	for (;;) {
		while (!html_special[*u]) u++;
		if (!*u) break;
		const char *rep;
		switch (*u) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		/* a control character typed into a refused form and shown back: not
		** allowed in HTML, even as a reference; U+FFFD in its place */
		case '\t': case '\n': case '\r': u++; continue;
		default: rep = "\xEF\xBF\xBD";
		}
		buf_add(b, run, (size_t)(u - run));
		buf_raw(b, rep);
		run = ++u;
	}
	buf_add(b, run, (size_t)(u - run));
}

void buf_url(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	if (!s) return;
	for (const unsigned char *u = (const unsigned char *)s; *u; u++) {
		if ((*u >= 'a' && *u <= 'z') || (*u >= 'A' && *u <= 'Z') || (*u >= '0' && *u <= '9') ||
		    *u == '-' || *u == '_' || *u == '.' || *u == '~') {
			buf_char(b, (char)*u);
		} else {
			char e[3] = { '%', hex[*u >> 4], hex[*u & 15] };
			buf_add(b, e, 3);
		}
	}
}

const char *buf_cstr(struct buf *b) { return b->p ? b->p : ""; }

char *buf_detach(struct buf *b)
{
	char *p = b->p;
	if (!p) p = calloc(1, 1);
	buf_init(b);
	return p;
}
