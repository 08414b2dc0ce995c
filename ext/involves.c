/*
** involves.c: identity sets. `cloudtrail_involves(record, identities)` is 1 when the record
** (a cloudtrail row's `record` text) is an event of one of the identities, given as JSON:
**
**   {"actor": ["arn:aws:iam::111122223333:user/alice", ...],
**    "iam_user": [["alice", "111122223333"], ...]}
**
** an event whose actor column is one of "actor", or whose user_type is IAMUser and whose
** (user_name, account_id) is one of "iam_user" (a null anywhere matches nothing). On the
** cloudtrail table with the record column as its first argument, the reader takes it as a
** constraint (trail_vtab.c xFindFunction): a file holding none of the names is not split and
** other records are dropped before any column is built, as for `actor IN (...)`. The
** investigation windows use it for their "the actor's or the target user's events", which
** SQLite cannot hand a virtual table as an OR of two IN lists.
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <string.h>
#include "involves.h"
#include "json.h"
#include "record.h"

#define SPEC_SHAPE "{\"actor\": [text, ...], \"iam_user\": [[user_name, account_id], ...]}"

/* Read the identities of pSpec into a new FilterWho (*ppWho; free with filter_who_free).
** Errors (*pzErr, from sqlite3_malloc) quote what is wrong. SQLite's JSON functions read
** the text, so the strings are decoded exactly as json_group_array() wrote them. */
int involves_parse(sqlite3 *db, sqlite3_value *pSpec, FilterWho **ppWho, char **pzErr){
  static const char zSql[] =
    "WITH s(j) AS (SELECT CASE WHEN ?2 THEN ?1 ELSE '{}' END) "
    "SELECT 0, CASE WHEN ?2 THEN"
    "   NOT EXISTS (SELECT 1 FROM s, json_each(s.j) WHERE key NOT IN ('actor', 'iam_user'))"
    "   AND coalesce(json_type(?1, '$.actor'), 'array') = 'array'"
    "   AND coalesce(json_type(?1, '$.iam_user'), 'array') = 'array' ELSE 0 END, NULL, NULL, NULL "
    "UNION ALL SELECT 1, type, value, NULL, NULL FROM s, json_each(s.j, '$.actor')"
    "   WHERE json_type(s.j, '$.actor') = 'array' "
    "UNION ALL SELECT 2, type || ':' || json_array_length(value) || ':'"
    "       || coalesce(json_type(value, '$[0]'), '') || ':' || coalesce(json_type(value, '$[1]'), ''),"
    "       NULL, json_extract(value, '$[0]'), json_extract(value, '$[1]')"
    "  FROM s, json_each(s.j, '$.iam_user') WHERE json_type(s.j, '$.iam_user') = 'array'";
  sqlite3_stmt *pStmt = 0;
  FilterWho *p;
  int rc;
  *ppWho = 0;
  *pzErr = 0;
  if( sqlite3_value_type(pSpec)!=SQLITE_TEXT ){
    *pzErr = sqlite3_mprintf("cloudtrail_involves: the identities must be text, a JSON object "
                             SPEC_SHAPE);
    return *pzErr ? SQLITE_ERROR : SQLITE_NOMEM;
  }
  p = sqlite3_malloc64(sizeof(*p));
  if( p==0 ) return SQLITE_NOMEM;
  memset(p, 0, sizeof(*p));
  rc = sqlite3_prepare_v2(db, zSql, -1, &pStmt, 0);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_value(pStmt, 1, pSpec);
  if( rc==SQLITE_OK ){
    /* one JSON object, checked here: SQLite's json_valid() answers 0 when it runs out of
    ** memory, which would turn an out-of-memory into a wrong message */
    const char *z = (const char*)sqlite3_value_text(pSpec);
    size_t n = (size_t)sqlite3_value_bytes(pSpec), i, e;
    unsigned flags = 0;
    JsonError err;
    if( z==0 ){
      rc = SQLITE_NOMEM;
    }else{
      i = json_ws(z, n, 0);
      e = i<n && z[i]=='{' ? json_skip(z, n, i, &flags, &err) : (size_t)-1;
      rc = sqlite3_bind_int(pStmt, 2, e!=(size_t)-1 && json_ws(z, n, e)==n);
    }
  }
  while( rc==SQLITE_OK && sqlite3_step(pStmt)==SQLITE_ROW ){
    int eKind = sqlite3_column_int(pStmt, 0);
    const char *zType = (const char*)sqlite3_column_text(pStmt, 1);
    if( eKind==0 ){
      if( sqlite3_column_int(pStmt, 1)==0 ){
        *pzErr = sqlite3_mprintf("cloudtrail_involves: the identities must be a JSON object "
                                 SPEC_SHAPE " (no other keys), not '%.80s'", sqlite3_value_text(pSpec));
        rc = *pzErr ? SQLITE_ERROR : SQLITE_NOMEM;
      }
    }else if( zType==0 ){
      rc = SQLITE_NOMEM;
    }else if( eKind==1 && strcmp(zType, "text")==0 ){
      const char *z = (const char*)sqlite3_column_text(pStmt, 2);
      rc = z ? filter_who_add_actor(p, z, (size_t)sqlite3_column_bytes(pStmt, 2)) : SQLITE_NOMEM;
    }else if( eKind==1 && strcmp(zType, "null")==0 ){
      /* no actor: matches nothing */
    }else if( eKind==2 && strcmp(zType, "array:2:text:text")==0 ){
      const char *zName = (const char*)sqlite3_column_text(pStmt, 3);
      const char *zAcct = (const char*)sqlite3_column_text(pStmt, 4);
      rc = zName && zAcct ? filter_who_add_user(p, zName, (size_t)sqlite3_column_bytes(pStmt, 3),
                                                zAcct, (size_t)sqlite3_column_bytes(pStmt, 4))
                          : SQLITE_NOMEM;
    }else if( eKind==2 && (strcmp(zType, "array:2:null:text")==0
                           || strcmp(zType, "array:2:text:null")==0
                           || strcmp(zType, "array:2:null:null")==0) ){
      /* a null name or account: matches nothing */
    }else{
      *pzErr = sqlite3_mprintf("cloudtrail_involves: %s holds a value that is not %s (%s)",
                               eKind==1 ? "actor" : "iam_user",
                               eKind==1 ? "text" : "[user_name, account_id] of text or null",
                               zType);
      rc = *pzErr ? SQLITE_ERROR : SQLITE_NOMEM;
    }
  }
  if( rc==SQLITE_OK ){
    rc = sqlite3_reset(pStmt);
  }else{
    sqlite3_reset(pStmt);
  }
  sqlite3_finalize(pStmt);
  if( rc ){
    filter_who_free(p);
    return rc;
  }
  *ppWho = p;
  return SQLITE_OK;
}

static void who_destroy(void *p){
  filter_who_free((FilterWho*)p);
}

/* The identities last read by this connection's function, by their text: SQLite keeps a
** value read from an argument (auxdata) only while that argument is a constant, and the
** windows build theirs with subqueries, which would read it again on every row. */
typedef struct WhoCache {
  char *zSpec;
  int nSpec;
  FilterWho *pWho;
} WhoCache;

static void cache_free(void *p){
  WhoCache *c = p;
  if( c==0 ) return;
  sqlite3_free(c->zSpec);
  filter_who_free(c->pWho);
  sqlite3_free(c);
}

/* The parsed identities of argv[1] (owned by the cache or the auxdata), or NULL with an error
** set on ctx. */
static const FilterWho *who_of(sqlite3_context *ctx, sqlite3_value *pSpec){
  FilterWho *pWho = sqlite3_get_auxdata(ctx, 1);
  WhoCache *c = sqlite3_user_data(ctx);
  const char *z;
  char *zErr = 0;
  int n, rc;
  if( pWho ) return pWho;
  z = sqlite3_value_type(pSpec)==SQLITE_TEXT ? (const char*)sqlite3_value_text(pSpec) : 0;
  n = sqlite3_value_bytes(pSpec);
  if( c && z && c->pWho && c->nSpec==n && memcmp(c->zSpec, z, (size_t)n)==0 ) return c->pWho;
  rc = involves_parse(sqlite3_context_db_handle(ctx), pSpec, &pWho, &zErr);
  if( rc ){
    if( zErr ){
      sqlite3_result_error(ctx, zErr, -1);
      sqlite3_free(zErr);
    }else{
      sqlite3_result_error_code(ctx, rc);
    }
    return 0;
  }
  if( c && z ){
    char *zCopy = sqlite3_malloc64((sqlite3_uint64)n + 1);
    if( zCopy==0 ){
      filter_who_free(pWho);
      sqlite3_result_error_nomem(ctx);
      return 0;
    }
    memcpy(zCopy, z, (size_t)n);
    zCopy[n] = 0;
    sqlite3_free(c->zSpec);
    filter_who_free(c->pWho);
    c->zSpec = zCopy;
    c->nSpec = n;
    c->pWho = pWho;
    return pWho;
  }
  sqlite3_set_auxdata(ctx, 1, pWho, who_destroy);
  pWho = sqlite3_get_auxdata(ctx, 1);
  if( pWho==0 ) sqlite3_result_error_nomem(ctx);
  return pWho;
}

/* cloudtrail_involves(record, identities): 1 or 0; NULL when record is NULL; 0 when record
** is not one JSON object. The identities are read once (who_of). */
void involves_func(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  const FilterWho *pWho = who_of(ctx, argv[1]);
  FieldIndex idx;
  unsigned flags = 0;
  const char *z;
  size_t n, s, e;
  (void)argc;
  if( pWho==0 ) return;
  if( sqlite3_value_type(argv[0])==SQLITE_NULL ) return;
  z = (const char*)sqlite3_value_text(argv[0]);
  if( z==0 ){
    sqlite3_result_error_nomem(ctx);
    return;
  }
  n = (size_t)sqlite3_value_bytes(argv[0]);
  s = json_ws(z, n, 0);
  e = record_parse(z, n, s, &flags, &idx);
  if( e==(size_t)-1 || z[s]!='{' || json_ws(z, n, e)!=n ){
    sqlite3_result_int(ctx, 0);
    return;
  }
  sqlite3_result_int(ctx, filter_who_record(pWho, z, s, &idx));
}

/* Innocuous and deterministic: it reads only its arguments. */
int involves_register(sqlite3 *db){
  WhoCache *c = sqlite3_malloc64(sizeof(*c));
  if( c==0 ) return SQLITE_NOMEM;
  memset(c, 0, sizeof(*c));
  /* on failure SQLite calls cache_free itself */
  return sqlite3_create_function_v2(db, "cloudtrail_involves", 2,
                                    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, c,
                                    involves_func, 0, 0, cache_free);
}
