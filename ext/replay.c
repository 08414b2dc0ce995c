/*
** replay.c: `threshold` and `new_terms` rules offline, over the events their query
** matched (README, "Rule types offline", is the definition; this file implements it).
**
** threshold: the events of a rule are put in groups (one per combination of values of the
** threshold fields; none when a field is missing), and the rule's schedule is replayed over
** event time: a run at every multiple of `interval` since the Unix epoch, run T counting
** the group's events in [T - lookback, T] that are newer than the group's last alert (the
** newest event that alert counted: Elastic's threshold signal history). A run alerts for a
** group when the count reaches threshold.value (and the distinct values of the cardinality
** field reach its value). The count of a group can only reach the value at a run that has
** a new event of the group in it (between two such runs the window only loses events), so
** only the first run at or after each event's time is evaluated: exact, and linear in the
** number of events but for the cardinality's sort.
**
** new_terms: an event alerts when one of its combinations of values of the new_terms fields
** has no earlier event (by time, then event id) within the history window before it.
**
** Both order a rule's events by (time, event id, alert id); an event without a time cannot
** be placed and is never a candidate (detect_vtab.c drops it).
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include "ecs.h"
#include "record.h"
#include "replay.h"
#include "sha256.h"

/* Event times stay within years 0..9999; a bound far outside is clamped to this. */
#define REPLAY_FAR 100000000000000LL

void alert_free(Alert *a){
  sqlite3_free(a->pIdx);                     /* zRecord's allocation */
  sqlite3_free(a->zEventId);
  sqlite3_free(a->zKeys);
  sqlite3_free(a->aCard);
  sqlite3_free(a->zTerms);
  sqlite3_free(a->zNewTerms);
  memset(a, 0, sizeof(*a));
}

int alert_set_record(Alert *a, const char *z, size_t n, const FieldIndex *pIdx){
  a->pIdx = sqlite3_malloc64(sizeof(FieldIndex) + n + 1);
  if( a->pIdx==0 ) return SQLITE_NOMEM;
  *a->pIdx = *pIdx;
  a->zRecord = (char*)&a->pIdx[1];
  memcpy(a->zRecord, z, n);
  a->zRecord[n] = 0;
  a->nRecord = n;
  return SQLITE_OK;
}

int alert_cmp(const Alert *a, const Alert *b){
  int r;
  if( a->bEpoch!=b->bEpoch ) return a->bEpoch ? 1 : -1;
  if( a->iEpoch!=b->iEpoch ) return a->iEpoch<b->iEpoch ? -1 : 1;
  if( (a->zEventId==0)!=(b->zEventId==0) ) return a->zEventId==0 ? -1 : 1;
  if( a->zEventId ){
    r = memcmp(a->zEventId, b->zEventId, a->nEventId<b->nEventId ? a->nEventId : b->nEventId);
    if( r ) return r;
    if( a->nEventId!=b->nEventId ) return a->nEventId<b->nEventId ? -1 : 1;
  }
  return strcmp(a->zAlertId, b->zAlertId);
}

static sqlite3_int64 clamp(sqlite3_int64 t){
  return t<-REPLAY_FAR ? -REPLAY_FAR : t>REPLAY_FAR ? REPLAY_FAR : t;
}

sqlite3_int64 replay_since(const Rule *r, sqlite3_int64 iSince){
  if( r->eKind==RULE_THRESHOLD ) return clamp(iSince) - r->iLookback;
  if( r->eKind==RULE_NEW_TERMS ) return clamp(iSince) - r->iHistory;
  return iSince;
}

void replay_time_text(sqlite3_int64 t, char *zOut){
  /* days to civil date (proleptic Gregorian), so any 64-bit time_t question is avoided */
  sqlite3_int64 d = t/86400, s = t%86400, y, era, doe, yoe, doy, mp, m, dd;
  if( s<0 ){ s += 86400; d--; }
  d += 719468;
  era = (d>=0 ? d : d-146096) / 146097;
  doe = d - era*146097;
  yoe = (doe - doe/1460 + doe/36524 - doe/146096) / 365;
  y = yoe + era*400;
  doy = doe - (365*yoe + yoe/4 - yoe/100);
  mp = (5*doy + 2)/153;
  dd = doy - (153*mp + 2)/5 + 1;
  m = mp<10 ? mp+3 : mp-9;
  if( m<=2 ) y++;
  sqlite3_snprintf(32, zOut, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ",
                   y, m, dd, s/3600, (s/60)%60, s%60);
}

/* ---- the values of one event --------------------------------------------------------- */

/* One candidate event of the rule being replayed. */
typedef struct Ev {
  Alert *a;
  int iRule;                     /* a's, and its time: the sort reads them here */
  sqlite3_int64 t;
  int iBest;                     /* new_terms: the first new combination's place, or -1 */
  char *zBest;                   /* ... and its JSON */
} Ev;

/* One group (threshold) or combination (new_terms) of one event. */
typedef struct Key {
  unsigned long long h;          /* replay_hash(zKey): equal keys, equal hashes */
  const char *zKey;              /* JSON: no NUL inside (control bytes are escaped); in the
                                 ** event's zKeys */
  int iEv;                       /* the event, in the rule's event order */
  int iOrder;                    /* the combination's place among the event's own */
} Key;

typedef struct Keys {
  Key *a;
  int n, nAlloc;
} Keys;

/* A JSON string of the n bytes at z (as ecs_field() writes one). */
static void json_str(sqlite3_str *s, const char *z, size_t n){
  size_t i;
  sqlite3_str_appendchar(s, 1, '"');
  for(i=0; i<n; i++){
    unsigned char c = (unsigned char)z[i];
    if( c=='"' || c=='\\' ){ sqlite3_str_appendchar(s, 1, '\\'); sqlite3_str_appendchar(s, 1, (char)c); }
    else if( c<0x20 ) sqlite3_str_appendf(s, "\\u%04x", c);
    else sqlite3_str_appendchar(s, 1, (char)c);
  }
  sqlite3_str_appendchar(s, 1, '"');
}

/* A field's value as a JSON string: an ip field's value in the form Elasticsearch gives
** its terms (an IPv4 address, also one mapped into IPv6, as a.b.c.d; IPv6 as RFC 5952
** writes it, 2001:db8::1), so that two spellings of one address are one term. */
static void json_value(sqlite3_str *s, const RuleField *f, const EcsValue *v){
  char zB[64], zOut[64];
  unsigned char a[16];
  if( f->eType==ECS_IP && v->n<sizeof(zB) ){
    memcpy(zB, v->z, v->n);
    zB[v->n] = 0;
    if( inet_pton(AF_INET, zB, a)==1 ){
      if( inet_ntop(AF_INET, a, zOut, sizeof(zOut)) ){ json_str(s, zOut, strlen(zOut)); return; }
    }else if( inet_pton(AF_INET6, zB, a)==1 ){
      static const unsigned char aMapped[12] = {0,0,0,0,0,0,0,0,0,0,0xff,0xff};
      int bV4 = memcmp(a, aMapped, 12)==0;
      if( inet_ntop(bV4 ? AF_INET : AF_INET6, bV4 ? a+12 : a, zOut, sizeof(zOut)) ){
        json_str(s, zOut, strlen(zOut));
        return;
      }
    }
  }
  json_str(s, v->z, v->n);
}

static int keys_add(Keys *p, const char *zKey, int iEv, int iOrder){
  if( p->n>=p->nAlloc ){
    int nNew = p->nAlloc ? p->nAlloc*2 : 64;
    Key *aNew = sqlite3_realloc64(p->a, sizeof(Key)*nNew);
    if( aNew==0 ) return SQLITE_NOMEM;
    p->a = aNew;
    p->nAlloc = nNew;
  }
  p->a[p->n].h = replay_hash(zKey, strlen(zKey));
  p->a[p->n].zKey = zKey;
  p->a[p->n].iEv = iEv;
  p->a[p->n].iOrder = iOrder;
  p->n++;
  return SQLITE_OK;
}

int replay_event_keys(const Rule *m, Record *rec, Alert *a){
  const EcsValue *aVal[RULES_MAX_FIELDS];
  int anVal[RULES_MAX_FIELDS], aiPos[RULES_MAX_FIELDS], i, n = 0, rc;
  sqlite3_str *s;
  if( m->nField>RULES_MAX_FIELDS ) return SQLITE_ERROR;   /* rules.c never loads more */
  if( m->pCard ){
    const EcsValue *aC;
    int nC;
    size_t nByte = 0;
    char *z;
    rc = ecs_values(rec, m->pCard->iField, m->pCard->zSub, &aC, &nC);
    if( rc ) return rc;
    for(i=0; i<nC; i++) nByte += aC[i].n;
    if( nC>0 ){
      a->aCard = sqlite3_malloc64(sizeof(EcsValue)*nC + nByte + 1);
      if( a->aCard==0 ) return SQLITE_NOMEM;
      z = (char*)&a->aCard[nC];
      for(i=0; i<nC; i++){
        memcpy(z, aC[i].z, aC[i].n);
        a->aCard[i].z = z;
        a->aCard[i].n = aC[i].n;
        z += aC[i].n;
      }
      a->nCard = nC;
    }
  }
  for(i=0; i<m->nField; i++){
    rc = ecs_values(rec, m->aField[i].iField, m->aField[i].zSub, &aVal[i], &anVal[i]);
    if( rc ) return rc;
    if( anVal[i]==0 ) return SQLITE_OK;        /* a missing field: in no group */
    aiPos[i] = 0;
  }
  s = sqlite3_str_new(0);
  for(;;){
    sqlite3_str_appendchar(s, 1, '[');
    for(i=0; i<m->nField; i++){
      const EcsValue *v = &aVal[i][aiPos[i]];
      if( i ) sqlite3_str_appendchar(s, 1, ',');
      if( m->eKind==RULE_THRESHOLD ){
        sqlite3_str_appendall(s, "{\"field\":");
        json_str(s, m->aField[i].zName, strlen(m->aField[i].zName));
        sqlite3_str_appendall(s, ",\"value\":");
        json_value(s, &m->aField[i], v);
        sqlite3_str_appendchar(s, 1, '}');
      }else{
        json_value(s, &m->aField[i], v);
      }
    }
    sqlite3_str_appendall(s, "]");
    sqlite3_str_appendchar(s, 1, 0);          /* the key's end: JSON holds no NUL */
    n++;
    /* the next combination: the last field's values turn fastest */
    for(i=m->nField-1; i>=0; i--){
      if( ++aiPos[i]<anVal[i] ) break;
      aiPos[i] = 0;
    }
    if( i<0 ) break;
  }
  if( sqlite3_str_errcode(s) ){ sqlite3_free(sqlite3_str_finish(s)); return SQLITE_NOMEM; }
  a->zKeys = sqlite3_str_finish(s);
  if( a->zKeys==0 ) return SQLITE_NOMEM;
  a->nKeys = n;
  return SQLITE_OK;
}

/* ---- what the scan has seen (new_terms) ---------------------------------------------- */

/* One event of a combination: its time and event id (in zBuf when it fits, else owned). */
typedef struct SeenEv {
  sqlite3_int64 t;
  char *zEventId;
  size_t nEventId;
  char zBuf[40];                 /* (an eventID is a 36-character UUID) */
} SeenEv;

typedef struct Seen {
  int iRule;                     /* -1: an empty slot */
  unsigned h;
  char *zKey;                    /* the combination (owned) */
  SeenEv aEv[2];                 /* its oldest and its newest event so far */
} Seen;

struct ReplaySeen {
  Seen *a;
  unsigned nSlot, nUsed;         /* nSlot: a power of two */
};

static unsigned seen_hash(int iRule, const char *z){
  unsigned h = 2166136261u ^ (unsigned)iRule;
  while( *z ){ h ^= (unsigned char)*z++; h *= 16777619u; }
  return h;
}

/* The slot of (iRule, zKey): its own, or the empty one where it would go. */
static Seen *seen_slot(ReplaySeen *p, int iRule, const char *zKey, unsigned h){
  unsigned i = h & (p->nSlot-1);
  for(;;){
    Seen *e = &p->a[i];
    if( e->iRule<0 ) return e;
    if( e->h==h && e->iRule==iRule && strcmp(e->zKey, zKey)==0 ) return e;
    i = (i+1) & (p->nSlot-1);
  }
}

static int seen_grow(ReplaySeen *p){
  unsigned nNew = p->nSlot ? p->nSlot*2 : 1024, i;
  Seen *aOld = p->a, *aNew = sqlite3_malloc64(sizeof(Seen)*nNew);
  unsigned nOld = p->nSlot;
  int k;
  if( aNew==0 ) return SQLITE_NOMEM;
  for(i=0; i<nNew; i++) aNew[i].iRule = -1;
  p->a = aNew;
  p->nSlot = nNew;
  for(i=0; i<nOld; i++){
    if( aOld[i].iRule>=0 ){
      Seen *e = seen_slot(p, aOld[i].iRule, aOld[i].zKey, aOld[i].h);
      *e = aOld[i];
      for(k=0; k<2; k++){
        if( aOld[i].aEv[k].zEventId==aOld[i].aEv[k].zBuf ) e->aEv[k].zEventId = e->aEv[k].zBuf;
      }
    }
  }
  sqlite3_free(aOld);
  return SQLITE_OK;
}

/* Is event x before alert a's event in a rule's event order (time, then event id)? */
static int seen_before(const SeenEv *x, const Alert *a){
  int r;
  if( x->t!=a->iEpoch ) return x->t<a->iEpoch;
  r = memcmp(x->zEventId, a->zEventId, x->nEventId<a->nEventId ? x->nEventId : a->nEventId);
  if( r ) return r<0;
  return x->nEventId<a->nEventId;
}

/* Is alert a's event before event x? */
static int seen_after(const SeenEv *x, const Alert *a){
  int r;
  if( x->t!=a->iEpoch ) return x->t>a->iEpoch;
  r = memcmp(x->zEventId, a->zEventId, x->nEventId<a->nEventId ? x->nEventId : a->nEventId);
  if( r ) return r>0;
  return x->nEventId>a->nEventId;
}

static int seen_set(SeenEv *x, const Alert *a){
  if( x->zEventId!=x->zBuf ) sqlite3_free(x->zEventId);
  x->t = a->iEpoch;
  x->zEventId = a->nEventId<sizeof(x->zBuf) ? x->zBuf : sqlite3_malloc64(a->nEventId+1);
  if( x->zEventId==0 ){ x->zEventId = x->zBuf; x->nEventId = 0; return -1; }
  memcpy(x->zEventId, a->zEventId, a->nEventId+1);
  x->nEventId = a->nEventId;
  return 0;
}

int replay_seen(ReplaySeen **pp, int iRule, const Rule *m, const Alert *a){
  ReplaySeen *p = *pp;
  const char *zKey;
  int k, i, bOld = a->nKeys>0;
  if( p==0 ){
    p = *pp = sqlite3_malloc64(sizeof(*p));
    if( p==0 ) return -1;
    memset(p, 0, sizeof(*p));
  }
  for(k=0, zKey=a->zKeys; k<a->nKeys; k++, zKey+=strlen(zKey)+1){
    unsigned h = seen_hash(iRule, zKey);
    Seen *e;
    if( (p->nUsed+1)*2 > p->nSlot && seen_grow(p) ) return -1;
    e = seen_slot(p, iRule, zKey, h);
    if( e->iRule<0 ){
      bOld = 0;                                 /* the first of its combination so far */
      e->zKey = sqlite3_mprintf("%s", zKey);
      if( e->zKey==0 ) return -1;
      e->iRule = iRule;
      e->h = h;
      p->nUsed++;
      for(i=0; i<2; i++){
        e->aEv[i].zEventId = e->aEv[i].zBuf;
        if( seen_set(&e->aEv[i], a) ) return -1;
      }
      continue;
    }
    /* an earlier event (so of another id) at most the history window older: the oldest
    ** or the newest seen (records come roughly in time order, one log after another) */
    for(i=0; i<2; i++){
      if( seen_before(&e->aEv[i], a) && a->iEpoch - e->aEv[i].t<=m->iHistory ) break;
    }
    if( i==2 ) bOld = 0;
    if( seen_after(&e->aEv[0], a) && seen_set(&e->aEv[0], a) ) return -1;
    if( seen_before(&e->aEv[1], a) && seen_set(&e->aEv[1], a) ) return -1;
  }
  return bOld;
}

void replay_seen_free(ReplaySeen *p){
  unsigned i;
  int k;
  if( p==0 ) return;
  for(i=0; i<p->nSlot; i++){
    if( p->a[i].iRule>=0 ){
      sqlite3_free(p->a[i].zKey);
      for(k=0; k<2; k++){
        if( p->a[i].aEv[k].zEventId!=p->a[i].aEv[k].zBuf ) sqlite3_free(p->a[i].aEv[k].zEventId);
      }
    }
  }
  sqlite3_free(p->a);
  sqlite3_free(p);
}

unsigned long long replay_hash(const char *z, size_t n){
  unsigned long long h = 14695981039346656037ULL;     /* FNV-1a */
  size_t i;
  for(i=0; i<n; i++){ h ^= (unsigned char)z[i]; h *= 1099511628211ULL; }
  return h;
}

void replay_alert_id(const char *zRuleId, const char *zEventId, size_t nEventId,
                     const char *zRecord, size_t nRecord, char *zOut){
  Sha256 s;
  sha256_init(&s);
  sha256_update(&s, zRuleId, strlen(zRuleId));
  if( zEventId ){
    sha256_update(&s, ":event:", 7);
    sha256_update(&s, zEventId, nEventId);
  }else{
    sha256_update(&s, ":record:", 8);
    sha256_update(&s, zRecord, nRecord);
  }
  sha256_uuid(&s, zOut);
}

void replay_alert_ids(const RuleSet *pSet, Alert *aAlert, int nAlert){
  int i;
  for(i=0; i<nAlert; i++){
    Alert *a = &aAlert[i];
    if( a->zAlertId[0]==0 && a->zEventId ){
      replay_alert_id(pSet->a[a->iRule].zRuleId, a->zEventId, a->nEventId, 0, 0, a->zAlertId);
    }
  }
}

/* ---- sorting ------------------------------------------------------------------------- */

/* By rule, then in event order. */
static int cmpEv(const void *pa, const void *pb){
  const Ev *x = pa, *y = pb;
  if( x->iRule!=y->iRule ) return x->iRule<y->iRule ? -1 : 1;
  if( x->t!=y->t ) return x->t<y->t ? -1 : 1;       /* (every candidate has a time) */
  return alert_cmp(x->a, y->a);
}

/* Equal keys together (by hash first: only runs of equal keys matter, not their order),
** each run in event order. */
static int cmpKey(const void *pa, const void *pb){
  const Key *a = pa, *b = pb;
  int r;
  if( a->h!=b->h ) return a->h<b->h ? -1 : 1;
  r = strcmp(a->zKey, b->zKey);
  if( r ) return r;
  if( a->iEv!=b->iEv ) return a->iEv<b->iEv ? -1 : 1;
  return a->iOrder<b->iOrder ? -1 : a->iOrder>b->iOrder;
}

static int cmpVal(const void *pa, const void *pb){
  const EcsValue *a = pa, *b = pb;
  int r = memcmp(a->z, b->z, a->n<b->n ? a->n : b->n);
  if( r ) return r;
  return a->n<b->n ? -1 : a->n>b->n;
}

/* ---- the output array ---------------------------------------------------------------- */

typedef struct Out {
  Alert *a;
  int n, nAlloc;
} Out;

/* Room for one more alert at the end of p (not yet counted); 0 when out of memory. */
static Alert *out_slot(Out *p){
  if( p->n>=p->nAlloc ){
    int nNew = p->nAlloc ? p->nAlloc*2 : 16;
    Alert *aNew = sqlite3_realloc64(p->a, sizeof(Alert)*nNew);
    if( aNew==0 ) return 0;
    p->a = aNew;
    p->nAlloc = nNew;
  }
  memset(&p->a[p->n], 0, sizeof(Alert));
  return &p->a[p->n];
}

/* A threshold alert in p: the newest counted event's row, with the group's columns. */
static int threshold_alert(Out *p, const Rule *m, const char *zKey, sqlite3_int64 iRun,
                           const Alert *pNewest, sqlite3_int64 iFrom, sqlite3_int64 nCount){
  Alert *a = out_slot(p);
  Sha256 h;
  char zRun[24];
  if( a==0 ) return SQLITE_NOMEM;
  *a = *pNewest;
  a->zRecord = 0; a->pIdx = 0; a->zEventId = 0; a->zTerms = 0; a->zNewTerms = 0;
  a->zKeys = 0; a->nKeys = 0; a->aCard = 0; a->nCard = 0;
  p->n++;                                   /* counted now: alert_free frees the copies */
  if( alert_set_record(a, pNewest->zRecord, pNewest->nRecord, pNewest->pIdx) ){
    return SQLITE_NOMEM;
  }
  if( pNewest->zEventId ){
    a->zEventId = sqlite3_malloc64(pNewest->nEventId + 1);
    if( a->zEventId==0 ) return SQLITE_NOMEM;
    memcpy(a->zEventId, pNewest->zEventId, pNewest->nEventId + 1);
  }
  a->zTerms = sqlite3_mprintf("%s", zKey);
  if( a->zTerms==0 ) return SQLITE_NOMEM;
  a->iCount = nCount;
  a->iFrom = iFrom;
  /* the id: rule id, group, run: the same alert whatever the source or the other rules */
  sqlite3_snprintf(sizeof(zRun), zRun, "%lld", iRun);
  sha256_init(&h);
  sha256_update(&h, m->zRuleId, strlen(m->zRuleId));
  sha256_update(&h, ":threshold:", 11);
  sha256_update(&h, zKey, strlen(zKey));
  sha256_update(&h, ":", 1);
  sha256_update(&h, zRun, strlen(zRun));
  sha256_uuid(&h, a->zAlertId);
  return SQLITE_OK;
}

/* ---- the two rule types -------------------------------------------------------------- */

/* The first run at or after t: a multiple of interval (C division truncates toward zero,
** which is the ceiling for t < 0). */
static sqlite3_int64 run_at(sqlite3_int64 t, sqlite3_int64 iInterval){
  sqlite3_int64 q = t / iInterval;
  if( t % iInterval > 0 ) q++;
  return q*iInterval;
}

static int in_bounds(sqlite3_int64 t, int bSince, sqlite3_int64 iSince, int bUntil,
                     sqlite3_int64 iUntil){
  return !(bSince && t<iSince) && !(bUntil && t>iUntil);
}

/* One threshold group: the events ai[0..n) (ascending) of aEv, the schedule replayed. */
static int threshold_group(Out *p, const Rule *m, const char *zKey, const Ev *aEv,
                           const int *ai, int n, int bSince, sqlite3_int64 iSince,
                           int bUntil, sqlite3_int64 iUntil, EcsValue **paTmp, int *pnTmp){
  sqlite3_int64 iLast = 0, iPrevRun = 0, iFirstRun;
  int bLast = 0, bPrevRun = 0, i0 = 0, i1 = -1, j, rc;
  /* with since, the first run is the first at or after it: earlier runs are not replayed
  ** (their windows reach before what was read) */
  iFirstRun = bSince ? run_at(clamp(iSince), m->iInterval) : -REPLAY_FAR*2;
  for(j=0; j<n; j++){
    sqlite3_int64 T = run_at(aEv[ai[j]].t, m->iInterval), lo;
    sqlite3_int64 nCount;
    if( T<iFirstRun ) T = iFirstRun;
    if( bPrevRun && T==iPrevRun ) continue;   /* that run was evaluated */
    bPrevRun = 1;
    iPrevRun = T;
    while( i1+1<n && aEv[ai[i1+1]].t<=T ) i1++;
    lo = T - m->iLookback;                    /* the window [T - lookback, T], inclusive */
    if( bLast && lo<=iLast ) lo = iLast + 1;  /* not again: counted by the last alert */
    while( i0<=i1 && aEv[ai[i0]].t<lo ) i0++;
    nCount = i1 - i0 + 1;
    if( nCount<m->iValue ) continue;
    if( m->pCard ){
      int nTmp = 0, nDistinct = 0, k, v;
      for(k=i0; k<=i1; k++) nTmp += aEv[ai[k]].a->nCard;
      if( nTmp>*pnTmp ){
        EcsValue *aNew = sqlite3_realloc64(*paTmp, sizeof(EcsValue)*nTmp);
        if( aNew==0 ) return SQLITE_NOMEM;
        *paTmp = aNew;
        *pnTmp = nTmp;
      }
      for(k=i0, nTmp=0; k<=i1; k++){
        for(v=0; v<aEv[ai[k]].a->nCard; v++) (*paTmp)[nTmp++] = aEv[ai[k]].a->aCard[v];
      }
      if( nTmp>1 ) qsort(*paTmp, nTmp, sizeof(EcsValue), cmpVal);
      for(k=0; k<nTmp; k++){
        if( k==0 || cmpVal(&(*paTmp)[k-1], &(*paTmp)[k])!=0 ) nDistinct++;
      }
      if( nDistinct<m->iCardValue ) continue;
    }
    bLast = 1;
    iLast = aEv[ai[i1]].t;
    if( in_bounds(iLast, bSince, iSince, bUntil, iUntil) ){
      rc = threshold_alert(p, m, zKey, T, aEv[ai[i1]].a, aEv[ai[i0]].t, nCount);
      if( rc ) return rc;
    }
  }
  return SQLITE_OK;
}

/* Replay rule m over its events aEv[0..nEv) (in event order), alerts into p. */
static int replay_rule(Out *p, const Rule *m, Ev *aEv, int nEv, int bSince,
                       sqlite3_int64 iSince, int bUntil, sqlite3_int64 iUntil){
  Keys keys = {0, 0, 0};
  EcsValue *aTmp = 0;
  int *ai = 0, nTmp = 0, i, j, k, rc = SQLITE_OK;
  /* each event's keys, computed when it was read (replay_event_keys) */
  for(i=0; i<nEv && rc==SQLITE_OK; i++){
    const char *z = aEv[i].a->zKeys;
    for(k=0; k<aEv[i].a->nKeys && rc==SQLITE_OK; k++, z+=strlen(z)+1){
      rc = keys_add(&keys, z, i, k);
    }
  }
  if( rc==SQLITE_OK && keys.n>1 ) qsort(keys.a, keys.n, sizeof(Key), cmpKey);
  if( rc==SQLITE_OK && m->eKind==RULE_THRESHOLD ){
    ai = sqlite3_malloc64(sizeof(int)*(keys.n+1));
    if( ai==0 ) rc = SQLITE_NOMEM;
  }
  /* each run of equal keys: one group or combination, its events in event order */
  for(i=0; i<keys.n && rc==SQLITE_OK; i=j){
    int n = 0;
    for(j=i; j<keys.n && keys.a[j].h==keys.a[i].h && strcmp(keys.a[j].zKey, keys.a[i].zKey)==0; j++){}
    if( m->eKind==RULE_THRESHOLD ){
      for(k=i; k<j; k++){
        if( n==0 || ai[n-1]!=keys.a[k].iEv ) ai[n++] = keys.a[k].iEv;  /* a value twice */
      }
      rc = threshold_group(p, m, keys.a[i].zKey, aEv, ai, n, bSince, iSince, bUntil, iUntil,
                           &aTmp, &nTmp);
    }else{
      for(k=i; k<j; k++){
        const Key *pK = &keys.a[k];
        Ev *e = &aEv[pK->iEv];
        /* new iff the previous event of this combination is absent or more than the
        ** history window older (a value twice in one event: the same event, not new) */
        if( k>i && (keys.a[k-1].iEv==pK->iEv || e->t - aEv[keys.a[k-1].iEv].t<=m->iHistory) ){
          continue;
        }
        if( e->iBest<0 || pK->iOrder<e->iBest ){
          e->iBest = pK->iOrder;
          sqlite3_free(e->zBest);
          e->zBest = sqlite3_mprintf("%s", pK->zKey);
          if( e->zBest==0 ) rc = SQLITE_NOMEM;
        }
      }
    }
  }
  /* new_terms: each event with a new combination is its own alert, the candidate moved */
  for(i=0; i<nEv && rc==SQLITE_OK && m->eKind==RULE_NEW_TERMS; i++){
    Alert *a;
    if( aEv[i].zBest==0 || !in_bounds(aEv[i].t, bSince, iSince, bUntil, iUntil) ) continue;
    if( (a = out_slot(p))==0 ){ rc = SQLITE_NOMEM; break; }
    *a = *aEv[i].a;
    memset(aEv[i].a, 0, sizeof(Alert));
    a->zNewTerms = aEv[i].zBest;
    aEv[i].zBest = 0;
    p->n++;
  }
  sqlite3_free(keys.a);
  sqlite3_free(ai);
  sqlite3_free(aTmp);
  return rc;
}

int replay_run(const RuleSet *pSet, Alert **paAlert, int *pnAlert, int *pnAlloc,
               int bSince, sqlite3_int64 iSince, int bUntil, sqlite3_int64 iUntil){
  Alert *aIn = *paAlert;
  int nIn = *pnAlert, nEv = 0, i, j, rc = SQLITE_OK;
  Out out = {0, 0, 0};
  Ev *aEv;
  for(i=0; i<pSet->n && pSet->a[i].eKind==RULE_QUERY; i++){}
  if( i==pSet->n ) return SQLITE_OK;          /* no threshold or new_terms rule */
  aEv = sqlite3_malloc64(sizeof(Ev)*(nIn+1));
  if( aEv==0 ) return SQLITE_NOMEM;
  /* the query rules' alerts stay; the candidates, by rule, each rule's in event order */
  for(i=0; i<nIn; i++){
    if( pSet->a[aIn[i].iRule].eKind!=RULE_QUERY ){
      memset(&aEv[nEv], 0, sizeof(Ev));
      aEv[nEv].a = &aIn[i];
      aEv[nEv].iRule = aIn[i].iRule;
      aEv[nEv].t = aIn[i].iEpoch;
      aEv[nEv].iBest = -1;
      nEv++;
    }
  }
  if( nEv>1 ) qsort(aEv, nEv, sizeof(Ev), cmpEv);
  for(i=0; i<nEv && rc==SQLITE_OK; i=j){
    for(j=i; j<nEv && aEv[j].a->iRule==aEv[i].a->iRule; j++){}
    rc = replay_rule(&out, &pSet->a[aEv[i].a->iRule], &aEv[i], j-i,
                     bSince, iSince, bUntil, iUntil);
  }
  for(i=0; i<nEv; i++){
    sqlite3_free(aEv[i].zBest);
  }
  sqlite3_free(aEv);
  if( rc ){
    for(i=0; i<out.n; i++) alert_free(&out.a[i]);
    sqlite3_free(out.a);
    return rc;
  }
  /* the query rules' alerts, then the replayed ones; the candidates left are freed */
  for(i=0, j=0; i<nIn; i++){
    /* (a candidate moved to out was zeroed: its iRule no longer says whose it was) */
    if( aIn[i].zRecord && pSet->a[aIn[i].iRule].eKind==RULE_QUERY ) aIn[j++] = aIn[i];
    else alert_free(&aIn[i]);
  }
  if( j+out.n>*pnAlloc ){
    Alert *aNew = sqlite3_realloc64(aIn, sizeof(Alert)*(j+out.n));
    if( aNew==0 ){
      for(i=0; i<out.n; i++) alert_free(&out.a[i]);
      sqlite3_free(out.a);
      *pnAlert = j;
      return SQLITE_NOMEM;
    }
    aIn = aNew;
    *pnAlloc = j + out.n;
  }
  if( out.n ) memcpy(&aIn[j], out.a, sizeof(Alert)*out.n);
  sqlite3_free(out.a);
  *paAlert = aIn;
  *pnAlert = j + out.n;
  return SQLITE_OK;
}
