/* util: time, randomness and hashing helpers shared by every module. */
#ifndef THIDUA_UTIL_H
#define THIDUA_UTIL_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>

void now_iso(char out[21]);                         /* 2026-11-23T09:00:00Z */
double mono_ms(void);                               /* a monotonic clock, in milliseconds */
void random_token(char *out, size_t nbytes);        /* 2*nbytes hex chars + NUL */
void sha256_hex(char out[65], const void *p, size_t n);
int parse_int(const char *s, int64_t *out);         /* whole string, base 10; 0 on success */
int parse_id(const char *s, int64_t *out);          /* positive integer; 0 on success */
int parse_number(const char *s, double *out);       /* finite decimal, '.' separator; 0 on success */
int code_valid(const char *code);                   /* letters, digits, '-', '_', '.' */
int date_valid(const char *s);                      /* 1 for a real YYYY-MM-DD date */
void today_iso(char out[11]);                       /* YYYY-MM-DD on the office's clock (i18n_tz_minutes) */
struct arena;
/* A date as a person types it (dd/mm/yyyy, d/m/yyyy, or YYYY-MM-DD) as
** YYYY-MM-DD in the arena, or NULL when it is not a real calendar date. */
const char *date_from_user(struct arena *a, const char *s);

#endif
