#include "i18n.h"

#include <math.h>

#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "assets.h"

struct catalog {
	const char *lang;
	const unsigned char *mo;
	uint32_t n, orig, trans;
	int loaded;
};

static struct catalog catalogs[] = { { "vi", 0, 0, 0, 0, 0 }, { "en", 0, 0, 0, 0, 0 }, { "hi", 0, 0, 0, 0, 0 } };

static uint32_t u32(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

/* Catalogs are read once, before the worker threads start (i18n_get from main). */
static struct catalog *catalog(const char *lang)
{
	for (size_t i = 0; i < sizeof catalogs / sizeof *catalogs; i++) {
		struct catalog *c = &catalogs[i];
		if (strcmp(c->lang, lang) != 0) continue;
		if (!c->loaded) {
			char name[64];
			strcpy(name, "locale/");
			strcat(name, lang);
			strcat(name, ".mo");
			const struct asset *a = asset_find(name);
			if (a && a->len >= 28 && u32(a->data) == 0x950412de) {
				c->mo = a->data;
				c->n = u32(a->data + 8);
				c->orig = u32(a->data + 12);
				c->trans = u32(a->data + 16);
			}
			c->loaded = 1;
		}
		return c;
	}
	return NULL;
}

int i18n_known(const char *lang) { return lang && catalog(lang) != NULL; }

static const char *translation(const struct catalog *c, uint32_t i, const char *msgid)
{
	uint32_t len = u32(c->mo + c->trans + i * 8);
	return len ? (const char *)c->mo + u32(c->mo + c->trans + i * 8 + 4) : msgid;
}

/* Where a msgid was found last, per thread: a page asks for the same
** literals every time, and one strcmp confirms the slot instead of the
** binary search's eleven. Keyed by the msgid's address, checked by its
** text (an address may hold another string later). */
#define I18N_MEMO 256
static _Thread_local struct {
	const char *msgid;
	const struct catalog *c;
	uint32_t i;
} i18n_memo[I18N_MEMO];

const char *i18n_get(const char *lang, const char *msgid)
{
	struct catalog *c = catalog(lang ? lang : LANG_DEFAULT);
	if (!c || !c->mo) return msgid;
	size_t slot = ((uintptr_t)msgid >> 3 ^ (uintptr_t)c) % I18N_MEMO;
	if (i18n_memo[slot].msgid == msgid && i18n_memo[slot].c == c) {
		uint32_t i = i18n_memo[slot].i;
		if (strcmp(msgid, (const char *)c->mo + u32(c->mo + c->orig + i * 8 + 4)) == 0) return translation(c, i, msgid);
	}
	/* msgfmt writes the original strings sorted: binary search them */
	uint32_t lo = 0, hi = c->n;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		const char *s = (const char *)c->mo + u32(c->mo + c->orig + mid * 8 + 4);
		int cmp = strcmp(msgid, s);
		if (cmp == 0) {
			i18n_memo[slot].msgid = msgid;
			i18n_memo[slot].c = c;
			i18n_memo[slot].i = mid;
			return translation(c, mid, msgid);
		}
		if (cmp < 0) hi = mid;
		else lo = mid + 1;
	}
	return msgid;
}

const char *i18n_nget(const char *lang, int64_t n, const char *one, const char *other)
{
	int singular = n == 1 && lang && (strcmp(lang, "en") == 0 || strcmp(lang, "hi") == 0);
	return i18n_get(lang, singular ? one : other);
}

const char *i18n_pick(const char *explicit_lang, const char *accept)
{
	if (explicit_lang && i18n_known(explicit_lang)) return catalog(explicit_lang)->lang;
	/* Accept-Language: take the highest q among the languages we speak */
	const char *best = NULL;
	double bestq = -1;
	const char *p = accept;
	while (p && *p) {
		while (*p == ' ' || *p == ',') p++;
		char tag[3] = { 0 };
		int two = p[0] && p[1]; /* a tag shorter than two letters ("*") is skipped */
		if (two) { tag[0] = (char)(p[0] | 0x20); tag[1] = (char)(p[1] | 0x20); }
		double q = 1;
		const char *end = strchr(p, ',');
		if (!end) end = p + strlen(p);
		const char *qp = strstr(p, ";q=");
		if (qp && qp < end) q = strtod(qp + 3, NULL);
		if (two && (p[2] == 0 || p[2] == '-' || p[2] == ';' || p[2] == ',' || p[2] == ' ') && i18n_known(tag) && q > bestq) {
			best = catalog(tag)->lang;
			bestq = q;
		}
		p = end;
	}
	return best ? best : LANG_DEFAULT;
}

void fmt_number(struct buf *b, const char *lang, double v)
{
	if (!isfinite(v) || fabs(v) > 9e15) return;
	int64_t cents = llround(fabs(v) * 100);
	if (cents % 100 == 0) { fmt_int(b, lang, v < 0 ? -(cents / 100) : cents / 100); return; }
	if (v < 0) buf_char(b, '-');
	fmt_int(b, lang, cents / 100);
	buf_char(b, strcmp(lang, "vi") == 0 ? ',' : '.');
	int frac = (int)(cents % 100);
	if (frac % 10 == 0) buf_printf(b, "%d", frac / 10);
	else buf_printf(b, "%02d", frac);
}

void fmt_int(struct buf *b, const char *lang, int64_t v)
{
	char digits[24];
	int neg = v < 0;
	uint64_t u = neg ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v;
	int n = 0;
	do { digits[n++] = (char)('0' + u % 10); u /= 10; } while (u);
	char sep = strcmp(lang, "vi") == 0 ? '.' : ',';
	int indian = strcmp(lang, "hi") == 0;
	if (neg) buf_char(b, '-');
	for (int i = n - 1; i >= 0; i--) {
		buf_char(b, digits[i]);
		/* groups of three; Indian: the last three, then groups of two */
		int group = indian ? (i == 3 || (i > 3 && (i - 3) % 2 == 0)) : (i > 0 && i % 3 == 0);
		if (i > 0 && group) buf_char(b, sep);
	}
}

void fmt_vnd(struct buf *b, const char *lang, int64_t v)
{
	fmt_int(b, lang, v);
	buf_raw(b, strcmp(lang, "en") == 0 ? " VND" : " ₫");
}

int i18n_tz_minutes = 7 * 60;

/* A stored UTC time "YYYY-MM-DDTHH:MM[:SS][Z]" moved to the office's clock,
** into tm; 0 when iso is not such a time. */
int office_time(const char *iso, struct tm *tm)
{
	if (!iso || strlen(iso) < 16 || iso[10] != 'T' || iso[4] != '-' || iso[7] != '-' || iso[13] != ':') return 0;
	struct tm u;
	memset(&u, 0, sizeof u);
	u.tm_year = atoi(iso) - 1900;
	u.tm_mon = atoi(iso + 5) - 1;
	u.tm_mday = atoi(iso + 8);
	u.tm_hour = atoi(iso + 11);
	u.tm_min = atoi(iso + 14);
	u.tm_sec = iso[16] == ':' ? atoi(iso + 17) : 0;
	if (u.tm_mon < 0 || u.tm_mon > 11) return 0;
	time_t t = timegm(&u) + (time_t)i18n_tz_minutes * 60;
	return gmtime_r(&t, tm) != NULL;
}

static void date_parts(struct buf *b, const char *lang, int y, int m, int d)
{
	static const char *mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	if (strcmp(lang, "en") == 0) buf_printf(b, "%d %s %d", d, mon[m - 1], y);
	else buf_printf(b, "%02d/%02d/%04d", d, m, y);
}

void fmt_date(struct buf *b, const char *lang, const char *iso)
{
	struct tm tm;
	if (office_time(iso, &tm)) { date_parts(b, lang, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday); return; }
	if (!iso || strlen(iso) < 10) { buf_html(b, iso); return; }
	int y = atoi(iso), m = atoi(iso + 5), d = atoi(iso + 8);
	if (m < 1 || m > 12) { buf_html(b, iso); return; }
	date_parts(b, lang, y, m, d);
}

void fmt_datetime(struct buf *b, const char *lang, const char *iso)
{
	struct tm tm;
	if (!office_time(iso, &tm)) { fmt_date(b, lang, iso); return; }
	date_parts(b, lang, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	buf_printf(b, " %02d:%02d", tm.tm_hour, tm.tm_min);
}

/* ---- numbers typed in forms ---- */

/* length of a space that may group digits or pad the text: ' ', U+00A0, U+202F, U+2009 */
static size_t space_at(const char *p)
{
	const unsigned char *u = (const unsigned char *)p;
	if (u[0] == ' ') return 1;
	if (u[0] == 0xC2 && u[1] == 0xA0) return 2;
	if (u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0xAF || u[2] == 0x89)) return 3;
	return 0;
}

/* Reads s in lang's form into digits "123" and frac "5" (plain ASCII, no
** separators). 0 on success. */
static int read_number(const char *lang, const char *s, char *neg, char *digits, size_t dmax, char *frac, size_t fmax)
{
	if (!s) return -1;
	size_t k;
	while ((k = space_at(s))) s += k;
	const char *end = s + strlen(s);
	for (;;) { /* trailing spaces and units */
		const char *e = end;
		while (e > s && e[-1] == ' ') e--;
		if (e - s >= 2 && (unsigned char)e[-2] == 0xC2 && (unsigned char)e[-1] == 0xA0) e -= 2;
		else if (e - s >= 3 && (unsigned char)e[-3] == 0xE2 && (unsigned char)e[-2] == 0x80 && ((unsigned char)e[-1] == 0xAF || (unsigned char)e[-1] == 0x89)) e -= 3;
		else if (e > s && e[-1] == '%') e--;
		else if (e - s >= 3 && memcmp(e - 3, "\xE2\x82\xAB", 3) == 0) e -= 3;       /* ₫ */
		else if (e - s >= 2 && memcmp(e - 2, "\xC4\x91", 2) == 0) e -= 2;           /* đ */
		else if (e - s >= 3 && strncasecmp(e - 3, "VND", 3) == 0) e -= 3;
		else if (e - s >= 4 && (e[-4] == 'V' || e[-4] == 'v') && (e[-3] == 'N' || e[-3] == 'n') && memcmp(e - 2, "\xC4\x90", 2) == 0) e -= 4; /* VNĐ */
		if (e == end) break;
		end = e;
	}
	*neg = 0;
	if (s < end && (*s == '-' || *s == '+')) { *neg = *s == '-'; s++; }
	int vi = strcmp(lang, "vi") == 0, hi = strcmp(lang, "hi") == 0;
	char dec = vi ? ',' : '.', grp = vi ? '.' : ',';
	int groups[32], ng = 0, cur = 0, sep = 0; /* sep: 1 the group mark, 2 spaces */
	size_t nd = 0;
	const char *p = s;
	while (p < end && *p != dec) {
		if (*p >= '0' && *p <= '9') {
			if (nd + 1 >= dmax) return -1;
			digits[nd++] = *p++;
			cur++;
			continue;
		}
		int kind = *p == grp ? 1 : (k = space_at(p)) ? 2 : 0;
		if (!kind || cur == 0 || (sep && sep != kind) || ng >= 31) return -1;
		sep = kind;
		groups[ng++] = cur;
		cur = 0;
		p += kind == 1 ? 1 : k;
	}
	if (cur == 0) return -1; /* no digit, or a separator at the end of the whole part */
	groups[ng++] = cur;
	digits[nd] = 0;
	if (ng > 1) {
		/* international: 1-3 digits, then groups of three */
		int ok = groups[0] <= 3;
		for (int i = 1; i < ng; i++) ok = ok && groups[i] == 3;
		if (!ok && hi) { /* Indian: 1-2 digits, pairs, and the last three */
			ok = groups[0] <= 2 && groups[ng - 1] == 3;
			for (int i = 1; i < ng - 1; i++) ok = ok && groups[i] == 2;
		}
		if (!ok) return -1;
	}
	size_t nf = 0;
	if (p < end) { /* p is at the decimal mark */
		p++;
		if (p == end) return -1;
		for (; p < end; p++) {
			if (*p < '0' || *p > '9' || nf + 1 >= fmax) return -1;
			frac[nf++] = *p;
		}
	}
	frac[nf] = 0;
	return 0;
}

int i18n_parse_number(const char *lang, const char *s, double *out)
{
	char neg, digits[40], frac[40], plain[84];
	if (read_number(lang ? lang : LANG_DEFAULT, s, &neg, digits, sizeof digits, frac, sizeof frac) != 0) return -1;
	snprintf(plain, sizeof plain, "%s%s%s%s", neg ? "-" : "", digits, *frac ? "." : "", frac);
	char *end;
	double v = strtod(plain, &end);
	if (*end || !isfinite(v)) return -1;
	*out = v;
	return 0;
}

int i18n_parse_int(const char *lang, const char *s, int64_t *out)
{
	/* room for every digit typed: a whole number of any length is one, if out of reach */
	size_t cap = strlen(s) + 1;
	char neg, *digits = malloc(cap), *frac = malloc(cap);
	int rc = -1;
	if (!digits || !frac || read_number(lang ? lang : LANG_DEFAULT, s, &neg, digits, cap, frac, cap) != 0) goto out;
	for (const char *f = frac; *f; f++) if (*f != '0') goto out;
	const char *d = digits;
	while (d[0] == '0' && d[1]) d++;
	if (strlen(d) > 18) {
		*out = neg ? INT64_MIN : INT64_MAX;
		rc = -2;
		goto out;
	}
	int64_t v = strtoll(d, NULL, 10);
	*out = neg ? -v : v;
	rc = 0;
out:
	free(digits);
	free(frac);
	return rc;
}
