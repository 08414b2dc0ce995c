/*
** rules_vtab.c: `cloudtrail_rules`, the rules the extension implements, one row each,
** with their published metadata and investigation guide, so that a report can print
** the guide next to the alerts.
**
**   SELECT rule_id, name, severity, risk_score FROM cloudtrail_rules;
**   SELECT note FROM cloudtrail_rules WHERE rule_id = 'd8fc1cca-93ed-43c1-bbb6-c0dd3eff2958';
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <string.h>
#include "rule_mfa.h"
#include "rules_vtab.h"

typedef struct RulesCursor {
  sqlite3_vtab_cursor base;
  int iRow;
} RulesCursor;

#define RULES_SCHEMA \
  "CREATE TABLE x(rule_id TEXT, name TEXT, version TEXT, description TEXT, severity TEXT," \
  "risk_score INTEGER, query TEXT, language TEXT, \"from\" TEXT, interval TEXT," \
  "timestamp_override TEXT, index_patterns TEXT, tactic_id TEXT, tactic_name TEXT," \
  "tactic_reference TEXT, technique_id TEXT, technique_name TEXT, technique_reference TEXT," \
  "false_positives TEXT, \"references\" TEXT, note TEXT, author TEXT, license TEXT)"

static const RuleMeta *const aRule[] = { &rule_mfa_meta };
#define N_RULE ((int)(sizeof(aRule)/sizeof(aRule[0])))

static int rulesConnect(sqlite3 *db, void *pAux, int argc, const char *const *argv,
                        sqlite3_vtab **ppVtab, char **pzErr){
  sqlite3_vtab *p;
  int rc;
  (void)pAux; (void)argc; (void)argv; (void)pzErr;
  rc = sqlite3_declare_vtab(db, RULES_SCHEMA);
  if( rc ) return rc;
  /* Constant data, nothing read from outside: safe anywhere, even in untrusted schemas. */
  sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
  p = sqlite3_malloc64(sizeof(*p));
  if( p==0 ) return SQLITE_NOMEM;
  memset(p, 0, sizeof(*p));
  *ppVtab = p;
  return SQLITE_OK;
}

static int rulesDisconnect(sqlite3_vtab *pVtab){
  sqlite3_free(pVtab);
  return SQLITE_OK;
}

static int rulesOpen(sqlite3_vtab *pVtab, sqlite3_vtab_cursor **ppCursor){
  RulesCursor *c = sqlite3_malloc64(sizeof(*c));
  (void)pVtab;
  if( c==0 ) return SQLITE_NOMEM;
  memset(c, 0, sizeof(*c));
  *ppCursor = &c->base;
  return SQLITE_OK;
}

static int rulesClose(sqlite3_vtab_cursor *cur){
  sqlite3_free(cur);
  return SQLITE_OK;
}

static int rulesNext(sqlite3_vtab_cursor *cur){
  ((RulesCursor*)cur)->iRow++;
  return SQLITE_OK;
}

static int rulesEof(sqlite3_vtab_cursor *cur){
  return ((RulesCursor*)cur)->iRow>=N_RULE;
}

static int rulesColumn(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int i){
  const RuleMeta *m = aRule[((RulesCursor*)cur)->iRow];
  const char *z = 0;
  switch( i ){
    case 0:  z = m->zRuleId; break;
    case 1:  z = m->zName; break;
    case 2:  z = m->zVersion; break;
    case 3:  z = m->zDescription; break;
    case 4:  z = m->zSeverity; break;
    case 5:  sqlite3_result_int(ctx, m->iRiskScore); return SQLITE_OK;
    case 6:  z = m->zQuery; break;
    case 7:  z = m->zLanguage; break;
    case 8:  z = m->zFrom; break;
    case 9:  z = m->zInterval; break;
    case 10: z = m->zTimestampOverride; break;
    case 11: z = m->zIndexPatterns; break;
    case 12: z = m->zTacticId; break;
    case 13: z = m->zTacticName; break;
    case 14: z = m->zTacticReference; break;
    case 15: z = m->zTechniqueId; break;
    case 16: z = m->zTechniqueName; break;
    case 17: z = m->zTechniqueReference; break;
    case 18: z = m->zFalsePositives; break;
    case 19: z = m->zReferences; break;
    case 20: z = m->zNote; break;
    case 21: z = m->zAuthor; break;
    case 22: z = m->zLicense; break;
  }
  if( z ) sqlite3_result_text(ctx, z, -1, SQLITE_STATIC);
  return SQLITE_OK;
}

static int rulesRowid(sqlite3_vtab_cursor *cur, sqlite_int64 *pRowid){
  *pRowid = ((RulesCursor*)cur)->iRow + 1;
  return SQLITE_OK;
}

static int rulesFilter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr,
                       int argc, sqlite3_value **argv){
  (void)idxNum; (void)idxStr; (void)argc; (void)argv;
  ((RulesCursor*)cur)->iRow = 0;
  return SQLITE_OK;
}

static int rulesBestIndex(sqlite3_vtab *pVtab, sqlite3_index_info *pInfo){
  (void)pVtab;
  pInfo->estimatedCost = N_RULE;
  pInfo->estimatedRows = N_RULE;
  return SQLITE_OK;
}

static sqlite3_module rulesModule = {
  0,                  /* iVersion */
  0,                  /* xCreate: eponymous only */
  rulesConnect,       /* xConnect */
  rulesBestIndex,     /* xBestIndex */
  rulesDisconnect,    /* xDisconnect */
  0,                  /* xDestroy */
  rulesOpen,          /* xOpen */
  rulesClose,         /* xClose */
  rulesFilter,        /* xFilter */
  rulesNext,          /* xNext */
  rulesEof,           /* xEof */
  rulesColumn,        /* xColumn */
  rulesRowid,         /* xRowid */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
};

int rules_vtab_register(sqlite3 *db){
  return sqlite3_create_module(db, "cloudtrail_rules", &rulesModule, 0);
}
