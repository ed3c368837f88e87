/* files: uploaded files, stored once by the SHA-256 of their bytes, and the
** attachments that link them to records of any kind ("movement", "model",
** ...). The type is detected from the content (libmagic, and libzip for the
** Office formats) and only a short list is accepted; the file name must
** agree with what the content is. Domain-free: which records exist and who
** may attach to or read them is the caller's business. */
#ifndef THIDUA_FILES_H
#define THIDUA_FILES_H
#include <stddef.h>
#include <stdint.h>

#include "errors.h"

struct db;
struct arena;
struct buf;
struct user;

#define FILES_NAME_MAX 255       /* bytes of a file name */
#define FILES_MAX_SIZE_DEFAULT (20 * 1024 * 1024)

#define MIME_PDF "application/pdf"
#define MIME_PNG "image/png"
#define MIME_JPEG "image/jpeg"
#define MIME_WEBP "image/webp"
#define MIME_GIF "image/gif"
#define MIME_DOCX "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#define MIME_XLSX "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

struct attachment {
	int64_t id;
	int64_t file_id;
	const char *entity;
	int64_t entity_id;
	const char *name;
	int active;
	int64_t created_by;        /* 0: the system */
	const char *created_at;
	const char *sha256;        /* of the file */
	const char *mime;
	int64_t size;
};

/* The type of n bytes by their content: E_OK and *mime (one of MIME_*, a
** static string) or E_INVALID for anything not accepted. Each thread loads
** its own libmagic handle once. */
int files_detect(const void *data, size_t n, const char **mime);

/* Checks a file name (no path, no control characters, valid UTF-8, at most
** FILES_NAME_MAX bytes, a known extension) against the detected type; adds
** a message for field "file" and returns E_INVALID when they disagree. */
int files_check_name(const char *name, const char *mime, struct field_errors *fe);

/* The storage each unit may fill with attachments, in bytes (serve
** --unit-quota; 0: no limit). files_attach checks it for every upload. */
extern int64_t files_unit_quota;
#define FILES_UNIT_QUOTA_DEFAULT ((int64_t)1 << 30)

/* Stores the bytes (once: identical content shares one files row) and
** attaches them to entity/entity_id under name, with an audit row "attach";
** in the caller's transaction if one is open, else in its own. unit_id is
** the unit whose quota the file counts against (0: none); when it would
** pass files_unit_quota nothing is stored. Refusals are E_INVALID with a
** message for field "file". */
int files_attach(struct db *db, const struct user *who, const char *entity, int64_t entity_id, int64_t unit_id, const char *name,
		 const void *data, size_t n, size_t max_size, struct field_errors *fe, int64_t *attachment_id);
/* The bytes of a unit's active attachments, of every kind of record, each
** attachment counted even when its bytes are stored once for several. */
int64_t files_unit_storage(struct db *db, int64_t unit_id);
/* Marks an active attachment removed (kept for the history), audited "detach". */
int files_detach(struct db *db, const struct user *who, int64_t attachment_id);
/* The active attachments of a record, newest first (arena). */
int files_list(struct db *db, struct arena *a, const char *entity, int64_t entity_id, struct attachment **items, int *n);
/* One attachment, active or not, with its file's metadata (not its bytes). */
int files_get(struct db *db, struct arena *a, int64_t attachment_id, struct attachment **out);
/* Appends a stored file's bytes to out. */
int files_read(struct db *db, int64_t file_id, struct buf *out);

#endif
