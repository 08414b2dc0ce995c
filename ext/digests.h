/*
** digests.h: CloudTrail log file integrity validation, offline (digests.c).
*/
#ifndef CLOUDTRAIL_DIGESTS_H
#define CLOUDTRAIL_DIGESTS_H

#define DIGEST_KIND_LOG    0
#define DIGEST_KIND_DIGEST 1

/* One row of cloudtrail_digests: a log file or a digest file. Strings are sqlite3_malloc'd
** (or NULL); zStatus, zChain and zSignature are static. */
typedef struct DigestRow {
  int eKind;                     /* DIGEST_KIND_* */
  char *zFile;                   /* the local path; NULL when missing */
  char *zKey;                    /* the S3 key from "AWSLogs/" on */
  char zAccount[16], zRegion[32];
  const char *zStatus;           /* ok, altered, missing, unlisted, uncovered, unreadable */
  char *zDigest;                 /* log: the digest that lists it */
  char *zPrevious;               /* digest: previousDigestS3Object */
  char *zStart, *zEnd;           /* digest: digestStartTime, digestEndTime */
  char *zExpected;               /* the hash a digest gives for this file */
  char zActual[65];              /* SHA-256 of its uncompressed bytes, hex; "" when absent */
  const char *zChain;            /* digest: ok, start, broken, previous missing */
  int bGap;                      /* digest: iGap is set */
  long long iGap;                /* digest: its start minus the previous digest's end (s) */
  const char *zSignature;        /* digest: verified, invalid, not verified */
  char *zDetail;                 /* why, in words; NULL when nothing to say */
} DigestRow;

typedef struct DigestReport {
  DigestRow *a;
  int n, nAlloc;
} DigestReport;

/* Read every file under zPath (a file, folder or glob), and the public keys at zKeys (a PEM
** file or a folder of them; NULL: none), into *p. SQLITE_OK, SQLITE_NOMEM, or SQLITE_ERROR
** with *pzErr (sqlite3_malloc'd). */
int digests_run(const char *zPath, const char *zKeys, DigestReport *p, char **pzErr);
void digests_free(DigestReport *p);

#endif
