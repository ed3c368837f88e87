/* schema: applies the embedded migrations (sql/<dialect>/NNN_name.sql) in
** order, each in its own transaction (a savepoint when the caller has one
** open: migrate-db makes the schema in the transaction that copies the
** data), recording them in schema_migrations.
** A database written by a newer binary is refused. Then the sort keys of
** names (collate.h) are recomputed when they were made by another collator
** version than this binary's, or when force is set. */
#ifndef THIDUA_SCHEMA_H
#define THIDUA_SCHEMA_H
struct db;
int schema_migrate(struct db *db, int quiet);   /* 0 on success; prints why not */
int schema_latest(void);
int schema_sort_keys(struct db *db, int force);  /* 0 on success; in its own transaction */
#endif
