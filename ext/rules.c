/*
** rules.c: the embedded rule packs (build/rules_data.c) as rules to run. cloudtrail_rules
** lists them with rule_supported(); detect() loads a pack's runnable `query` rules with
** rules_load_queries(), compiling each query once per scan.
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <string.h>
#include "rules.h"
#include "rules_data.h"
#include "rule_mfa.h"

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

int rules_load_queries(const char *zPack, const char *zRuleId, RuleSet *pSet, char **pzErr){
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
    /* only `query` rules in KQL that compile: the rest are listed, with why, in
    ** cloudtrail_rules; threshold and new_terms rules are not run yet */
    if( zType==0 || strcmp(zType, "query")!=0 || zLang==0 || strcmp(zLang, "kuery")!=0
     || zQuery==0 || zId==0 || (zRuleId && strcmp(zRuleId, zId)!=0) ){
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

void rules_free(RuleSet *pSet){
  int i;
  for(i=0; i<pSet->n; i++){
    Rule *r = &pSet->a[i];
    kql_free(r->pExpr);
    sqlite3_free(r->zRuleId); sqlite3_free(r->zName); sqlite3_free(r->zSeverity);
    sqlite3_free(r->zType); sqlite3_free(r->zPack);
    sqlite3_free(r->zTacticId); sqlite3_free(r->zTacticName);
    sqlite3_free(r->zTechniqueId); sqlite3_free(r->zTechniqueName);
  }
  sqlite3_free(pSet->a);
  pSet->a = 0;
  pSet->n = 0;
}
