/*
** cloudtrail.c: the extension's entry point.
**
**   .load ./build/cloudtrail
**   SELECT eventName, count(*) FROM cloudtrail('AWSLogs') GROUP BY 1;
**   SELECT * FROM cloudtrail_files('AWSLogs') WHERE status<>'ok';
**   SELECT * FROM detect_mfa_deactivation('AWSLogs');
**   SELECT access_key_id, origin_arn, hops FROM cloudtrail_sessions('AWSLogs');
**   SELECT note FROM cloudtrail_rules;
**   SELECT status, count(*) FROM cloudtrail_digests('AWSLogs') GROUP BY 1;
**   SELECT kql_match('event.action:ConsoleLogin', record) FROM cloudtrail('AWSLogs');
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT1
#include <pthread.h>
#include "detect_vtab.h"
#include "digests_vtab.h"
#include "fields.h"
#include "import.h"
#include "involves.h"
#include "files_vtab.h"
#include "kql.h"
#include "record.h"
#include "rules.h"
#include "rules_vtab.h"
#include "sessions_vtab.h"
#include "trail_vtab.h"

/* Process-wide state (the key table) is set up once, however
** many connections load the extension, and from whichever thread. */
static pthread_once_t once = PTHREAD_ONCE_INIT;
static void init_process(void){
  fields_init();
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_cloudtrail_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi){
  int rc;
  SQLITE_EXTENSION_INIT2(pApi);
  /* sqlite3_vtab_in() and sqlite3_vtab_rhs_value() came in 3.38.0: an older library has
  ** no such entries in its API table, so refuse to load rather than call through them. */
  if( sqlite3_libversion_number()<3038000 ){
    if( pzErrMsg ){
      *pzErrMsg = sqlite3_mprintf("cloudtrail: needs SQLite 3.38.0 or later, not %s",
                                  sqlite3_libversion());
    }
    return SQLITE_ERROR;
  }
  pthread_once(&once, init_process);
  rc = trail_vtab_register(db);
  if( rc==SQLITE_OK ) rc = files_vtab_register(db);
  if( rc==SQLITE_OK ) rc = detect_vtab_register(db);
  if( rc==SQLITE_OK ) rc = rules_vtab_register(db);
  if( rc==SQLITE_OK ) rc = kql_register(db);
  if( rc==SQLITE_OK ) rc = rules_register(db);
  if( rc==SQLITE_OK ) rc = sessions_vtab_register(db);
  if( rc==SQLITE_OK ) rc = digests_vtab_register(db);
  if( rc==SQLITE_OK ) rc = import_vtab_register(db);
  if( rc==SQLITE_OK ) rc = involves_register(db);
  return rc;
}
