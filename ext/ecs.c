/*
** ecs.c: the ECS fields of one record, as Elastic's aws.cloudtrail ingest pipeline fills
** them (research: shared/research/elastic-cloudtrail.md; table: ext/README.md "ECS fields").
**
** Every value is read from the record's own bytes with the same helpers as the columns:
** the last of a duplicated key wins (json_find), and a value the pipeline's drop-empty step
** removes (null, "", and containers with nothing else inside) is absent. A field has zero,
** one or several values (arrays: KQL matches when any value does).
**
** Values are computed when a rule first asks for them and cached on the Record until the
** next record_set(), so all rules of a pass share one decode of each field.
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <arpa/inet.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ecs.h"
#include "record.h"
#include "useragent.h"

/* The fields with fixed names. */
enum {
  F_timestamp, F_event_action, F_event_provider, F_event_outcome, F_event_kind,
  F_event_dataset, F_data_stream_dataset, F_event_module, F_event_id,
  F_cloud_region, F_cloud_account_id,
  F_user_name, F_user_id, F_user_target_name, F_user_target_id, F_user_changes_name,
  F_group_name, F_group_id, F_related_user,
  F_source_address, F_source_ip, F_user_agent_original, F_user_agent_name,
  F_tls_version, F_tls_version_protocol, F_tls_cipher, F_tls_client_server_name,
  F_event_version, F_event_type, F_event_category, F_api_version, F_request_id,
  F_recipient_account_id, F_shared_event_id, F_vpc_endpoint_id, F_management_event,
  F_read_only, F_session_credential_from_console, F_error_code, F_error_message,
  F_ui_type, F_ui_arn, F_ui_access_key_id, F_ui_invoked_by, F_ui_mfa_authenticated,
  F_ui_creation_date, F_ui_issuer_type, F_ui_issuer_principal_id, F_ui_issuer_arn,
  F_ui_issuer_account_id,
  F_request_parameters, F_response_elements, F_additional_eventdata, F_service_event_details,
  F_resources_arn, F_resources_account_id, F_resources_type,
  F_cl_mfa_used, F_cl_mobile_version, F_cl_login_to,
  /* flattened roots: a path below them is given with the field */
  F_flat_request_parameters, F_flat_response_elements, F_flat_additional_eventdata,
  F_flat_service_event_details, F_flat_insight_details,
  F_COUNT
};

#define CT "aws.cloudtrail."
#define UI CT "user_identity."
#define NONE 0                   /* no ignore_above */

static const struct {
  const char *zName;
  int eType;
  int nIgnoreAbove;              /* values longer (UTF-16 units) are not indexed */
} aDef[F_COUNT] = {
  {"@timestamp", ECS_DATE, NONE},
  {"event.action", ECS_KEYWORD, 1024}, {"event.provider", ECS_KEYWORD, 1024},
  {"event.outcome", ECS_KEYWORD, 1024}, {"event.kind", ECS_KEYWORD, 1024},
  {"event.dataset", ECS_KEYWORD, NONE}, {"data_stream.dataset", ECS_KEYWORD, NONE},
  {"event.module", ECS_KEYWORD, NONE}, {"event.id", ECS_KEYWORD, 1024},
  {"cloud.region", ECS_KEYWORD, 1024}, {"cloud.account.id", ECS_KEYWORD, 1024},
  {"user.name", ECS_KEYWORD, 1024}, {"user.id", ECS_KEYWORD, 1024},
  {"user.target.name", ECS_KEYWORD, 1024}, {"user.target.id", ECS_KEYWORD, 1024},
  {"user.changes.name", ECS_KEYWORD, 1024},
  {"group.name", ECS_KEYWORD, 1024}, {"group.id", ECS_KEYWORD, 1024},
  {"related.user", ECS_KEYWORD, 1024},
  {"source.address", ECS_KEYWORD, 1024}, {"source.ip", ECS_IP, NONE},
  {"user_agent.original", ECS_KEYWORD, 1024}, {"user_agent.name", ECS_KEYWORD, 1024},
  {"tls.version", ECS_KEYWORD, 1024}, {"tls.version_protocol", ECS_KEYWORD, 1024},
  {"tls.cipher", ECS_KEYWORD, 1024}, {"tls.client.server_name", ECS_KEYWORD, 1024},
  {CT "event_version", ECS_KEYWORD, 1024}, {CT "event_type", ECS_KEYWORD, 1024},
  {CT "event_category", ECS_KEYWORD, 1024}, {CT "api_version", ECS_KEYWORD, 1024},
  {CT "request_id", ECS_KEYWORD, 1024}, {CT "recipient_account_id", ECS_KEYWORD, 1024},
  {CT "shared_event_id", ECS_KEYWORD, 1024}, {CT "vpc_endpoint_id", ECS_KEYWORD, 1024},
  {CT "management_event", ECS_KEYWORD, 1024}, {CT "read_only", ECS_BOOL, NONE},
  {CT "session_credential_from_console", ECS_KEYWORD, 1024},
  {CT "error_code", ECS_KEYWORD, 1024}, {CT "error_message", ECS_KEYWORD, 1024},
  {UI "type", ECS_KEYWORD, 1024}, {UI "arn", ECS_KEYWORD, 1024},
  {UI "access_key_id", ECS_KEYWORD, 1024}, {UI "invoked_by", ECS_KEYWORD, 1024},
  {UI "session_context.mfa_authenticated", ECS_KEYWORD, 1024},
  {UI "session_context.creation_date", ECS_DATE, NONE},
  {UI "session_context.session_issuer.type", ECS_KEYWORD, 1024},
  {UI "session_context.session_issuer.principal_id", ECS_KEYWORD, 1024},
  {UI "session_context.session_issuer.arn", ECS_KEYWORD, 1024},
  {UI "session_context.session_issuer.account_id", ECS_KEYWORD, 1024},
  {CT "request_parameters", ECS_KEYWORD, 8191}, {CT "response_elements", ECS_KEYWORD, 8191},
  {CT "additional_eventdata", ECS_KEYWORD, 8191},
  {CT "service_event_details", ECS_KEYWORD, 8191},
  {CT "resources.arn", ECS_KEYWORD, 1024}, {CT "resources.account_id", ECS_KEYWORD, 1024},
  {CT "resources.type", ECS_KEYWORD, 1024},
  {CT "console_login.additional_eventdata.mfa_used", ECS_BOOL, NONE},
  {CT "console_login.additional_eventdata.mobile_version", ECS_BOOL, NONE},
  {CT "console_login.additional_eventdata.login_to", ECS_KEYWORD, 1024},
  {CT "flattened.request_parameters", ECS_KEYWORD, NONE},
  {CT "flattened.response_elements", ECS_KEYWORD, NONE},
  {CT "flattened.additional_eventdata", ECS_KEYWORD, NONE},
  {CT "flattened.service_event_details", ECS_KEYWORD, NONE},
  {CT "flattened.insight_details", ECS_KEYWORD, NONE},
};

/* Fields Elastic fills that no offline reader can (or that this one does not), and why.
** A name matches an entry exactly, or below it when the entry ends in '.'. */
static const struct { const char *zName; const char *zWhy; } aMissing[] = {
  {"source.geo.", "needs a GeoIP database (Elastic's geoip processor)"},
  {"source.as.", "needs an ASN database (Elastic's geoip processor with an ASN database)"},
  {"user_agent.", "needs the user-agent parser's regular expressions (Elastic's user_agent processor)"},
  {"related.entity", "is filled by Elastic's entity enrichment, which is not reproduced"},
  {"event.category", "needs Elastic's categorization table, which is not reproduced"},
  {"event.type", "needs Elastic's categorization table, which is not reproduced"},
  {"event.ingested", "is the time Elasticsearch indexed the document"},
  {"event.created", "is the time Elastic's agent read the document"},
};

struct Values {
  int bDone;
  int n;
  EcsValue *a;                   /* one allocation: the array, then the text; kept from
                                 ** record to record (a reset only clears bDone) */
  size_t nAlloc;                 /* its size in bytes */
};

typedef struct Flat {
  struct Flat *pNext;
  int iField;
  char *zSub;
  struct Values v;
} Flat;

struct EcsCache {
  struct Values a[F_COUNT];
  Flat *pFlat;                   /* flattened paths asked for */
  JsonBuf text;                  /* the builder: value texts one after another */
  size_t *aEnd;                  /* ... and where each ends */
  int nEnd, nEndAlloc;
  JsonBuf tmp;                   /* scratch */
  int bUnique;                   /* flat_walk: the record repeats no key (bNoDupKey) */
};

const char *const *ecs_closed_values(int iField){
  return iField==F_user_agent_name ? ua_names : 0;
}

int ecs_lookup(const char *zName, int *peType, const char **pzSub, const char **pzWhy){
  int i;
  size_t n = strlen(zName);
  *pzSub = 0;
  *pzWhy = 0;
  for(i=0; i<F_COUNT; i++){
    if( strcmp(zName, aDef[i].zName)==0 ){
      *peType = aDef[i].eType;
      if( i>=F_flat_request_parameters ) *pzSub = zName + n;
      return i;
    }
  }
  for(i=F_flat_request_parameters; i<F_COUNT; i++){
    size_t k = strlen(aDef[i].zName);
    if( n>k+1 && memcmp(zName, aDef[i].zName, k)==0 && zName[k]=='.' ){
      *peType = ECS_KEYWORD;
      *pzSub = zName + k + 1;
      return i;
    }
  }
  if( n>5 && strcmp(zName+n-5, ".text")==0 ){
    *pzWhy = "is an analysed text field: only keyword matching is implemented";
    return -1;
  }
  for(i=0; i<(int)(sizeof(aMissing)/sizeof(aMissing[0])); i++){
    const char *z = aMissing[i].zName;
    size_t k = strlen(z);
    if( z[k-1]=='.' ? (n>k && memcmp(zName, z, k)==0) : strcmp(zName, z)==0 ){
      *pzWhy = aMissing[i].zWhy;
      return -1;
    }
  }
  *pzWhy = "is not mapped";
  return -1;
}

/* ---- building a field's values ---- */

static int b_add(EcsCache *p, const char *z, size_t n){
  if( json_buf_reserve(&p->text, n) ) return SQLITE_NOMEM;
  if( p->nEnd>=p->nEndAlloc ){
    int nNew = p->nEndAlloc ? p->nEndAlloc*2 : 16;
    size_t *aNew = sqlite3_realloc64(p->aEnd, sizeof(size_t)*nNew);
    if( aNew==0 ) return SQLITE_NOMEM;
    p->aEnd = aNew;
    p->nEndAlloc = nNew;
  }
  memcpy(p->text.z + p->text.n, z, n);
  p->text.n += n;
  p->aEnd[p->nEnd++] = p->text.n;
  return SQLITE_OK;
}

/* UTF-16 length of UTF-8 text (Java's String.length(), which ignore_above counts). */
static size_t utf16_len(const char *z, size_t n){
  size_t i, k = 0;
  for(i=0; i<n; i++){
    unsigned char c = (unsigned char)z[i];
    if( (c & 0xC0)!=0x80 ) k += c>=0xF0 ? 2 : 1;
  }
  return k;
}

/* Move the builder's values into pV (one allocation), dropping values longer than
** nIgnore and repeated values when bDedup. */
static int b_finish(EcsCache *p, struct Values *pV, int nIgnore, int bDedup){
  int i, j, n = 0;
  size_t s = 0;
  char *zText;
  pV->bDone = 1;
  pV->n = 0;
  if( p->nEnd>0 ){
    size_t nNeed = sizeof(EcsValue)*p->nEnd + p->text.n + 1;
    if( nNeed>pV->nAlloc ){
      sqlite3_free(pV->a);
      pV->nAlloc = nNeed<256 ? 256 : nNeed;
      pV->a = sqlite3_malloc64(pV->nAlloc);
      if( pV->a==0 ){ pV->nAlloc = 0; p->nEnd = 0; p->text.n = 0; return SQLITE_NOMEM; }
    }
    zText = (char*)(pV->a + p->nEnd);
    memcpy(zText, p->text.z, p->text.n);
    for(i=0; i<p->nEnd; s=p->aEnd[i], i++){
      const char *z = zText + s;
      size_t nz = p->aEnd[i] - s;
      if( nIgnore && utf16_len(z, nz)>(size_t)nIgnore ) continue;
      for(j=0; bDedup && j<n; j++){
        if( pV->a[j].n==nz && memcmp(pV->a[j].z, z, nz)==0 ) break;
      }
      if( bDedup && j<n ) continue;
      pV->a[n].z = z;
      pV->a[n].n = nz;
      n++;
    }
    pV->n = n;
  }
  p->nEnd = 0;
  p->text.n = 0;
  return SQLITE_OK;
}

/* Java's Double.toString(d) (shortest digits that read back as d; plain notation from
** 1e-3 up to 1e7, else d.dddE±n), as the pipeline's Java maps print a JSON fraction. */
static int java_double(double d, char *zOut){
  char zE[40], zDig[24];
  int p, nDig = 0, iExp, k = 0, i;
  const char *z;
  for(p=1; p<=17; p++){
    snprintf(zE, sizeof(zE), "%.*e", p-1, d);
    if( strtod(zE, 0)==d ) break;
  }
  z = zE;
  if( *z=='-' ){ zOut[k++] = '-'; z++; }
  for(; *z && *z!='e'; z++) if( *z>='0' && *z<='9' ) zDig[nDig++] = *z;
  iExp = *z ? atoi(z+1) : 0;
  while( nDig>1 && zDig[nDig-1]=='0' ) nDig--;
  if( d==0.0 ){ strcpy(zOut+k, "0.0"); return k+3; }
  if( iExp>=-3 && iExp<7 ){
    if( iExp<0 ){
      zOut[k++] = '0'; zOut[k++] = '.';
      for(i=-1; i>iExp; i--) zOut[k++] = '0';
      for(i=0; i<nDig; i++) zOut[k++] = zDig[i];
    }else{
      for(i=0; i<=iExp; i++) zOut[k++] = i<nDig ? zDig[i] : '0';
      zOut[k++] = '.';
      if( nDig>iExp+1 ){
        for(i=iExp+1; i<nDig; i++) zOut[k++] = zDig[i];
      }else{
        zOut[k++] = '0';
      }
    }
  }else{
    zOut[k++] = zDig[0];
    zOut[k++] = '.';
    if( nDig>1 ){ for(i=1; i<nDig; i++) zOut[k++] = zDig[i]; }else zOut[k++] = '0';
    k += snprintf(zOut+k, 8, "E%d", iExp);
  }
  zOut[k] = 0;
  return k;
}

/* A JSON number literal as Java prints what Jackson read: an int or a long in decimal,
** a bigger integer as written, a fraction or exponent as a Double. */
static int java_number(const char *z, size_t n, char *zOut, size_t nOut){
  char zLit[64];
  if( n>=sizeof(zLit) || n+1>nOut ){
    size_t m = n<nOut-1 ? n : nOut-1;
    memcpy(zOut, z, m); zOut[m] = 0;
    return (int)m;
  }
  memcpy(zLit, z, n);
  zLit[n] = 0;
  if( strpbrk(zLit, ".eE")==0 ){
    if( n<=18 ) return snprintf(zOut, nOut, "%lld", strtoll(zLit, 0, 10));
    memcpy(zOut, zLit, n+1);
    return (int)n;
  }
  return java_double(strtod(zLit, 0), zOut);
}

/* Append the text a keyword field gets from the scalar span [s,e): a string decoded, a
** number as Java prints it, true/false. 0 when the span is no scalar value. */
static int scalar_text(const char *z, size_t s, size_t e, JsonBuf *pOut){
  char zNum[64];
  int n;
  pOut->n = 0;
  if( z[s]=='"' ){
    if( e-s<=2 ) return 0;
    return json_decode_string(z, s, e, pOut) ? -1 : 1;
  }
  if( z[s]=='t' || z[s]=='f' ){
    n = z[s]=='t' ? 4 : 5;
    if( json_buf_reserve(pOut, n) ) return -1;
    memcpy(pOut->z, z[s]=='t' ? "true" : "false", n);
    pOut->n = n;
    return 1;
  }
  if( z[s]=='-' || (z[s]>='0' && z[s]<='9') ){
    n = java_number(z+s, e-s, zNum, sizeof(zNum));
    if( json_buf_reserve(pOut, n) ) return -1;
    memcpy(pOut->z, zNum, n);
    pOut->n = n;
    return 1;
  }
  return 0;
}

/* Add the keyword values of span [s,e): a scalar, or each scalar of an array (at any
** depth). Objects give none (Elasticsearch would refuse the document). */
static int add_values(EcsCache *p, const char *z, size_t s, size_t e){
  int rc;
  if( s>=e ) return SQLITE_OK;
  if( z[s]=='[' ){
    size_t i = json_ws(z, e, s+1);
    while( i<e && z[i]!=']' ){
      size_t ve = json_end(z, e, i);
      if( (rc = add_values(p, z, i, ve))!=SQLITE_OK ) return rc;
      i = json_ws(z, e, ve);
      if( i<e && z[i]==',' ) i = json_ws(z, e, i+1);
    }
    return SQLITE_OK;
  }
  rc = scalar_text(z, s, e, &p->tmp);
  if( rc<0 ) return SQLITE_NOMEM;
  return rc ? b_add(p, p->tmp.z, p->tmp.n) : SQLITE_OK;
}

/* ---- Java's Map.toString() of a drop-emptied object ---- */

typedef struct Member {
  size_t ks, ke, vs, ve;         /* key (inside quotes) and value (its last occurrence) */
  size_t iKey, nKey;             /* decoded key in the key buffer */
  int iPos;                      /* first occurrence: the HashMap insertion order */
  unsigned h;                    /* HashMap's spread hash */
  int iBucket;
} Member;

/* String.hashCode() of UTF-8 text, over its UTF-16 units. */
static unsigned java_hash(const char *z, size_t n){
  unsigned h = 0;
  size_t i = 0;
  while( i<n ){
    unsigned char c = (unsigned char)z[i];
    unsigned cp;
    int k = c<0x80 ? 1 : c>=0xF0 ? 4 : c>=0xE0 ? 3 : 2, j;
    cp = k==1 ? c : k==2 ? (c & 0x1F) : k==3 ? (c & 0x0F) : (c & 0x07);
    for(j=1; j<k && i+j<n; j++) cp = (cp<<6) | ((unsigned char)z[i+j] & 0x3F);
    i += k;
    if( cp>=0x10000 ){
      cp -= 0x10000;
      h = 31*h + (0xD800 + (cp>>10));
      h = 31*h + (0xDC00 + (cp & 0x3FF));
    }else{
      h = 31*h + cp;
    }
  }
  return h ^ (h>>16);
}

/* for the sort callbacks: keys are sorted per call, on this thread (workers evaluate rules
** concurrently: one shared pointer let a thread sort by another thread's freed keys) */
static __thread const char *zKeyBase;

static int cmp_key(const void *a, const void *b){
  const Member *x = a, *y = b;
  size_t n = x->nKey<y->nKey ? x->nKey : y->nKey;
  int c = memcmp(zKeyBase + x->iKey, zKeyBase + y->iKey, n);
  if( c ) return c;
  if( x->nKey!=y->nKey ) return x->nKey<y->nKey ? -1 : 1;
  return x->iPos - y->iPos;
}

static int cmp_bucket(const void *a, const void *b){
  const Member *x = a, *y = b;
  if( x->iBucket!=y->iBucket ) return x->iBucket<y->iBucket ? -1 : 1;
  return x->iPos - y->iPos;
}

static int tostring(const char *z, size_t s, size_t e, JsonBuf *pOut, int iDepth);

static int put(JsonBuf *pOut, const char *z, size_t n){
  if( json_buf_reserve(pOut, n) ) return SQLITE_NOMEM;
  memcpy(pOut->z + pOut->n, z, n);
  pOut->n += n;
  pOut->z[pOut->n] = 0;
  return SQLITE_OK;
}

/* The object [s,e) as a Java HashMap built by parsing it prints: members in bucket order
** of the final table (16 buckets, doubled each time it is more than 3/4 full, or when a
** bucket reaches 9 entries in a table under 64), then insertion order within a bucket.
** (A bucket of 9 or more in a larger table becomes a tree, whose order is not modelled.) */
static int tostring_object(const char *z, size_t s, size_t e, JsonBuf *pOut, int iDepth){
  Member *a = 0;
  JsonBuf keys = {0, 0, 0}, tmp = {0, 0, 0};
  int n = 0, nAlloc = 0, i, j, m = 0, rc = SQLITE_OK, nCap = 16, nThr = 12, *aCount = 0;
  size_t it = s+1, ks, ke, vs, ve;
  while( json_next_member(z, e, &it, &ks, &ke, &vs, &ve) ){
    if( n>=nAlloc ){
      int nNew = nAlloc ? nAlloc*2 : 16;
      Member *aNew = sqlite3_realloc64(a, sizeof(Member)*nNew);
      if( aNew==0 ){ rc = SQLITE_NOMEM; goto done; }
      a = aNew; nAlloc = nNew;
    }
    if( json_decode_string(z, ks-1, ke+1, &tmp) ){ rc = SQLITE_NOMEM; goto done; }
    a[n].ks = ks; a[n].ke = ke; a[n].vs = vs; a[n].ve = ve;
    a[n].iKey = keys.n; a[n].nKey = tmp.n; a[n].iPos = n;
    if( put(&keys, tmp.z, tmp.n) ){ rc = SQLITE_NOMEM; goto done; }
    n++;
  }
  /* a repeated key keeps its first place and takes its last value */
  zKeyBase = keys.z;
  if( n>1 ) qsort(a, n, sizeof(Member), cmp_key);
  for(i=0; i<n; i=j){
    for(j=i+1; j<n && a[j].nKey==a[i].nKey
               && memcmp(keys.z+a[j].iKey, keys.z+a[i].iKey, a[i].nKey)==0; j++){}
    a[i].vs = a[j-1].vs; a[i].ve = a[j-1].ve;
    if( !json_is_empty(z, a[i].vs, a[i].ve) ) a[m++] = a[i];
  }
  n = m;
  /* insertion order, to replay the table's growth */
  for(i=0; i<n; i++) a[i].h = java_hash(keys.z + a[i].iKey, a[i].nKey);
  if( n>1 ){
    for(i=0; i<n; i++) a[i].iBucket = a[i].iPos;
    qsort(a, n, sizeof(Member), cmp_bucket);
  }
  aCount = sqlite3_malloc64(sizeof(int)*16);
  if( aCount==0 ){ rc = SQLITE_NOMEM; goto done; }
  memset(aCount, 0, sizeof(int)*16);
  for(i=0; i<n; i++){
    int b = (int)(a[i].h & (unsigned)(nCap-1));
    int nGrow = (aCount[b]>=8 && nCap<64);       /* treeifyBin() resizes a small table */
    aCount[b]++;
    while( nGrow>=0 ){
      if( nGrow==0 && i+1<=nThr ) break;         /* then ++size > threshold resizes */
      if( nGrow>0 ) nGrow--; else nGrow = -1;
      nCap *= 2; nThr *= 2;
      sqlite3_free(aCount);
      aCount = sqlite3_malloc64(sizeof(int)*nCap);
      if( aCount==0 ){ rc = SQLITE_NOMEM; goto done; }
      memset(aCount, 0, sizeof(int)*nCap);
      for(j=0; j<=i; j++) aCount[a[j].h & (unsigned)(nCap-1)]++;
    }
  }
  for(i=0; i<n; i++) a[i].iBucket = (int)(a[i].h & (unsigned)(nCap-1));
  if( n>1 ) qsort(a, n, sizeof(Member), cmp_bucket);
  rc = put(pOut, "{", 1);
  for(i=0; i<n && rc==SQLITE_OK; i++){
    if( i ) rc = put(pOut, ", ", 2);
    if( rc==SQLITE_OK ) rc = put(pOut, keys.z + a[i].iKey, a[i].nKey);
    if( rc==SQLITE_OK ) rc = put(pOut, "=", 1);
    if( rc==SQLITE_OK ) rc = tostring(z, a[i].vs, a[i].ve, pOut, iDepth+1);
  }
  if( rc==SQLITE_OK ) rc = put(pOut, "}", 1);
done:
  sqlite3_free(a);
  sqlite3_free(aCount);
  json_buf_free(&keys);
  json_buf_free(&tmp);
  return rc;
}

/* Java's toString() of the (non-empty) value [s,e) after the drop-empty step. */
static int tostring(const char *z, size_t s, size_t e, JsonBuf *pOut, int iDepth){
  JsonBuf tmp = {0, 0, 0};
  int rc;
  if( iDepth>JSON_MAX_DEPTH ) return SQLITE_OK;
  if( z[s]=='{' ) return tostring_object(z, s, e, pOut, iDepth);
  if( z[s]=='[' ){
    size_t i = json_ws(z, e, s+1);
    int bFirst = 1;
    rc = put(pOut, "[", 1);
    while( rc==SQLITE_OK && i<e && z[i]!=']' ){
      size_t ve = json_end(z, e, i);
      if( !json_is_empty(z, i, ve) ){
        if( !bFirst ) rc = put(pOut, ", ", 2);
        if( rc==SQLITE_OK ) rc = tostring(z, i, ve, pOut, iDepth+1);
        bFirst = 0;
      }
      i = json_ws(z, e, ve);
      if( i<e && z[i]==',' ) i = json_ws(z, e, i+1);
    }
    return rc==SQLITE_OK ? put(pOut, "]", 1) : rc;
  }
  rc = scalar_text(z, s, e, &tmp);
  if( rc>0 ) rc = put(pOut, tmp.z, tmp.n);
  json_buf_free(&tmp);
  return rc<0 ? SQLITE_NOMEM : SQLITE_OK;
}

/* ---- flattened fields ---- */

/* Is member i (key [ks,ke)) of object [s,e) superseded by a later member of the same key? */
static int superseded(const char *z, size_t e, size_t iAfter, size_t ks, size_t ke){
  size_t k = iAfter, ks2, ke2, vs2, ve2;
  while( json_next_member(z, e, &k, &ks2, &ke2, &vs2, &ve2) ){
    if( json_keys_equal(z, ks, ke, ks2, ke2) ) return 1;
  }
  return 0;
}

/* Are the key bytes z[ks,ke) (inside the quotes) ASCII without a backslash? */
static int plain_key(const char *z, size_t ks, size_t ke){
  size_t i;
  for(i=ks; i<ke; i++){
    unsigned char c = (unsigned char)z[i];
    if( c>=0x80 || c=='\\' ) return 0;
  }
  return 1;
}

/* Add the leaf values at zPath (dotted; "" for every leaf) below the value [s,e), as an
** Elasticsearch flattened field indexes them: arrays are looked through at every level,
** and a key holding dots is the same as the nested keys. */
static int flat_walk(EcsCache *p, const char *z, size_t s, size_t e, const char *zPath,
                     size_t nPath, int iDepth){
  int rc = SQLITE_OK;
  if( s>=e || iDepth>JSON_MAX_DEPTH || json_is_empty(z, s, e) ) return SQLITE_OK;
  if( z[s]=='[' ){
    size_t i = json_ws(z, e, s+1);
    while( rc==SQLITE_OK && i<e && z[i]!=']' ){
      size_t ve = json_end(z, e, i);
      rc = flat_walk(p, z, i, ve, zPath, nPath, iDepth+1);
      i = json_ws(z, e, ve);
      if( i<e && z[i]==',' ) i = json_ws(z, e, i+1);
    }
    return rc;
  }
  if( z[s]=='{' ){
    size_t it = s+1, ks, ke, vs, ve;
    while( rc==SQLITE_OK && json_next_member(z, e, &it, &ks, &ke, &vs, &ve) ){
      size_t nKey;
      if( nPath==0 ){
        if( p->bUnique || !superseded(z, e, it, ks, ke) ){
          rc = flat_walk(p, z, vs, ve, zPath, 0, iDepth+1);
        }
        continue;
      }
      if( plain_key(z, ks, ke) ){
        /* decoding would copy these bytes unchanged */
        nKey = ke-ks;
        if( nKey>nPath || memcmp(z+ks, zPath, nKey)!=0 ) continue;
      }else{
        if( json_decode_string(z, ks-1, ke+1, &p->tmp) ) return SQLITE_NOMEM;
        nKey = p->tmp.n;
        if( nKey>nPath || memcmp(p->tmp.z, zPath, nKey)!=0 ) continue;
      }
      if( nKey<nPath && zPath[nKey]!='.' ) continue;
      if( !p->bUnique && superseded(z, e, it, ks, ke) ) continue;
      if( nKey==nPath ){
        rc = flat_walk(p, z, vs, ve, "", 0, iDepth+1);
      }else{
        rc = flat_walk(p, z, vs, ve, zPath+nKey+1, nPath-nKey-1, iDepth+1);
      }
    }
    return rc;
  }
  return nPath==0 ? add_values(p, z, s, e) : SQLITE_OK;
}

/* ---- the fields ---- */

static int top(Record *r, int k, size_t *pS, size_t *pE){
  return record_field(r, k, pS, pE) && !json_is_empty(r->z, *pS, *pE);
}

/* The value at the dotted path of fixed keys zPath below top-level field k. (When the
** record is known to repeat no key, a lookup stops at its first match.) */
static int path(Record *r, int k, const char *zPath, size_t *pS, size_t *pE){
  char zKey[64];
  size_t s, e;
  if( !record_field(r, k, &s, &e) ) return 0;     /* indexes the record: idx is set */
  while( *zPath ){
    size_t n = strcspn(zPath, ".");
    if( r->z[s]!='{' ) return 0;
    if( n>=sizeof(zKey) ) return 0;
    memcpy(zKey, zPath, n); zKey[n] = 0;
    if( !json_find_ex(r->z, s, e, zKey, r->idx.bNoDupKey, &s, &e) ) return 0;
    zPath += n + (zPath[n]=='.');
  }
  *pS = s; *pE = e;
  return !json_is_empty(r->z, s, e);
}

static int ident(Record *r, int iCol, size_t *pS, size_t *pE){
  size_t s, e;
  record_field(r, RF_eventName, &s, &e);          /* indexes the record */
  return record_ident_span(r->z, r->s, &r->idx, iCol, pS, pE);
}

/* The values of span [s,e) when FOUND (evaluated first: it sets s and e). */
#define ADD(FOUND) ((FOUND) ? add_values(p, r->z, s, e) : SQLITE_OK)

static int add_lit(EcsCache *p, const char *z){ return b_add(p, z, strlen(z)); }

static int is_ip(const char *z, size_t n, unsigned char *a16){
  char zB[64];
  unsigned char a4[4];
  if( n==0 || n>=sizeof(zB) ) return 0;
  memcpy(zB, z, n); zB[n] = 0;
  if( inet_pton(AF_INET, zB, a4)==1 ){
    if( a16 ){
      memset(a16, 0, 10); a16[10] = a16[11] = 0xFF; memcpy(a16+12, a4, 4);
    }
    return 1;
  }
  return inet_pton(AF_INET6, zB, a16 ? a16 : (unsigned char[16]){0})==1;
}

/* Fields that are one raw value copied as it is: where from (the rest: compute()). */
#define FROM_TOP   1                /* a top-level key, RF_* */
#define FROM_PATH  2                /* a dotted path below a top-level key */
#define FROM_IDENT 3                /* an identity span, RD_* (record_ident_span) */
static const struct {
  unsigned char eFrom;
  int iRaw;
  const char *zPath;
} aCopy[F_COUNT] = {
  [F_event_action] = {FROM_TOP, RF_eventName, 0},
  [F_event_provider] = {FROM_TOP, RF_eventSource, 0},
  [F_event_id] = {FROM_TOP, RF_eventID, 0},
  [F_cloud_region] = {FROM_TOP, RF_awsRegion, 0},
  [F_cloud_account_id] = {FROM_IDENT, RD_account_id, 0},
  [F_user_name] = {FROM_IDENT, RD_user_name, 0},
  [F_user_id] = {FROM_IDENT, RD_principal_id, 0},
  [F_user_target_name] = {FROM_PATH, RF_requestParameters, "userName"},
  [F_user_changes_name] = {FROM_PATH, RF_requestParameters, "newUserName"},
  [F_group_name] = {FROM_PATH, RF_requestParameters, "groupName"},
  [F_user_target_id] = {FROM_PATH, RF_responseElements, "user.userId"},
  [F_group_id] = {FROM_PATH, RF_responseElements, "group.groupId"},
  [F_source_address] = {FROM_TOP, RF_sourceIPAddress, 0},
  [F_user_agent_original] = {FROM_TOP, RF_userAgent, 0},
  [F_tls_cipher] = {FROM_PATH, RF_tlsDetails, "cipherSuite"},
  [F_tls_client_server_name] = {FROM_PATH, RF_tlsDetails, "clientProvidedHostHeader"},
  [F_event_version] = {FROM_TOP, RF_eventVersion, 0},
  [F_event_type] = {FROM_TOP, RF_eventType, 0},
  [F_event_category] = {FROM_TOP, RF_eventCategory, 0},
  [F_api_version] = {FROM_TOP, RF_apiVersion, 0},
  [F_request_id] = {FROM_TOP, RF_requestID, 0},
  [F_recipient_account_id] = {FROM_TOP, RF_recipientAccountId, 0},
  [F_shared_event_id] = {FROM_TOP, RF_sharedEventID, 0},
  [F_vpc_endpoint_id] = {FROM_TOP, RF_vpcEndpointId, 0},
  [F_management_event] = {FROM_TOP, RF_managementEvent, 0},
  [F_session_credential_from_console] = {FROM_TOP, RF_sessionCredentialFromConsole, 0},
  [F_error_code] = {FROM_TOP, RF_errorCode, 0},
  [F_error_message] = {FROM_TOP, RF_errorMessage, 0},
  [F_ui_type] = {FROM_IDENT, RD_user_type, 0},
  [F_ui_arn] = {FROM_IDENT, RD_user_arn, 0},
  [F_ui_access_key_id] = {FROM_IDENT, RD_access_key_id, 0},
  [F_ui_invoked_by] = {FROM_IDENT, RD_invoked_by, 0},
  [F_ui_mfa_authenticated] = {FROM_PATH, RF_userIdentity, "sessionContext.attributes.mfaAuthenticated"},
  [F_ui_issuer_type] = {FROM_PATH, RF_userIdentity, "sessionContext.sessionIssuer.type"},
  [F_ui_issuer_principal_id] = {FROM_PATH, RF_userIdentity, "sessionContext.sessionIssuer.principalId"},
  [F_ui_issuer_arn] = {FROM_PATH, RF_userIdentity, "sessionContext.sessionIssuer.arn"},
  [F_ui_issuer_account_id] = {FROM_PATH, RF_userIdentity, "sessionContext.sessionIssuer.accountId"},
};

/* The raw span of an aCopy field: 1 when present (and not empty by the drop-empty step
** for the top-level and path fields; an identity span is taken as it is). */
static int copy_span(Record *r, int iField, size_t *pS, size_t *pE){
  switch( aCopy[iField].eFrom ){
    case FROM_TOP:   return top(r, aCopy[iField].iRaw, pS, pE);
    case FROM_PATH:  return path(r, aCopy[iField].iRaw, aCopy[iField].zPath, pS, pE);
    case FROM_IDENT: return ident(r, aCopy[iField].iRaw, pS, pE);
  }
  return 0;
}

/* Is [s,e) a JSON string whose bytes between the quotes are printable ASCII without a
** backslash? Then json_decode_string would copy those bytes unchanged, and their count
** is their length in UTF-16 units (ignore_above's measure). */
static int plain_string(const char *z, size_t s, size_t e){
  size_t i;
  if( e-s<2 || z[s]!='"' || z[e-1]!='"' ) return 0;
  i = s+1;
#ifdef __SSE2__
  {
    /* 16 bytes at a time: a signed byte below 0x20 is a control byte or one of 0x80-0xFF */
    const __m128i vSpace = _mm_set1_epi8(0x20), vDel = _mm_set1_epi8(0x7F);
    const __m128i vSlash = _mm_set1_epi8('\\');
    for(; i+16<=e-1; i+=16){
      __m128i v = _mm_loadu_si128((const __m128i*)(z+i));
      __m128i bad = _mm_or_si128(_mm_cmplt_epi8(v, vSpace),
                    _mm_or_si128(_mm_cmpeq_epi8(v, vDel), _mm_cmpeq_epi8(v, vSlash)));
      if( _mm_movemask_epi8(bad) ) return 0;
    }
  }
#endif
  for(; i<e-1; i++){
    unsigned char c = (unsigned char)z[i];
    if( c<0x20 || c>0x7E || c=='\\' ) return 0;
  }
  return 1;
}

/* Compute field iField of r into the builder. */
static int compute(EcsCache *p, Record *r, int iField){
  const char *z = r->z;
  size_t s = 0, e = 0, s2, e2;
  int rc;
  if( aCopy[iField].eFrom ) return ADD(copy_span(r, iField, &s, &e));
  switch( iField ){
    case F_timestamp: {
      long long t;
      if( top(r, RF_eventTime, &s, &e) && record_time_span(z, s, e, &t) ) return add_values(p, z, s, e);
      return SQLITE_OK;
    }
    case F_event_outcome:
      if( top(r, RF_eventName, &s, &e) && json_str_is(z, s, e, "ConsoleLogin")
       && path(r, RF_responseElements, "ConsoleLogin", &s2, &e2) ){
        size_t i, n0 = p->text.n;
        if( (rc = add_values(p, z, s2, e2))!=SQLITE_OK ) return rc;
        for(i=n0; i<p->text.n; i++){
          char c = p->text.z[i];
          if( c>='A' && c<='Z' ) p->text.z[i] = c + ('a'-'A');
        }
        return SQLITE_OK;
      }
      return add_lit(p, top(r, RF_errorCode, &s, &e) || top(r, RF_errorMessage, &s, &e)
                        ? "failure" : "success");
    case F_event_kind: case F_event_dataset: case F_data_stream_dataset: case F_event_module:
      return add_lit(p, ecs_constant(iField));
    case F_related_user:
      rc = ADD(path(r, RF_userIdentity, "userName", &s, &e));
      if( rc==SQLITE_OK ) rc = ADD(path(r, RF_requestParameters, "userName", &s, &e));
      if( rc==SQLITE_OK ) rc = ADD(path(r, RF_requestParameters, "newUserName", &s, &e));
      return rc;
    case F_source_ip:
      if( top(r, RF_sourceIPAddress, &s, &e) && z[s]=='"' ){
        if( json_decode_string(z, s, e, &p->tmp) ) return SQLITE_NOMEM;
        if( is_ip(p->tmp.z, p->tmp.n, 0) ) return b_add(p, p->tmp.z, p->tmp.n);
      }
      return SQLITE_OK;
    case F_user_agent_name:
      /* only the names of ua_names, when certain (useragent.c); kql.c refuses a query that
      ** would need any other value */
      if( top(r, RF_userAgent, &s, &e) && z[s]=='"' ){
        const char *zName;
        if( json_decode_string(z, s, e, &p->tmp) ) return SQLITE_NOMEM;
        zName = ua_family(p->tmp.z, p->tmp.n);
        if( zName ) return add_lit(p, zName);
      }
      return SQLITE_OK;
    case F_tls_version: case F_tls_version_protocol:
      /* dissect "%{protocol}v%{version}", the protocol lower-cased; no 'v': all version */
      if( path(r, RF_tlsDetails, "tlsVersion", &s, &e) && z[s]=='"' ){
        const char *zV;
        size_t i;
        if( json_decode_string(z, s, e, &p->tmp) ) return SQLITE_NOMEM;
        zV = memchr(p->tmp.z, 'v', p->tmp.n);
        if( zV==0 ) return iField==F_tls_version ? b_add(p, p->tmp.z, p->tmp.n) : SQLITE_OK;
        if( iField==F_tls_version ){
          i = (size_t)(zV - p->tmp.z) + 1;
          return i<p->tmp.n ? b_add(p, p->tmp.z+i, p->tmp.n-i) : SQLITE_OK;
        }
        for(i=0; p->tmp.z+i<zV; i++){
          char c = p->tmp.z[i];
          if( c>='A' && c<='Z' ) p->tmp.z[i] = c + ('a'-'A');
        }
        return zV>p->tmp.z ? b_add(p, p->tmp.z, (size_t)(zV-p->tmp.z)) : SQLITE_OK;
      }
      return SQLITE_OK;
    case F_read_only:
      if( top(r, RF_readOnly, &s, &e) ){
        if( (e-s==4 && memcmp(z+s, "true", 4)==0) || json_str_is(z, s, e, "true") ) return add_lit(p, "true");
        if( (e-s==5 && memcmp(z+s, "false", 5)==0) || json_str_is(z, s, e, "false") ) return add_lit(p, "false");
      }
      return SQLITE_OK;
    case F_ui_creation_date: {
      long long t;
      if( path(r, RF_userIdentity, "sessionContext.attributes.creationDate", &s, &e)
       && record_time_span(z, s, e, &t) ) return add_values(p, z, s, e);
      return SQLITE_OK;
    }
    case F_request_parameters: case F_response_elements:
    case F_additional_eventdata: case F_service_event_details: {
      static const int aK[] = {RF_requestParameters, RF_responseElements,
                               RF_additionalEventData, RF_serviceEventDetails};
      if( !top(r, aK[iField-F_request_parameters], &s, &e) ) return SQLITE_OK;
      p->tmp.n = 0;
      if( tostring(z, s, e, &p->tmp, 0) ) return SQLITE_NOMEM;
      return b_add(p, p->tmp.z, p->tmp.n);
    }
    case F_resources_arn: case F_resources_account_id: case F_resources_type:
      if( top(r, RF_resources, &s, &e) && z[s]=='[' ){
        const char *zKey = iField==F_resources_arn ? "ARN"
                         : iField==F_resources_account_id ? "accountId" : "type";
        size_t i = json_ws(z, e, s+1);
        while( i<e && z[i]!=']' ){
          size_t ve = json_end(z, e, i);
          if( z[i]=='{' && json_find(z, i, ve, zKey, &s2, &e2) && !json_is_empty(z, s2, e2) ){
            if( (rc = add_values(p, z, s2, e2))!=SQLITE_OK ) return rc;
          }
          i = json_ws(z, e, ve);
          if( i<e && z[i]==',' ) i = json_ws(z, e, i+1);
        }
      }
      return SQLITE_OK;
    case F_cl_mfa_used: case F_cl_mobile_version: case F_cl_login_to: {
      const char *zKey = iField==F_cl_mfa_used ? "MFAUsed"
                       : iField==F_cl_mobile_version ? "MobileVersion" : "LoginTo";
      if( !top(r, RF_eventName, &s, &e) || !json_str_is(z, s, e, "ConsoleLogin") ) return SQLITE_OK;
      if( !path(r, RF_additionalEventData, zKey, &s, &e) ) return SQLITE_OK;
      if( iField==F_cl_login_to ) return add_values(p, z, s, e);
      return add_lit(p, json_str_is(z, s, e, "No") ? "false" : "true");  /* != 'No' */
    }
  }
  return SQLITE_OK;
}

/* The flattened copy of a raw object field: kept only when its text form is shorter than
** 32766 characters (Elastic's pipeline drops it otherwise). */
static int compute_flat(EcsCache *p, Record *r, int iField, const char *zSub){
  static const int aK[] = {RF_requestParameters, RF_responseElements, RF_additionalEventData,
                           RF_serviceEventDetails, RF_insightDetails};
  size_t s, e;
  if( !top(r, aK[iField-F_flat_request_parameters], &s, &e) || r->z[s]!='{' ) return SQLITE_OK;
  /* the map's text is at most 64 times the bytes it comes from (a number, written by
  ** java_number in at most 63 characters, is the only thing that grows): a short object
  ** need not be written out to know it is under the limit */
  if( (e-s)*64 >= 32766 ){
    p->tmp.n = 0;
    if( tostring(r->z, s, e, &p->tmp, 0) ) return SQLITE_NOMEM;
    if( utf16_len(p->tmp.z, p->tmp.n)>=32766 ) return SQLITE_OK;
  }
  p->bUnique = r->idx.bNoDupKey;             /* top() indexed the record */
  return flat_walk(p, r->z, s, e, zSub, strlen(zSub), 0);
}

/* Room in pV for one value: 1, or 0 when out of memory (the general way then reports
** it). */
static int values_one(struct Values *pV){
  if( pV->nAlloc<sizeof(EcsValue) ){
    EcsValue *a = sqlite3_malloc64(256);
    if( a==0 ) return 0;
    sqlite3_free(pV->a);
    pV->a = a;
    pV->nAlloc = 256;
  }
  return 1;
}

/* The shortcut for the fields that copy one raw value (aCopy), and source.ip: when that
** value is a plain string (plain_string) no longer than the field's ignore_above (for
** source.ip: one address), it is the field's one value as written, so pV points into the
** record's text (valid until the next record_set(), which resets the cache) instead of
** decoding and copying it; "" is no value. A constant field, and event.outcome but for a
** ConsoleLogin, point to their literal text. 1 when pV is filled; 0 (nothing done) for
** anything else, which compute() reads the general way (the lookups are repeated then,
** but such values are rare). */
static int in_place(Record *r, int iField, struct Values *pV){
  size_t s = 0, e = 0;
  int nIgnore = aDef[iField].nIgnoreAbove, bFound;
  const char *zLit = 0;
  if( ecs_constant(iField) ){
    zLit = ecs_constant(iField);
  }else if( iField==F_event_outcome ){
    /* as compute(): but for a ConsoleLogin, one of two words */
    if( top(r, RF_eventName, &s, &e) && json_str_is(r->z, s, e, "ConsoleLogin") ) return 0;
    zLit = top(r, RF_errorCode, &s, &e) || top(r, RF_errorMessage, &s, &e)
         ? "failure" : "success";
  }
  if( zLit ){
    if( !values_one(pV) ) return 0;
    pV->a[0].z = zLit;
    pV->a[0].n = strlen(zLit);
    pV->n = 1;
    pV->bDone = 1;
    return 1;
  }
  if( aCopy[iField].eFrom ){
    bFound = copy_span(r, iField, &s, &e);
  }else if( iField==F_source_ip ){
    bFound = top(r, RF_sourceIPAddress, &s, &e);
  }else{
    return 0;
  }
  pV->n = 0;
  if( bFound ){
    if( !plain_string(r->z, s, e) ) return 0;
    if( nIgnore && e-s-2>(size_t)nIgnore ) return 0;
    if( iField==F_source_ip && !is_ip(r->z+s+1, e-s-2, 0) ) e = s+2;   /* no value */
    if( !values_one(pV) ) return 0;
    pV->a[0].z = r->z + s + 1;
    pV->a[0].n = e-s-2;
    pV->n = e-s>2;
  }
  pV->bDone = 1;
  return 1;
}

const char *ecs_constant(int iField){
  switch( iField ){
    case F_event_kind:    return "event";            /* compute() fills them from here */
    case F_event_dataset: case F_data_stream_dataset: return "aws.cloudtrail";
    case F_event_module:  return "aws";
  }
  return 0;
}

int ecs_cost(int iField){
  if( iField<0 || iField>=F_COUNT ) return 100;
  if( ecs_constant(iField) ) return 0;
  if( iField==F_event_action || iField==F_event_provider ) return 1;
  switch( aCopy[iField].eFrom ){
    case FROM_TOP:   return 2;
    case FROM_IDENT: return 3;
    case FROM_PATH:  return 4;
  }
  switch( iField ){
    case F_event_outcome: case F_read_only: case F_timestamp: return 3;
    case F_source_ip: case F_ui_creation_date: return 4;
    case F_related_user: case F_tls_version: case F_tls_version_protocol:
    case F_resources_arn: case F_resources_account_id: case F_resources_type:
    case F_cl_mfa_used: case F_cl_mobile_version: case F_cl_login_to: return 5;
    case F_user_agent_name: return 8;
  }
  return 10;      /* Java map text (request_parameters ...) and flattened paths */
}

int ecs_values(Record *r, int iField, const char *zSub, const EcsValue **paVal, int *pnVal){
  EcsCache *p = r->pEcs;
  struct Values *pV;
  int rc;
  *paVal = 0;
  *pnVal = 0;
  if( iField<0 || iField>=F_COUNT ) return SQLITE_OK;
  if( p==0 ){
    p = r->pEcs = sqlite3_malloc64(sizeof(*p));
    if( p==0 ) return SQLITE_NOMEM;
    memset(p, 0, sizeof(*p));
  }
  if( iField>=F_flat_request_parameters ){
    Flat *f;
    if( zSub==0 ) zSub = "";
    for(f=p->pFlat; f; f=f->pNext){
      if( f->iField==iField && strcmp(f->zSub, zSub)==0 ) break;
    }
    if( f==0 ){
      size_t n = strlen(zSub);
      f = sqlite3_malloc64(sizeof(*f) + n + 1);
      if( f==0 ) return SQLITE_NOMEM;
      memset(f, 0, sizeof(*f));
      f->iField = iField;
      f->zSub = (char*)&f[1];
      memcpy(f->zSub, zSub, n+1);
      f->pNext = p->pFlat;
      p->pFlat = f;
    }
    pV = &f->v;
    if( !pV->bDone ){
      rc = compute_flat(p, r, iField, zSub);
      if( rc==SQLITE_OK ) rc = b_finish(p, pV, 0, 0);
      if( rc ){ p->nEnd = 0; p->text.n = 0; pV->bDone = 0; return rc; }
    }
  }else{
    pV = &p->a[iField];
    if( !pV->bDone && in_place(r, iField, pV) ){
      /* one plain string: the value is its bytes in the record */
    }else if( !pV->bDone ){
      rc = compute(p, r, iField);
      if( rc==SQLITE_OK ) rc = b_finish(p, pV, aDef[iField].nIgnoreAbove, iField==F_related_user);
      if( rc ){ p->nEnd = 0; p->text.n = 0; pV->bDone = 0; return rc; }
    }
  }
  *paVal = pV->a;
  *pnVal = pV->n;
  return SQLITE_OK;
}

void ecs_reset(EcsCache *p){
  int i;
  Flat *f, *fNext;
  if( p==0 ) return;
  for(i=0; i<F_COUNT; i++){
    p->a[i].n = 0;
    p->a[i].bDone = 0;            /* the allocation stays, for the next record's values */
  }
  for(f=p->pFlat; f; f=fNext){
    fNext = f->pNext;
    sqlite3_free(f->v.a);
    sqlite3_free(f);
  }
  p->pFlat = 0;
}

void ecs_free(EcsCache *p){
  int i;
  if( p==0 ) return;
  ecs_reset(p);
  for(i=0; i<F_COUNT; i++) sqlite3_free(p->a[i].a);
  json_buf_free(&p->text);
  json_buf_free(&p->tmp);
  sqlite3_free(p->aEnd);
  sqlite3_free(p);
}
