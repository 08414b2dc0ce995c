#ifndef CLOUDTRAIL_RULES_VTAB_H
#define CLOUDTRAIL_RULES_VTAB_H
#include "sqlite3ext.h"
int rules_vtab_register(sqlite3 *db);
#endif
