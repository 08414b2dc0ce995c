/*
** rules.h: the embedded rule packs as rules to run: which rules a pack holds, whether this
** extension can run each, and the runnable `query` rules compiled once (used by
** cloudtrail_rules and by detect()).
*/
#ifndef CLOUDTRAIL_RULES_H
#define CLOUDTRAIL_RULES_H
#include "sqlite3ext.h"
#include "filter.h"
#include "kql.h"
#include "toml.h"

/* The pack detect() runs when none is named. */
#define RULES_DEFAULT_PACK "2024-04-18"

/* Rule.eKind: how a rule's matching events become alerts (README, "Rule types offline") */
#define RULE_QUERY     0        /* every matching event */
#define RULE_THRESHOLD 1        /* replay.c: the schedule replayed over event time */
#define RULE_NEW_TERMS 2        /* replay.c: a combination of values not seen in the history */

/* The most fields a threshold or new_terms rule may name (replay.c's bound). */
#define RULES_MAX_FIELDS 16

/* An ECS field a threshold or new_terms rule groups by (resolved once by ecs_lookup). */
typedef struct RuleField {
  char *zName;                  /* the field's name (owned) */
  int iField;                   /* for ecs_values() */
  int eType;                    /* ECS_KEYWORD, ECS_IP ... (ecs.h) */
  const char *zSub;             /* inside zName: a flattened path below its root, or 0 */
} RuleField;

/* One runnable rule: its metadata (owned copies) and, for a KQL rule, the compiled query. */
typedef struct Rule {
  char *zRuleId, *zName, *zSeverity, *zType, *zPack;
  int iRiskScore;
  char *zTacticId, *zTacticName, *zTechniqueId, *zTechniqueName;  /* ", "-lists or 0 */
  KqlExpr *pExpr;               /* 0 for the built-in MFA rule (rule_mfa_match) */
  int eKind;                    /* RULE_QUERY, RULE_THRESHOLD or RULE_NEW_TERMS */
  RuleField *aField;            /* threshold.field / new_terms fields, in the rule's order */
  int nField;
  sqlite3_int64 iValue;         /* threshold.value */
  RuleField *pCard;             /* threshold.cardinality's field, or 0 */
  sqlite3_int64 iCardValue;     /* ... and its value */
  sqlite3_int64 iLookback;      /* threshold: `from` (now-20m: 1200 seconds) */
  sqlite3_int64 iInterval;      /* threshold: `interval` in seconds (default 5m) */
  sqlite3_int64 iHistory;       /* new_terms: history_window_start (now-7d: 604800) */
  KqlKey key;                   /* pExpr's prefilter key (kql_key), set by the RuleIndex */
} Rule;

typedef struct RuleIndex RuleIndex;

typedef struct RuleSet {
  Rule *a;
  int n;
  RuleIndex *pIndex;            /* which rules may match a record: built on first use */
} RuleSet;

/* Whether the extension can run a rule of this type and language (and query): 1; 0 with
** *pzWhy (sqlite3_malloc'd) = machine_learning, esql, eql, or the KQL compiler's reason;
** -1 when out of memory. */
int rule_supported(const char *zType, const char *zLanguage, const char *zQuery, char **pzWhy);

/* rule_supported(), and for a threshold or new_terms rule its parameters too: a field
** that ecs.c cannot fill makes it unsupported ("field X is not mapped"), malformed
** parameters too (the reason then names zFile). Same answers and return values. */
int rule_supported_toml(const TomlValue *pRule, const char *zFile, char **pzWhy);

/* A duration of Elastic's date math as a rule's `from`, `interval` and
** history_window_start write it: "now-20m" (bNow) or "5m" (!bNow), units s, m, h, d.
** 1 and *piSeconds, or 0 when z is anything else. */
int rule_duration(const char *z, int bNow, sqlite3_int64 *piSeconds);

/* The rule's MITRE tactics (bTechnique==0) or techniques and sub-techniques (1), zField of
** each ("id", "name" or "reference"), in the file's order, duplicates dropped, as a
** ", "-separated list; 0 when there is none (*pbOom set when out of memory). */
char *mitre_list(const TomlValue *pRule, int bTechnique, const char *zField, int *pbOom);

/* Parse a rule file of the embedded packs; *ppRule its [rule] table. SQLITE_OK, or
** SQLITE_ERROR with *pzErr naming the file, or SQLITE_NOMEM. */
int rules_parse_file(int iFile, Toml **ppDoc, const TomlValue **ppRule, char **pzErr);

/* The supported rules of pack zPack (only the rules azRuleId[0..nRuleId) names when
** nRuleId>=0; every rule when it is -1): KQL rules of type
** `query`, `threshold` and `new_terms`, each query compiled once, with their parameters,
** in file order. SQLITE_ERROR with *pzErr when the pack does not exist or a rule's
** parameters are malformed (naming the file); SQLITE_NOMEM. */
int rules_load_queries(const char *zPack, const char *const *azRuleId, int nRuleId,
                       RuleSet *pSet, char **pzErr);

/* The built-in MFA rule (rule_mfa.c) as a one-rule set. */
int rules_load_builtin(RuleSet *pSet);

void rules_free(RuleSet *pSet);

/* The prefilter (see ext/README.md, "detect: one pass"). Each rule's key (kql_key) says
** which event.action values, else which event.provider values, a record it matches must
** hold; rules without one always run. */

/* Configure the reader's filter for pSet (when the prefilter is on and every rule is KQL):
** the workers evaluate every rule on each record, its candidates found by the keys, drop
** the records none matches and hand over which match (Filter.xEval, SplitItem.run). Over
** RULE_BITS_MAX rules they only drop what no key admits, and only when every rule has a
** key. The filter borrows pSet, its index and its trees: pSet must outlive the scan and
** not change during it. SQLITE_OK/NOMEM. */
int rules_filter(RuleSet *pSet, Filter *pFilter);

/* The rules of pSet that may match record r, in the set's order: *paRule (valid until the
** next call) and *pnRule. The record's event.action and event.provider values are read
** through ecs.c, as the rules read them (and cached on r for them). SQLITE_OK/NOMEM. */
int rules_candidates(RuleSet *pSet, Record *r, const int **paRule, int *pnRule);

/* When every rule of pSet has a key (and the prefilter is on), or pSet has no rule: *paKey =
** the index's two lists of key values, event.action's then event.provider's (a record any
** rule matches holds one of them; both empty: no record can match); else *paKey = 0. Valid
** while pSet lives and does not change. For reading a table: a WHERE on its eventName and
** eventSource columns. SQLITE_OK/NOMEM. */
int rules_keys(RuleSet *pSet, const FilterKeys **paKey);

/* The SQL function cloudtrail_prefilter(on): 1 (the default) or 0 for every detect() scan
** of the process from then on; returns the previous value. For tests: the answers must
** not change. */
int rules_register(sqlite3 *db);

#endif
