/*
** record.c: record decoding.
**
** A row costs nothing until a column is asked for. The first request indexes the
** record's top-level keys in one pass; raw fields are then read straight from the bytes
** (strings decoded, objects returned as their own JSON text, numbers as their literal
** text so big integers never pass through a double). The derived identity columns are
** read the same way, with the same decoding, from the span record_ident_span() names;
** the pushed-down filter (filter.c) compares exactly those spans, so a column and a
** pushed constraint on it cannot disagree.
**
** Derived columns follow Elastic's CloudTrail pipeline: a value its recursive drop-empty
** step removes (null, "", and objects or arrays with nothing else inside) counts as
** absent; of a duplicated key, the last value counts (json_find()).
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <string.h>
#include "record.h"
#include "ecs.h"
#include "s3path.h"

/* Index the top-level keys of the validated object [s,e) (for records that did not come
** through the splitter, which indexes as it validates). */
void record_index(const char *z, size_t s, size_t e, FieldIndex *pIdx){
  unsigned flags = 0;
  if( record_parse(z, e, s, &flags, pIdx)!=e ) pIdx->bNoDupKey = 0;
}

/* Validate the JSON value at z[s] (z holds n bytes) and, when it is an object, index its
** top-level keys in the same pass: its end, or (size_t)-1 when it is not valid JSON. (A
** table's `record` text is read this way: one pass, not json_skip then record_index.) */
size_t record_parse(const char *z, size_t n, size_t s, unsigned *pFlags, FieldIndex *pIdx){
  JsonCapture cap;
  JsonError err;
  size_t e;
  memset(pIdx, 0, sizeof(*pIdx));
  cap.xMap = fields_lookup;
  cap.aS = pIdx->aS;
  cap.aE = pIdx->aE;
  e = json_skip_capture(z, n, s, pFlags, &err, &cap);
  pIdx->bNoDupKey = (*pFlags & JSON_F_DUPKEY)==0;
  return e;
}

/* Make the record at z[s..e) current. pIdx is its key index, or NULL to index it when a
** column first needs it. */
void record_set(Record *r, const char *z, size_t s, size_t e, unsigned flags,
                const FieldIndex *pIdx){
  r->bIndexed = pIdx!=0;
  if( pIdx ) r->idx = *pIdx;
  r->z = z;
  r->s = s;
  r->e = e;
  r->flags = flags;
  if( r->pEcs ) ecs_reset(r->pEcs);      /* the cached ECS values were the last record's */
}

void record_clear(Record *r){
  record_set(r, 0, 0, 0, 0, 0);
  json_buf_free(&r->buf);
  ecs_free(r->pEcs);
  r->pEcs = 0;
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

/* The span of top-level field k (its last occurrence): 1, or 0 when absent. */
int record_field(Record *r, int k, size_t *pS, size_t *pE){
  return field(r, k, pS, pE);
}

/* Where a column's value goes: a function's result (ctx), parameter iParam of pStmt
** (cloudtrail_import binds the stored columns this way), or a copy (pText, *peType,
** *piVal: grouped output keeps the group columns' values). Nothing written is NULL. */
typedef struct Out {
  sqlite3_context *ctx;
  sqlite3_stmt *pStmt;
  int iParam;
  JsonBuf *pText;
  int *peType;
  sqlite3_int64 *piVal;
  int rc;
} Out;

static void out_text(Out *o, const char *z, size_t n, void (*xDel)(void*)){
  if( o->ctx ){
    sqlite3_result_text64(o->ctx, z, n, xDel, SQLITE_UTF8);
  }else if( o->pStmt ){
    sqlite3_bind_text64(o->pStmt, o->iParam, z, n, xDel, SQLITE_UTF8);
  }else{
    o->pText->n = 0;
    if( json_buf_reserve(o->pText, n) ){
      o->rc = SQLITE_NOMEM;
      return;
    }
    memcpy(o->pText->z, z, n);
    o->pText->n = n;
    *o->peType = SQLITE_TEXT;
  }
}

static void out_int(Out *o, long long v){
  if( o->ctx ){
    sqlite3_result_int64(o->ctx, v);
  }else if( o->pStmt ){
    sqlite3_bind_int64(o->pStmt, o->iParam, v);
  }else{
    *o->piVal = v;
    *o->peType = SQLITE_INTEGER;
  }
}

static int result_utf8(Record *r, Out *o, const char *z, size_t n){
  if( json_utf8_valid(z, n) ){
    out_text(o, z, n, SQLITE_TRANSIENT);
    return SQLITE_OK;
  }
  if( json_utf8_repair(z, n, &r->buf) ) return SQLITE_NOMEM;
  out_text(o, r->buf.z, r->buf.n, SQLITE_TRANSIENT);
  return SQLITE_OK;
}

/* A file name as text. Names are bytes, not always UTF-8. A valid UTF-8 name without a
** backslash is shown as is; otherwise each invalid byte is written \xHH and each backslash
** \\, so that two names never show the same and the bytes can be recovered. Returns the
** text (sqlite3_malloc64'd) or NULL when out of memory. */
char *record_name_text(const char *zName){
  const unsigned char *u = (const unsigned char*)zName;
  size_t n = strlen(zName), i, j = 0;
  char *zOut;
  if( json_utf8_valid(zName, n) && strchr(zName, '\\')==0 ){
    zOut = sqlite3_malloc64(n+1);
    if( zOut ) memcpy(zOut, zName, n+1);
    return zOut;
  }
  zOut = sqlite3_malloc64(n*4+1);
  if( zOut==0 ) return 0;
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
  zOut[j] = 0;
  return zOut;
}

int record_result_name(sqlite3_context *ctx, const char *zName){
  size_t n = strlen(zName);
  char *zOut;
  if( json_utf8_valid(zName, n) && strchr(zName, '\\')==0 ){
    sqlite3_result_text64(ctx, zName, n, SQLITE_TRANSIENT, SQLITE_UTF8);
    return SQLITE_OK;
  }
  zOut = record_name_text(zName);
  if( zOut==0 ) return SQLITE_NOMEM;
  sqlite3_result_text64(ctx, zOut, strlen(zOut), sqlite3_free, SQLITE_UTF8);
  return SQLITE_OK;
}

/* A value span as SQL: strings decoded, null as NULL, everything else as its JSON text. */
static int result_value(Record *r, Out *o, size_t s, size_t e){
  const char *z = r->z;
  if( z[s]=='n' ) return SQLITE_OK;
  if( z[s]=='"' ){
    if( memchr(z+s+1, '\\', e-s-2)==0 ){
      if( r->flags & JSON_F_HIGH ) return result_utf8(r, o, z+s+1, e-s-2);
      out_text(o, z+s+1, e-s-2, SQLITE_TRANSIENT);
      return SQLITE_OK;
    }
    if( json_decode_string(z, s, e, &r->buf) ) return SQLITE_NOMEM;
  }else if( r->flags & (JSON_F_HIGH|JSON_F_CTRL) ){
    if( json_repair(z, s, e, &r->buf) ) return SQLITE_NOMEM;
  }else{
    out_text(o, z+s, e-s, SQLITE_TRANSIENT);
    return SQLITE_OK;
  }
  out_text(o, r->buf.z, r->buf.n, SQLITE_TRANSIENT);
  return SQLITE_OK;
}

/* true/false, or the strings "true"/"false" some exporters write, as 1/0. */
static void result_bool(Record *r, Out *o, size_t s, size_t e){
  const char *z = r->z;
  if( (e-s==4 && memcmp(z+s, "true", 4)==0) || json_str_is(z, s, e, "true") ){
    out_int(o, 1);
  }else if( (e-s==5 && memcmp(z+s, "false", 5)==0) || json_str_is(z, s, e, "false") ){
    out_int(o, 0);
  }
}

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

static int is_space(char c){
  return c==' ' || c=='\t' || c=='\n' || c=='\v' || c=='\f' || c=='\r';
}

/*
** A date-time to Unix seconds, as SQLite's unixepoch() reads it: 1 and *piOut, or 0 when
** the text is not one. Every form SQLite's date functions accept that carries a date:
**
**   [-]YYYY-MM-DD [ [T ]HH:MM [:SS[.fff...]] [ Z | ±HH:MM ] ]
**
** with any run of spaces and T between date and time, spaces before the zone and after
** the end; the fraction rounded to the millisecond and the result floored, as SQLite does;
** days 1 to 31 in any month and hour 24 carried over (2026-02-30 is 2026-03-02), as SQLite
** does. Beyond SQLite (forms it refuses but CloudTrail exports have used): a leap second
** :60, a lower-case t, and a zone written ±HHMM.
*/
int record_parse_time(const char *z, size_t n, long long *piOut){
  int y, mo, d, h = 0, mi = 0, sec = 0, bNeg = 0;
  long long ms = 0, off = 0, t;
  size_t i = 0;
  if( n>0 && z[0]=='-' ){ bNeg = 1; i = 1; }
  y = num(z, n, i, 4); mo = num(z, n, i+5, 2); d = num(z, n, i+8, 2);
  if( y<0 || mo<1 || mo>12 || d<1 || d>31 || z[i+4]!='-' || z[i+7]!='-' ) return 0;
  i += 10;
  while( i<n && (is_space(z[i]) || z[i]=='T' || z[i]=='t') ) i++;
  if( i<n ){
    h = num(z, n, i, 2);
    mi = num(z, n, i+3, 2);
    if( h<0 || h>24 || mi<0 || mi>59 || z[i+2]!=':' ) return 0;
    i += 5;
    if( i<n && z[i]==':' ){
      sec = num(z, n, i+1, 2);
      if( sec<0 || sec>60 ) return 0;
      i += 3;
      if( i+1<n && z[i]=='.' && z[i+1]>='0' && z[i+1]<='9' ){
        int k = 0, bUp = 0;
        for(i++; i<n && z[i]>='0' && z[i]<='9'; i++, k++){
          if( k<3 ) ms = ms*10 + (z[i]-'0');
          if( k==3 ) bUp = z[i]>='5';
        }
        for(; k<3; k++) ms *= 10;
        ms += bUp;                                /* to the nearest millisecond */
      }
    }
    while( i<n && is_space(z[i]) ) i++;
    if( i<n && (z[i]=='Z' || z[i]=='z') ){
      i++;
    }else if( i<n && (z[i]=='+' || z[i]=='-') ){
      int oh = num(z, n, i+1, 2), om;
      size_t j = i+3;
      if( j<n && z[j]==':' ) j++;
      om = num(z, n, j, 2);
      if( oh<0 || oh>14 || om<0 || om>59 ) return 0;
      off = (oh*60 + om)*60 * (z[i]=='+' ? 1 : -1);
      i = j+2;
    }
    while( i<n && is_space(z[i]) ) i++;
  }
  if( i!=n ) return 0;
  t = (s3path_days_from_civil(bNeg ? -y : y, mo, d)*86400 + h*3600 + mi*60 + sec - off)*1000 + ms;
  *piOut = t>=0 ? t/1000 : -((-t+999)/1000);      /* floored */
  return 1;
}

/* The time a value span holds, when it is a string that parses (decoded first, so an
** escape such as \u005a reads as the letter it stands for). A decoded time longer than
** 128 bytes (only runs of spaces could make one) is not read. */
int record_time_span(const char *z, size_t s, size_t e, long long *piOut){
  char zB[128];
  int n;
  if( e-s<2 || z[s]!='"' ) return 0;
  if( memchr(z+s+1, '\\', e-s-2)==0 ) return record_parse_time(z+s+1, e-s-2, piOut);
  n = json_decode_small(z, s, e, zB, sizeof(zB));
  return n>=0 && record_parse_time(zB, (size_t)n, piOut);
}

/* Member zKey of the object span [s,e) (its last occurrence) when its value is an object.
** bU: the record repeats no key (the first occurrence is the last). */
static int span_obj(const char *z, size_t s, size_t e, const char *zKey, int bU,
                    size_t *pS, size_t *pE){
  return s<e && z[s]=='{' && json_find_ex(z, s, e, zKey, bU, pS, pE) && z[*pS]=='{';
}

/* Member zKey of the object span [s,e) (its last occurrence) when Elastic keeps it: not
** removed by its drop-empty step. Any type: a number or a boolean is a value too. */
static int span_kept(const char *z, size_t s, size_t e, const char *zKey, int bU,
                     size_t *pS, size_t *pE){
  return s<e && z[s]=='{' && json_find_ex(z, s, e, zKey, bU, pS, pE) && !json_is_empty(z, *pS, *pE);
}

/*
** Where the derived identity column iCol (RD_user_type .. RD_actor) of the validated
** record at z[s], whose top-level keys pIdx indexes, takes its value from: 1 and the value
** span, or 0 when the column is NULL. The one definition both the columns (below) and the
** pushed-down constraints (filter.c) use. See the README's table of derived columns.
*/
int record_ident_span(const char *z, size_t s, const FieldIndex *pIdx, int iCol,
                      size_t *pS, size_t *pE){
  size_t us = 0, ue = 0, cs, ce, is, ie, ts, te;
  int bU = pIdx->bNoDupKey;
  if( pIdx->aE[RF_userIdentity] ){
    us = s + pIdx->aS[RF_userIdentity];
    ue = s + pIdx->aE[RF_userIdentity];
  }
  switch( iCol ){
    case RD_user_type:      return span_kept(z, us, ue, "type", bU, pS, pE);
    case RD_user_arn:       return span_kept(z, us, ue, "arn", bU, pS, pE);
    case RD_principal_id:   return span_kept(z, us, ue, "principalId", bU, pS, pE);
    case RD_access_key_id:  return span_kept(z, us, ue, "accessKeyId", bU, pS, pE);
    case RD_invoked_by:     return span_kept(z, us, ue, "invokedBy", bU, pS, pE);
    case RD_session_issuer_arn:
      return span_obj(z, us, ue, "sessionContext", bU, &cs, &ce)
          && span_obj(z, cs, ce, "sessionIssuer", bU, &is, &ie)
          && span_kept(z, is, ie, "arn", bU, pS, pE);
    case RD_source_identity:
      return (span_obj(z, us, ue, "sessionContext", bU, &cs, &ce)
              && span_kept(z, cs, ce, "sourceIdentity", bU, pS, pE))
          || span_kept(z, us, ue, "sourceIdentity", bU, pS, pE);
    case RD_mfa_authenticated:
      return span_obj(z, us, ue, "sessionContext", bU, &cs, &ce)
          && span_obj(z, cs, ce, "attributes", bU, &is, &ie)
          && span_kept(z, is, ie, "mfaAuthenticated", bU, pS, pE);
    case RD_user_name:
      if( span_kept(z, us, ue, "userName", bU, pS, pE) ) return 1;
      /* the session issuer's name stands in for AssumedRole and FederatedUser only */
      return span_kept(z, us, ue, "type", bU, &ts, &te)
          && (json_str_is(z, ts, te, "AssumedRole") || json_str_is(z, ts, te, "FederatedUser"))
          && span_obj(z, us, ue, "sessionContext", bU, &cs, &ce)
          && span_obj(z, cs, ce, "sessionIssuer", bU, &is, &ie)
          && span_kept(z, is, ie, "userName", bU, pS, pE);
    case RD_account_id:
      if( span_kept(z, us, ue, "accountId", bU, pS, pE) ) return 1;
      if( pIdx->aE[RF_recipientAccountId]==0 ) return 0;
      *pS = s + pIdx->aS[RF_recipientAccountId];
      *pE = s + pIdx->aE[RF_recipientAccountId];
      return !json_is_empty(z, *pS, *pE);
    case RD_actor:
      return span_kept(z, us, ue, "arn", bU, pS, pE) || span_kept(z, us, ue, "principalId", bU, pS, pE)
          || span_kept(z, us, ue, "invokedBy", bU, pS, pE);
  }
  return 0;
}

static int nonempty(Record *r, int k){
  size_t s, e;
  return field(r, k, &s, &e) && !json_is_empty(r->z, s, e);
}

/* event.outcome as Elastic computes it (see README, "outcome"). */
static int result_outcome(Record *r, Out *o){
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
    out_text(o, r->buf.z, r->buf.n, SQLITE_TRANSIENT);
    return SQLITE_OK;
  }
  out_text(o, nonempty(r, RF_errorCode) || nonempty(r, RF_errorMessage)
              ? "failure" : "success", 7, SQLITE_STATIC);
  return SQLITE_OK;
}

/* requestParameters.<zKey>, when Elastic would keep it (not null or empty), as text. */
static int request_param(Record *r, const char *zKey, Out *o){
  size_t s, e, vs, ve;
  if( field(r, RF_requestParameters, &s, &e)
   && json_find(r->z, s, e, zKey, &vs, &ve) && !json_is_empty(r->z, vs, ve) ){
    return result_value(r, o, vs, ve);
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
  return field(r, RF_eventTime, &s, &e) && record_time_span(r->z, s, e, piOut);
}

int record_request_param(Record *r, const char *zKey, sqlite3_context *ctx){
  Out o;
  memset(&o, 0, sizeof(o));
  o.ctx = ctx;
  return request_param(r, zKey, &o);
}

/* Compute column iCol (RF_* or RD_*) of the record into o. */
static int column_out(Record *r, int iCol, Out *o){
  size_t s, e;
  if( iCol<RF_COUNT ){
    if( !field(r, iCol, &s, &e) ) return SQLITE_OK;
    if( iCol==RF_readOnly || iCol==RF_managementEvent ){
      result_bool(r, o, s, e);
      return SQLITE_OK;
    }
    return result_value(r, o, s, e);
  }
  if( iCol>=RD_user_type && iCol<=RD_actor ){
    size_t vs, ve;
    if( !r->bIndexed ){
      record_index(r->z, r->s, r->e, &r->idx);
      r->bIndexed = 1;
    }
    if( !record_ident_span(r->z, r->s, &r->idx, iCol, &vs, &ve) ) return SQLITE_OK;
    if( iCol==RD_mfa_authenticated ){
      /* JSON booleans, or the strings "true"/"false" in any case; else NULL */
      char zB[6];
      int n = json_decode_small(r->z, vs, ve, zB, sizeof(zB));
      if( (ve-vs==4 && memcmp(r->z+vs, "true", 4)==0) || (n==4 && sqlite3_strnicmp(zB, "true", 4)==0) ){
        out_int(o, 1);
      }else if( (ve-vs==5 && memcmp(r->z+vs, "false", 5)==0)
             || (n==5 && sqlite3_strnicmp(zB, "false", 5)==0) ){
        out_int(o, 0);
      }
      return SQLITE_OK;
    }
    return result_value(r, o, vs, ve);
  }
  switch( iCol ){
    case RD_event_epoch: {
      long long t;
      if( record_epoch(r, &t) ) out_int(o, t);
      return SQLITE_OK;
    }
    case RD_outcome:
      return result_outcome(r, o);
    case RD_target_user:
      return request_param(r, "userName", o);
    case RD_record:
      if( r->flags & (JSON_F_HIGH|JSON_F_CTRL) ){
        if( json_repair(r->z, r->s, r->e, &r->buf) ) return SQLITE_NOMEM;
        out_text(o, r->buf.z, r->buf.n, SQLITE_TRANSIENT);
      }else{
        out_text(o, r->z+r->s, r->e-r->s, SQLITE_TRANSIENT);
      }
      return SQLITE_OK;
  }
  return SQLITE_OK;
}

/* Compute column iCol (RF_* or RD_*) of the record into ctx. */
int record_column(Record *r, int iCol, sqlite3_context *ctx){
  Out o;
  memset(&o, 0, sizeof(o));
  o.ctx = ctx;
  return column_out(r, iCol, &o);
}

/* Bind column iCol (RF_* or RD_*) of the record to parameter iParam of pStmt: the value
** record_column() gives, by the same code (NULL when it gives none). */
int record_column_bind(Record *r, int iCol, sqlite3_stmt *pStmt, int iParam){
  Out o;
  memset(&o, 0, sizeof(o));
  o.pStmt = pStmt;
  o.iParam = iParam;
  sqlite3_bind_null(pStmt, iParam);
  return column_out(r, iCol, &o);
}

/* Column iCol (RF_* or RD_*) of the record as record_column() gives it, copied: *peType
** is SQLITE_NULL, SQLITE_INTEGER (*piVal) or SQLITE_TEXT (pText, not NUL-terminated). */
int record_column_value(Record *r, int iCol, JsonBuf *pText, int *peType, sqlite3_int64 *piVal){
  Out o;
  int rc;
  memset(&o, 0, sizeof(o));
  o.pText = pText;
  o.peType = peType;
  o.piVal = piVal;
  *peType = SQLITE_NULL;
  rc = column_out(r, iCol, &o);
  return rc ? rc : o.rc;
}
