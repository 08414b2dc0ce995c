/*
** sessions.c: credential lineage, for `cloudtrail_sessions` (sessions_vtab.c).
**
** One pass: sessions_add() sees every record and keeps only what lineage needs, in a hash
** map keyed by access key id (how each key was used: times, count, addresses, the identity
** that used it), the issuing events (AssumeRole*, GetSessionToken, GetFederationToken,
** CreateAccessKey, success only) as compact strings, and successful ConsoleLogins. Duplicate
** deliveries (an eventID already read) are dropped first. Nothing else of a record is kept.
**
** After the pass, sessions_resolve() makes one row per key: its own issuing event (the
** earliest, when two different events name it), then the caller of that event, whose key
** is followed in turn until the caller is not a temporary credential (an IAM user, the root
** user, a federated subject, an AWS service, an Identity Center user) or until the issuing
** event is not in the logs, which ends the chain with an 'unknown' hop. Every hop says which
** field of which event links it.
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <stdlib.h>
#include <string.h>
#include "record.h"
#include "s3path.h"
#include "sessions.h"

/* The strings kept of a key's first use (the identity its users present). */
enum { KU_ARN, KU_TYPE, KU_ACCOUNT, KU_SRCID, KU_ONBEHALF, KU_INVOKEDBY, KU_ISSUER_ARN,
       KU_USERNAME, KU_FIRST, KU_LAST, KU_N };

#define SESS_MAX_IP 16           /* addresses listed per key; the rest are only counted */
#define SESS_MAX_HOPS 16         /* a longer chain ends with an 'unknown' hop */
#define SESS_CONSOLE_WINDOW 43200   /* a console session's key: sign-in at most 12 h before */

struct SessKey {
  char *zKey;
  char *az[KU_N];                /* the identity of its earliest use (KU_FIRST, KU_LAST: times) */
  int iIss;                      /* its first issuing record (aIss), -1: none */
  long long nEvent;              /* records signed with it, one per eventID */
  int bTime;                     /* tFirst/tLast are set */
  long long tFirst, tLast;
  int bConsole;                  /* sessionCredentialFromConsole "true" on a use */
  int bInRange;                  /* a use within since/until */
  char *azIp[SESS_MAX_IP];       /* the first addresses read ... */
  long long aIpT[SESS_MAX_IP];   /* ... and when each was first used (LLONG_MAX: unknown) */
  long long nIp;                 /* distinct addresses */
};

/* The strings kept of an issuing record. C_*: the caller (its userIdentity). */
enum { IS_KEY, IS_EVENT, IS_EVENT_ID, IS_TIME, IS_SHARED, IS_RECIPIENT,
       IS_C_TYPE, IS_C_ARN, IS_C_ACCOUNT, IS_C_KEY, IS_C_INVOKEDBY, IS_C_ONBEHALF,
       IS_C_SRCID, IS_C_USERNAME, IS_C_PRINCIPAL, IS_C_PROVIDER,
       IS_ROLE_ARN, IS_SESSION_NAME, IS_REQ_SRCID, IS_PRINCIPAL_ARN, IS_EXPIRATION,
       IS_FED_SUBJECT, IS_FED_PROVIDER, IS_OWNER, IS_N };

struct SessIssue {
  char *az[IS_N];
  int iNext;                     /* the next issuing record of the same key, -1 */
  int bTime;
  long long t;
};

/* A successful ConsoleLogin. */
enum { LG_ARN, LG_TYPE, LG_ACCOUNT, LG_EVENT_ID, LG_TIME, LG_ONBEHALF, LG_N };
struct SessLogin {
  char *az[LG_N];
  int bTime;
  long long t;
};

/* ---- a string -> int map ------------------------------------------------------------ */

static unsigned long long sess_hash(const char *z){
  unsigned long long h = 1469598103934665603ULL;       /* FNV-1a */
  while( *z ){ h ^= (unsigned char)*z++; h *= 1099511628211ULL; }
  return h;
}

/* The value of zKey, or -1. */
static int map_get(const SessMap *m, const char *zKey){
  size_t i;
  if( m->nSlot==0 ) return -1;
  for(i=sess_hash(zKey)&(m->nSlot-1); m->azKey[i]; i=(i+1)&(m->nSlot-1)){
    if( strcmp(m->azKey[i], zKey)==0 ) return m->aVal[i];
  }
  return -1;
}

/* Add zKey (not present) with value v. */
static int map_put(SessMap *m, const char *zKey, int v){
  size_t i;
  if( (m->nUsed+1)*4 > m->nSlot*3 ){
    size_t nNew = m->nSlot ? m->nSlot*2 : 64, j;
    const char **azNew = sqlite3_malloc64(nNew*sizeof(char*));
    int *aNew = sqlite3_malloc64(nNew*sizeof(int));
    if( azNew==0 || aNew==0 ){
      sqlite3_free((void*)azNew);
      sqlite3_free(aNew);
      return SQLITE_NOMEM;
    }
    memset((void*)azNew, 0, nNew*sizeof(char*));
    for(j=0; j<m->nSlot; j++){
      if( m->azKey[j]==0 ) continue;
      for(i=sess_hash(m->azKey[j])&(nNew-1); azNew[i]; i=(i+1)&(nNew-1)){}
      azNew[i] = m->azKey[j];
      aNew[i] = m->aVal[j];
    }
    sqlite3_free((void*)m->azKey);
    sqlite3_free(m->aVal);
    m->azKey = azNew;
    m->aVal = aNew;
    m->nSlot = nNew;
  }
  for(i=sess_hash(zKey)&(m->nSlot-1); m->azKey[i]; i=(i+1)&(m->nSlot-1)){}
  m->azKey[i] = zKey;
  m->aVal[i] = v;
  m->nUsed++;
  return SQLITE_OK;
}

static void map_free(SessMap *m){
  sqlite3_free((void*)m->azKey);
  sqlite3_free(m->aVal);
  memset(m, 0, sizeof(*m));
}

/* ---- reading a record ------------------------------------------------------------- */

/* The value span at a dotted path (keys without dots) inside the object [s,e). */
static int sx_path(const char *z, size_t s, size_t e, const char *zPath, size_t *pS, size_t *pE){
  char zSeg[64];
  for(;;){
    const char *zDot = strchr(zPath, '.');
    size_t n = zDot ? (size_t)(zDot-zPath) : strlen(zPath);
    if( n>=sizeof(zSeg) ) return 0;
    memcpy(zSeg, zPath, n);
    zSeg[n] = 0;
    if( s>=e || z[s]!='{' || !json_find(z, s, e, zSeg, pS, pE) ) return 0;
    if( zDot==0 ) return 1;
    s = *pS;
    e = *pE;
    zPath = zDot+1;
  }
}

/* The span of top-level field k, or 0. */
static int sx_top(const char *z, size_t s, const FieldIndex *pIdx, int k, size_t *pS, size_t *pE){
  (void)z;
  if( pIdx->aE[k]==0 ) return 0;
  *pS = s + pIdx->aS[k];
  *pE = s + pIdx->aE[k];
  return 1;
}

/* A copy of the string value [vs,ve), decoded (valid UTF-8), or 0 (*pz NULL) when it is not
** a non-empty string. SQLITE_NOMEM when out of memory. */
static int sx_dup(Sessions *p, const char *z, size_t vs, size_t ve, char **pz){
  *pz = 0;
  if( ve-vs<=2 || z[vs]!='"' ) return SQLITE_OK;
  if( json_decode_string(z, vs, ve, &p->buf) ) return SQLITE_NOMEM;
  *pz = sqlite3_mprintf("%s", p->buf.z);
  return *pz ? SQLITE_OK : SQLITE_NOMEM;
}

/* A copy of the string at zPath inside [s,e), or NULL (rc SQLITE_OK) when not there. */
static int sx_get(Sessions *p, const char *z, size_t s, size_t e, const char *zPath, char **pz){
  size_t vs, ve;
  *pz = 0;
  if( s>=e || !sx_path(z, s, e, zPath, &vs, &ve) ) return SQLITE_OK;
  return sx_dup(p, z, vs, ve, pz);
}

static int is_issuing(const char *z, size_t s, size_t e){
  return json_str_is(z, s, e, "AssumeRole") || json_str_is(z, s, e, "AssumeRoleWithSAML")
      || json_str_is(z, s, e, "AssumeRoleWithWebIdentity") || json_str_is(z, s, e, "GetSessionToken")
      || json_str_is(z, s, e, "GetFederationToken") || json_str_is(z, s, e, "CreateAccessKey");
}

/* The index of key zKey, created when new; -1 when out of memory. */
static int key_get(Sessions *p, const char *zKey){
  int i = map_get(&p->keys, zKey);
  SessKey *k;
  if( i>=0 ) return i;
  if( p->nKey>=p->nKeyAlloc ){
    int nNew = p->nKeyAlloc ? p->nKeyAlloc*2 : 64;
    SessKey *aNew = sqlite3_realloc64(p->aKey, nNew*sizeof(SessKey));
    if( aNew==0 ) return -1;
    p->aKey = aNew;
    p->nKeyAlloc = nNew;
  }
  k = &p->aKey[p->nKey];
  memset(k, 0, sizeof(*k));
  k->iIss = -1;
  if( (k->zKey = sqlite3_mprintf("%s", zKey))==0 ) return -1;
  if( map_put(&p->keys, k->zKey, p->nKey) ){
    sqlite3_free(k->zKey);
    return -1;
  }
  return p->nKey++;
}

/* The members of userIdentity that lineage reads, found in one pass over it. */
enum { UI_TYPE, UI_ARN, UI_ACCOUNT, UI_KEY, UI_INVOKEDBY, UI_ONBEHALF, UI_SESSCTX,
       UI_USERNAME, UI_PRINCIPAL, UI_PROVIDER, UI_N };
static const char *const azUiName[UI_N] = { "type", "arn", "accountId", "accessKeyId",
  "invokedBy", "onBehalfOf", "sessionContext", "userName", "principalId", "identityProvider" };

static const size_t aUiLen[UI_N] = { 4, 3, 9, 11, 9, 10, 14, 8, 11, 16 };

typedef struct Ident {
  size_t aS[UI_N], aE[UI_N];     /* each member's value span (the last of a repeated key);
                                 ** aE 0: absent */
} Ident;

static void ident_scan(const char *z, size_t us, size_t ue, Ident *d){
  size_t i, ks, ke, vs, ve;
  int k;
  memset(d, 0, sizeof(*d));
  if( us>=ue || z[us]!='{' ) return;
  i = us+1;
  while( json_next_member(z, ue, &i, &ks, &ke, &vs, &ve) ){
    for(k=0; k<UI_N; k++){
      /* the first byte rules most names out (an escaped key is compared in full) */
      if( ks<ke && z[ks]!='\\' && z[ks]!=azUiName[k][0] ) continue;
      if( json_key_is(z, ks, ke, azUiName[k], aUiLen[k]) ){
        d->aS[k] = vs;
        d->aE[k] = ve;
        break;
      }
    }
  }
}

/* sessionContext.sourceIdentity and .sessionCredentialFromConsole, in one pass over it
** (spans, aE 0 when absent; the last of a repeated key). */
static void ctx_scan(const char *z, const Ident *d, size_t aS[2], size_t aE[2]){
  size_t i, ks, ke, vs, ve;
  aE[0] = aE[1] = 0;
  if( d->aE[UI_SESSCTX]==0 || z[d->aS[UI_SESSCTX]]!='{' ) return;
  i = d->aS[UI_SESSCTX]+1;
  while( json_next_member(z, d->aE[UI_SESSCTX], &i, &ks, &ke, &vs, &ve) ){
    if( json_key_is(z, ks, ke, "sourceIdentity", 14) ){ aS[0] = vs; aE[0] = ve; }
    else if( json_key_is(z, ks, ke, "sessionCredentialFromConsole", 28) ){ aS[1] = vs; aE[1] = ve; }
  }
}

/* Is the value [vs,ve) true (JSON true or the string "true", any case)? */
static int is_true(const char *z, size_t vs, size_t ve){
  char zB[6];
  if( ve-vs==4 && memcmp(z+vs, "true", 4)==0 ) return 1;
  return json_decode_small(z, vs, ve, zB, sizeof(zB))==4 && sqlite3_strnicmp(zB, "true", 4)==0;
}

/* A copy of member k of the identity (zSub: a path inside it), or NULL. */
static int id_get(Sessions *p, const char *z, const Ident *d, int k, const char *zSub, char **pz){
  *pz = 0;
  if( d->aE[k]==0 ) return SQLITE_OK;
  if( zSub==0 ) return sx_dup(p, z, d->aS[k], d->aE[k], pz);
  return sx_get(p, z, d->aS[k], d->aE[k], zSub, pz);
}

/* The caller's identity into az[] in the IS_C_* order. */
static int read_caller(Sessions *p, const char *z, const Ident *d, char **az){
  int rc = id_get(p, z, d, UI_TYPE, 0, &az[IS_C_TYPE-IS_C_TYPE]);
  if( rc==SQLITE_OK ) rc = id_get(p, z, d, UI_ARN, 0, &az[IS_C_ARN-IS_C_TYPE]);
  if( rc==SQLITE_OK ) rc = id_get(p, z, d, UI_ACCOUNT, 0, &az[IS_C_ACCOUNT-IS_C_TYPE]);
  if( rc==SQLITE_OK ) rc = id_get(p, z, d, UI_KEY, 0, &az[IS_C_KEY-IS_C_TYPE]);
  if( rc==SQLITE_OK ) rc = id_get(p, z, d, UI_INVOKEDBY, 0, &az[IS_C_INVOKEDBY-IS_C_TYPE]);
  if( rc==SQLITE_OK ) rc = id_get(p, z, d, UI_ONBEHALF, "userId", &az[IS_C_ONBEHALF-IS_C_TYPE]);
  if( rc==SQLITE_OK ) rc = id_get(p, z, d, UI_SESSCTX, "sourceIdentity", &az[IS_C_SRCID-IS_C_TYPE]);
  if( rc==SQLITE_OK ) rc = id_get(p, z, d, UI_USERNAME, 0, &az[IS_C_USERNAME-IS_C_TYPE]);
  if( rc==SQLITE_OK ) rc = id_get(p, z, d, UI_PRINCIPAL, 0, &az[IS_C_PRINCIPAL-IS_C_TYPE]);
  if( rc==SQLITE_OK ) rc = id_get(p, z, d, UI_PROVIDER, 0, &az[IS_C_PROVIDER-IS_C_TYPE]);
  return rc;
}

/* Replace *pz by the string [vs,ve) decoded. */
static int set_text(Sessions *p, const char *z, size_t vs, size_t ve, char **pz){
  char *zNew;
  if( sx_dup(p, z, vs, ve, &zNew) ) return SQLITE_NOMEM;
  sqlite3_free(*pz);
  *pz = zNew;
  return SQLITE_OK;
}

/* The set of (key, address) pairs of keys used from more than 16 addresses: add zIp for
** key k with first use t, or lower its first use (*pbNew: it was not there). The pair is
** written "length:key address", so that two pairs never read alike. */
static int ip_set(Sessions *p, const SessKey *k, const char *zIp, long long t, int *pbNew){
  char *zPair = sqlite3_mprintf("%d:%s %s", (int)strlen(k->zKey), k->zKey, zIp);
  int j;
  *pbNew = 0;
  if( zPair==0 ) return SQLITE_NOMEM;
  j = map_get(&p->ips, zPair);
  if( j>=0 ){
    if( t<p->aOwnedT[j] ) p->aOwnedT[j] = t;
    sqlite3_free(zPair);
    return SQLITE_OK;
  }
  if( p->nOwned>=p->nOwnedAlloc ){
    int nNew = p->nOwnedAlloc ? p->nOwnedAlloc*2 : 64;
    char **aNew = sqlite3_realloc64(p->azOwned, nNew*sizeof(char*));
    long long *aNewT;
    if( aNew==0 ){ sqlite3_free(zPair); return SQLITE_NOMEM; }
    p->azOwned = aNew;
    aNewT = sqlite3_realloc64(p->aOwnedT, nNew*sizeof(long long));
    if( aNewT==0 ){ sqlite3_free(zPair); return SQLITE_NOMEM; }
    p->aOwnedT = aNewT;
    p->nOwnedAlloc = nNew;
  }
  p->azOwned[p->nOwned] = zPair;
  p->aOwnedT[p->nOwned] = t;
  if( map_put(&p->ips, zPair, p->nOwned) ){
    p->azOwned[p->nOwned] = 0;
    sqlite3_free(zPair);
    return SQLITE_NOMEM;
  }
  p->nOwned++;
  *pbNew = 1;
  return SQLITE_OK;
}

/* The first use of a pair ip_set() holds. */
static long long ip_time(Sessions *p, const SessKey *k, const char *zIp){
  char *zPair = sqlite3_mprintf("%d:%s %s", (int)strlen(k->zKey), k->zKey, zIp);
  int j = zPair ? map_get(&p->ips, zPair) : -1;
  sqlite3_free(zPair);
  return j>=0 ? p->aOwnedT[j] : 0x7fffffffffffffffLL;
}

/* A use of key iK by the record: count it, its time, its address, its identity. */
static int key_use(Sessions *p, int iK, const char *z, size_t s, const FieldIndex *pIdx,
                   const Ident *d, int bTime, long long t){
  SessKey *k = &p->aKey[iK];
  size_t vs, ve;
  int bEarliest = k->nEvent==0 || (bTime && (!k->bTime || t<k->tFirst));
  int bLatest = bTime && (!k->bTime || t>k->tLast);
  int rc = SQLITE_OK, i;
  k->nEvent++;
  if( bTime && (!p->bSince || t>=p->iSince) && (!p->bUntil || t<=p->iUntil) ) k->bInRange = 1;
  if( bEarliest ){
    /* the identity as its earliest use presents it */
    static const int aMember[KU_FIRST] = { UI_ARN, UI_TYPE, UI_ACCOUNT, UI_SESSCTX,
      UI_ONBEHALF, UI_INVOKEDBY, UI_SESSCTX, UI_USERNAME };
    static const char *const azSub[KU_FIRST] = { 0, 0, 0, "sourceIdentity", "userId", 0,
      "sessionIssuer.arn", 0 };
    for(i=0; i<KU_FIRST; i++){
      char *zNew = 0;
      rc = id_get(p, z, d, aMember[i], azSub[i], &zNew);
      if( rc ) return rc;
      if( zNew || i==KU_ARN || i==KU_TYPE || i==KU_ACCOUNT ){
        sqlite3_free(k->az[i]);
        k->az[i] = zNew;
      }
    }
    if( bTime && sx_top(z, s, pIdx, RF_eventTime, &vs, &ve) && set_text(p, z, vs, ve, &k->az[KU_FIRST]) ){
      return SQLITE_NOMEM;
    }
  }else if( k->az[KU_ONBEHALF]==0 ){
    /* a later use may still carry what the first did not */
    if( (rc = id_get(p, z, d, UI_ONBEHALF, "userId", &k->az[KU_ONBEHALF]))!=SQLITE_OK ) return rc;
  }
  if( k->az[KU_SRCID]==0 || !k->bConsole ){
    size_t aS[2], aE[2];
    ctx_scan(z, d, aS, aE);
    if( k->az[KU_SRCID]==0 && aE[0] && (rc = sx_dup(p, z, aS[0], aE[0], &k->az[KU_SRCID]))!=SQLITE_OK ) return rc;
    if( aE[1] && is_true(z, aS[1], aE[1]) ) k->bConsole = 1;
  }
  if( bLatest && sx_top(z, s, pIdx, RF_eventTime, &vs, &ve) && set_text(p, z, vs, ve, &k->az[KU_LAST]) ){
    return SQLITE_NOMEM;
  }
  if( bTime ){
    if( !k->bTime || t<k->tFirst ) k->tFirst = t;
    if( !k->bTime || t>k->tLast ) k->tLast = t;
    k->bTime = 1;
  }
  if( !k->bConsole && sx_top(z, s, pIdx, RF_sessionCredentialFromConsole, &vs, &ve)
   && is_true(z, vs, ve) ){
    k->bConsole = 1;
  }
  if( sx_top(z, s, pIdx, RF_sourceIPAddress, &vs, &ve) && z[vs]=='"' && ve-vs>2 ){
    long long tIp = bTime ? t : 0x7fffffffffffffffLL;
    int nList = k->nIp<SESS_MAX_IP ? (int)k->nIp : SESS_MAX_IP;
    if( json_decode_string(z, vs, ve, &p->buf) ) return SQLITE_NOMEM;
    for(i=0; i<nList && strcmp(k->azIp[i], p->buf.z)!=0; i++){}
    if( i<nList ){
      if( tIp<k->aIpT[i] ) k->aIpT[i] = tIp;           /* listed already */
    }else if( k->nIp<SESS_MAX_IP ){
      if( (k->azIp[k->nIp] = sqlite3_mprintf("%s", p->buf.z))==0 ) return SQLITE_NOMEM;
      k->aIpT[k->nIp++] = tIp;
    }else{
      /* More than 16: every address of the key is counted in a set of (key, address) with
      ** its first use, and the list keeps the 16 first used. */
      char *zIp = sqlite3_mprintf("%s", p->buf.z);
      int j, iMax = 0, bNew;
      if( zIp==0 ) return SQLITE_NOMEM;
      if( k->nIp==SESS_MAX_IP ){
        for(j=0; j<SESS_MAX_IP; j++){
          if( ip_set(p, k, k->azIp[j], k->aIpT[j], &bNew) ){ sqlite3_free(zIp); return SQLITE_NOMEM; }
        }
      }
      if( ip_set(p, k, zIp, tIp, &bNew) ){ sqlite3_free(zIp); return SQLITE_NOMEM; }
      if( bNew ) k->nIp++;
      tIp = ip_time(p, k, zIp);                       /* its earliest use so far */
      for(j=1; j<SESS_MAX_IP; j++) if( k->aIpT[j]>k->aIpT[iMax] ) iMax = j;
      if( tIp<k->aIpT[iMax] ){
        /* it takes the place of the latest listed one, which stays counted in the set */
        if( ip_set(p, k, k->azIp[iMax], k->aIpT[iMax], &bNew) ){ sqlite3_free(zIp); return SQLITE_NOMEM; }
        sqlite3_free(k->azIp[iMax]);
        k->azIp[iMax] = zIp;
        k->aIpT[iMax] = tIp;
      }else{
        sqlite3_free(zIp);
      }
    }
  }
  return SQLITE_OK;
}

/* A successful issuing record: keep what the chain needs. */
static int add_issue(Sessions *p, const char *z, size_t s, const FieldIndex *pIdx,
                     const Ident *d, int bTime, long long t, int bCreateKey){
  SessIssue *a;
  size_t rs = 0, re = 0, qs = 0, qe = 0, vs, ve;
  int rc, iIss, bShared;
  sx_top(z, s, pIdx, RF_responseElements, &rs, &re);
  sx_top(z, s, pIdx, RF_requestParameters, &qs, &qe);
  if( p->nIss>=p->nIssAlloc ){
    int nNew = p->nIssAlloc ? p->nIssAlloc*2 : 64;
    SessIssue *aNew = sqlite3_realloc64(p->aIss, nNew*sizeof(SessIssue));
    if( aNew==0 ) return SQLITE_NOMEM;
    p->aIss = aNew;
    p->nIssAlloc = nNew;
  }
  iIss = p->nIss++;
  a = &p->aIss[iIss];
  memset(a, 0, sizeof(*a));
  a->iNext = -1;
  a->bTime = bTime;
  a->t = t;
  rc = sx_get(p, z, rs, re, bCreateKey ? "accessKey.accessKeyId" : "credentials.accessKeyId",
              &a->az[IS_KEY]);
  if( rc==SQLITE_OK && sx_top(z, s, pIdx, RF_eventName, &vs, &ve) ) rc = sx_dup(p, z, vs, ve, &a->az[IS_EVENT]);
  if( rc==SQLITE_OK && sx_top(z, s, pIdx, RF_eventID, &vs, &ve) ) rc = sx_dup(p, z, vs, ve, &a->az[IS_EVENT_ID]);
  if( rc==SQLITE_OK && sx_top(z, s, pIdx, RF_eventTime, &vs, &ve) ) rc = sx_dup(p, z, vs, ve, &a->az[IS_TIME]);
  if( rc==SQLITE_OK && sx_top(z, s, pIdx, RF_sharedEventID, &vs, &ve) ) rc = sx_dup(p, z, vs, ve, &a->az[IS_SHARED]);
  if( rc==SQLITE_OK && sx_top(z, s, pIdx, RF_recipientAccountId, &vs, &ve) ) rc = sx_dup(p, z, vs, ve, &a->az[IS_RECIPIENT]);
  if( rc==SQLITE_OK ) rc = read_caller(p, z, d, &a->az[IS_C_TYPE]);
  if( rc==SQLITE_OK ) rc = sx_get(p, z, qs, qe, "roleArn", &a->az[IS_ROLE_ARN]);
  if( rc==SQLITE_OK ) rc = sx_get(p, z, qs, qe, "roleSessionName", &a->az[IS_SESSION_NAME]);
  if( rc==SQLITE_OK ) rc = sx_get(p, z, qs, qe, "sourceIdentity", &a->az[IS_REQ_SRCID]);
  if( rc==SQLITE_OK ) rc = sx_get(p, z, rs, re, "assumedRoleUser.arn", &a->az[IS_PRINCIPAL_ARN]);
  if( rc==SQLITE_OK && a->az[IS_PRINCIPAL_ARN]==0 ) rc = sx_get(p, z, rs, re, "federatedUser.arn", &a->az[IS_PRINCIPAL_ARN]);
  if( rc==SQLITE_OK ) rc = sx_get(p, z, rs, re, "credentials.expiration", &a->az[IS_EXPIRATION]);
  if( rc==SQLITE_OK ){
    /* SAML: the assertion's subject and issuer (else the provider named in the request);
    ** OIDC: the token's subject and provider */
    rc = sx_get(p, z, rs, re, "subject", &a->az[IS_FED_SUBJECT]);
    if( rc==SQLITE_OK && a->az[IS_FED_SUBJECT]==0 ) rc = sx_get(p, z, rs, re, "subjectFromWebIdentityToken", &a->az[IS_FED_SUBJECT]);
    if( rc==SQLITE_OK ) rc = sx_get(p, z, rs, re, "issuer", &a->az[IS_FED_PROVIDER]);
    if( rc==SQLITE_OK && a->az[IS_FED_PROVIDER]==0 ) rc = sx_get(p, z, rs, re, "provider", &a->az[IS_FED_PROVIDER]);
    if( rc==SQLITE_OK && a->az[IS_FED_PROVIDER]==0 ) rc = sx_get(p, z, qs, qe, "principalArn", &a->az[IS_FED_PROVIDER]);
    if( rc==SQLITE_OK && a->az[IS_FED_PROVIDER]==0 ) rc = sx_get(p, z, qs, qe, "providerId", &a->az[IS_FED_PROVIDER]);
  }
  if( rc==SQLITE_OK && bCreateKey ){
    rc = sx_get(p, z, rs, re, "accessKey.userName", &a->az[IS_OWNER]);
    if( rc==SQLITE_OK && a->az[IS_OWNER]==0 ) rc = sx_get(p, z, qs, qe, "userName", &a->az[IS_OWNER]);
  }
  if( rc ) return rc;
  /* the caller's copy of a cross-account AssumeRole, found by the owner's copy */
  bShared = a->az[IS_SHARED] && !(a->az[IS_C_TYPE] && strcmp(a->az[IS_C_TYPE], "AWSAccount")==0)
         && map_get(&p->shared, a->az[IS_SHARED])<0;
  if( bShared && map_put(&p->shared, a->az[IS_SHARED], iIss) ) return SQLITE_NOMEM;
  if( a->az[IS_KEY] ){
    int iK = key_get(p, a->az[IS_KEY]);
    if( iK<0 ) return SQLITE_NOMEM;
    /* kept in read order; resolve() picks the earliest */
    a->iNext = p->aKey[iK].iIss;
    p->aKey[iK].iIss = iIss;
  }
  return SQLITE_OK;
}

static int add_login(Sessions *p, const char *z, size_t s, const FieldIndex *pIdx,
                     const Ident *d, int bTime, long long t){
  SessLogin *g;
  size_t vs, ve;
  int rc;
  if( p->nLog>=p->nLogAlloc ){
    int nNew = p->nLogAlloc ? p->nLogAlloc*2 : 16;
    SessLogin *aNew = sqlite3_realloc64(p->aLog, nNew*sizeof(SessLogin));
    if( aNew==0 ) return SQLITE_NOMEM;
    p->aLog = aNew;
    p->nLogAlloc = nNew;
  }
  g = &p->aLog[p->nLog++];
  memset(g, 0, sizeof(*g));
  g->bTime = bTime;
  g->t = t;
  rc = id_get(p, z, d, UI_ARN, 0, &g->az[LG_ARN]);
  if( rc==SQLITE_OK ) rc = id_get(p, z, d, UI_TYPE, 0, &g->az[LG_TYPE]);
  if( rc==SQLITE_OK ) rc = id_get(p, z, d, UI_ACCOUNT, 0, &g->az[LG_ACCOUNT]);
  if( rc==SQLITE_OK ) rc = id_get(p, z, d, UI_ONBEHALF, "userId", &g->az[LG_ONBEHALF]);
  if( rc==SQLITE_OK && sx_top(z, s, pIdx, RF_eventID, &vs, &ve) ) rc = sx_dup(p, z, vs, ve, &g->az[LG_EVENT_ID]);
  if( rc==SQLITE_OK && sx_top(z, s, pIdx, RF_eventTime, &vs, &ve) ) rc = sx_dup(p, z, vs, ve, &g->az[LG_TIME]);
  return rc;
}

int sessions_init(Sessions *p){
  memset(p, 0, sizeof(*p));
  return copyset_init(&p->seen);
}

/* Look at one validated record [s,e) of z (pIdx: its top-level keys). */
int sessions_add(Sessions *p, const char *z, size_t s, size_t e, const FieldIndex *pIdx){
  size_t us = 0, ue = 0, ns, ne, vs, ve;
  int bIssue = 0, bLogin = 0, bCreateKey = 0, bKey, bTime, iK, rc;
  long long t = 0;
  Ident d;
  (void)e;
  sx_top(z, s, pIdx, RF_userIdentity, &us, &ue);
  if( sx_top(z, s, pIdx, RF_eventName, &ns, &ne) ){
    size_t es, ee;
    int bError = (sx_top(z, s, pIdx, RF_errorCode, &es, &ee) && !json_is_empty(z, es, ee));
    if( !bError && is_issuing(z, ns, ne) ){
      bIssue = 1;
      bCreateKey = json_str_is(z, ns, ne, "CreateAccessKey");
    }
    bLogin = json_str_is(z, ns, ne, "ConsoleLogin")
          && sx_top(z, s, pIdx, RF_responseElements, &vs, &ve)
          && json_find(z, vs, ve, "ConsoleLogin", &es, &ee) && json_str_is(z, es, ee, "Success");
  }
  ident_scan(z, us, ue, &d);
  bKey = d.aE[UI_KEY] && z[d.aS[UI_KEY]]=='"' && d.aE[UI_KEY]-d.aS[UI_KEY]>2;
  if( !bKey && !bIssue && !bLogin ) return SQLITE_OK;          /* nothing lineage needs */
  if( sx_top(z, s, pIdx, RF_eventID, &vs, &ve) && z[vs]=='"' && ve-vs>2 ){
    long long iCopy = 0;
    if( json_decode_string(z, vs, ve, &p->buf) ) return SQLITE_NOMEM;
    if( copyset_add(&p->seen, p->buf.z, p->buf.n, &iCopy) ) return SQLITE_NOMEM;
    if( iCopy>1 ) return SQLITE_OK;                            /* a duplicate delivery */
  }
  bTime = sx_top(z, s, pIdx, RF_eventTime, &vs, &ve) && record_time_span(z, vs, ve, &t);
  if( bKey ){
    if( json_decode_string(z, d.aS[UI_KEY], d.aE[UI_KEY], &p->buf) ) return SQLITE_NOMEM;
    iK = key_get(p, p->buf.z);
    if( iK<0 ) return SQLITE_NOMEM;
    rc = key_use(p, iK, z, s, pIdx, &d, bTime, t);
    if( rc ) return rc;
  }
  if( bIssue && (rc = add_issue(p, z, s, pIdx, &d, bTime, t, bCreateKey))!=SQLITE_OK ) return rc;
  if( bLogin && (rc = add_login(p, z, s, pIdx, &d, bTime, t))!=SQLITE_OK ) return rc;
  return SQLITE_OK;
}

/* ---- expiration times ---------------------------------------------------------------- */

static int digits(const char *z, int *pi, int nMin, int nMax, int *pv){
  int n = 0, v = 0;
  while( n<nMax && z[*pi]>='0' && z[*pi]<='9' ){ v = v*10 + (z[(*pi)++]-'0'); n++; }
  *pv = v;
  return n>=nMin && !(z[*pi]>='0' && z[*pi]<='9');
}

/*
** responseElements.credentials.expiration to Unix seconds: AWS writes it in UTC like
** "Mar 4, 2026, 8:07:40 AM" or "Jul 10, 2023 12:42:24 PM" (an ISO 8601 text is read too).
** 1 and *piOut, or 0 when it is neither.
*/
int sessions_parse_expiration(const char *z, long long *piOut){
  static const char zMon[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  static const int aDays[] = {31,29,31,30,31,30,31,31,30,31,30,31};
  int i = 0, m, d, y, h, mi, sec;
  if( record_parse_time(z, strlen(z), piOut) ) return 1;
  for(m=0; m<12; m++) if( strncmp(z, zMon+3*m, 3)==0 ) break;
  if( m==12 || z[3]!=' ' ) return 0;
  i = 4;
  if( !digits(z, &i, 1, 2, &d) || z[i]!=',' || z[i+1]!=' ' ) return 0;
  i += 2;
  if( !digits(z, &i, 4, 4, &y) ) return 0;
  if( z[i]==',' ) i++;
  if( z[i++]!=' ' ) return 0;
  if( !digits(z, &i, 1, 2, &h) || z[i++]!=':' || !digits(z, &i, 2, 2, &mi) || z[i++]!=':'
   || !digits(z, &i, 2, 2, &sec) || z[i++]!=' ' ) return 0;
  if( (z[i]!='A' && z[i]!='P') || z[i+1]!='M' || z[i+2]!=0 ) return 0;
  if( d<1 || d>aDays[m] || (m==1 && d==29 && !(y%4==0 && (y%100!=0 || y%400==0)))
   || h<1 || h>12 || mi>59 || sec>59 ) return 0;
  h = h%12 + (z[i]=='P' ? 12 : 0);              /* 12 AM is 0 h, 12 PM is 12 h */
  *piOut = s3path_days_from_civil(y, m+1, d)*86400 + h*3600 + mi*60 + sec;
  return 1;
}

/* Unix seconds as ISO 8601 UTC text. */
static void time_text(long long t, char *zOut){
  long long dd = t/86400, s = t%86400, era, doe, yoe, y, doy, mp, m, day;
  if( s<0 ){ s += 86400; dd--; }
  dd += 719468;
  era = (dd>=0 ? dd : dd-146096) / 146097;
  doe = dd - era*146097;
  yoe = (doe - doe/1460 + doe/36524 - doe/146096) / 365;
  y = yoe + era*400;
  doy = doe - (365*yoe + yoe/4 - yoe/100);
  mp = (5*doy + 2)/153;
  day = doy - (153*mp + 2)/5 + 1;
  m = mp<10 ? mp+3 : mp-9;
  if( m<=2 ) y++;
  sqlite3_snprintf(32, zOut, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ",
                   y, m, day, s/3600, (s/60)%60, s%60);
}

/* ---- resolving the chains ------------------------------------------------------------ */

/* A JSON string (or null) into pStr. */
static void jstr(sqlite3_str *pStr, const char *z){
  if( z==0 ){ sqlite3_str_append(pStr, "null", 4); return; }
  sqlite3_str_appendchar(pStr, 1, '"');
  for(; *z; z++){
    unsigned char c = (unsigned char)*z;
    if( c=='"' || c=='\\' ) sqlite3_str_appendf(pStr, "\\%c", c);
    else if( c<0x20 ) sqlite3_str_appendf(pStr, "\\u%04x", c);
    else sqlite3_str_appendchar(pStr, 1, (char)c);
  }
  sqlite3_str_appendchar(pStr, 1, '"');
}

/* One hop of a chain. */
typedef struct Hop {
  const char *zKey, *zEvent, *zEventId, *zTime, *zCallerArn, *zCallerType, *zAccount,
             *zRoleArn, *zSession, *zSrcId, *zProvider, *zLink;
  char *zEvidence;               /* sqlite3_mprintf'd */
} Hop;

/* Append hop h to the chain's JSON. Every hop has evidence: none means its
** sqlite3_mprintf ran out of memory, and *pRc says so (never a hop without it). */
static void hop_json(sqlite3_str *pStr, int bFirst, const Hop *h, int *pRc){
  if( h->zEvidence==0 ) *pRc = SQLITE_NOMEM;
  if( !bFirst ) sqlite3_str_appendchar(pStr, 1, ',');
  sqlite3_str_append(pStr, "{\"access_key_id\":", 17); jstr(pStr, h->zKey);
  sqlite3_str_appendall(pStr, ",\"event\":"); jstr(pStr, h->zEvent);
  sqlite3_str_appendall(pStr, ",\"event_id\":"); jstr(pStr, h->zEventId);
  sqlite3_str_appendall(pStr, ",\"event_time\":"); jstr(pStr, h->zTime);
  sqlite3_str_appendall(pStr, ",\"caller_arn\":"); jstr(pStr, h->zCallerArn);
  sqlite3_str_appendall(pStr, ",\"caller_type\":"); jstr(pStr, h->zCallerType);
  sqlite3_str_appendall(pStr, ",\"account_id\":"); jstr(pStr, h->zAccount);
  sqlite3_str_appendall(pStr, ",\"role_arn\":"); jstr(pStr, h->zRoleArn);
  sqlite3_str_appendall(pStr, ",\"session_name\":"); jstr(pStr, h->zSession);
  sqlite3_str_appendall(pStr, ",\"source_identity\":"); jstr(pStr, h->zSrcId);
  if( h->zProvider ){
    sqlite3_str_appendall(pStr, ",\"provider\":"); jstr(pStr, h->zProvider);
  }
  sqlite3_str_appendall(pStr, ",\"link\":"); jstr(pStr, h->zLink);
  sqlite3_str_appendall(pStr, ",\"evidence\":"); jstr(pStr, h->zEvidence);
  sqlite3_str_appendchar(pStr, 1, '}');
}

/* Is issuing record a earlier than b (time, then event id; an unknown time last)? */
static int iss_before(const SessIssue *a, const SessIssue *b){
  int r;
  if( a->bTime!=b->bTime ) return a->bTime;
  if( a->bTime && a->t!=b->t ) return a->t<b->t;
  r = strcmp(a->az[IS_EVENT_ID] ? a->az[IS_EVENT_ID] : "", b->az[IS_EVENT_ID] ? b->az[IS_EVENT_ID] : "");
  return r<0;
}

static int is_owner_copy(const SessIssue *a){
  return a->az[IS_C_TYPE] && strcmp(a->az[IS_C_TYPE], "AWSAccount")==0;
}

/* The issuing record of key k: the earliest issuance, and of its copies (the caller's and
** the role owner's, which share a sharedEventID) the caller's. *piOther: another issuance
** (a different event that issued the same key), or -1. Returns -1 when none. */
static int pick_issue(const Sessions *p, const SessKey *k, int *piOther, int *piTwin){
  int i, iBest = -1, iPick;
  *piOther = -1;
  *piTwin = -1;
  for(i=k->iIss; i>=0; i=p->aIss[i].iNext){
    if( iBest<0 || iss_before(&p->aIss[i], &p->aIss[iBest])
     || (!iss_before(&p->aIss[iBest], &p->aIss[i]) && is_owner_copy(&p->aIss[iBest])
         && !is_owner_copy(&p->aIss[i])) ){
      iBest = i;
    }
  }
  if( iBest<0 ) return -1;
  iPick = iBest;
  for(i=k->iIss; i>=0; i=p->aIss[i].iNext){
    const char *zA = p->aIss[i].az[IS_SHARED], *zB = p->aIss[iBest].az[IS_SHARED];
    if( i==iBest ) continue;
    if( zA && zB && strcmp(zA, zB)==0 ){
      if( is_owner_copy(&p->aIss[iPick]) && !is_owner_copy(&p->aIss[i]) ) iPick = i;
    }else if( *piOther<0 || iss_before(&p->aIss[i], &p->aIss[*piOther]) ){
      *piOther = i;
    }
  }
  /* the other copy of the issuance picked, for the evidence */
  for(i=k->iIss; i>=0; i=p->aIss[i].iNext){
    const char *zA = p->aIss[i].az[IS_SHARED], *zB = p->aIss[iPick].az[IS_SHARED];
    if( i!=iPick && zA && zB && strcmp(zA, zB)==0 && *piTwin<0 ) *piTwin = i;
  }
  return iPick;
}

/* The latest successful ConsoleLogin of the key's principal at or before its first use,
** within SESS_CONSOLE_WINDOW; -1 when none. */
static int pick_login(const Sessions *p, const SessKey *k){
  int i, iBest = -1;
  if( !k->bTime || k->az[KU_ARN]==0 ) return -1;
  for(i=0; i<p->nLog; i++){
    const SessLogin *g = &p->aLog[i];
    if( !g->bTime || g->az[LG_ARN]==0 || strcmp(g->az[LG_ARN], k->az[KU_ARN])!=0 ) continue;
    if( g->t>k->tFirst || k->tFirst-g->t>SESS_CONSOLE_WINDOW ) continue;
    if( iBest<0 || g->t>p->aLog[iBest].t ) iBest = i;
  }
  return iBest;
}

static int is_type(const char *z, const char *zType){
  return z && strcmp(z, zType)==0;
}

/* The account of an ARN (its fifth field), as a new string, or NULL when it has none (or
** out of memory: then *pRc is SQLITE_NOMEM, never a silently absent value). */
static char *arn_account(const char *zArn, int *pRc){
  const char *z = zArn;
  char *zOut;
  int i;
  if( zArn==0 || strncmp(zArn, "arn:", 4)!=0 ) return 0;
  for(i=0; i<4; i++){
    z = strchr(z, ':');
    if( z==0 ) return 0;
    z++;
  }
  if( *z==0 || *z==':' ) return 0;
  zOut = sqlite3_mprintf("%.*s", (int)(strcspn(z, ":")), z);
  if( zOut==0 ) *pRc = SQLITE_NOMEM;
  return zOut;
}

/* The session name of an assumed-role ARN (.../assumed-role/ROLE/SESSION), or NULL (as
** arn_account for memory). */
static char *arn_session(const char *zArn, int *pRc){
  const char *z = zArn ? strstr(zArn, ":assumed-role/") : 0;
  char *zOut;
  if( z==0 ) return 0;
  z = strchr(z+14, '/');
  if( z==0 || z[1]==0 ) return 0;
  zOut = sqlite3_mprintf("%s", z+1);
  if( zOut==0 ) *pRc = SQLITE_NOMEM;
  return zOut;
}

static char *dup_or_null(const char *z, int *pRc){
  char *zOut;
  if( z==0 ) return 0;
  zOut = sqlite3_mprintf("%s", z);
  if( zOut==0 ) *pRc = SQLITE_NOMEM;
  return zOut;
}

/* Build the row of key iK. */
static int resolve_key(Sessions *p, int iK, SessRow *pRow){
  const SessKey *k0 = &p->aKey[iK];
  sqlite3_str *pStr = sqlite3_str_new(0);
  int aSeen[SESS_MAX_HOPS+1], nSeen = 0, nHop = 0, nJson = 0, rc = SQLITE_OK, i;
  int bInferred = 0, bUnknown = 0, iCur = iK, iOwn = -1, iOwnCaller = -1;
  const char *zOrigin = 0, *zOriginType = 0, *zChainSrcId = 0;
  char **az = pRow->azCol;
  memset(pRow, 0, sizeof(*pRow));
  pRow->eAfter = -1;
  sqlite3_str_appendchar(pStr, 1, '[');
  for(;;){
    const SessKey *k = &p->aKey[iCur];
    const SessIssue *a, *c;
    int iIss, iOther, iTwin, bStop = 0;
    Hop h;
    const char *zCType, *zCArn, *zCKey, *zCOnBehalf, *zCInvoked, *zSubject, *zProvider;
    memset(&h, 0, sizeof(h));
    h.zKey = k->zKey;
    for(i=0; i<nSeen && aSeen[i]!=iCur; i++){}
    if( i<nSeen || nSeen>SESS_MAX_HOPS-1 ){
      h.zLink = "unknown";
      h.zEvidence = i<nSeen ? sqlite3_mprintf("a cycle: %s is already in this chain", k->zKey)
                            : sqlite3_mprintf("more than %d hops", SESS_MAX_HOPS);
      hop_json(pStr, nJson++==0, &h, &rc);
      sqlite3_free(h.zEvidence);
      bUnknown = 1;
      break;
    }
    aSeen[nSeen++] = iCur;
    iIss = pick_issue(p, k, &iOther, &iTwin);
    if( iCur==iK ) iOwn = iIss;
    if( iIss<0 ){
      int iLog;
      if( nSeen==1 && strncmp(k->zKey, "ASIA", 4)!=0
       && (is_type(k->az[KU_TYPE], "IAMUser") || is_type(k->az[KU_TYPE], "Root")) ){
        /* a long-term key its user signs with, not issued in these logs: its user (a
        ** temporary key of an IAM user, from GetSessionToken or the console, is followed) */
        zOrigin = k->az[KU_ARN];
        zOriginType = k->az[KU_TYPE];
        break;
      }
      if( nSeen==1 && k->az[KU_ONBEHALF] ){
        /* its own use names the Identity Center user behind it (AWS's field, not a guess) */
        zOrigin = k->az[KU_ONBEHALF];
        zOriginType = "IdentityCenterUser";
        break;
      }
      iLog = k->bConsole ? pick_login(p, k) : -1;
      if( iLog>=0 ){
        const SessLogin *g = &p->aLog[iLog];
        h.zEvent = "ConsoleLogin";
        h.zEventId = g->az[LG_EVENT_ID];
        h.zTime = g->az[LG_TIME];
        h.zCallerArn = g->az[LG_ARN];
        h.zCallerType = g->az[LG_TYPE];
        h.zAccount = g->az[LG_ACCOUNT];
        h.zLink = "inferred";
        h.zEvidence = sqlite3_mprintf("sessionCredentialFromConsole on its use, no issuing event; "
            "ConsoleLogin event %s of the same arn, %lld s before first use",
            g->az[LG_EVENT_ID] ? g->az[LG_EVENT_ID] : "(no eventID)", k->tFirst - g->t);
        hop_json(pStr, nJson++==0, &h, &rc);
        sqlite3_free(h.zEvidence);
        nHop++;
        bInferred = 1;
        if( g->az[LG_ONBEHALF] ){
          zOrigin = g->az[LG_ONBEHALF]; zOriginType = "IdentityCenterUser";
        }else if( is_type(g->az[LG_TYPE], "IAMUser") || is_type(g->az[LG_TYPE], "Root") ){
          zOrigin = g->az[LG_ARN]; zOriginType = g->az[LG_TYPE];
        }else{
          Hop u;
          memset(&u, 0, sizeof(u));
          u.zAccount = g->az[LG_ACCOUNT];
          u.zLink = "unknown";
          u.zEvidence = sqlite3_mprintf("the sign-in's identity (%s) is not followed further",
                                        g->az[LG_TYPE] ? g->az[LG_TYPE] : "no type");
          hop_json(pStr, nJson++==0, &u, &rc);
          sqlite3_free(u.zEvidence);
          bUnknown = 1;
        }
        break;
      }
      h.zAccount = k->az[KU_ACCOUNT];
      h.zLink = "unknown";
      h.zEvidence = sqlite3_mprintf("no issuing event for this key in the logs");
      hop_json(pStr, nJson++==0, &h, &rc);
      sqlite3_free(h.zEvidence);
      bUnknown = 1;
      break;
    }
    a = &p->aIss[iIss];
    c = a;                                      /* where the caller is read */
    h.zEvent = a->az[IS_EVENT];
    h.zEventId = a->az[IS_EVENT_ID];
    h.zTime = a->az[IS_TIME];
    h.zRoleArn = a->az[IS_ROLE_ARN];
    h.zSession = a->az[IS_SESSION_NAME];
    h.zLink = "exact";
    h.zEvidence = sqlite3_mprintf("responseElements.%s of event %s",
        is_type(a->az[IS_EVENT], "CreateAccessKey") ? "accessKey.accessKeyId" : "credentials.accessKeyId",
        a->az[IS_EVENT_ID] ? a->az[IS_EVENT_ID] : "(no eventID)");
    if( is_owner_copy(a) ){
      int j = a->az[IS_SHARED] ? map_get(&p->shared, a->az[IS_SHARED]) : -1;
      if( j>=0 ){
        c = &p->aIss[j];
        h.zEvidence = sqlite3_mprintf("%z (the role owner's copy in %s); sharedEventID %s "
            "(the caller's copy %s in %s)", h.zEvidence,
            a->az[IS_RECIPIENT] ? a->az[IS_RECIPIENT] : "?", a->az[IS_SHARED],
            c->az[IS_EVENT_ID] ? c->az[IS_EVENT_ID] : "(no eventID)",
            c->az[IS_C_ACCOUNT] ? c->az[IS_C_ACCOUNT] : c->az[IS_RECIPIENT] ? c->az[IS_RECIPIENT] : "?");
      }
    }
    if( iTwin>=0 && !is_owner_copy(a) && is_owner_copy(&p->aIss[iTwin]) && h.zEvidence ){
      const SessIssue *w = &p->aIss[iTwin];
      h.zEvidence = sqlite3_mprintf("%z (the caller's copy; the role owner's copy %s in %s "
          "shares sharedEventID %s)", h.zEvidence,
          w->az[IS_EVENT_ID] ? w->az[IS_EVENT_ID] : "(no eventID)",
          w->az[IS_RECIPIENT] ? w->az[IS_RECIPIENT] : "?", w->az[IS_SHARED]);
    }
    if( iOther>=0 && h.zEvidence ){
      h.zEvidence = sqlite3_mprintf("%z; issued twice (also event %s): the earliest is used",
          h.zEvidence, p->aIss[iOther].az[IS_EVENT_ID] ? p->aIss[iOther].az[IS_EVENT_ID] : "(no eventID)");
    }
    if( iCur==iK ) iOwnCaller = (int)(c - p->aIss);
    zCType = c->az[IS_C_TYPE];
    zCArn = c->az[IS_C_ARN];
    zCKey = c->az[IS_C_KEY];
    zCOnBehalf = c->az[IS_C_ONBEHALF];
    zCInvoked = c->az[IS_C_INVOKEDBY];
    h.zCallerArn = zCArn;
    h.zCallerType = zCType;
    h.zAccount = c->az[IS_C_ACCOUNT] ? c->az[IS_C_ACCOUNT] : c->az[IS_RECIPIENT];
    h.zSrcId = a->az[IS_REQ_SRCID] ? a->az[IS_REQ_SRCID] : c->az[IS_C_SRCID];
    zSubject = a->az[IS_FED_SUBJECT] ? a->az[IS_FED_SUBJECT]
             : c->az[IS_C_USERNAME] ? c->az[IS_C_USERNAME] : c->az[IS_C_PRINCIPAL];
    zProvider = a->az[IS_FED_PROVIDER] ? a->az[IS_FED_PROVIDER] : c->az[IS_C_PROVIDER];
    if( is_type(zCType, "SAMLUser") || is_type(zCType, "WebIdentityUser") ) h.zProvider = zProvider;
    if( h.zEvidence==0 ){ rc = SQLITE_NOMEM; break; }
    hop_json(pStr, nJson++==0, &h, &rc);
    sqlite3_free(h.zEvidence);
    nHop++;
    if( zChainSrcId==0 ) zChainSrcId = h.zSrcId;
    if( is_type(a->az[IS_EVENT], "CreateAccessKey") ){
      /* the key's owner is the origin, not the one who created it */
      zOrigin = is_type(k->az[KU_TYPE], "IAMUser") && k->az[KU_ARN] ? k->az[KU_ARN] : a->az[IS_OWNER];
      zOriginType = "IAMUser";
      break;
    }
    if( c==a && is_owner_copy(a) ){
      Hop u;
      memset(&u, 0, sizeof(u));
      u.zAccount = a->az[IS_C_ACCOUNT];
      u.zLink = "unknown";
      u.zEvidence = sqlite3_mprintf("the caller's copy (sharedEventID %s) is not in the logs; "
          "the role owner's copy names the calling account %s",
          a->az[IS_SHARED] ? a->az[IS_SHARED] : "(none)", a->az[IS_C_ACCOUNT] ? a->az[IS_C_ACCOUNT] : "(none)");
      hop_json(pStr, nJson++==0, &u, &rc);
      sqlite3_free(u.zEvidence);
      bUnknown = 1;
      break;
    }
    if( zCOnBehalf ){
      zOrigin = zCOnBehalf; zOriginType = "IdentityCenterUser"; bStop = 1;
    }else if( is_type(zCType, "IAMUser") || is_type(zCType, "Root") ){
      zOrigin = zCArn; zOriginType = zCType; bStop = 1;
    }else if( is_type(zCType, "SAMLUser") || is_type(zCType, "WebIdentityUser") ){
      zOrigin = zSubject; zOriginType = zCType; bStop = 1;
    }else if( is_type(zCType, "AWSService") ){
      zOrigin = zCInvoked; zOriginType = "AWSService"; bStop = 1;
    }
    if( bStop ) break;
    if( zCKey==0 || (i = map_get(&p->keys, zCKey))<0 ){
      Hop u;
      memset(&u, 0, sizeof(u));
      u.zAccount = h.zAccount;
      u.zLink = "unknown";
      u.zEvidence = sqlite3_mprintf("the caller (%s) signed with no access key id",
                                    zCType ? zCType : "no type");
      hop_json(pStr, nJson++==0, &u, &rc);
      sqlite3_free(u.zEvidence);
      bUnknown = 1;
      break;
    }
    iCur = i;
  }
  sqlite3_str_appendchar(pStr, 1, ']');
  az[SESS_COL_CHAIN] = sqlite3_str_finish(pStr);
  if( az[SESS_COL_CHAIN]==0 ) rc = SQLITE_NOMEM;
  if( rc ) return rc;

  /* the credential itself */
  k0 = &p->aKey[iK];
  az[SESS_COL_ACCESS_KEY_ID] = dup_or_null(k0->zKey, &rc);
  if( strncmp(k0->zKey, "ASIA", 4)==0 ) az[SESS_COL_KEY_TYPE] = dup_or_null("temporary", &rc);
  else if( strncmp(k0->zKey, "AKIA", 4)==0 ) az[SESS_COL_KEY_TYPE] = dup_or_null("long-term", &rc);
  az[SESS_COL_PRINCIPAL_TYPE] = dup_or_null(k0->az[KU_TYPE], &rc);
  az[SESS_COL_ON_BEHALF_OF] = dup_or_null(k0->az[KU_ONBEHALF], &rc);
  az[SESS_COL_FIRST_USED] = dup_or_null(k0->az[KU_FIRST], &rc);
  az[SESS_COL_LAST_USED] = dup_or_null(k0->az[KU_LAST], &rc);
  pRow->nEvent = k0->nEvent;
  pRow->nIp = k0->nIp;
  {
    /* the listed addresses in order of first use */
    int aOrd[SESS_MAX_IP], n = k0->nIp<SESS_MAX_IP ? (int)k0->nIp : SESS_MAX_IP, j;
    sqlite3_str *pIps = sqlite3_str_new(0);
    for(i=0; i<n; i++){
      for(j=i; j>0 && k0->aIpT[aOrd[j-1]]>k0->aIpT[i]; j--) aOrd[j] = aOrd[j-1];
      aOrd[j] = i;
    }
    sqlite3_str_appendchar(pIps, 1, '[');
    for(i=0; i<n; i++){
      if( i ) sqlite3_str_appendchar(pIps, 1, ',');
      jstr(pIps, k0->azIp[aOrd[i]]);
    }
    sqlite3_str_appendchar(pIps, 1, ']');
    az[SESS_COL_SOURCE_IPS] = sqlite3_str_finish(pIps);
    if( az[SESS_COL_SOURCE_IPS]==0 ) rc = SQLITE_NOMEM;
  }
  /* what its own issuing event says */
  if( iOwn>=0 ){
    const SessIssue *a = &p->aIss[iOwn];
    const SessIssue *c = iOwnCaller>=0 ? &p->aIss[iOwnCaller] : a;
    long long tExp;
    az[SESS_COL_ISSUED_BY] = dup_or_null(a->az[IS_EVENT], &rc);
    az[SESS_COL_ISSUED_EVENT_ID] = dup_or_null(a->az[IS_EVENT_ID], &rc);
    az[SESS_COL_ISSUED_TIME] = dup_or_null(a->az[IS_TIME], &rc);
    az[SESS_COL_ISSUER_ARN] = dup_or_null(c->az[IS_C_ARN], &rc);
    az[SESS_COL_PARENT_KEY] = dup_or_null(c->az[IS_C_KEY], &rc);
    az[SESS_COL_ROLE_ARN] = dup_or_null(a->az[IS_ROLE_ARN], &rc);
    az[SESS_COL_SESSION_NAME] = dup_or_null(a->az[IS_SESSION_NAME], &rc);
    if( is_type(a->az[IS_EVENT], "AssumeRoleWithSAML") || is_type(a->az[IS_EVENT], "AssumeRoleWithWebIdentity") ){
      az[SESS_COL_FED_SUBJECT] = dup_or_null(a->az[IS_FED_SUBJECT], &rc);
      az[SESS_COL_FED_PROVIDER] = dup_or_null(a->az[IS_FED_PROVIDER], &rc);
    }
    if( a->az[IS_EXPIRATION] && sessions_parse_expiration(a->az[IS_EXPIRATION], &tExp) ){
      char zT[32];
      time_text(tExp, zT);
      az[SESS_COL_EXPIRES] = dup_or_null(zT, &rc);
      pRow->eAfter = k0->bTime && k0->tLast>tExp;
    }
    az[SESS_COL_PRINCIPAL_ARN] = dup_or_null(k0->az[KU_ARN] ? k0->az[KU_ARN] : a->az[IS_PRINCIPAL_ARN], &rc);
    az[SESS_COL_ACCOUNT_ID] = k0->az[KU_ACCOUNT] ? dup_or_null(k0->az[KU_ACCOUNT], &rc)
                            : arn_account(a->az[IS_PRINCIPAL_ARN], &rc);
    if( az[SESS_COL_ACCOUNT_ID]==0 ) az[SESS_COL_ACCOUNT_ID] = dup_or_null(a->az[IS_RECIPIENT], &rc);
  }else{
    az[SESS_COL_PRINCIPAL_ARN] = dup_or_null(k0->az[KU_ARN], &rc);
    az[SESS_COL_ACCOUNT_ID] = dup_or_null(k0->az[KU_ACCOUNT], &rc);
  }
  if( az[SESS_COL_ROLE_ARN]==0 && is_type(k0->az[KU_TYPE], "AssumedRole") ){
    az[SESS_COL_ROLE_ARN] = dup_or_null(k0->az[KU_ISSUER_ARN], &rc);
  }
  if( az[SESS_COL_SESSION_NAME]==0 ) az[SESS_COL_SESSION_NAME] = arn_session(k0->az[KU_ARN], &rc);
  /* sourceIdentity: the credential's own, else the nearest one up the chain */
  {
    const char *zSrc = k0->az[KU_SRCID];
    if( zSrc==0 && iOwn>=0 ) zSrc = p->aIss[iOwn].az[IS_REQ_SRCID];
    if( zSrc==0 ) zSrc = zChainSrcId;
    az[SESS_COL_SOURCE_IDENTITY] = dup_or_null(zSrc, &rc);
  }
  az[SESS_COL_ORIGIN_ARN] = dup_or_null(bUnknown ? 0 : zOrigin, &rc);
  az[SESS_COL_ORIGIN_TYPE] = dup_or_null(bUnknown ? "unknown" : zOriginType, &rc);
  az[SESS_COL_LINK] = dup_or_null(bUnknown ? "unknown" : bInferred ? "inferred" : "exact", &rc);
  pRow->nHop = nHop;
  return rc;
}

/* Keys in order of their id: (name, index) pairs. */
typedef struct KeyOrd { const char *z; int i; } KeyOrd;
static int cmp_key(const void *pa, const void *pb){
  return strcmp(((const KeyOrd*)pa)->z, ((const KeyOrd*)pb)->z);
}

/* One row per key (ordered by access key id); with since/until only the keys issued or
** used within them. */
int sessions_resolve(Sessions *p, SessRow **paRow, int *pnRow){
  KeyOrd *aOrd;
  int i, n = 0, rc = SQLITE_OK;
  SessRow *aRow;
  *paRow = 0;
  *pnRow = 0;
  if( p->nKey==0 ) return SQLITE_OK;
  aOrd = sqlite3_malloc64(sizeof(KeyOrd)*p->nKey);
  aRow = sqlite3_malloc64(sizeof(SessRow)*p->nKey);
  if( aOrd==0 || aRow==0 ){
    sqlite3_free(aOrd);
    sqlite3_free(aRow);
    return SQLITE_NOMEM;
  }
  for(i=0; i<p->nKey; i++){ aOrd[i].z = p->aKey[i].zKey; aOrd[i].i = i; }
  qsort(aOrd, p->nKey, sizeof(KeyOrd), cmp_key);
  for(i=0; i<p->nKey && rc==SQLITE_OK; i++){
    const SessKey *k = &p->aKey[aOrd[i].i];
    int bList = (!p->bSince && !p->bUntil) || k->bInRange;
    if( !bList ){
      /* not used within the bounds: listed when issued within them */
      int iOther, iTwin, j = pick_issue(p, k, &iOther, &iTwin);
      const SessIssue *a = j>=0 ? &p->aIss[j] : 0;
      bList = a && a->bTime && (!p->bSince || a->t>=p->iSince) && (!p->bUntil || a->t<=p->iUntil);
    }
    if( !bList ) continue;
    rc = resolve_key(p, aOrd[i].i, &aRow[n]);
    n++;
  }
  sqlite3_free(aOrd);
  *paRow = aRow;
  *pnRow = n;
  return rc;
}

void sessions_rows_free(SessRow *aRow, int nRow){
  int i, j;
  for(i=0; i<nRow; i++){
    for(j=0; j<SESS_NCOL; j++) sqlite3_free(aRow[i].azCol[j]);
  }
  sqlite3_free(aRow);
}

void sessions_clear(Sessions *p){
  int i, j;
  for(i=0; i<p->nKey; i++){
    SessKey *k = &p->aKey[i];
    sqlite3_free(k->zKey);
    for(j=0; j<KU_N; j++) sqlite3_free(k->az[j]);
    for(j=0; j<k->nIp && j<SESS_MAX_IP; j++) sqlite3_free(k->azIp[j]);
  }
  for(i=0; i<p->nIss; i++){
    for(j=0; j<IS_N; j++) sqlite3_free(p->aIss[i].az[j]);
  }
  for(i=0; i<p->nLog; i++){
    for(j=0; j<LG_N; j++) sqlite3_free(p->aLog[i].az[j]);
  }
  for(i=0; i<p->nOwned; i++) sqlite3_free(p->azOwned[i]);
  sqlite3_free(p->azOwned);
  sqlite3_free(p->aOwnedT);
  sqlite3_free(p->aKey);
  sqlite3_free(p->aIss);
  sqlite3_free(p->aLog);
  map_free(&p->keys);
  map_free(&p->shared);
  map_free(&p->ips);
  copyset_clear(&p->seen);
  json_buf_free(&p->buf);
  memset(p, 0, sizeof(*p));
}
