/*
** group.h: a scan's rows handed out grouped (GROUP BY on columns of few values), so that
** SQLite needs no sorter: each row's group noted as it is read, then the groups one after
** another, their rows counted out. Memory stays bounded: 4 bytes a row, in a temporary
** file past a budget; at most GROUP_MAX_PASS_GROUPS keys a pass over the files, the rows
** of the others grouped by further passes. How and why: group.c; README, "Speed", 6.
*/
#ifndef CLOUDTRAIL_GROUP_H
#define CLOUDTRAIL_GROUP_H
#include <stddef.h>
#include <stdint.h>
#include "sqlite3ext.h"

#define GROUP_MAX_COL          8
#ifndef GROUP_MAX_PASS_GROUPS
# define GROUP_MAX_PASS_GROUPS 16384       /* the keys one pass holds ... */
#endif
#define GROUP_MAX_KEY_BYTES    (8<<20)     /* ... and their bytes */

/* One id per row, in row order: in memory up to a budget, then in a temporary file. */
typedef struct GroupIds {
  uint32_t *a;                   /* in memory: every id; once spilled: the unwritten tail */
  size_t nAlloc;
  sqlite3_int64 n;               /* ids appended */
  int fd;                        /* the temporary file, or -1 */
  sqlite3_int64 nFile;           /* ids in the file */
  uint32_t *aRead;               /* a block read back from the file */
  sqlite3_int64 iReadBase;       /* the position of aRead[0], or -1 */
  size_t nRead;
} GroupIds;

typedef struct GroupKey GroupKey;

typedef struct Grouper {
  int nCol;
  int aiCol[GROUP_MAX_COL];      /* the table's columns, in GROUP BY order */
  int abDesc[GROUP_MAX_COL];     /* the order the groups come out in (DESC per column) */
  int iPass;                     /* 0 for the first pass over the files */
  sqlite3_int64 nRow;            /* rows of this pass so far */
  sqlite3_int64 nRowFirst;       /* rows of the first pass (every pass sees the same rows) */
  GroupIds cur, prev;            /* this pass's ids; the previous pass's */
  uint32_t *aPrevDone;           /* the previous pass's keys (their serials, sorted) */
  int nPrevDone;
  uint32_t iSerial;              /* the next key's serial (its id in the list) */
  GroupKey **apSlot;             /* this pass's keys by value ... */
  GroupKey **apSerial;           /* ... and by serial */
  unsigned nSlot;
  GroupKey **aHeap;              /* the same keys, the last in output order on top */
  int nLive;
  size_t nKeyBytes;
  GroupKey *pCeil;               /* the first key in output order this pass left out */
  GroupKey *pFloor;              /* the previous pass's ceiling: this pass's rows all come
                                 ** from it on, unless the files changed */
  uint64_t uFiles, uFilesFirst;  /* the files' paths and sizes, this pass and the first */
  GroupKey *pScratch;            /* the current row's key, built in place (nScratch bytes) */
  size_t nScratch;
  int bOverflow;                 /* some rows are left for another pass */
  GroupKey **aGroup;             /* after group_end_pass(): the keys in output order */
  int iOut;                      /* the group being handed out (index into aGroup) */
  sqlite3_int64 nOutLeft;        /* its rows not yet handed out, this one included */
  sqlite3_int64 iOutRow;         /* the row being handed out, counted from 0 */
  sqlite3_int64 *aPos;           /* positions of output rows iPosBase.. (for rowids) */
  sqlite3_int64 iPosBase;
  size_t nPos;
  char *zErr;                    /* an error's text (sqlite3_malloc'd), for the caller */
} Grouper;
/* One column's value of a row: SQLITE_NULL, SQLITE_INTEGER (i) or SQLITE_TEXT (z, n). */
typedef struct GroupVal {
  int eType;
  sqlite3_int64 i;
  const char *z;
  size_t n;
} GroupVal;

void group_init(Grouper *g);
void group_free(Grouper *g);
void group_file(Grouper *g, const char *zPath, long long nSize);
int group_row_wanted(Grouper *g);
int group_row(Grouper *g, const GroupVal *aVal);
int group_end_pass(Grouper *g);
void group_next(Grouper *g);
int group_eof(const Grouper *g);
int group_more_passes(const Grouper *g);
int group_begin_pass(Grouper *g);
void group_value(const Grouper *g, int k, GroupVal *pVal);
int group_rowid(Grouper *g, sqlite3_int64 *piRowid);

#endif
