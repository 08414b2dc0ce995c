/*
** rules.c: the embedded rule packs (build/rules_data.c) as rules to run. cloudtrail_rules
** lists them with rule_supported(); detect() loads a pack's runnable `query` rules with
** rules_load_queries(), compiling each query once per scan.
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <string.h>
#include "ecs.h"
#include "rules.h"
#include "rules_data.h"
#include "rule_mfa.h"
#include "ecs.h"

int rule_supported(const char *zType, const char *zLanguage, const char *zQuery, char **pzWhy){
  const char *zWhy;
  *pzWhy = 0;
  if( zType && strcmp(zType, "machine_learning")==0 ) zWhy = "machine_learning";
  else if( zLanguage==0 ) zWhy = "no query language";
  else if( strcmp(zLanguage, "kuery")==0 ){
    KqlExpr *e = 0;
    int rc;
    if( zQuery==0 ){
      zWhy = "no query";
    }else{
      rc = kql_compile(zQuery, &e, pzWhy);
      kql_free(e);
      return rc==SQLITE_OK ? 1 : rc==SQLITE_ERROR ? 0 : -1;
    }
  }
  else if( strcmp(zLanguage, "esql")==0 ) zWhy = "esql";
  else if( strcmp(zLanguage, "eql")==0 ) zWhy = "eql";
  else zWhy = "query language not supported";
  *pzWhy = sqlite3_mprintf("%s", zWhy);
  return *pzWhy ? 0 : -1;
}

int rule_duration(const char *z, int bNow, sqlite3_int64 *piSeconds){
  sqlite3_int64 n = 0, iUnit;
  int nDigit = 0;
  if( z==0 ) return 0;
  if( bNow ){
    if( strncmp(z, "now-", 4)!=0 ) return 0;
    z += 4;
  }
  for(; *z>='0' && *z<='9'; z++){
    if( ++nDigit>9 ) return 0;             /* at most 999999999 units: no overflow */
    n = n*10 + (*z - '0');
  }
  if( nDigit==0 || z[0]==0 || z[1]!=0 ) return 0;
  switch( z[0] ){
    case 's': iUnit = 1; break;
    case 'm': iUnit = 60; break;
    case 'h': iUnit = 3600; break;
    case 'd': iUnit = 86400; break;
    default: return 0;                     /* Elastic's M, y, w, rounding (/d): not read */
  }
  *piSeconds = n*iUnit;
  return 1;
}

/* The one value of a new_terms history_window_start or threshold cardinality: an array of
** one table {field, value} (as the rule files write it), or 0 when absent. */
static const TomlValue *single_entry(const TomlValue *p, int *pbBad){
  if( p==0 ) return 0;
  if( p->eType!=TOML_ARRAY || p->nChild!=1 || p->pFirst->eType!=TOML_TABLE ){
    *pbBad = 1;
    return 0;
  }
  return p->pFirst;
}

/* Resolve the field named by v (a string) into f. SQLITE_OK; SQLITE_OK with *pzWhy when
** ecs.c cannot fill it (as kql.c words it); SQLITE_ERROR when v is not a string; NOMEM. */
static int rule_field(const TomlValue *v, RuleField *f, char **pzWhy){
  const char *zSub, *zWhy;
  if( v==0 || v->eType!=TOML_STRING ) return SQLITE_ERROR;
  f->iField = ecs_lookup(v->z, &f->eType, &zSub, &zWhy);
  if( f->iField<0 ){
    *pzWhy = sqlite3_mprintf("field %s %s", v->z, zWhy);
    return *pzWhy ? SQLITE_OK : SQLITE_NOMEM;
  }
  f->zName = sqlite3_mprintf("%s", v->z);
  if( f->zName==0 ) return SQLITE_NOMEM;
  f->zSub = zSub ? f->zName + (zSub - v->z) : 0;
  return SQLITE_OK;
}

/* A threshold or new_terms rule's parameters into r (r->eKind is set; RULE_QUERY rules
** need none). SQLITE_OK; SQLITE_OK with *pzWhy when a field cannot be filled (the rule is
** not supported); SQLITE_ERROR with *pzErr naming zFile when the parameters are not what
** Elastic's schema allows (or a duration this reader does not know); SQLITE_NOMEM. */
static int rule_params(const TomlValue *pRule, const char *zFile, Rule *r, char **pzWhy,
                       char **pzErr){
  const TomlValue *pParam, *pFields = 0, *pCardField = 0, *v;
  const char *zWhat = 0, *zBad = 0, *zFrom, *zInterval, *zHistory = 0;
  int bBad = 0, i, rc = SQLITE_OK;
  *pzWhy = 0;
  *pzErr = 0;
  if( r->eKind==RULE_QUERY ) return SQLITE_OK;
  /* `from` and `interval` as Elastic defaults them when absent */
  zFrom = toml_get(pRule, "from") ? toml_get_text(pRule, "from") : "now-6m";
  zInterval = toml_get(pRule, "interval") ? toml_get_text(pRule, "interval") : "5m";
  if( !rule_duration(zFrom, 1, &r->iLookback) ){
    zWhat = "`from` is not now-N with a unit s, m, h or d";
    zBad = zFrom;
  }else if( !rule_duration(zInterval, 0, &r->iInterval) || r->iInterval<=0 ){
    zWhat = "`interval` is not N with a unit s, m, h or d (N > 0)";
    zBad = zInterval;
  }else if( r->eKind==RULE_THRESHOLD ){
    pParam = toml_get(pRule, "threshold");
    if( pParam==0 || pParam->eType!=TOML_TABLE ){
      zWhat = "no [rule.threshold] table";
    }else{
      const TomlValue *pCard = single_entry(toml_get(pParam, "cardinality"), &bBad);
      pFields = toml_get(pParam, "field");
      v = toml_get(pParam, "value");
      if( v==0 || v->eType!=TOML_INTEGER || v->i<1 ){
        zWhat = "threshold.value is not a positive integer";
      }else if( bBad ){
        zWhat = "threshold.cardinality is not one {field, value}";
      }else{
        r->iValue = v->i;
        if( pCard ){
          v = toml_get(pCard, "value");
          if( v==0 || v->eType!=TOML_INTEGER || v->i<1 ){
            zWhat = "threshold.cardinality value is not a positive integer";
          }else{
            r->iCardValue = v->i;
            pCardField = toml_get(pCard, "field");
          }
        }
      }
    }
  }else{
    pParam = toml_get(pRule, "new_terms");
    if( pParam==0 || pParam->eType!=TOML_TABLE ){
      zWhat = "no [rule.new_terms] table";
    }else{
      const TomlValue *pHistory = single_entry(toml_get(pParam, "history_window_start"), &bBad);
      pFields = toml_get(pParam, "value");
      if( pHistory ) zHistory = toml_get_text(pHistory, "value");
      if( pFields==0 || pFields->eType!=TOML_ARRAY || pFields->nChild==0 ){
        zWhat = "new_terms.value is not a list of fields";
      }else if( bBad || !rule_duration(zHistory, 1, &r->iHistory) ){
        zWhat = "new_terms.history_window_start is not now-N with a unit s, m, h or d";
        zBad = zHistory;
      }
    }
  }
  if( zWhat==0 && pFields && pFields->eType==TOML_ARRAY && pFields->nChild>RULES_MAX_FIELDS ){
    zWhat = "more than 16 fields";     /* Elastic allows 3 (new_terms) or 5 (threshold) */
  }
  if( zWhat==0 ){
    /* threshold.field: a list (maybe empty: one group of every event), or one name */
    if( pFields && pFields->eType==TOML_STRING ){
      r->aField = sqlite3_malloc64(sizeof(RuleField));
      if( r->aField==0 ) return SQLITE_NOMEM;
      memset(r->aField, 0, sizeof(RuleField));
      r->nField = 1;
      rc = rule_field(pFields, &r->aField[0], pzWhy);
    }else if( pFields && pFields->eType==TOML_ARRAY ){
      if( pFields->nChild>0 ){
        r->aField = sqlite3_malloc64(sizeof(RuleField)*pFields->nChild);
        if( r->aField==0 ) return SQLITE_NOMEM;
        memset(r->aField, 0, sizeof(RuleField)*pFields->nChild);
      }
      for(v=pFields->pFirst, i=0; v && rc==SQLITE_OK && *pzWhy==0; v=v->pNext, i++){
        r->nField = i+1;
        rc = rule_field(v, &r->aField[i], pzWhy);
      }
    }else if( pFields ){
      rc = SQLITE_ERROR;
    }
    if( pCardField && rc==SQLITE_OK && *pzWhy==0 ){
      r->pCard = sqlite3_malloc64(sizeof(RuleField));
      if( r->pCard==0 ) return SQLITE_NOMEM;
      memset(r->pCard, 0, sizeof(RuleField));
      rc = rule_field(pCardField, r->pCard, pzWhy);
    }
    if( rc==SQLITE_ERROR ) zWhat = "a field name is not a string";
  }
  if( zWhat ){
    sqlite3_free(*pzWhy);
    *pzWhy = 0;
    *pzErr = sqlite3_mprintf("%s: %s rule: %s%s%s%s", zFile, r->eKind==RULE_THRESHOLD ?
                             "threshold" : "new_terms", zWhat, zBad ? " ('" : "",
                             zBad ? zBad : "", zBad ? "')" : "");
    return *pzErr ? SQLITE_ERROR : SQLITE_NOMEM;
  }
  return rc;
}

static void rule_fields_free(Rule *r){
  int i;
  for(i=0; i<r->nField; i++) sqlite3_free(r->aField[i].zName);
  sqlite3_free(r->aField);
  if( r->pCard ) sqlite3_free(r->pCard->zName);
  sqlite3_free(r->pCard);
  r->aField = 0;
  r->nField = 0;
  r->pCard = 0;
}

/* RULE_QUERY, RULE_THRESHOLD, RULE_NEW_TERMS, or -1 for any other type. */
static int rule_kind(const char *zType){
  if( zType==0 ) return -1;
  if( strcmp(zType, "query")==0 ) return RULE_QUERY;
  if( strcmp(zType, "threshold")==0 ) return RULE_THRESHOLD;
  if( strcmp(zType, "new_terms")==0 ) return RULE_NEW_TERMS;
  return -1;
}

int rule_supported_toml(const TomlValue *pRule, const char *zFile, char **pzWhy){
  const char *zType = toml_get_text(pRule, "type");
  Rule r;
  char *zErr = 0;
  int bOk = rule_supported(zType, toml_get_text(pRule, "language"),
                           toml_get_text(pRule, "query"), pzWhy);
  int rc;
  if( bOk!=1 ) return bOk;
  memset(&r, 0, sizeof(r));
  r.eKind = rule_kind(zType);
  if( r.eKind<0 ){
    *pzWhy = sqlite3_mprintf("rule type %s", zType ? zType : "missing");
    return *pzWhy ? 0 : -1;
  }
  rc = rule_params(pRule, zFile, &r, pzWhy, &zErr);
  rule_fields_free(&r);
  if( rc==SQLITE_ERROR ){ *pzWhy = zErr; rc = SQLITE_OK; }
  if( rc ) return -1;
  return *pzWhy ? 0 : 1;
}

/* Append z to s, ", "-separated, unless the list already holds it. */
static void list_add(sqlite3_str *s, const char *z){
  const char *zList = sqlite3_str_value(s);
  int n = (int)strlen(z);
  if( zList ){
    const char *p = zList;
    for(;;){
      const char *e = strstr(p, ", ");
      int m = e ? (int)(e - p) : (int)strlen(p);
      if( m==n && memcmp(p, z, (size_t)n)==0 ) return;
      if( e==0 ) break;
      p = e + 2;
    }
    sqlite3_str_appendall(s, ", ");
  }
  sqlite3_str_appendall(s, z);
}

char *mitre_list(const TomlValue *pRule, int bTechnique, const char *zField, int *pbOom){
  const TomlValue *pThreat = toml_get(pRule, "threat"), *t, *te, *st;
  sqlite3_str *s;
  char *z;
  if( pThreat==0 || pThreat->eType!=TOML_ARRAY ) return 0;
  s = sqlite3_str_new(0);
  for(t=pThreat->pFirst; t; t=t->pNext){
    const TomlValue *pTech;
    if( !bTechnique ){
      const TomlValue *pTactic = toml_get(t, "tactic");
      const char *zV = pTactic ? toml_get_text(pTactic, zField) : 0;
      if( zV ) list_add(s, zV);
      continue;
    }
    pTech = toml_get(t, "technique");
    if( pTech==0 || pTech->eType!=TOML_ARRAY ) continue;
    for(te=pTech->pFirst; te; te=te->pNext){
      const TomlValue *pSub = toml_get(te, "subtechnique");
      const char *zV = toml_get_text(te, zField);
      if( zV ) list_add(s, zV);
      if( pSub==0 || pSub->eType!=TOML_ARRAY ) continue;
      for(st=pSub->pFirst; st; st=st->pNext){
        if( (zV = toml_get_text(st, zField))!=0 ) list_add(s, zV);
      }
    }
  }
  if( sqlite3_str_errcode(s) ){ sqlite3_free(sqlite3_str_finish(s)); *pbOom = 1; return 0; }
  if( sqlite3_str_length(s)==0 ){ sqlite3_free(sqlite3_str_finish(s)); return 0; }
  z = sqlite3_str_finish(s);
  if( z==0 ) *pbOom = 1;
  return z;
}

int rules_parse_file(int iFile, Toml **ppDoc, const TomlValue **ppRule, char **pzErr){
  const RuleFile *f = &rules_data_file[iFile];
  int rc = toml_parse(f->zFile, f->zText, (int)f->nText, ppDoc, pzErr);
  *ppRule = 0;
  if( rc==SQLITE_OK ){
    *ppRule = toml_get(toml_root(*ppDoc), "rule");
    if( *ppRule==0 || (*ppRule)->eType!=TOML_TABLE ){
      *ppRule = 0;
      *pzErr = sqlite3_mprintf("%s: no [rule] table", f->zFile);
      rc = *pzErr ? SQLITE_ERROR : SQLITE_NOMEM;
    }
  }
  return rc;
}

/* A copy of z (0 stays 0); *pbOom set when out of memory. */
static char *dup(const char *z, int *pbOom){
  char *zCopy;
  if( z==0 ) return 0;
  zCopy = sqlite3_mprintf("%s", z);
  if( zCopy==0 ) *pbOom = 1;
  return zCopy;
}

/* Room for one more rule at the end of pSet, zeroed; 0 when out of memory. */
static Rule *rules_append(RuleSet *pSet){
  Rule *aNew = sqlite3_realloc64(pSet->a, (pSet->n+1)*sizeof(Rule));
  if( aNew==0 ) return 0;
  pSet->a = aNew;
  memset(&aNew[pSet->n], 0, sizeof(Rule));
  return &aNew[pSet->n++];
}

/* Is zId one of azId[0..nId)? (nId<0: every id is.) */
static int id_wanted(const char *zId, const char *const *azId, int nId){
  int k;
  if( nId<0 ) return 1;
  for(k=0; k<nId; k++){
    if( strcmp(azId[k], zId)==0 ) return 1;
  }
  return 0;
}

int rules_load_queries(const char *zPack, const char *const *azRuleId, int nRuleId,
                       RuleSet *pSet, char **pzErr){
  int i, bPack = 0, rc = SQLITE_OK;
  *pzErr = 0;
  for(i=0; i<rules_data_count && rc==SQLITE_OK; i++){
    Toml *pDoc = 0;
    const TomlValue *pRule;
    const char *zType, *zLang, *zQuery, *zId;
    const TomlValue *pScore;
    KqlExpr *pExpr = 0;
    char *zWhy = 0;
    Rule *r;
    int bOom = 0;
    if( strcmp(rules_data_file[i].zPack, zPack)!=0 ) continue;
    bPack = 1;
    rc = rules_parse_file(i, &pDoc, &pRule, pzErr);
    if( rc ){ toml_free(pDoc); break; }
    zType = toml_get_text(pRule, "type");
    zLang = toml_get_text(pRule, "language");
    zQuery = toml_get_text(pRule, "query");
    zId = toml_get_text(pRule, "rule_id");
    /* only query, threshold and new_terms rules in KQL that compile, whose fields ecs.c
    ** fills: the rest are listed, with why, in cloudtrail_rules (rule_supported_toml) */
    if( rule_kind(zType)<0 || zLang==0 || strcmp(zLang, "kuery")!=0
     || zQuery==0 || zId==0 || !id_wanted(zId, azRuleId, nRuleId) ){
      toml_free(pDoc);
      continue;
    }
    rc = kql_compile(zQuery, &pExpr, &zWhy);
    sqlite3_free(zWhy);
    if( rc==SQLITE_ERROR ){ rc = SQLITE_OK; kql_free(pExpr); toml_free(pDoc); continue; }
    if( rc ){ kql_free(pExpr); toml_free(pDoc); break; }
    r = rules_append(pSet);
    if( r==0 ){ kql_free(pExpr); toml_free(pDoc); rc = SQLITE_NOMEM; break; }
    r->pExpr = pExpr;
    r->eKind = rule_kind(zType);
    rc = rule_params(pRule, rules_data_file[i].zFile, r, &zWhy, pzErr);
    if( rc==SQLITE_OK && zWhy ){           /* a field ecs.c cannot fill: not supported */
      sqlite3_free(zWhy);
      kql_free(r->pExpr);
      rule_fields_free(r);
      pSet->n--;
      toml_free(pDoc);
      continue;
    }
    if( rc ){ toml_free(pDoc); break; }
    r->zRuleId = dup(zId, &bOom);
    r->zName = dup(toml_get_text(pRule, "name"), &bOom);
    r->zSeverity = dup(toml_get_text(pRule, "severity"), &bOom);
    r->zType = dup(zType, &bOom);
    r->zPack = dup(zPack, &bOom);
    pScore = toml_get(pRule, "risk_score");
    r->iRiskScore = pScore && pScore->eType==TOML_INTEGER ? (int)pScore->i : 0;
    r->zTacticId = mitre_list(pRule, 0, "id", &bOom);
    r->zTacticName = mitre_list(pRule, 0, "name", &bOom);
    r->zTechniqueId = mitre_list(pRule, 1, "id", &bOom);
    r->zTechniqueName = mitre_list(pRule, 1, "name", &bOom);
    toml_free(pDoc);
    if( bOom ) rc = SQLITE_NOMEM;
  }
  if( rc==SQLITE_OK && !bPack ){
    *pzErr = sqlite3_mprintf("no rule pack '%s' (the packs are '2024-04-18' and '2026-08-21')",
                             zPack);
    rc = *pzErr ? SQLITE_ERROR : SQLITE_NOMEM;
  }
  return rc;
}

int rules_load_builtin(RuleSet *pSet){
  const RuleMeta *m = &rule_mfa_meta;
  Rule *r = rules_append(pSet);
  int bOom = 0;
  if( r==0 ) return SQLITE_NOMEM;
  r->zRuleId = dup(m->zRuleId, &bOom);
  r->zName = dup(m->zName, &bOom);
  r->zSeverity = dup(m->zSeverity, &bOom);
  r->zType = dup("query", &bOom);
  r->zPack = dup("builtin", &bOom);
  r->iRiskScore = m->iRiskScore;
  r->zTacticId = dup(m->zTacticId, &bOom);
  r->zTacticName = dup(m->zTacticName, &bOom);
  r->zTechniqueId = dup(m->zTechniqueId, &bOom);
  r->zTechniqueName = dup(m->zTechniqueName, &bOom);
  return bOom ? SQLITE_NOMEM : SQLITE_OK;
}

static void index_free(RuleIndex *x);

void rules_free(RuleSet *pSet){
  int i;
  index_free(pSet->pIndex);
  pSet->pIndex = 0;
  for(i=0; i<pSet->n; i++){
    Rule *r = &pSet->a[i];
    kql_key_free(&r->key);
    kql_free(r->pExpr);
    rule_fields_free(r);
    sqlite3_free(r->zRuleId); sqlite3_free(r->zName); sqlite3_free(r->zSeverity);
    sqlite3_free(r->zType); sqlite3_free(r->zPack);
    sqlite3_free(r->zTacticId); sqlite3_free(r->zTacticName);
    sqlite3_free(r->zTechniqueId); sqlite3_free(r->zTechniqueName);
  }
  sqlite3_free(pSet->a);
  pSet->a = 0;
  pSet->n = 0;
}

/* ---- the prefilter: rule keys and their dispatch ---- */

/* cloudtrail_prefilter(): 1 on (the default), 0 off; process-wide, read when an index is
** built (once per scan). */
static int bPrefilterOff;

/* One distinct (field, value) of the rules' keys, and the rules keyed by it. */
typedef struct KeySlot {
  int eField;                    /* KQL_KEY_ACTION or KQL_KEY_PROVIDER; 0: an empty slot */
  const char *z;                 /* the value (the rule's expression owns it) */
  size_t n;
  unsigned h;
  int iFirst, nRule;             /* its rules: aSlotRule[iFirst .. iFirst+nRule), in order */
} KeySlot;

struct RuleIndex {
  int nRule;                     /* pSet->n when built: built again if the set grows */
  int bOn;                       /* the prefilter was on when built */
  int nSlot;                     /* a power of 2: open addressing, linear probing */
  KeySlot *aSlot;
  int *aSlotRule;
  int *aAlways, nAlways;         /* rules without a key (all rules when off) */
  int anField[3];                /* how many rules are keyed by each KQL_KEY_* field */
  int iAction, iProvider;        /* ecs.c ids of event.action and event.provider */
  FilterKeys aKey[2];            /* every key value of each field, for the reader's Filter */
  unsigned long long *aBit;      /* scratch: one bit per rule */
  int *aCand;                    /* scratch: the candidates of the last record */
};

static void index_free(RuleIndex *x){
  int k;
  if( x==0 ) return;
  sqlite3_free(x->aSlot);
  sqlite3_free(x->aSlotRule);
  sqlite3_free(x->aAlways);
  for(k=0; k<2; k++){
    sqlite3_free((void*)x->aKey[k].az);
    sqlite3_free(x->aKey[k].an);
  }
  sqlite3_free(x->aBit);
  sqlite3_free(x->aCand);
  sqlite3_free(x);
}

static unsigned key_hash(int eField, const char *z, size_t n){
  unsigned h = 2166136261u ^ (unsigned)eField;          /* FNV-1a */
  size_t i;
  for(i=0; i<n; i++){ h ^= (unsigned char)z[i]; h *= 16777619u; }
  return h;
}

/* The slot of (eField, z[0..n)): the one holding it, or the empty one where it goes. */
static KeySlot *slot_find(const RuleIndex *x, int eField, const char *z, size_t n, unsigned h){
  unsigned i = h & (unsigned)(x->nSlot-1);
  for(;;){
    KeySlot *p = &x->aSlot[i];
    if( p->eField==0 ) return p;
    if( p->h==h && p->eField==eField && p->n==n && memcmp(p->z, z, n)==0 ) return p;
    i = (i+1) & (unsigned)(x->nSlot-1);
  }
}

/* Build pSet's index: each rule's key, the slots, the unions. */
static int index_build(RuleSet *pSet, RuleIndex **ppOut){
  RuleIndex *x;
  int i, j, k, nVal = 0, nWord = (pSet->n+63)/64 + 1;
  *ppOut = 0;
  x = sqlite3_malloc64(sizeof(*x));
  if( x==0 ) return SQLITE_NOMEM;
  memset(x, 0, sizeof(*x));
  x->nRule = pSet->n;
  x->bOn = !__atomic_load_n(&bPrefilterOff, __ATOMIC_RELAXED);
  {
    int eType;
    const char *zSub, *zWhy;
    x->iAction = ecs_lookup("event.action", &eType, &zSub, &zWhy);
    x->iProvider = ecs_lookup("event.provider", &eType, &zSub, &zWhy);
  }
  for(i=0; x->bOn && i<pSet->n; i++){
    Rule *r = &pSet->a[i];
    if( r->pExpr && r->key.eField==KQL_KEY_NONE ){
      kql_key_free(&r->key);
      if( kql_key(r->pExpr, &r->key) ){ index_free(x); return SQLITE_NOMEM; }
    }
    nVal += r->key.nVal;
  }
  for(x->nSlot=16; x->nSlot<2*nVal; x->nSlot*=2){}
  x->aSlot = sqlite3_malloc64(sizeof(KeySlot)*x->nSlot);
  x->aSlotRule = sqlite3_malloc64(sizeof(int)*(nVal+1));
  x->aAlways = sqlite3_malloc64(sizeof(int)*(pSet->n+1));
  x->aBit = sqlite3_malloc64(sizeof(unsigned long long)*nWord);
  x->aCand = sqlite3_malloc64(sizeof(int)*(pSet->n+1));
  for(k=0; k<2; k++){
    x->aKey[k].az = sqlite3_malloc64(sizeof(char*)*(nVal+1));
    x->aKey[k].an = sqlite3_malloc64(sizeof(size_t)*(nVal+1));
    if( x->aKey[k].az==0 || x->aKey[k].an==0 ){ index_free(x); return SQLITE_NOMEM; }
  }
  if( x->aSlot==0 || x->aSlotRule==0 || x->aAlways==0 || x->aBit==0 || x->aCand==0 ){
    index_free(x);
    return SQLITE_NOMEM;
  }
  memset(x->aSlot, 0, sizeof(KeySlot)*x->nSlot);
  /* the distinct values, each with the number of rules it keys */
  for(i=0; i<pSet->n; i++){
    const KqlKey *kk = &pSet->a[i].key;
    if( !x->bOn || kk->eField==KQL_KEY_NONE ){ x->aAlways[x->nAlways++] = i; continue; }
    x->anField[kk->eField]++;
    for(j=0; j<kk->nVal; j++){
      unsigned h = key_hash(kk->eField, kk->azVal[j], kk->anVal[j]);
      KeySlot *p = slot_find(x, kk->eField, kk->azVal[j], kk->anVal[j], h);
      if( p->eField==0 ){
        FilterKeys *f = &x->aKey[kk->eField-1];
        p->eField = kk->eField;
        p->z = kk->azVal[j];
        p->n = kk->anVal[j];
        p->h = h;
        f->az[f->n] = p->z;
        f->an[f->n++] = p->n;
      }
      p->nRule++;                         /* a rule's key holds each value once */
    }
  }
  /* each slot's rules, in the set's order */
  for(i=0, k=0; i<x->nSlot; i++){
    x->aSlot[i].iFirst = k;
    k += x->aSlot[i].nRule;
    x->aSlot[i].nRule = 0;
  }
  for(i=0; i<pSet->n; i++){
    const KqlKey *kk = &pSet->a[i].key;
    if( !x->bOn ) break;
    for(j=0; j<kk->nVal; j++){
      KeySlot *p = slot_find(x, kk->eField, kk->azVal[j], kk->anVal[j],
                             key_hash(kk->eField, kk->azVal[j], kk->anVal[j]));
      x->aSlotRule[p->iFirst + p->nRule++] = i;
    }
  }
  for(k=0; k<2; k++) filter_keys_sort(&x->aKey[k]);
  *ppOut = x;
  return SQLITE_OK;
}

/* pSet's index, built now if it is missing or the set has grown since. */
static int index_get(RuleSet *pSet, RuleIndex **ppX){
  if( pSet->pIndex==0 || pSet->pIndex->nRule!=pSet->n ){
    int rc;
    index_free(pSet->pIndex);
    pSet->pIndex = 0;
    rc = index_build(pSet, &pSet->pIndex);
    if( rc ) return rc;
  }
  *ppX = pSet->pIndex;
  return SQLITE_OK;
}

/* Mark the rules keyed by value z[0..n) of field eField in aBit. */
static void mark_value(const RuleIndex *x, unsigned long long *aBit, int eField,
                       const char *z, size_t n){
  KeySlot *p = slot_find(x, eField, z, n, key_hash(eField, z, n));
  int j;
  for(j=0; j<p->nRule; j++){
    int iRule = x->aSlotRule[p->iFirst + j];
    aBit[iRule>>6] |= 1ULL<<(iRule&63);
  }
}

/* Mark the rules keyed by each value of ECS field iField of r (a KQL_KEY_* field, read
** from raw field k). Its values are those ecs.c gives: read from the bytes when they prove
** the value (filter_key_text), else decoded by ecs.c itself. */
static int mark_field(const RuleIndex *x, unsigned long long *aBit, Record *r, int eField,
                      int iField, int k){
  const EcsValue *a;
  const char *z = 0;
  size_t s, e, n = 0;
  int nVal, i, rc;
  if( x->anField[eField]==0 ) return SQLITE_OK;       /* no rule asks: no decode */
  record_field(r, k, &s, &e);                         /* indexes the record */
  rc = filter_key_text(r->z, r->s, &r->idx, k, &z, &n);
  if( rc>=0 ){
    if( rc>0 ) mark_value(x, aBit, eField, z, n);
    return SQLITE_OK;
  }
  if( ecs_values(r, iField, 0, &a, &nVal) ) return SQLITE_NOMEM;
  for(i=0; i<nVal; i++) mark_value(x, aBit, eField, a[i].z, a[i].n);
  return SQLITE_OK;
}

/* Set aBit[0..nWord) to the rules that may match r: the rules without a key, and those
** whose key its event.action or event.provider values hold. */
static int mark_candidates(const RuleIndex *x, int nWord, unsigned long long *aBit,
                           Record *r){
  int i;
  memset(aBit, 0, sizeof(unsigned long long)*nWord);
  for(i=0; i<x->nAlways; i++) aBit[x->aAlways[i]>>6] |= 1ULL<<(x->aAlways[i]&63);
  if( mark_field(x, aBit, r, KQL_KEY_ACTION, x->iAction, RF_eventName)
   || mark_field(x, aBit, r, KQL_KEY_PROVIDER, x->iProvider, RF_eventSource) ){
    return SQLITE_NOMEM;
  }
  return SQLITE_OK;
}

/* Filter.xEval: which rules of the set match r, each candidate evaluated on r (a worker's
** own Record; the index and the trees are only read). */
static int rules_eval(const void *pCtx, Record *r, RuleBits *pBits){
  const RuleSet *pSet = (const RuleSet*)pCtx;
  int w, i;
  pBits->bDone = 0;
  if( mark_candidates(pSet->pIndex, RULE_BITS_MAX/64, pBits->a, r) ) return SQLITE_NOMEM;
  for(w=0; w<RULE_BITS_MAX/64; w++){
    unsigned long long b = pBits->a[w];
    while( b ){
      int rc;
      i = __builtin_ctzll(b);
      b &= b-1;
      rc = kql_match(pSet->a[w*64+i].pExpr, r);
      if( rc<0 ) return SQLITE_NOMEM;
      if( rc==0 ) pBits->a[w] &= ~(1ULL<<i);
    }
  }
  pBits->bDone = 1;
  return SQLITE_OK;
}

int rules_filter(RuleSet *pSet, Filter *pFilter){
  RuleIndex *x;
  int rc = index_get(pSet, &x), i;
  if( rc ) return rc;
  if( !x->bOn || pSet->n==0 ) return SQLITE_OK;
  for(i=0; i<pSet->n; i++){
    if( pSet->a[i].pExpr==0 ) return SQLITE_OK;      /* the built-in rule: not KQL */
  }
  if( pSet->n<=RULE_BITS_MAX ){
    /* the workers evaluate every rule (a KQL tree is read-only; each worker has its own
    ** Record) and keep only the records one matches, with the answer */
    pFilter->xEval = rules_eval;
    pFilter->pEvalCtx = pSet;
  }else if( x->nAlways==0 ){
    /* too many to carry the answer: the workers drop only what no key admits */
    pFilter->bKeys = 1;
    pFilter->aKey[0] = x->aKey[0];
    pFilter->aKey[1] = x->aKey[1];
  }
  return SQLITE_OK;
}

int rules_keys(RuleSet *pSet, const FilterKeys **paKey){
  RuleIndex *x;
  int rc = index_get(pSet, &x);
  *paKey = 0;
  if( rc ) return rc;
  if( x->nAlways==0 ) *paKey = x->aKey;     /* no rule at all: both lists empty */
  return SQLITE_OK;
}

int rules_candidates(RuleSet *pSet, Record *r, const int **paRule, int *pnRule){
  RuleIndex *x;
  int rc = index_get(pSet, &x), i, w, nWord = (pSet->n+63)/64;
  *paRule = 0;
  *pnRule = 0;
  if( rc ) return rc;
  if( x->nAlways==pSet->n ){                         /* off, or no rule has a key */
    *paRule = x->aAlways;
    *pnRule = x->nAlways;
    return SQLITE_OK;
  }
  if( mark_candidates(x, nWord, x->aBit, r) ) return SQLITE_NOMEM;
  for(w=0; w<nWord; w++){
    unsigned long long b = x->aBit[w];
    for(i=0; b; i++, b>>=1){
      if( b & 1 ) x->aCand[(*pnRule)++] = w*64 + i;
    }
  }
  *paRule = x->aCand;
  return SQLITE_OK;
}

/* cloudtrail_prefilter(on): set the switch, return the previous value. */
static void prefilter_func(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  int bOff = sqlite3_value_int(argv[0])==0;
  (void)argc;
  sqlite3_result_int(ctx, !__atomic_exchange_n(&bPrefilterOff, bOff, __ATOMIC_RELAXED));
}

int rules_register(sqlite3 *db){
  /* direct only: a view or trigger must not switch it for everyone */
  return sqlite3_create_function(db, "cloudtrail_prefilter", 1,
                                 SQLITE_UTF8 | SQLITE_DIRECTONLY, 0, prefilter_func, 0, 0);
}
