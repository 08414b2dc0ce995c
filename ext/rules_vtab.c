/*
** rules_vtab.c: `cloudtrail_rules`, one row per rule: the built-in MFA rule (pack
** 'builtin', the rule `detect_mfa_deactivation` runs), then every rule of Elastic's AWS
** packs embedded in the extension (pack '2024-04-18' and '2026-08-21', one row per rule
** file, read with ext/toml.c from build/rules_data.c). Each row carries the rule's
** published metadata, its investigation guide, and whether this extension can run it.
**
**   SELECT rule_id, name, severity, risk_score FROM cloudtrail_rules;
**   SELECT name, type, unsupported_reason FROM cloudtrail_rules WHERE pack = '2024-04-18';
**   SELECT note FROM cloudtrail_rules WHERE rule_id = 'd8fc1cca-93ed-43c1-bbb6-c0dd3eff2958';
**
** A rule file is parsed when the cursor reaches its row, and freed when it leaves it: a scan
** holds one parsed file at a time. `WHERE pack = ...` skips the other packs' files unread.
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <string.h>
#include "rule_mfa.h"
#include "rules_data.h"
#include "rules.h"
#include "rules_vtab.h"

#define RULES_SCHEMA \
  "CREATE TABLE x(rule_id TEXT, name TEXT, version TEXT, description TEXT, severity TEXT," \
  "risk_score INTEGER, query TEXT, language TEXT, \"from\" TEXT, interval TEXT," \
  "timestamp_override TEXT, index_patterns TEXT, tactic_id TEXT, tactic_name TEXT," \
  "tactic_reference TEXT, technique_id TEXT, technique_name TEXT, technique_reference TEXT," \
  "false_positives TEXT, \"references\" TEXT, note TEXT, author TEXT, license TEXT," \
  "pack TEXT, type TEXT, file TEXT, threat TEXT, threshold TEXT, new_terms TEXT," \
  "supported INTEGER, unsupported_reason TEXT)"
#define RULES_COL_RULE_ID        0
#define RULES_COL_NAME           1
#define RULES_COL_VERSION        2
#define RULES_COL_DESCRIPTION    3
#define RULES_COL_SEVERITY       4
#define RULES_COL_RISK_SCORE     5
#define RULES_COL_QUERY          6
#define RULES_COL_LANGUAGE       7
#define RULES_COL_FROM           8
#define RULES_COL_INTERVAL       9
#define RULES_COL_TS_OVERRIDE    10
#define RULES_COL_INDEX          11
#define RULES_COL_TACTIC_ID      12
#define RULES_COL_TACTIC_NAME    13
#define RULES_COL_TACTIC_REF     14
#define RULES_COL_TECHNIQUE_ID   15
#define RULES_COL_TECHNIQUE_NAME 16
#define RULES_COL_TECHNIQUE_REF  17
#define RULES_COL_FALSE_POS      18
#define RULES_COL_REFERENCES     19
#define RULES_COL_NOTE           20
#define RULES_COL_AUTHOR         21
#define RULES_COL_LICENSE        22
#define RULES_COL_PACK           23
#define RULES_COL_TYPE           24
#define RULES_COL_FILE           25
#define RULES_COL_THREAT         26
#define RULES_COL_THRESHOLD      27
#define RULES_COL_NEW_TERMS      28
#define RULES_COL_SUPPORTED      29
#define RULES_COL_UNSUPPORTED    30

/* The pack of the built-in rule's row. */
#define RULES_BUILTIN_PACK "builtin"

typedef struct RulesCursor {
  sqlite3_vtab_cursor base;
  int iRow;                 /* 0: the built-in rule; i>0: rules_data_file[i-1] */
  char *zPack;              /* WHERE pack = zPack, or 0 for every pack */
  Toml *pDoc;               /* the current file, parsed (rows after the first) */
  const TomlValue *pRule;   /* its [rule] table */
  int eSupported;           /* -1 until computed, then 1 or 0 */
  char *zWhy;               /* why not, when eSupported==0 */
} RulesCursor;

/* The built-in rule's MITRE mapping as the packs' `threat` JSON, from its metadata (keys in
** the order of the rule's file, impact_iam_deactivate_mfa_device.toml). */
static char *builtin_threat(const RuleMeta *m){
  return sqlite3_mprintf(
    "[{\"framework\": \"MITRE ATT&CK\", \"technique\": [{\"id\": \"%w\", \"name\": \"%w\", "
    "\"reference\": \"%w\"}], \"tactic\": {\"id\": \"%w\", \"name\": \"%w\", "
    "\"reference\": \"%w\"}}]",
    m->zTechniqueId, m->zTechniqueName, m->zTechniqueReference,
    m->zTacticId, m->zTacticName, m->zTacticReference);
}

/* ---- connect, cursor --------------------------------------------------------------------- */

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

/* Forget the current row's parsed file. */
static void rulesRowClear(RulesCursor *c){
  toml_free(c->pDoc);
  c->pDoc = 0;
  c->pRule = 0;
  sqlite3_free(c->zWhy);
  c->zWhy = 0;
  c->eSupported = -1;
}

static int rulesClose(sqlite3_vtab_cursor *cur){
  RulesCursor *c = (RulesCursor*)cur;
  rulesRowClear(c);
  sqlite3_free(c->zPack);
  sqlite3_free(c);
  return SQLITE_OK;
}

static int rulesEof(sqlite3_vtab_cursor *cur){
  return ((RulesCursor*)cur)->iRow > rules_data_count;
}

/* Move to row iRow or the first after it in the chosen pack, and parse its file. */
static int rulesSeek(RulesCursor *c, int iRow){
  const RuleFile *f;
  char *zErr = 0;
  int rc;
  rulesRowClear(c);
  for(; iRow<=rules_data_count; iRow++){
    const char *zPack = iRow==0 ? RULES_BUILTIN_PACK : rules_data_file[iRow-1].zPack;
    if( c->zPack==0 || strcmp(zPack, c->zPack)==0 ) break;
  }
  c->iRow = iRow;
  if( iRow==0 || iRow>rules_data_count ) return SQLITE_OK;
  f = &rules_data_file[iRow-1];
  rc = rules_parse_file(iRow-1, &c->pDoc, &c->pRule, &zErr);
  if( rc ){
    sqlite3_vtab *pVtab = c->base.pVtab;
    sqlite3_free(pVtab->zErrMsg);
    pVtab->zErrMsg = zErr ? sqlite3_mprintf("cloudtrail_rules: pack %s: %s", f->zPack, zErr) : 0;
    sqlite3_free(zErr);
    return pVtab->zErrMsg ? rc : SQLITE_NOMEM;
  }
  return SQLITE_OK;
}

static int rulesNext(sqlite3_vtab_cursor *cur){
  RulesCursor *c = (RulesCursor*)cur;
  return rulesSeek(c, c->iRow + 1);
}

/* A value of the current file's [rule] table (or [metadata] for zPath "metadata...."). */
static const TomlValue *ruleValue(RulesCursor *c, const char *zPath){
  if( strncmp(zPath, "metadata.", 9)==0 ) return toml_get(toml_root(c->pDoc), zPath);
  return toml_get(c->pRule, zPath + 5);    /* after "rule." */
}

/* The value at zPath as the column's result: a string as text, an integer as an integer,
** an array or table as JSON text, absent as NULL. */
static int resultValue(sqlite3_context *ctx, const TomlValue *v){
  char *z;
  if( v==0 ) return SQLITE_OK;
  switch( v->eType ){
    case TOML_STRING:  sqlite3_result_text(ctx, v->z, v->n, SQLITE_TRANSIENT); break;
    case TOML_INTEGER: sqlite3_result_int64(ctx, v->i); break;
    case TOML_BOOLEAN: sqlite3_result_int(ctx, (int)v->i); break;
    default:
      z = toml_json(v);
      if( z==0 ) return SQLITE_NOMEM;
      sqlite3_result_text(ctx, z, -1, sqlite3_free);
      break;
  }
  return SQLITE_OK;
}

static int rulesSupported(RulesCursor *c){
  if( c->eSupported<0 ){
    if( c->iRow==0 ){
      c->eSupported = rule_supported("query", rule_mfa_meta.zLanguage, rule_mfa_meta.zQuery,
                                     &c->zWhy);
    }else{
      /* what detect() loads: the query, and a threshold's or new_terms' fields */
      c->eSupported = rule_supported_toml(c->pRule, rules_data_file[c->iRow-1].zFile,
                                          &c->zWhy);
    }
    if( c->eSupported<0 ) return SQLITE_NOMEM;
  }
  return SQLITE_OK;
}

static int builtinColumn(RulesCursor *c, sqlite3_context *ctx, int i){
  const RuleMeta *m = &rule_mfa_meta;
  const char *z = 0;
  char *zOwn = 0;
  switch( i ){
    case RULES_COL_RULE_ID:        z = m->zRuleId; break;
    case RULES_COL_NAME:           z = m->zName; break;
    case RULES_COL_VERSION:        z = m->zVersion; break;
    case RULES_COL_DESCRIPTION:    z = m->zDescription; break;
    case RULES_COL_SEVERITY:       z = m->zSeverity; break;
    case RULES_COL_RISK_SCORE:     sqlite3_result_int(ctx, m->iRiskScore); return SQLITE_OK;
    case RULES_COL_QUERY:          z = m->zQuery; break;
    case RULES_COL_LANGUAGE:       z = m->zLanguage; break;
    case RULES_COL_FROM:           z = m->zFrom; break;
    case RULES_COL_INTERVAL:       z = m->zInterval; break;
    case RULES_COL_TS_OVERRIDE:    z = m->zTimestampOverride; break;
    case RULES_COL_INDEX:          z = m->zIndexPatterns; break;
    case RULES_COL_TACTIC_ID:      z = m->zTacticId; break;
    case RULES_COL_TACTIC_NAME:    z = m->zTacticName; break;
    case RULES_COL_TACTIC_REF:     z = m->zTacticReference; break;
    case RULES_COL_TECHNIQUE_ID:   z = m->zTechniqueId; break;
    case RULES_COL_TECHNIQUE_NAME: z = m->zTechniqueName; break;
    case RULES_COL_TECHNIQUE_REF:  z = m->zTechniqueReference; break;
    case RULES_COL_FALSE_POS:      z = m->zFalsePositives; break;
    case RULES_COL_REFERENCES:     z = m->zReferences; break;
    case RULES_COL_NOTE:           z = m->zNote; break;
    case RULES_COL_AUTHOR:         z = m->zAuthor; break;
    case RULES_COL_LICENSE:        z = m->zLicense; break;
    case RULES_COL_PACK:           z = RULES_BUILTIN_PACK; break;
    case RULES_COL_TYPE:           z = "query"; break;
    case RULES_COL_THREAT:
      zOwn = builtin_threat(m);
      if( zOwn==0 ) return SQLITE_NOMEM;
      sqlite3_result_text(ctx, zOwn, -1, sqlite3_free);
      return SQLITE_OK;
    case RULES_COL_SUPPORTED:
    case RULES_COL_UNSUPPORTED:
      if( rulesSupported(c) ) return SQLITE_NOMEM;
      if( i==RULES_COL_SUPPORTED ) sqlite3_result_int(ctx, c->eSupported);
      else if( c->zWhy ) sqlite3_result_text(ctx, c->zWhy, -1, SQLITE_TRANSIENT);
      return SQLITE_OK;
  }
  if( z ) sqlite3_result_text(ctx, z, -1, SQLITE_STATIC);
  return SQLITE_OK;
}

static int rulesColumn(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int i){
  RulesCursor *c = (RulesCursor*)cur;
  static const char *const azPath[] = {
    /* RULES_COL_RULE_ID ... RULES_COL_INDEX, by column number; 0: computed below */
    "rule.rule_id", "rule.name", "metadata.updated_date", "rule.description", "rule.severity",
    "rule.risk_score", "rule.query", "rule.language", "rule.from", "rule.interval",
    "rule.timestamp_override", "rule.index"
  };
  int bOom = 0;
  char *z = 0;
  if( c->iRow==0 ){
    int rc = builtinColumn(c, ctx, i);
    if( rc==SQLITE_NOMEM ) sqlite3_result_error_nomem(ctx);
    return SQLITE_OK;
  }
  if( i>=0 && i<(int)(sizeof(azPath)/sizeof(azPath[0])) ){
    if( resultValue(ctx, ruleValue(c, azPath[i])) ) sqlite3_result_error_nomem(ctx);
    return SQLITE_OK;
  }
  switch( i ){
    case RULES_COL_TACTIC_ID:      z = mitre_list(c->pRule, 0, "id", &bOom); break;
    case RULES_COL_TACTIC_NAME:    z = mitre_list(c->pRule, 0, "name", &bOom); break;
    case RULES_COL_TACTIC_REF:     z = mitre_list(c->pRule, 0, "reference", &bOom); break;
    case RULES_COL_TECHNIQUE_ID:   z = mitre_list(c->pRule, 1, "id", &bOom); break;
    case RULES_COL_TECHNIQUE_NAME: z = mitre_list(c->pRule, 1, "name", &bOom); break;
    case RULES_COL_TECHNIQUE_REF:  z = mitre_list(c->pRule, 1, "reference", &bOom); break;
    case RULES_COL_FALSE_POS:      bOom = resultValue(ctx, ruleValue(c, "rule.false_positives")); break;
    case RULES_COL_REFERENCES:     bOom = resultValue(ctx, ruleValue(c, "rule.references")); break;
    case RULES_COL_NOTE:           bOom = resultValue(ctx, ruleValue(c, "rule.note")); break;
    case RULES_COL_AUTHOR:         bOom = resultValue(ctx, ruleValue(c, "rule.author")); break;
    case RULES_COL_LICENSE:        bOom = resultValue(ctx, ruleValue(c, "rule.license")); break;
    case RULES_COL_PACK:
      sqlite3_result_text(ctx, rules_data_file[c->iRow-1].zPack, -1, SQLITE_STATIC);
      break;
    case RULES_COL_TYPE:           bOom = resultValue(ctx, ruleValue(c, "rule.type")); break;
    case RULES_COL_FILE:
      sqlite3_result_text(ctx, rules_data_file[c->iRow-1].zFile, -1, SQLITE_STATIC);
      break;
    case RULES_COL_THREAT:         bOom = resultValue(ctx, ruleValue(c, "rule.threat")); break;
    case RULES_COL_THRESHOLD:      bOom = resultValue(ctx, ruleValue(c, "rule.threshold")); break;
    case RULES_COL_NEW_TERMS:      bOom = resultValue(ctx, ruleValue(c, "rule.new_terms")); break;
    case RULES_COL_SUPPORTED:
    case RULES_COL_UNSUPPORTED:
      if( rulesSupported(c) ){ bOom = 1; break; }
      if( i==RULES_COL_SUPPORTED ) sqlite3_result_int(ctx, c->eSupported);
      else if( c->zWhy ) sqlite3_result_text(ctx, c->zWhy, -1, SQLITE_TRANSIENT);
      break;
  }
  if( z ) sqlite3_result_text(ctx, z, -1, sqlite3_free);
  if( bOom ) sqlite3_result_error_nomem(ctx);
  return SQLITE_OK;
}

static int rulesRowid(sqlite3_vtab_cursor *cur, sqlite_int64 *pRowid){
  *pRowid = ((RulesCursor*)cur)->iRow + 1;
  return SQLITE_OK;
}

/* idxNum bit 1: argv[0] is the value of `pack = ?` (only that pack's rows are read). */
static int rulesFilter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr,
                       int argc, sqlite3_value **argv){
  RulesCursor *c = (RulesCursor*)cur;
  (void)idxStr;
  sqlite3_free(c->zPack);
  c->zPack = 0;
  if( (idxNum & 1) && argc>0 ){
    const char *z = (const char*)sqlite3_value_text(argv[0]);
    if( z==0 ){                             /* pack = NULL: no row */
      rulesRowClear(c);
      c->iRow = rules_data_count + 1;
      return sqlite3_value_type(argv[0])==SQLITE_NULL ? SQLITE_OK : SQLITE_NOMEM;
    }
    c->zPack = sqlite3_mprintf("%s", z);
    if( c->zPack==0 ) return SQLITE_NOMEM;
  }
  return rulesSeek(c, 0);
}

static int rulesBestIndex(sqlite3_vtab *pVtab, sqlite3_index_info *pInfo){
  int i;
  (void)pVtab;
  pInfo->idxNum = 0;
  for(i=0; i<pInfo->nConstraint; i++){
    const struct sqlite3_index_constraint *p = &pInfo->aConstraint[i];
    /* only a binary comparison is the strcmp() of rulesSeek: `pack = 'X' COLLATE NOCASE`
    ** is left to SQLite */
    if( p->usable && p->iColumn==RULES_COL_PACK && p->op==SQLITE_INDEX_CONSTRAINT_EQ
     && sqlite3_stricmp(sqlite3_vtab_collation(pInfo, i), "BINARY")==0 ){
      pInfo->aConstraintUsage[i].argvIndex = 1;
      /* not omitted: SQLite checks it again (cheap, and exact whatever the affinity) */
      pInfo->idxNum = 1;
      break;
    }
  }
  pInfo->estimatedCost = pInfo->idxNum ? 100 : 1000;
  pInfo->estimatedRows = pInfo->idxNum ? 100 : 255;
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
