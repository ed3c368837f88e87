#include "util.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

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
