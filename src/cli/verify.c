/* thidua verify: a certificate by its code, from the command line. */
#include <stdio.h>
#include <string.h>

#include "../base/arena.h"
#include "../base/db.h"
#include "../base/errors.h"
#include "../base/i18n.h"
#include "../decisions/decisions.h"
#include "cli.h"

static int verify_usage(int help)
{
	return cli_usage(help, "usage: thidua verify [--db PATH] CODE\n\n"
			 "Verifies the certificate with CODE (as printed, with or without its dashes, or its whole\n"
			 "verification address): prints \"valid\" when its signature verifies with the issuing\n"
			 "authority's public key and the award record in the database is the one that was signed;\n"
			 "otherwise \"invalid\", \"revoked\" or \"unknown\" and the reason. Then the award as recorded.\n"
			 "Exit status 0 only when valid, 1 otherwise, 2 for a usage error. No master key is needed.\n");
}

int cmd_verify(int argc, char **argv)
{
	static const char *const known[] = { "--db", NULL };
	struct args a;
	if (args_parse(&a, argc, argv, known) != 0) return verify_usage(0);
	if (a.help || a.npos != 1) return verify_usage(a.help);
	struct db *db;
	if (cli_open_db(arg(&a, "--db", "thidua.db"), &db, 0) != 0) return 1;
	const char *code = a.pos[0], *slash = strrchr(code, '/');
	if (slash) code = slash + 1;
	struct arena ar;
	arena_init(&ar);
	struct cert_check c;
	int rc = certs_verify(db, &ar, code, &c);
	if (rc != E_OK) {
		fprintf(stderr, "cannot read the certificates: %s\n", db_errmsg(db));
		arena_free(&ar);
		db_close(db);
		return 1;
	}
	if (c.status == CERT_VALID) printf("valid\n");
	else printf("%s: %s%s%s\n", cert_status_names[c.status], c.reason, c.detail ? ": " : "", c.detail ? c.detail : "");
	if (c.found)
		for (int i = 0; i < CF_N; i++) {
			printf("  %-15s %s", cert_field_names[i], cert_field(&ar, &c.now, i));
			if (c.changed & (1u << i)) printf("   (signed: %s)", cert_field(&ar, &c.was, i));
			printf("\n");
		}
	if (c.found) printf("  %-15s %s\n", "key", c.key_id);
	arena_free(&ar);
	db_close(db);
	return c.status == CERT_VALID ? 0 : 1;
}
