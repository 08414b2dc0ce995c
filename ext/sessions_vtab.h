#ifndef CLOUDTRAIL_SESSIONS_VTAB_H
#define CLOUDTRAIL_SESSIONS_VTAB_H
#include "sqlite3ext.h"
int sessions_vtab_register(sqlite3 *db);
#endif
