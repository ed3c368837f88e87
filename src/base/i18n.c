#include "i18n.h"

#include <math.h>

#include <stdlib.h>
#include <string.h>

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

const char *i18n_get(const char *lang, const char *msgid)
{
	struct catalog *c = catalog(lang ? lang : LANG_DEFAULT);
	if (!c || !c->mo) return msgid;
	/* msgfmt writes the original strings sorted: binary search them */
	uint32_t lo = 0, hi = c->n;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		const char *s = (const char *)c->mo + u32(c->mo + c->orig + mid * 8 + 4);
		int cmp = strcmp(msgid, s);
		if (cmp == 0) {
			uint32_t len = u32(c->mo + c->trans + mid * 8);
			const char *t = (const char *)c->mo + u32(c->mo + c->trans + mid * 8 + 4);
			return len ? t : msgid;
		}
		if (cmp < 0) hi = mid;
		else lo = mid + 1;
	}
	return msgid;
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

void fmt_date(struct buf *b, const char *lang, const char *iso)
{
	static const char *mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	if (!iso || strlen(iso) < 10) { buf_html(b, iso); return; }
	int y = atoi(iso), m = atoi(iso + 5), d = atoi(iso + 8);
	if (m < 1 || m > 12) { buf_html(b, iso); return; }
	if (strcmp(lang, "en") == 0) buf_printf(b, "%d %s %d", d, mon[m - 1], y);
	else buf_printf(b, "%02d/%02d/%04d", d, m, y);
}

void fmt_datetime(struct buf *b, const char *lang, const char *iso)
{
	fmt_date(b, lang, iso);
	if (iso && strlen(iso) >= 16 && iso[10] == 'T') buf_printf(b, " %.5s UTC", iso + 11);
}
