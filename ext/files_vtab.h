#ifndef CLOUDTRAIL_FILES_VTAB_H
#define CLOUDTRAIL_FILES_VTAB_H
#include "sqlite3ext.h"
int files_vtab_register(sqlite3 *db);
#endif
