#include "util.h"

#include "arena.h"
#include "i18n.h"

#include <errno.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void now_iso(char out[21])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void random_token(char *out, size_t nbytes)
{
	unsigned char raw[64];
	if (nbytes > sizeof raw) nbytes = sizeof raw;
	randombytes_buf(raw, nbytes);
	sodium_bin2hex(out, nbytes * 2 + 1, raw, nbytes);
}

void sha256_hex(char out[65], const void *p, size_t n)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, p, n);
	sodium_bin2hex(out, 65, h, sizeof h);
}

int parse_int(const char *s, int64_t *out)
{
	if (!s || !*s) return -1;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end) return -1;
	*out = v;
	return 0;
}

int parse_id(const char *s, int64_t *out)
{
	if (!s) return -1;
	for (const char *p = s; *p; p++) if (*p < '0' || *p > '9') return -1;
	return parse_int(s, out) == 0 && *out > 0 ? 0 : -1;
}

#include <string.h>

#include "errors.h"

void fe_add(struct field_errors *fe, const char *field, const char *msg)
{
	if (fe_get(fe, field) || fe->n >= FE_MAX) return;
	fe->field[fe->n] = field;
	fe->msg[fe->n] = msg;
	fe->n++;
}

const char *fe_get(const struct field_errors *fe, const char *field)
{
	for (int i = 0; fe && i < fe->n; i++)
		if (strcmp(fe->field[i], field) == 0) return fe->msg[i];
	return NULL;
}

int parse_number(const char *s, double *out)
{
	if (!s || !*s) return -1;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || *end || !isfinite(v)) return -1;
	for (const char *p = s; *p; p++)  /* no hex, no inf/nan spellings, no ',' */
		if (!((*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '+' || *p == 'e' || *p == 'E')) return -1;
	*out = v;
	return 0;
}

int code_valid(const char *code)
{
	if (!code || !*code) return 0;
	for (const char *p = code; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			return 0;
	return 1;
}

int date_valid(const char *s)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-') return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return 0;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1) return 0;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= days[m - 1] + (m == 2 && leap);
}

void today_iso(char out[11])
{
	/* every cached GET asks (its key holds the date): formatted once a day
	** per thread */
	static _Thread_local time_t day = -1;
	static _Thread_local char text[11];
	time_t t = time(NULL) + (time_t)i18n_tz_minutes * 60;
	if (t / 86400 != day) {
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(text, sizeof text, "%Y-%m-%d", &tm);
		day = t / 86400;
	}
	memcpy(out, text, 11);
}

const char *date_from_user(struct arena *a, const char *s)
{
	if (!s) return NULL;
	if (date_valid(s)) return arena_strdup(a, s);
	/* d/m/yyyy, with '/', '-' or '.' between the parts */
	int d = 0, m = 0, y = 0, nd = 0, nm = 0, ny = 0;
	const char *p = s;
	while (*p >= '0' && *p <= '9' && nd < 3) { d = d * 10 + (*p++ - '0'); nd++; }
	char sep = *p;
	if (sep != '/' && sep != '-' && sep != '.') return NULL;
	p++;
	while (*p >= '0' && *p <= '9' && nm < 3) { m = m * 10 + (*p++ - '0'); nm++; }
	if (*p++ != sep) return NULL;
	while (*p >= '0' && *p <= '9' && ny < 5) { y = y * 10 + (*p++ - '0'); ny++; }
	if (*p || nd < 1 || nd > 2 || nm < 1 || nm > 2 || ny != 4) return NULL;
	const char *iso = arena_printf(a, "%04d-%02d-%02d", y, m, d);
	return date_valid(iso) ? iso : NULL;
}
