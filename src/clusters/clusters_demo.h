/* clusters_demo: seed 001's emulation cluster for thidua demo (clusters_demo.c). */
#ifndef THIDUA_CLUSTERS_DEMO_H
#define THIDUA_CLUSTERS_DEMO_H
#include <stdio.h>

struct db;
struct user;

/* 0, or -1 with the reason on log; *ncards: scorecards submitted, *nsigned: signatures of the 2024 agreement */
int clusters_demo_load(struct db *db, const struct user *who, FILE *log, int *ncards, int *nsigned);

#endif
