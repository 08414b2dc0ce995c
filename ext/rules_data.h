/*
** rules_data.h: the rule files the build embeds (ext/rules/elastic-aws/PACK/NAME.toml),
** as ext/tools/embed.c writes them into build/rules_data.c: one entry per file, sorted by
** pack and file name, the text byte for byte as in the file (not NUL-terminated by
** contract: use nText).
*/
#ifndef CLOUDTRAIL_RULES_DATA_H
#define CLOUDTRAIL_RULES_DATA_H

typedef struct RuleFile {
  const char *zPack;        /* the pack: its folder's name, e.g. "2024-04-18" */
  const char *zFile;        /* the file's name, e.g. "impact_iam_deactivate_mfa_device.toml" */
  const char *zText;        /* the file's bytes */
  long nText;               /* how many */
} RuleFile;

extern const RuleFile rules_data_file[];
extern const int rules_data_count;

#endif
