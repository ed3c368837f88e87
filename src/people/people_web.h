/* people_web: the routes of people (people_web.c) and what their templates
** (templates/people.html) see. */
#ifndef THIDUA_PEOPLE_WEB_H
#define THIDUA_PEOPLE_WEB_H
#include "../web/tmpl_types.h"
#include "../picker/picker.h"
#include "../units/units.h"
#include "people.h"

/* handlers */
/* people_web.c */
void api_people_list(struct req *r);
void api_person_create(struct req *r);
void api_person_get(struct req *r);
void api_person_update(struct req *r);
void page_export_people(struct req *r);
void page_people(struct req *r);
void page_person(struct req *r);
void page_person_create(struct req *r);
void page_person_new(struct req *r);
void page_person_post(struct req *r);

#endif
