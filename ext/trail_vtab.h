#ifndef CLOUDTRAIL_TRAIL_VTAB_H
#define CLOUDTRAIL_TRAIL_VTAB_H
#include "sqlite3ext.h"
int trail_vtab_register(sqlite3 *db);
#endif
