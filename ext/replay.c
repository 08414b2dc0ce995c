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
  sqlite3_free(a->zRecord);
  sqlite3_free(a->zFile);
  sqlite3_free(a->zEventId);
  sqlite3_free(a->zTerms);
  sqlite3_free(a->zNewTerms);
  memset(a, 0, sizeof(*a));
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
  sqlite3_int64 t;
  EcsValue *aCard;               /* threshold: the cardinality field's values (owned) */
  int nCard;
  int iBest;                     /* new_terms: the first new combination's place, or -1 */
  char *zBest;                   /* ... and its JSON */
} Ev;

/* One group (threshold) or combination (new_terms) of one event. */
typedef struct Key {
  char *zKey;                    /* JSON: no NUL inside (control bytes are escaped) */
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

static int keys_add(Keys *p, char *zKey, int iEv, int iOrder){
  if( p->n>=p->nAlloc ){
    int nNew = p->nAlloc ? p->nAlloc*2 : 64;
    Key *aNew = sqlite3_realloc64(p->a, sizeof(Key)*nNew);
    if( aNew==0 ){ sqlite3_free(zKey); return SQLITE_NOMEM; }
    p->a = aNew;
    p->nAlloc = nNew;
  }
  p->a[p->n].zKey = zKey;
  p->a[p->n].iEv = iEv;
  p->a[p->n].iOrder = iOrder;
  p->n++;
  return SQLITE_OK;
}

/* Every combination of the values of rule m's fields on rec (every field present; an
** array gives one combination per value, across fields the cross product, in the order of
** the fields and of their values) as a Key of event iEv: threshold terms
** [{"field":"F","value":"V"},...] ("[]" without fields), new_terms values ["V",...]. */
static int event_keys(const Rule *m, Record *rec, int iEv, Keys *pKeys){
  const EcsValue *aVal[RULES_MAX_FIELDS];
  int anVal[RULES_MAX_FIELDS], aiPos[RULES_MAX_FIELDS], i, iOrder = 0, rc;
  if( m->nField>RULES_MAX_FIELDS ) return SQLITE_ERROR;   /* rules.c never loads more */
  for(i=0; i<m->nField; i++){
    rc = ecs_values(rec, m->aField[i].iField, m->aField[i].zSub, &aVal[i], &anVal[i]);
    if( rc ) return rc;
    if( anVal[i]==0 ) return SQLITE_OK;        /* a missing field: in no group */
    aiPos[i] = 0;
  }
  for(;;){
    sqlite3_str *s = sqlite3_str_new(0);
    char *z;
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
    sqlite3_str_appendchar(s, 1, ']');
    if( sqlite3_str_errcode(s) ){ sqlite3_free(sqlite3_str_finish(s)); return SQLITE_NOMEM; }
    z = sqlite3_str_finish(s);
    if( z==0 ) return SQLITE_NOMEM;
    rc = keys_add(pKeys, z, iEv, iOrder++);
    if( rc ) return rc;
    /* the next combination: the last field's values turn fastest */
    for(i=m->nField-1; i>=0; i--){
      if( ++aiPos[i]<anVal[i] ) break;
      aiPos[i] = 0;
    }
    if( i<0 ) return SQLITE_OK;
  }
}

/* A copy of the values of rule m's cardinality field on rec, into e. */
static int event_card(const Rule *m, Record *rec, Ev *e){
  const EcsValue *a;
  int n, i, rc;
  size_t nByte = 0;
  char *z;
  rc = ecs_values(rec, m->pCard->iField, m->pCard->zSub, &a, &n);
  if( rc || n==0 ) return rc;
  for(i=0; i<n; i++) nByte += a[i].n;
  e->aCard = sqlite3_malloc64(sizeof(EcsValue)*n + nByte + 1);
  if( e->aCard==0 ) return SQLITE_NOMEM;
  z = (char*)&e->aCard[n];
  for(i=0; i<n; i++){
    memcpy(z, a[i].z, a[i].n);
    e->aCard[i].z = z;
    e->aCard[i].n = a[i].n;
    z += a[i].n;
  }
  e->nCard = n;
  return SQLITE_OK;
}

/* ---- sorting ------------------------------------------------------------------------- */

/* By rule, then in event order. */
static int cmpEv(const void *pa, const void *pb){
  const Alert *a = ((const Ev*)pa)->a, *b = ((const Ev*)pb)->a;
  if( a->iRule!=b->iRule ) return a->iRule<b->iRule ? -1 : 1;
  return alert_cmp(a, b);
}

static int cmpKey(const void *pa, const void *pb){
  const Key *a = pa, *b = pb;
  int r = strcmp(a->zKey, b->zKey);
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
  a->zRecord = 0; a->zFile = 0; a->zEventId = 0; a->zTerms = 0; a->zNewTerms = 0;
  p->n++;                                   /* counted now: alert_free frees the copies */
  a->zRecord = sqlite3_malloc64(pNewest->nRecord + 1);
  if( a->zRecord==0 ) return SQLITE_NOMEM;
  memcpy(a->zRecord, pNewest->zRecord, pNewest->nRecord + 1);
  if( pNewest->zFile && (a->zFile = sqlite3_mprintf("%s", pNewest->zFile))==0 ) return SQLITE_NOMEM;
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
      for(k=i0; k<=i1; k++) nTmp += aEv[ai[k]].nCard;
      if( nTmp>*pnTmp ){
        EcsValue *aNew = sqlite3_realloc64(*paTmp, sizeof(EcsValue)*nTmp);
        if( aNew==0 ) return SQLITE_NOMEM;
        *paTmp = aNew;
        *pnTmp = nTmp;
      }
      for(k=i0, nTmp=0; k<=i1; k++){
        for(v=0; v<aEv[ai[k]].nCard; v++) (*paTmp)[nTmp++] = aEv[ai[k]].aCard[v];
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
  Record rec;
  Keys keys = {0, 0, 0};
  EcsValue *aTmp = 0;
  int *ai = 0, nTmp = 0, i, j, k, rc = SQLITE_OK;
  memset(&rec, 0, sizeof(rec));
  for(i=0; i<nEv && rc==SQLITE_OK; i++){
    Alert *a = aEv[i].a;
    record_set(&rec, a->zRecord, 0, a->nRecord, a->flags, &a->idx);
    rc = event_keys(m, &rec, i, &keys);
    if( rc==SQLITE_OK && m->pCard ) rc = event_card(m, &rec, &aEv[i]);
  }
  record_clear(&rec);
  if( rc==SQLITE_OK && keys.n>1 ) qsort(keys.a, keys.n, sizeof(Key), cmpKey);
  if( rc==SQLITE_OK && m->eKind==RULE_THRESHOLD ){
    ai = sqlite3_malloc64(sizeof(int)*(keys.n+1));
    if( ai==0 ) rc = SQLITE_NOMEM;
  }
  /* each run of equal keys: one group or combination, its events in event order */
  for(i=0; i<keys.n && rc==SQLITE_OK; i=j){
    int n = 0;
    for(j=i; j<keys.n && strcmp(keys.a[j].zKey, keys.a[i].zKey)==0; j++){}
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
  for(i=0; i<keys.n; i++) sqlite3_free(keys.a[i].zKey);
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
    sqlite3_free(aEv[i].aCard);
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
