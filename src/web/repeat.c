/* A form sent twice in a row (a double click on "Submit", "Revoke", "Add"):
** the second copy would find the record already changed by the first and
** answer "changed by someone else" (409), or a duplicate (422), although
** the user's own first click worked. So a page form's POST is remembered by
** a digest of its session, address and body: an identical one of the same
** session within REPEAT_SECONDS of one that succeeded (a redirect) is
** answered with that same redirect and success message, without running
** again; one arriving while the first still runs (another worker thread)
** waits for it. Only identical bodies match, and a form carries its
** record's version, so a new change is never taken for a repeat. The memory
** is per process and small: a few slots, overwritten oldest first. */
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../base/log.h"
#include "web.h"

#define REPEAT_SLOTS 64
#define REPEAT_SECONDS 10      /* a repeat this soon after the success is the same click */
#define REPEAT_WAIT_SECONDS 10 /* the longest wait for a first copy still running */

enum { SLOT_EMPTY, SLOT_RUNNING, SLOT_DONE };

struct slot {
	unsigned char key[crypto_generichash_BYTES];
	time_t at; /* started (running) or ended (done) */
	int state;
	char location[1024];
	char flash[512]; /* the Set-Cookie value of the success message, "" none */
};

static struct slot slots[REPEAT_SLOTS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;

static int eligible(const struct req *r)
{
	return r->method == M_POST && !r->api && r->user && !r->by_token && r->csrf && r->body && r->body_len;
}

static void digest(const struct req *r, unsigned char key[crypto_generichash_BYTES])
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, crypto_generichash_BYTES);
	crypto_generichash_update(&st, (const unsigned char *)r->csrf, strlen(r->csrf) + 1);
	crypto_generichash_update(&st, (const unsigned char *)r->path, strlen(r->path) + 1);
	crypto_generichash_update(&st, (const unsigned char *)r->body, r->body_len);
	crypto_generichash_final(&st, key, crypto_generichash_BYTES);
}

int repeat_begin(struct req *r, struct repeat_guard *g)
{
	g->slot = -1;
	if (!eligible(r)) return 0;
	digest(r, g->key);
	char location[1024], flash[512];
	pthread_mutex_lock(&mu);
	time_t now = time(NULL), deadline = now + REPEAT_WAIT_SECONDS;
	for (;;) {
		int hit = -1;
		now = time(NULL);
		for (int i = 0; i < REPEAT_SLOTS && hit < 0; i++)
			if (slots[i].state != SLOT_EMPTY && sodium_memcmp(slots[i].key, g->key, sizeof g->key) == 0) hit = i;
		if (hit >= 0 && slots[hit].state == SLOT_RUNNING && now < deadline) {
			/* the first copy is still running in another thread: its answer is this one's */
			struct timespec until = { .tv_sec = deadline };
			pthread_cond_timedwait(&cv, &mu, &until);
			continue;
		}
		if (hit >= 0 && slots[hit].state == SLOT_DONE && now - slots[hit].at <= REPEAT_SECONDS) {
			memcpy(location, slots[hit].location, sizeof location);
			memcpy(flash, slots[hit].flash, sizeof flash);
			pthread_mutex_unlock(&mu);
			if (*flash) evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Set-Cookie", flash);
			reply_redirect(r, arena_strdup(&r->a, location));
			log_info("repeated form %s answered as the first one", r->path);
			return 1;
		}
		break;
	}
	/* run it, remembered as running: a slot of its own, else the oldest not running */
	int use = -1;
	for (int i = 0; i < REPEAT_SLOTS; i++) {
		if (slots[i].state != SLOT_EMPTY && sodium_memcmp(slots[i].key, g->key, sizeof g->key) == 0) { use = i; break; }
		if (slots[i].state == SLOT_RUNNING) continue;
		if (use < 0 || slots[i].state == SLOT_EMPTY || (slots[use].state != SLOT_EMPTY && slots[i].at < slots[use].at)) use = i;
	}
	if (use >= 0) {
		memcpy(slots[use].key, g->key, sizeof g->key);
		slots[use].state = SLOT_RUNNING;
		slots[use].at = now;
		g->slot = use;
	}
	pthread_mutex_unlock(&mu);
	return 0;
}

void repeat_end(struct req *r, struct repeat_guard *g)
{
	if (g->slot < 0) return;
	struct evkeyvalq *h = evhttp_request_get_output_headers(r->ev);
	const char *location = r->status == 303 ? evhttp_find_header(h, "Location") : NULL;
	const char *flash = NULL;
	struct evkeyval *kv;
	TAILQ_FOREACH(kv, h, next)
		if (!strcasecmp(kv->key, "Set-Cookie") && !strncmp(kv->value, "tdflash=", 8) && kv->value[8] != ';') flash = kv->value;
	pthread_mutex_lock(&mu);
	struct slot *s = &slots[g->slot];
	if (s->state == SLOT_RUNNING && sodium_memcmp(s->key, g->key, sizeof g->key) == 0) {
		if (location && strlen(location) < sizeof s->location && (!flash || strlen(flash) < sizeof s->flash)) {
			snprintf(s->location, sizeof s->location, "%s", location);
			snprintf(s->flash, sizeof s->flash, "%s", flash ? flash : "");
			s->state = SLOT_DONE;
			s->at = time(NULL);
		} else {
			s->state = SLOT_EMPTY; /* refused or shown again: a repeat runs again */
		}
	}
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
}
