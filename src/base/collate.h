/* collate: the Vietnamese alphabetical order of names, by ICU's collation
** for the locale "vi" (a < ă < â, d < đ, e < ê, o < ô < ơ, u < ư, then the
** tones; digits by their value, so "Phường 2" comes before "Phường 10";
** case is ignored).
**
** A name's sort key is stored beside it (units.sort_key, people.sort_key,
** migration 009) as a BLOB in SQLite and a bytea in PostgreSQL: both compare
** them bytewise, so "ORDER BY sort_key" is the Vietnamese order and a plain
** B-tree index serves it. Keys hold no 0 byte (ICU's terminator is left off).
**
** Keys are only comparable when made by the same collator: collate_version()
** names it, and schema_migrate() recomputes every stored key when the
** version kept in the database differs (a new database, migration 009, or an
** ICU upgrade that changed the order).
**
** Each thread opens its own collator on first use (ICU collators are not
** thread-safe); it is closed when the thread exits, or by collate_thread_end(). */
#ifndef THIDUA_COLLATE_H
#define THIDUA_COLLATE_H
#include <stddef.h>

struct buf;

/* Sets out to the sort key of the UTF-8 text s (NFC or NFD; invalid bytes
** sort as U+FFFD; NULL as ""). Returns the key's length, 0 on failure
** (out->p then holds an empty key; it is never NULL). */
size_t collate_key(struct buf *out, const char *s);
/* <0, 0, >0 as a sorts before, with or after b */
int collate_cmp(const char *a, const char *b);
/* the collator's version and settings, e.g. "vi 153.120.42.0 num secondary" */
const char *collate_version(char *out, size_t n);
void collate_thread_end(void);   /* closes this thread's collator now */

#endif
