/*
** rule_mfa.h: Elastic's "AWS IAM Deactivation of MFA Device" rule, evaluated on raw
** CloudTrail records, and the rule's published metadata.
*/
#ifndef CLOUDTRAIL_RULE_MFA_H
#define CLOUDTRAIL_RULE_MFA_H
#include <stddef.h>
#include "fields.h"

/* The rule's metadata as published (rule_mfa.c), for cloudtrail_rules and each alert. */
typedef struct RuleMeta {
  const char *zRuleId, *zName, *zVersion, *zDescription, *zSeverity;
  int iRiskScore;
  const char *zQuery, *zLanguage, *zFrom, *zInterval, *zTimestampOverride;
  const char *zIndexPatterns;            /* JSON array */
  const char *zTacticId, *zTacticName, *zTacticReference;
  const char *zTechniqueId, *zTechniqueName, *zTechniqueReference;
  const char *zFalsePositives;           /* JSON array */
  const char *zReferences;               /* JSON array */
  const char *zNote;                     /* the investigation guide, Markdown */
  const char *zAuthor;                   /* JSON array */
  const char *zLicense;
} RuleMeta;

extern const RuleMeta rule_mfa_meta;

int rule_mfa_maybe(const char *z, size_t s, size_t e);
int rule_mfa_match(const char *z, size_t s, const FieldIndex *pIdx);
int rule_is_ip(const char *z, size_t n);

#endif
