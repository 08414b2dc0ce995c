#ifndef CLOUDTRAIL_DETECT_VTAB_H
#define CLOUDTRAIL_DETECT_VTAB_H
#include "sqlite3ext.h"
int detect_vtab_register(sqlite3 *db);
#endif
