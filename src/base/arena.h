/* arena: a per-request allocator. Everything a request allocates from its
** arena is freed at once by arena_free() when the response has been sent. */
#ifndef THIDUA_ARENA_H
#define THIDUA_ARENA_H
#include <stddef.h>

struct arena_block;
struct arena {
	struct arena_block *head;
};

void arena_init(struct arena *a);
void arena_free(struct arena *a);
/* The same, for a loop of requests: the first block (of the usual size) is
** kept in *spare instead of freed, and arena_init_spare() starts the next
** arena with it: no malloc and free of 8 KiB a request. */
void arena_free_keep(struct arena *a, struct arena_block **spare);
void arena_init_spare(struct arena *a, struct arena_block **spare);
void *arena_alloc(struct arena *a, size_t n);          /* zeroed */
void *arena_alloc_uninit(struct arena *a, size_t n);   /* not zeroed: for what is written before it is read */
char *arena_strdup(struct arena *a, const char *s);     /* NULL stays NULL */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
