/* thidua: one binary, several subcommands. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/i18n.h"
#include "base/schema.h"
#include "cli/cli.h"
#include "tasks/tasks.h"

#ifndef THIDUA_VERSION
#define THIDUA_VERSION "dev"
#endif

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *help;
} commands[] = {
	{ "serve", cmd_serve, "serve the web interface and the API" },
	{ "init", cmd_init, "create a database and its admin user" },
	{ "user", cmd_user, "add, list, disable, enable users, grant and revoke roles, set passwords" },
	{ "import", cmd_import, "import units, people, achievements, or a movement's registrations, models, results (XLSX, CSV)" },
	{ "export", cmd_export, "export units, people, or a movement's registrations, models, results, template (CSV, XLSX)" },
	{ "backup", cmd_backup, "copy the database consistently while it serves" },
	{ "audit", cmd_audit, "verify the hash chain of the audit log" },
	{ "demo", cmd_demo, "load the demo data set" },
	{ "migrate-db", cmd_migrate_db, "copy a SQLite database into an empty PostgreSQL one" },
	{ "verify", cmd_verify, "verify a certificate by its code" },
	{ "remind", cmd_remind, "write the day's reminders of tasks due soon and overdue" },
	{ "eligibility", cmd_eligibility, "check every person of a unit against an award's rules" },
	{ "award", cmd_award, "list the awards, set an award's bonus multiple" },
	{ "base-salary", cmd_base_salary, "list the base salaries, add a new one from a date" },
	{ NULL, NULL, NULL },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: thidua COMMAND [options]   (thidua COMMAND --help for its options)\n\ncommands:\n");
	for (int i = 0; commands[i].name; i++) fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "  %-12s %s\n", "version", "print the version");
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fputs("libsodium could not start\n", stderr);
		return 1;
	}
	i18n_get("vi", ""); /* load the catalogs before any thread starts */
	i18n_get("en", "");
	i18n_get("hi", "");
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		if (argc > 2 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) return cli_usage(1, "usage: thidua version\n");
		if (argc > 2) return cli_usage(0, "usage: thidua version\n");
		printf("thidua %s (schema %d)\n", THIDUA_VERSION, schema_latest());
		return 0;
	}
	for (int i = 0; commands[i].name; i++)
		if (!strcmp(argv[1], commands[i].name)) return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "thidua: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
