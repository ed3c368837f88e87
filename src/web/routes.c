/* The one route table: method + pattern → handler, login, permission.
** Scope on a particular unit is checked by the handler through require(). */
#include "jobs_web.h"
#include "web.h"

/* the composition root: the one file of web/ that names the features */
#include "../commendation/commendation_web.h"
#include "../decisions/decisions_web.h"
#include "../home/home_web.h"
#include "../picker/picker.h"
#include "../movements/movements_web.h"
#include "../people/people_web.h"
#include "../units/units_web.h"
#include "../votes/votes_web.h"
#include "roles.h"


const struct route routes[] = {
	{ M_GET, "/healthz", page_healthz, PUBLIC, 0 },
	{ M_GET, "/", page_home, LOGIN, 0 },
	{ M_GET, "/login", page_login, PUBLIC, 0 },
	{ M_POST, "/login", page_login_post, PUBLIC, 0 },
	{ M_POST, "/logout", page_logout, LOGIN, 0 },
	{ M_POST, "/lang", page_lang, PUBLIC, 0 },

	{ M_GET, "/export/units", page_export_units, LOGIN, 0 },
	{ M_GET, "/export/people", page_export_people, LOGIN, PERM_READ },
	{ M_GET, "/units", page_units, LOGIN, 0 },
	{ M_POST, "/units", page_unit_create, LOGIN, PERM_WRITE_UNITS },
	{ M_GET, "/units/new", page_unit_new, LOGIN, PERM_WRITE_UNITS },
	{ M_GET, "/units/{id}", page_unit, LOGIN, 0 },
	{ M_POST, "/units/{id}", page_unit_post, LOGIN, PERM_WRITE_UNITS },
	{ M_GET, "/files/{id}", page_file, LOGIN, 0 },
	{ M_GET, "/people", page_people, LOGIN, PERM_READ },
	{ M_POST, "/people", page_person_create, LOGIN, PERM_WRITE_PEOPLE },
	{ M_GET, "/people/new", page_person_new, LOGIN, PERM_WRITE_PEOPLE },
	{ M_GET, "/people/{id}", page_person, LOGIN, PERM_READ },
	{ M_POST, "/people/{id}", page_person_post, LOGIN, PERM_WRITE_PEOPLE },

	{ M_GET, "/movements", page_movements, LOGIN, 0 },
	{ M_POST, "/movements", page_movement_create, LOGIN, PERM_MOVEMENT_MANAGE },
	{ M_GET, "/movements/new", page_movement_new, LOGIN, PERM_MOVEMENT_MANAGE },
	{ M_GET, "/movements/{id}", page_movement, LOGIN, 0 },
	{ M_POST, "/movements/{id}", page_movement_update, LOGIN, PERM_MOVEMENT_MANAGE },
	{ M_GET, "/movements/{id}/edit", page_movement_edit, LOGIN, PERM_MOVEMENT_MANAGE },
	{ M_POST, "/movements/{id}/status", page_movement_status, LOGIN, PERM_MOVEMENT_MANAGE },
	{ M_POST, "/movements/{id}/registrations", page_registration_create, LOGIN, PERM_MOVEMENT_REPORT },
	{ M_GET, "/movements/{id}/models", page_movement_models, LOGIN, 0 },
	{ M_POST, "/movements/{id}/models", page_model_create, LOGIN, PERM_MOVEMENT_REPORT },
	{ M_GET, "/movements/{id}/dashboard", page_dashboard, LOGIN, 0 },
	{ M_GET, "/movements/{id}/report.pdf", page_movement_report, LOGIN, 0 },
	{ M_GET, "/movements/{id}/export/{what}", page_movement_export, LOGIN, 0 },
	{ M_POST, "/movements/{id}/import", page_movement_import, LOGIN, PERM_MOVEMENT_REPORT },
	{ M_POST, "/movements/{id}/exports", page_movement_export_job, LOGIN, 0 },
	{ M_POST, "/movements/{id}/reports", page_movement_report_job, LOGIN, 0 },
	{ M_POST, "/movements/{id}/files", page_movement_file_create, LOGIN, PERM_MOVEMENT_MANAGE },
	{ M_GET, "/models/{id}", page_model, LOGIN, 0 },
	{ M_POST, "/models/{id}", page_model_update, LOGIN, PERM_MOVEMENT_REPORT },
	{ M_POST, "/models/{id}/reports", page_report_create, LOGIN, PERM_MOVEMENT_REPORT },
	{ M_POST, "/models/{id}/assessment", page_model_assess, LOGIN, PERM_MOVEMENT_MANAGE },
	{ M_POST, "/models/{id}/files", page_model_file_create, LOGIN, PERM_MOVEMENT_REPORT },
	{ M_POST, "/models/{id}/typical", page_model_typical, LOGIN, PERM_MOVEMENT_MANAGE },
	{ M_POST, "/models/{id}/replications", page_replication_create, LOGIN, PERM_MOVEMENT_MANAGE },
	{ M_GET, "/rules", page_rules, LOGIN, 0 },
	{ M_POST, "/rules", page_rule_set_create, LOGIN, PERM_RULES_MANAGE },
	{ M_GET, "/rules/new", page_rule_set_new, LOGIN, PERM_RULES_MANAGE },
	{ M_GET, "/rules/{id}", page_rule_set, LOGIN, 0 },
	{ M_POST, "/rules/{id}", page_rule_set_post, LOGIN, PERM_RULES_MANAGE },
	{ M_GET, "/eligibility", page_eligibility, LOGIN, PERM_READ },
	{ M_GET, "/typical", page_typical, PUBLIC, 0 },
	{ M_GET, "/pick/{what}", page_pick, LOGIN, 0 },
	{ M_GET, "/jobs/{id}", page_job, LOGIN, 0 },
	{ M_GET, "/jobs/{id}/file", api_job_file, LOGIN, 0 },

	{ M_POST, "/api/v1/login", api_login, PUBLIC, 0 },
	{ M_POST, "/api/v1/logout", api_logout, LOGIN, 0 },
	{ M_GET, "/api/v1/me", api_me, LOGIN, 0 },
	{ M_GET, "/api/v1/unit-kinds", api_unit_kinds, LOGIN, 0 },
	{ M_GET, "/api/v1/units", api_units_list, LOGIN, 0 },
	{ M_POST, "/api/v1/units", api_unit_create, LOGIN, PERM_WRITE_UNITS },
	{ M_GET, "/api/v1/units/{id}", api_unit_get, LOGIN, 0 },
	{ M_PATCH, "/api/v1/units/{id}", api_unit_update, LOGIN, PERM_WRITE_UNITS },
	{ M_GET, "/api/v1/files/{id}", api_file, LOGIN, 0 },
	{ M_GET, "/api/v1/people", api_people_list, LOGIN, PERM_READ },
	{ M_POST, "/api/v1/people", api_person_create, LOGIN, PERM_WRITE_PEOPLE },
	{ M_GET, "/api/v1/people/{id}", api_person_get, LOGIN, PERM_READ },
	{ M_PATCH, "/api/v1/people/{id}", api_person_update, LOGIN, PERM_WRITE_PEOPLE },
	{ M_GET, "/api/v1/movement-fields", api_movement_fields, LOGIN, 0 },
	{ M_GET, "/api/v1/movements", api_movements_list, LOGIN, 0 },
	{ M_POST, "/api/v1/movements", api_movement_create, LOGIN, PERM_MOVEMENT_MANAGE },
	{ M_GET, "/api/v1/movements/{id}", api_movement_get, LOGIN, 0 },
	{ M_PATCH, "/api/v1/movements/{id}", api_movement_update, LOGIN, PERM_MOVEMENT_MANAGE },
	{ M_POST, "/api/v1/movements/{id}/status", api_movement_status, LOGIN, PERM_MOVEMENT_MANAGE },
	{ M_GET, "/api/v1/movements/{id}/registrations", api_registrations_list, LOGIN, 0 },
	{ M_POST, "/api/v1/movements/{id}/registrations", api_registration_create, LOGIN, PERM_MOVEMENT_REPORT },
	{ M_GET, "/api/v1/movements/{id}/models", api_models_list, LOGIN, 0 },
	{ M_POST, "/api/v1/movements/{id}/models", api_model_create, LOGIN, PERM_MOVEMENT_REPORT },
	{ M_GET, "/api/v1/movements/{id}/dashboard", api_dashboard, LOGIN, 0 },
	{ M_GET, "/api/v1/registrations/{id}", api_registration_get, LOGIN, 0 },
	{ M_PATCH, "/api/v1/registrations/{id}", api_registration_update, LOGIN, PERM_MOVEMENT_REPORT },
	{ M_GET, "/api/v1/models/{id}", api_model_get, LOGIN, 0 },
	{ M_PATCH, "/api/v1/models/{id}", api_model_update, LOGIN, PERM_MOVEMENT_REPORT },
	{ M_POST, "/api/v1/models/{id}/assessment", api_model_assess, LOGIN, PERM_MOVEMENT_MANAGE },
	{ M_POST, "/api/v1/models/{id}/typical", api_model_typical, LOGIN, PERM_MOVEMENT_MANAGE },
	{ M_GET, "/api/v1/models/{id}/reports", api_reports_list, LOGIN, 0 },
	{ M_POST, "/api/v1/models/{id}/reports", api_report_create, LOGIN, PERM_MOVEMENT_REPORT },
	{ M_GET, "/api/v1/models/{id}/replications", api_replications_list, LOGIN, 0 },
	{ M_POST, "/api/v1/models/{id}/replications", api_replication_create, LOGIN, PERM_MOVEMENT_MANAGE },
	{ M_GET, "/api/v1/public/typical", api_public_typical, PUBLIC, 0 },
	{ M_GET, "/api/v1/rule-sets", api_rule_sets_list, LOGIN, 0 },
	{ M_POST, "/api/v1/rule-sets", api_rule_set_create, LOGIN, PERM_RULES_MANAGE },
	{ M_GET, "/api/v1/rule-sets/{id}", api_rule_set_get, LOGIN, 0 },
	{ M_PATCH, "/api/v1/rule-sets/{id}", api_rule_set_update, LOGIN, PERM_RULES_MANAGE },
	{ M_GET, "/api/v1/eligibility", api_eligibility, LOGIN, PERM_READ },
	{ M_POST, "/api/v1/movements/{id}/import/{kind}", api_movement_import, LOGIN, PERM_MOVEMENT_REPORT },
	{ M_POST, "/api/v1/movements/{id}/exports", api_movement_export_job, LOGIN, 0 },
	{ M_POST, "/api/v1/movements/{id}/reports", api_movement_report_job, LOGIN, 0 },
	{ M_GET, "/api/v1/jobs/{id}", api_job_get, LOGIN, 0 },
	{ M_GET, "/api/v1/jobs/{id}/file", api_job_file, LOGIN, 0 },
	{ M_GET, "/api/v1/models/{id}/files", api_model_files_list, LOGIN, 0 },
	{ M_POST, "/api/v1/models/{id}/files", api_model_file_create, LOGIN, PERM_MOVEMENT_REPORT },
	{ M_GET, "/api/v1/movements/{id}/files", api_movement_files_list, LOGIN, 0 },
	{ M_POST, "/api/v1/movements/{id}/files", api_movement_file_create, LOGIN, PERM_MOVEMENT_MANAGE },

	/* commendation: the award catalogue, achievement records */
	{ M_GET, "/awards", page_awards, LOGIN, 0 },
	{ M_POST, "/people/{id}/achievements", page_person_achievement_post, LOGIN, PERM_RECORD_ACHIEVEMENTS },
	{ M_POST, "/units/{id}/achievements", page_unit_achievement_post, LOGIN, PERM_RECORD_ACHIEVEMENTS },
	{ M_POST, "/achievements/{id}/delete", page_achievement_delete, LOGIN, PERM_RECORD_ACHIEVEMENTS },
	{ M_GET, "/api/v1/awards", api_awards, LOGIN, 0 },
	{ M_GET, "/api/v1/awards/received", api_awards_received, LOGIN, PERM_READ },
	{ M_GET, "/api/v1/awards/yearly", api_awards_yearly, LOGIN, PERM_READ },
	{ M_GET, "/awards/received", page_awards_received, LOGIN, PERM_READ },
	{ M_GET, "/export/awards-received", page_export_awards_received, LOGIN, PERM_READ },
	{ M_GET, "/proposals/{id}/export", page_proposal_export, LOGIN, PERM_READ },
	{ M_POST, "/api/v1/people/{id}/direct-work", api_person_direct_work, LOGIN, PERM_RECORD_ACHIEVEMENTS },
	{ M_POST, "/people/{id}/direct-work", page_person_direct_work_post, LOGIN, PERM_RECORD_ACHIEVEMENTS },
	{ M_GET, "/api/v1/achievements", api_achievements_list, LOGIN, PERM_READ },
	{ M_POST, "/api/v1/achievements", api_achievement_create, LOGIN, PERM_RECORD_ACHIEVEMENTS },
	{ M_GET, "/api/v1/achievements/{id}", api_achievement_get, LOGIN, PERM_READ },
	{ M_DELETE, "/api/v1/achievements/{id}", api_achievement_delete, LOGIN, PERM_RECORD_ACHIEVEMENTS },
	/* commendation: proposals up the levels */
	{ M_GET, "/proposals", page_proposals, LOGIN, PERM_READ },
	{ M_POST, "/proposals", page_proposal_create, LOGIN, PERM_PROPOSE },
	{ M_GET, "/proposals/new", page_proposal_new, LOGIN, PERM_PROPOSE },
	{ M_GET, "/proposals/{id}", page_proposal, LOGIN, PERM_READ },
	{ M_POST, "/proposals/{id}", page_proposal_post, LOGIN, 0 },
	{ M_GET, "/api/v1/proposals", api_proposals_list, LOGIN, PERM_READ },
	{ M_POST, "/api/v1/proposals", api_proposal_create, LOGIN, PERM_PROPOSE },
	{ M_GET, "/api/v1/proposals/{id}", api_proposal_get, LOGIN, PERM_READ },
	{ M_PATCH, "/api/v1/proposals/{id}", api_proposal_update, LOGIN, PERM_PROPOSE },
	{ M_POST, "/api/v1/proposals/{id}/nominees", api_proposal_nominee_add, LOGIN, PERM_PROPOSE },
	{ M_DELETE, "/api/v1/proposals/{id}/nominees/{nominee}", api_proposal_nominee_remove, LOGIN, PERM_PROPOSE },
	{ M_POST, "/api/v1/proposals/{id}/steps", api_proposal_step, LOGIN, 0 },
	{ M_POST, "/api/v1/proposals/{id}/typical", api_proposal_typical, LOGIN, PERM_PROPOSE },

	/* award decisions, their signed certificates, the public verification (issue 10) */
	{ M_GET, "/decisions", page_decisions, LOGIN, PERM_READ },
	{ M_POST, "/decisions", page_decision_create, LOGIN, PERM_DECIDE },
	{ M_GET, "/decisions/{id}", page_decision, LOGIN, PERM_READ },
	{ M_POST, "/decisions/{id}/revoke", page_decision_revoke, LOGIN, PERM_DECIDE },
	{ M_GET, "/decisions/{id}/certificates/{file}", decision_certificate, LOGIN, PERM_READ },
	{ M_GET, "/decisions/{id}/pdf", decision_pdf_download, LOGIN, PERM_READ },
	{ M_GET, "/decisions/{id}/export", decision_export_download, LOGIN, PERM_READ },
	{ M_GET, "/verify", page_verify_form, PUBLIC, 0 },
	{ M_GET, "/verify/keys", page_verify_keys, PUBLIC, 0 },
	{ M_GET, "/verify/{code}", page_verify, PUBLIC, 0 },
	{ M_GET, "/api/v1/decisions", api_decisions_list, LOGIN, PERM_READ },
	{ M_POST, "/api/v1/decisions", api_decision_create, LOGIN, PERM_DECIDE },
	{ M_GET, "/api/v1/decisions/{id}", api_decision_get, LOGIN, PERM_READ },
	{ M_POST, "/api/v1/decisions/{id}/revoke", api_decision_revoke, LOGIN, PERM_DECIDE },
	{ M_GET, "/api/v1/decisions/{id}/certificates/{file}", decision_certificate, LOGIN, PERM_READ },
	{ M_GET, "/api/v1/decisions/{id}/pdf", decision_pdf_download, LOGIN, PERM_READ },
	{ M_GET, "/api/v1/decisions/{id}/export", decision_export_download, LOGIN, PERM_READ },
	{ M_GET, "/api/v1/verify/{code}", api_verify, PUBLIC, 0 },

	/* secret-ballot votes of clusters and councils (issue 11): a voter needs no permission, only to be listed */
	{ M_GET, "/votes", page_votes, LOGIN, 0 },
	{ M_POST, "/votes", page_vote_create, LOGIN, PERM_RUN_VOTES },
	{ M_GET, "/votes/new", page_vote_new, LOGIN, PERM_RUN_VOTES },
	{ M_GET, "/votes/{id}", page_vote, LOGIN, 0 },
	{ M_POST, "/votes/{id}", page_vote_post, LOGIN, 0 },
	{ M_GET, "/api/v1/votes", api_votes_list, LOGIN, 0 },
	{ M_POST, "/api/v1/votes", api_vote_create, LOGIN, PERM_RUN_VOTES },
	{ M_GET, "/api/v1/votes/{id}", api_vote_get, LOGIN, 0 },
	{ M_POST, "/api/v1/votes/{id}/present", api_vote_present, LOGIN, PERM_RUN_VOTES },
	{ M_POST, "/api/v1/votes/{id}/open", api_vote_open, LOGIN, PERM_RUN_VOTES },
	{ M_POST, "/api/v1/votes/{id}/close", api_vote_close, LOGIN, PERM_RUN_VOTES },
	{ M_POST, "/api/v1/votes/{id}/ballots", api_vote_cast, LOGIN, 0 },
	{ M_GET, "/api/v1/votes/{id}/result", api_vote_result, LOGIN, 0 },
	{ M_GET, "/api/v1/votes/{id}/receipts/{code}", api_vote_receipt, LOGIN, 0 },
	{ 0, NULL, NULL, 0, 0 },
};

const struct attachment_reader attachment_readers[] = {
	{ "movement", mv_attachment_readable },
	{ "model", mv_attachment_readable },
	{ "report", mv_attachment_readable },
	{ NULL, NULL },
};

/* the sections a proposal's page shows from the features above commendation */
void (*const proposal_sections[])(struct buf *o, struct req *r, int64_t proposal_id) = {
	votes_proposal_section, NULL,
};

/* GET routes answered from the reply cache while the database is unchanged
** (src/web/cache.c says why that is safe): each was checked to depend only
** on the request, the user, the language, the date and the data */
void (*const cached_handlers[])(struct req *r) = {
	api_units_list, page_unit, api_people_list, api_dashboard, page_dashboard, NULL,
};
