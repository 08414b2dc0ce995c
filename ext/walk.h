/*
** walk.h: turn the user's path argument into a stream of file names.
*/
#ifndef CLOUDTRAIL_WALK_H
#define CLOUDTRAIL_WALK_H

typedef struct WalkDir WalkDir;

typedef struct Walk {
  char *zArg;                    /* the argument as given, trailing slashes removed */
  char *zGlob;                   /* the glob pattern, or NULL when zArg is a plain path */
  int bSingle;                   /* zArg is one file: yield it once */
  WalkDir *aDir;                 /* stack of directories being listed */
  int nDir, nDirAlloc;
  char *zPath;                   /* the current file's path */
  long long nSize;               /* its size as listed (WALK_FILE; else 0): the reader batches by it */
  int iDirFd;                    /* the folder it was listed from, open (borrowed), or -1 */
  long long iDirId;              /* ... which listing that was (numbered from 1) */
  int iName;                     /* where its name starts in zPath */
  long long nDirId;              /* folders listed so far */
  int nMatch;                    /* files yielded so far */
  int (*xPruneDir)(void*, const char*);  /* 1: skip this folder (set after walk_open) */
  void *pPruneCtx;
  int nPruned;                   /* folders skipped by xPruneDir */
} Walk;

/* The kinds of entry walk_next() yields. */
#define WALK_FILE     1          /* a regular file (or a link to one) */
#define WALK_UNREADABLE 2        /* a directory that could not be listed: errno in *piErrno */
#define WALK_SPECIAL  3          /* a FIFO, device or socket: never opened, so never blocks */
#define WALK_LINK_DIR 4          /* a link to a folder: not followed (reported, not read) */
#define WALK_BROKEN   5          /* a dangling link, or an entry gone since the listing */

int walk_open(Walk *p, const char *zArg, char **pzErr);
int walk_next(Walk *p, int *peKind, int *piErrno);
void walk_close(Walk *p);
int walk_exists(const char *zArg, int *pbExists);
int walk_glob_match(const char *zPattern, const char *zPath);

#endif
