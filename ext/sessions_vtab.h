#ifndef CLOUDTRAIL_SESSIONS_VTAB_H
#define CLOUDTRAIL_SESSIONS_VTAB_H
#include "sqlite3ext.h"
#include "sessions.h"
int sessions_vtab_register(sqlite3 *db);

/* Read the records of source zArg (as cloudtrail_sessions and detect take it: 'path:P',
** 'table:T', or a bare name that is one of the two) into pS. Errors go to pVtab's
** message, prefixed by zFunc. SQLITE_OK, SQLITE_NOMEM or an error code. */
int sessions_read(sqlite3_vtab *pVtab, sqlite3 *db, const char *zFunc, const char *zArg,
                  Sessions *pS);
#endif
