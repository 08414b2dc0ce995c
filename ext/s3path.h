/*
** s3path.h: what AWS's naming says about a log file.
*/
#ifndef CLOUDTRAIL_S3PATH_H
#define CLOUDTRAIL_S3PATH_H

typedef struct S3Name {
  char zAccount[16];             /* 12-digit account id, or "" */
  char zRegion[32];              /* e.g. "us-east-1", or "" */
  char zTime[32];                /* delivery stamp as ISO-8601 UTC, or "" */
  long long iTime;               /* the same as Unix seconds (valid when zTime[0]) */
  int bDigest;                   /* CloudTrail-Digest in the path */
  int bInsight;                  /* CloudTrail-Insight in the path */
} S3Name;

void s3path_parse(const char *zPath, S3Name *p);
long long s3path_days_from_civil(int y, int m, int d);
int s3path_dir(const char *zDir, S3Name *p, long long *piStart, long long *piEnd);

#endif
