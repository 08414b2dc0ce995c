/*
** rules.h: the embedded rule packs as rules to run: which rules a pack holds, whether this
** extension can run each, and the runnable `query` rules compiled once (used by
** cloudtrail_rules and by detect()).
*/
#ifndef CLOUDTRAIL_RULES_H
#define CLOUDTRAIL_RULES_H
#include "sqlite3ext.h"
#include "kql.h"
#include "toml.h"

/* The pack detect() runs when none is named. */
#define RULES_DEFAULT_PACK "2024-04-18"

/* One runnable rule: its metadata (owned copies) and, for a KQL rule, the compiled query. */
typedef struct Rule {
  char *zRuleId, *zName, *zSeverity, *zType, *zPack;
  int iRiskScore;
  char *zTacticId, *zTacticName, *zTechniqueId, *zTechniqueName;  /* ", "-lists or 0 */
  KqlExpr *pExpr;               /* 0 for the built-in MFA rule (rule_mfa_match) */
} Rule;

typedef struct RuleSet {
  Rule *a;
  int n;
} RuleSet;

/* Whether the extension can run a rule of this type and language (and query): 1; 0 with
** *pzWhy (sqlite3_malloc'd) = machine_learning, esql, eql, or the KQL compiler's reason;
** -1 when out of memory. */
int rule_supported(const char *zType, const char *zLanguage, const char *zQuery, char **pzWhy);

/* The rule's MITRE tactics (bTechnique==0) or techniques and sub-techniques (1), zField of
** each ("id", "name" or "reference"), in the file's order, duplicates dropped, as a
** ", "-separated list; 0 when there is none (*pbOom set when out of memory). */
char *mitre_list(const TomlValue *pRule, int bTechnique, const char *zField, int *pbOom);

/* Parse a rule file of the embedded packs; *ppRule its [rule] table. SQLITE_OK, or
** SQLITE_ERROR with *pzErr naming the file, or SQLITE_NOMEM. */
int rules_parse_file(int iFile, Toml **ppDoc, const TomlValue **ppRule, char **pzErr);

/* The supported rules of type `query` of pack zPack (only rule zRuleId when not 0), each
** query compiled once, in file order. SQLITE_ERROR with *pzErr when the pack does not
** exist; SQLITE_NOMEM. threshold and new_terms rules are not loaded (not run yet). */
int rules_load_queries(const char *zPack, const char *zRuleId, RuleSet *pSet, char **pzErr);

/* The built-in MFA rule (rule_mfa.c) as a one-rule set. */
int rules_load_builtin(RuleSet *pSet);

void rules_free(RuleSet *pSet);

#endif
