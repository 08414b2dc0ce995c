/*
** record.c: record decoding.
**
** A row costs nothing until a column is asked for. The first request indexes the
** record's top-level keys in one pass; raw fields are then read straight from the bytes
** (strings decoded, objects returned as their own JSON text, numbers as their literal
** text so big integers never pass through a double). The userIdentity object, which the
** derived identity columns need whole, is handed to cJSON once per row.
**
** Derived columns follow Elastic's CloudTrail pipeline: null, "", {} and [] count as
** absent, exactly as its drop-empty step does before any field is mapped.
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <string.h>
#include <cJSON.h>
#include "record.h"
#include "s3path.h"

/* cJSON answers NULL both for "not JSON" and for "out of memory": a failed allocation is
** noted here, per thread, so that a parse that failed for want of memory is an error. */
static __thread int bCjsonNoMem;

static void *cjson_malloc(size_t n){
  void *p = sqlite3_malloc64(n);
  if( p==0 ) bCjsonNoMem = 1;
  return p;
}
static void cjson_free(void *p){ sqlite3_free(p); }

/* Once per process, from the entry point. cJSON's hooks are process-wide; pointing them
** at SQLite's allocator makes its memory visible to sqlite3_memory_used() and to SQLite's
** out-of-memory testing. */
void record_init(void){
  cJSON_Hooks hooks;
  hooks.malloc_fn = cjson_malloc;
  hooks.free_fn = cjson_free;
  cJSON_InitHooks(&hooks);
}

/* Index the top-level keys of the validated object [s,e) (for records that did not come
** through the splitter, which indexes as it validates). */
void record_index(const char *z, size_t s, size_t e, FieldIndex *pIdx){
  JsonCapture cap;
  JsonError err;
  unsigned flags = 0;
  memset(pIdx, 0, sizeof(*pIdx));
  cap.xMap = fields_lookup;
  cap.aS = pIdx->aS;
  cap.aE = pIdx->aE;
  json_skip_capture(z, e, s, &flags, &err, &cap);
}

/* Make the record at z[s..e) current. pIdx is its key index, or NULL to index it when a
** column first needs it. */
void record_set(Record *r, const char *z, size_t s, size_t e, unsigned flags,
                const FieldIndex *pIdx){
  if( r->pIdent ) cJSON_Delete(r->pIdent);
  r->pIdent = 0;
  r->bIdentParsed = 0;
  r->bIndexed = pIdx!=0;
  if( pIdx ) r->idx = *pIdx;
  r->z = z;
  r->s = s;
  r->e = e;
  r->flags = flags;
}

void record_clear(Record *r){
  record_set(r, 0, 0, 0, 0, 0);
  json_buf_free(&r->buf);
}

/* Return the span of field k, or 0 when absent. */
static int field(Record *r, int k, size_t *pS, size_t *pE){
  if( !r->bIndexed ){
    record_index(r->z, r->s, r->e, &r->idx);
    r->bIndexed = 1;
  }
  if( r->idx.aE[k]==0 ) return 0;
  *pS = r->s + r->idx.aS[k];
  *pE = r->s + r->idx.aE[k];
  return 1;
}

static int result_utf8(Record *r, sqlite3_context *ctx, const char *z, size_t n){
  if( json_utf8_valid(z, n) ){
    sqlite3_result_text64(ctx, z, n, SQLITE_TRANSIENT, SQLITE_UTF8);
    return SQLITE_OK;
  }
  if( json_utf8_repair(z, n, &r->buf) ) return SQLITE_NOMEM;
  sqlite3_result_text64(ctx, r->buf.z, r->buf.n, SQLITE_TRANSIENT, SQLITE_UTF8);
  return SQLITE_OK;
}

/* A file name as text. Names are bytes, not always UTF-8. A valid UTF-8 name without a
** backslash is shown as is; otherwise each invalid byte is written \xHH and each backslash
** \\, so that two names never show the same and the bytes can be recovered. */
int record_result_name(sqlite3_context *ctx, const char *zName){
  const unsigned char *u = (const unsigned char*)zName;
  size_t n = strlen(zName), i, j = 0;
  char *zOut;
  if( json_utf8_valid(zName, n) && strchr(zName, '\\')==0 ){
    sqlite3_result_text64(ctx, zName, n, SQLITE_TRANSIENT, SQLITE_UTF8);
    return SQLITE_OK;
  }
  zOut = sqlite3_malloc64(n*4+1);
  if( zOut==0 ) return SQLITE_NOMEM;
  for(i=0; i<n; ){
    size_t k = u[i]<0x80 ? 1 : u[i]>=0xF0 ? 4 : u[i]>=0xE0 ? 3 : 2;
    if( k>n-i ) k = n-i;
    if( u[i]=='\\' ){
      zOut[j++] = '\\'; zOut[j++] = '\\'; i++;
    }else if( json_utf8_valid(zName+i, k) ){
      memcpy(zOut+j, zName+i, k); j += k; i += k;
    }else{
      zOut[j++] = '\\'; zOut[j++] = 'x';
      zOut[j++] = "0123456789abcdef"[u[i]>>4];
      zOut[j++] = "0123456789abcdef"[u[i]&15];
      i++;
    }
  }
  sqlite3_result_text64(ctx, zOut, j, sqlite3_free, SQLITE_UTF8);
  return SQLITE_OK;
}

/* A value span as SQL: strings decoded, null as NULL, everything else as its JSON text. */
static int result_value(Record *r, sqlite3_context *ctx, size_t s, size_t e){
  const char *z = r->z;
  if( z[s]=='n' ) return SQLITE_OK;
  if( z[s]=='"' ){
    if( memchr(z+s+1, '\\', e-s-2)==0 ){
      if( r->flags & JSON_F_HIGH ) return result_utf8(r, ctx, z+s+1, e-s-2);
      sqlite3_result_text64(ctx, z+s+1, e-s-2, SQLITE_TRANSIENT, SQLITE_UTF8);
      return SQLITE_OK;
    }
    if( json_decode_string(z, s, e, &r->buf) ) return SQLITE_NOMEM;
  }else if( r->flags & (JSON_F_HIGH|JSON_F_CTRL) ){
    if( json_repair(z, s, e, &r->buf) ) return SQLITE_NOMEM;
  }else{
    sqlite3_result_text64(ctx, z+s, e-s, SQLITE_TRANSIENT, SQLITE_UTF8);
    return SQLITE_OK;
  }
  sqlite3_result_text64(ctx, r->buf.z, r->buf.n, SQLITE_TRANSIENT, SQLITE_UTF8);
  return SQLITE_OK;
}

/* true/false, or the strings "true"/"false" some exporters write, as 1/0. */
static void result_bool(Record *r, sqlite3_context *ctx, size_t s, size_t e){
  const char *z = r->z;
  if( (e-s==4 && memcmp(z+s, "true", 4)==0) || json_str_is(z, s, e, "true") ){
    sqlite3_result_int(ctx, 1);
  }else if( (e-s==5 && memcmp(z+s, "false", 5)==0) || json_str_is(z, s, e, "false") ){
    sqlite3_result_int(ctx, 0);
  }
}

static int leap(int y){ return (y%4==0 && y%100!=0) || y%400==0; }

static int num(const char *z, size_t n, size_t i, int nDigit){
  int v = 0, k;
  if( i+nDigit>n ) return -1;
  for(k=0; k<nDigit; k++){
    char c = z[i+k];
    if( c<'0' || c>'9' ) return -1;
    v = v*10 + (c-'0');
  }
  return v;
}

/* ISO-8601 "YYYY-MM-DDTHH:MM:SS[.fff][Z|+HH:MM]" (or a space for T, as CloudTrail Lake
** writes) to Unix seconds. Returns 0 when the text is not such a time. */
int record_parse_time(const char *z, size_t n, long long *piOut){
  static const int aDays[] = {31,28,31,30,31,30,31,31,30,31,30,31};
  int y, mo, d, h, mi, sec, off = 0;
  size_t i = 19;
  if( n<19 ) return 0;
  y = num(z, n, 0, 4); mo = num(z, n, 5, 2); d = num(z, n, 8, 2);
  h = num(z, n, 11, 2); mi = num(z, n, 14, 2); sec = num(z, n, 17, 2);
  if( y<0 || mo<1 || mo>12 || d<1 || h<0 || h>23 || mi<0 || mi>59 || sec<0 || sec>60 ) return 0;
  if( z[4]!='-' || z[7]!='-' || (z[10]!='T' && z[10]!='t' && z[10]!=' ') || z[13]!=':'
   || z[16]!=':' ){
    return 0;
  }
  if( d > aDays[mo-1] + (mo==2 && leap(y)) ) return 0;
  if( i<n && z[i]=='.' ){
    i++;
    if( i>=n || z[i]<'0' || z[i]>'9' ) return 0;
    while( i<n && z[i]>='0' && z[i]<='9' ) i++;
  }
  if( i<n && (z[i]=='Z' || z[i]=='z') ){
    i++;
  }else if( i<n && (z[i]=='+' || z[i]=='-') ){
    int oh = num(z, n, i+1, 2), om;
    size_t j = i+3;
    if( j<n && z[j]==':' ) j++;
    om = num(z, n, j, 2);
    if( oh<0 || oh>23 || om<0 || om>59 ) return 0;
    off = (oh*60 + om)*60 * (z[i]=='+' ? 1 : -1);
    i = j+2;
  }
  if( i!=n ) return 0;
  *piOut = s3path_days_from_civil(y, mo, d)*86400 + h*3600 + mi*60 + sec - off;
  return 1;
}

/* Parse userIdentity with cJSON, once per row. SQLITE_NOMEM when cJSON ran out. */
static int ident_load(Record *r){
  size_t s, e;
  if( !r->bIdentParsed ){
    if( field(r, RF_userIdentity, &s, &e) && r->z[s]=='{' ){
      const char *zEnd = 0;
      bCjsonNoMem = 0;
      r->pIdent = cJSON_ParseWithLengthOpts(r->z+s, e-s, &zEnd, 0);
      if( bCjsonNoMem ){
        if( r->pIdent ) cJSON_Delete(r->pIdent);
        r->pIdent = 0;
        return SQLITE_NOMEM;
      }
      if( r->pIdent && zEnd!=r->z+e ){
        cJSON_Delete(r->pIdent);
        r->pIdent = 0;
      }
    }
    r->bIdentParsed = 1;
  }
  return SQLITE_OK;
}

static cJSON *ident(Record *r){
  return r->pIdent;
}

/*
** The identity columns, read straight from the bytes. cJSON gives the same answers only
** where its decoding agrees with the reader's, which is certain when the userIdentity
** object has no \u escape (cJSON refuses some of them) and the record no raw control
** byte (cJSON's strings end at a NUL). Such records, nearly all of them, skip the cJSON
** parse; the rest go through cJSON as before.
*/
static int result_nonempty(Record *r, sqlite3_context *ctx, int k);

static int ident_fast(Record *r, size_t *pS, size_t *pE){
  size_t s, e;
  if( r->flags & JSON_F_CTRL ) return 0;
  if( !field(r, RF_userIdentity, &s, &e) ){ *pS = *pE = 0; return 1; }
  if( r->z[s]!='{' ){ *pS = *pE = 0; return 1; }
  if( memchr(r->z+s, '\\', e-s) ){
    const char *q = r->z+s, *zEnd = r->z+e;
    while( (q = memchr(q, '\\', (size_t)(zEnd-q)))!=0 && q+1<zEnd ){
      if( q[1]=='u' ) return 0;
      q += 2;
    }
  }
  *pS = s;
  *pE = e;
  return 1;
}

/* Member zKey of the object span [s,e) when it is an object: 1 and its span. */
static int span_obj(const char *z, size_t s, size_t e, const char *zKey, size_t *pS, size_t *pE){
  return s<e && z[s]=='{' && json_find(z, s, e, zKey, pS, pE) && z[*pS]=='{';
}

/* Member zKey of [s,e) when it is a non-empty string, as cJSON's str() sees it. */
static int span_str(const char *z, size_t s, size_t e, const char *zKey, size_t *pS, size_t *pE){
  return s<e && z[s]=='{' && json_find(z, s, e, zKey, pS, pE) && z[*pS]=='"' && *pE-*pS>2;
}

/* One identity column from the bytes, or -1 when cJSON must decide (see ident_fast). */
static int ident_column_fast(Record *r, int iCol, sqlite3_context *ctx){
  const char *z = r->z;
  size_t us, ue, cs, ce, is, ie, vs, ve, ts, te;
  if( !ident_fast(r, &us, &ue) ) return -1;
  switch( iCol ){
    case RD_user_type:   if( span_str(z, us, ue, "type", &vs, &ve) ) break; return SQLITE_OK;
    case RD_user_arn:    if( span_str(z, us, ue, "arn", &vs, &ve) ) break; return SQLITE_OK;
    case RD_principal_id:if( span_str(z, us, ue, "principalId", &vs, &ve) ) break; return SQLITE_OK;
    case RD_access_key_id:if( span_str(z, us, ue, "accessKeyId", &vs, &ve) ) break; return SQLITE_OK;
    case RD_invoked_by:  if( span_str(z, us, ue, "invokedBy", &vs, &ve) ) break; return SQLITE_OK;
    case RD_session_issuer_arn:
      if( span_obj(z, us, ue, "sessionContext", &cs, &ce) && span_obj(z, cs, ce, "sessionIssuer", &is, &ie)
       && span_str(z, is, ie, "arn", &vs, &ve) ) break;
      return SQLITE_OK;
    case RD_source_identity:
      if( span_obj(z, us, ue, "sessionContext", &cs, &ce) && span_str(z, cs, ce, "sourceIdentity", &vs, &ve) ) break;
      if( span_str(z, us, ue, "sourceIdentity", &vs, &ve) ) break;
      return SQLITE_OK;
    case RD_mfa_authenticated:
      if( span_obj(z, us, ue, "sessionContext", &cs, &ce) && span_obj(z, cs, ce, "attributes", &is, &ie)
       && json_find(z, is, ie, "mfaAuthenticated", &vs, &ve) ){
        if( (ve-vs==4 && memcmp(z+vs, "true", 4)==0) ) sqlite3_result_int(ctx, 1);
        else if( (ve-vs==5 && memcmp(z+vs, "false", 5)==0) ) sqlite3_result_int(ctx, 0);
        else if( z[vs]=='"' ){
          if( json_decode_string(z, vs, ve, &r->buf) ) return SQLITE_NOMEM;
          if( sqlite3_stricmp(r->buf.z, "true")==0 ) sqlite3_result_int(ctx, 1);
          if( sqlite3_stricmp(r->buf.z, "false")==0 ) sqlite3_result_int(ctx, 0);
        }
      }
      return SQLITE_OK;
    case RD_user_name:
      if( span_str(z, us, ue, "userName", &vs, &ve) ) break;
      if( span_str(z, us, ue, "type", &ts, &te)
       && (json_str_is(z, ts, te, "AssumedRole") || json_str_is(z, ts, te, "FederatedUser"))
       && span_obj(z, us, ue, "sessionContext", &cs, &ce) && span_obj(z, cs, ce, "sessionIssuer", &is, &ie)
       && span_str(z, is, ie, "userName", &vs, &ve) ) break;
      return SQLITE_OK;
    case RD_account_id:
      if( span_str(z, us, ue, "accountId", &vs, &ve) ) break;
      return result_nonempty(r, ctx, RF_recipientAccountId);
    case RD_actor:
      if( span_str(z, us, ue, "arn", &vs, &ve) || span_str(z, us, ue, "principalId", &vs, &ve)
       || span_str(z, us, ue, "invokedBy", &vs, &ve) ) break;
      return SQLITE_OK;
    default:
      return -1;
  }
  return result_value(r, ctx, vs, ve);
}

/* A non-empty string member of obj, or NULL. */
static const char *str(const cJSON *obj, const char *zKey){
  const cJSON *p = cJSON_GetObjectItemCaseSensitive(obj, zKey);
  return cJSON_IsString(p) && p->valuestring[0] ? p->valuestring : 0;
}

static const cJSON *obj(const cJSON *o, const char *zKey){
  const cJSON *p = cJSON_GetObjectItemCaseSensitive(o, zKey);
  return cJSON_IsObject(p) ? p : 0;
}

static int result_cstr(Record *r, sqlite3_context *ctx, const char *z){
  if( z==0 ) return SQLITE_OK;
  return result_utf8(r, ctx, z, strlen(z));
}

/* A top-level field that Elastic would keep (not null, "", {} or []), as text. */
static int result_nonempty(Record *r, sqlite3_context *ctx, int k){
  size_t s, e;
  if( !field(r, k, &s, &e) || json_is_empty(r->z, s, e) ) return SQLITE_OK;
  return result_value(r, ctx, s, e);
}

static int nonempty(Record *r, int k){
  size_t s, e;
  return field(r, k, &s, &e) && !json_is_empty(r->z, s, e);
}

/* event.outcome as Elastic computes it (see README, "outcome"). */
static int result_outcome(Record *r, sqlite3_context *ctx){
  size_t s, e, vs, ve;
  if( field(r, RF_eventName, &s, &e) && json_str_is(r->z, s, e, "ConsoleLogin")
   && field(r, RF_responseElements, &s, &e)
   && json_find(r->z, s, e, "ConsoleLogin", &vs, &ve) && !json_is_empty(r->z, vs, ve) ){
    size_t i;
    if( r->z[vs]=='"' ){
      if( json_decode_string(r->z, vs, ve, &r->buf) ) return SQLITE_NOMEM;
    }else{
      if( json_repair(r->z, vs, ve, &r->buf) ) return SQLITE_NOMEM;
    }
    for(i=0; i<r->buf.n; i++){
      char c = r->buf.z[i];
      if( c>='A' && c<='Z' ) r->buf.z[i] = c + ('a'-'A');
    }
    sqlite3_result_text64(ctx, r->buf.z, r->buf.n, SQLITE_TRANSIENT, SQLITE_UTF8);
    return SQLITE_OK;
  }
  sqlite3_result_text(ctx, nonempty(r, RF_errorCode) || nonempty(r, RF_errorMessage)
                           ? "failure" : "success", -1, SQLITE_STATIC);
  return SQLITE_OK;
}

/* requestParameters.<zKey>, when Elastic would keep it (not null or empty), as text. */
int record_request_param(Record *r, const char *zKey, sqlite3_context *ctx){
  size_t s, e, vs, ve;
  if( field(r, RF_requestParameters, &s, &e)
   && json_find(r->z, s, e, zKey, &vs, &ve) && !json_is_empty(r->z, vs, ve) ){
    return result_value(r, ctx, vs, ve);
  }
  return SQLITE_OK;
}

/* The decoded text of top-level field k into pOut (NUL-terminated). Returns 1 when the
** field is a non-empty string, 0 otherwise (pOut->n is then 0), or -1 when out of memory. */
int record_text(Record *r, int k, JsonBuf *pOut){
  size_t s, e;
  pOut->n = 0;
  if( !field(r, k, &s, &e) || r->z[s]!='"' || e-s<=2 ) return 0;
  if( json_decode_string(r->z, s, e, pOut) ) return -1;
  return 1;
}

/* eventTime as Unix seconds: 1 and *piOut when it parses, else 0. */
int record_epoch(Record *r, long long *piOut){
  size_t s, e;
  return field(r, RF_eventTime, &s, &e) && r->z[s]=='"'
      && record_parse_time(r->z+s+1, e-s-2, piOut);
}

/* Compute column iCol (RF_* or RD_*) of the record into ctx. */
int record_column(Record *r, int iCol, sqlite3_context *ctx){
  size_t s, e;
  const cJSON *pId, *pCtx;
  const char *z;
  if( iCol<RF_COUNT ){
    if( !field(r, iCol, &s, &e) ) return SQLITE_OK;
    if( iCol==RF_readOnly || iCol==RF_managementEvent ){
      result_bool(r, ctx, s, e);
      return SQLITE_OK;
    }
    return result_value(r, ctx, s, e);
  }
  if( iCol>=RD_user_type && iCol<=RD_actor ){
    int rc = ident_column_fast(r, iCol, ctx);
    if( rc>=0 ) return rc;
    if( ident_load(r) ) return SQLITE_NOMEM;
  }
  switch( iCol ){
    case RD_event_epoch: {
      long long t;
      if( record_epoch(r, &t) ) sqlite3_result_int64(ctx, t);
      return SQLITE_OK;
    }
    case RD_user_type:      return result_cstr(r, ctx, str(ident(r), "type"));
    case RD_user_arn:       return result_cstr(r, ctx, str(ident(r), "arn"));
    case RD_principal_id:   return result_cstr(r, ctx, str(ident(r), "principalId"));
    case RD_access_key_id:  return result_cstr(r, ctx, str(ident(r), "accessKeyId"));
    case RD_invoked_by:     return result_cstr(r, ctx, str(ident(r), "invokedBy"));
    case RD_session_issuer_arn:
      return result_cstr(r, ctx, str(obj(obj(ident(r), "sessionContext"), "sessionIssuer"), "arn"));
    case RD_source_identity:
      pCtx = obj(ident(r), "sessionContext");
      z = str(pCtx, "sourceIdentity");
      return result_cstr(r, ctx, z ? z : str(ident(r), "sourceIdentity"));
    case RD_mfa_authenticated: {
      const cJSON *p = cJSON_GetObjectItemCaseSensitive(
          obj(obj(ident(r), "sessionContext"), "attributes"), "mfaAuthenticated");
      if( cJSON_IsBool(p) ){
        sqlite3_result_int(ctx, cJSON_IsTrue(p));
      }else if( cJSON_IsString(p) ){
        if( sqlite3_stricmp(p->valuestring, "true")==0 ) sqlite3_result_int(ctx, 1);
        if( sqlite3_stricmp(p->valuestring, "false")==0 ) sqlite3_result_int(ctx, 0);
      }
      return SQLITE_OK;
    }
    case RD_user_name:
      pId = ident(r);
      z = str(pId, "userName");
      if( z==0 ){
        const char *zType = str(pId, "type");
        if( zType && (strcmp(zType, "AssumedRole")==0 || strcmp(zType, "FederatedUser")==0) ){
          z = str(obj(obj(pId, "sessionContext"), "sessionIssuer"), "userName");
        }
      }
      return result_cstr(r, ctx, z);
    case RD_account_id:
      z = str(ident(r), "accountId");
      if( z ) return result_cstr(r, ctx, z);
      return result_nonempty(r, ctx, RF_recipientAccountId);
    case RD_actor:
      pId = ident(r);
      z = str(pId, "arn");
      if( z==0 ) z = str(pId, "principalId");
      if( z==0 ) z = str(pId, "invokedBy");
      return result_cstr(r, ctx, z);
    case RD_outcome:
      return result_outcome(r, ctx);
    case RD_target_user:
      return record_request_param(r, "userName", ctx);
    case RD_record:
      if( r->flags & (JSON_F_HIGH|JSON_F_CTRL) ){
        if( json_repair(r->z, r->s, r->e, &r->buf) ) return SQLITE_NOMEM;
        sqlite3_result_text64(ctx, r->buf.z, r->buf.n, SQLITE_TRANSIENT, SQLITE_UTF8);
      }else{
        sqlite3_result_text64(ctx, r->z+r->s, r->e-r->s, SQLITE_TRANSIENT, SQLITE_UTF8);
      }
      return SQLITE_OK;
  }
  return SQLITE_OK;
}
