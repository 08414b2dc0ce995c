/*
** involves.h: identity sets, `cloudtrail_involves(record, identities)`.
*/
#ifndef CLOUDTRAIL_INVOLVES_H
#define CLOUDTRAIL_INVOLVES_H
#include "sqlite3ext.h"
#include "filter.h"

int involves_parse(sqlite3 *db, sqlite3_value *pSpec, FilterWho **ppWho, char **pzErr);
void involves_func(sqlite3_context *ctx, int argc, sqlite3_value **argv);
int involves_register(sqlite3 *db);

#endif
