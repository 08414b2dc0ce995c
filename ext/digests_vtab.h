#ifndef CLOUDTRAIL_DIGESTS_VTAB_H
#define CLOUDTRAIL_DIGESTS_VTAB_H
#include "sqlite3ext.h"
int digests_vtab_register(sqlite3 *db);
#endif
