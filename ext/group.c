/*
** group.c: a scan's rows handed out grouped, for GROUP BY without SQLite's sorter.
**
** SQLite's GROUP BY over a virtual table puts every row's key into a sorter and sorts
** them after the last file (at 5M rows it spills to temporary files). When the table
** says its rows come grouped (sqlite3_vtab_distinct() == 1, orderByConsumed), SQLite
** only counts them. So: while the files are read, each row's key goes into a hash table
** of the pass's keys and the key's serial number is appended to a list in row order (4
** bytes a row); then the groups come out sorted as the GROUP BY terms sort (SQLite may
** take that order for an ORDER BY on the same terms), each repeated as many times as it
** has rows. Rowids are positions in that list: found only if SQLite asks for one, for a
** batch of output rows at a time (one sequential read of the list per batch).
**
** Bounded memory: the list stays in memory up to GROUP_MEM_IDS ids, then goes to a
** temporary file; one pass keeps at most GROUP_MAX_PASS_GROUPS keys and
** GROUP_MAX_KEY_BYTES of them: the first in output order (a heap of the kept keys, the
** last on top, makes room for an earlier key; the first key left out is the pass's ceiling,
** and no key from it on is kept after it). The rows of keys not kept are left to
** another pass over the files, whose keys all come after this pass's; the previous pass's
** list tells which rows those are. Every pass reads the same rows in the same order (the
** walk is sorted and the filter is the same). Files changed between passes are an error,
** never a wrong count, wherever the change shows: another list of files or sizes, another
** number of rows, or a row left to a later pass whose group now comes before the previous
** pass's ceiling (a group already handed out, or one that pass would have kept). A row an
** earlier pass counted is not read again: a change to it alone, of the same size, goes
** unseen, as it would had it come after the read.
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "group.h"

#define ID_DONE       0xFFFFFFFEu   /* the row was grouped by an earlier pass */
#define ID_NONE       0xFFFFFFFFu   /* its key was not kept: another pass groups it */
/* (The sizes below and GROUP_MAX_PASS_GROUPS may be set smaller when compiling:
** tests/harness/run.sh does, so that a small query takes every path, several passes and a
** temporary file included, under out-of-memory injection and threads.) */
#ifndef GROUP_MEM_IDS
# define GROUP_MEM_IDS ((size_t)1<<16)  /* 256 KiB of ids in memory before the file */
#endif
#ifndef GROUP_BLOCK
# define GROUP_BLOCK   ((size_t)1<<14)  /* ids per block written or read back */
#endif
#ifndef GROUP_POS
# define GROUP_POS     ((size_t)1<<17)  /* rowids found per batch (1 MiB) */
#endif

struct GroupKey {
  uint32_t h;                    /* hash of a[] */
  uint32_t n;                    /* bytes in a[] */
  uint32_t iSerial;              /* its id in this pass's list */
  int iHeap;                     /* its place in aHeap */
  sqlite3_int64 nRow;            /* its rows */
  sqlite3_int64 iStart;          /* its first output row */
  sqlite3_int64 nSeen;           /* its rows met by the current rowid batch's read */
  GroupKey *pNext;               /* chain by value */
  GroupKey *pNextSerial;         /* chain by serial */
  unsigned char a[1];            /* per column: a type byte, then 8 bytes (integer) or a
                                 ** 4-byte length and the text */
};

/*---------------------------------------------------------------- the list of ids */

static void ids_init(GroupIds *p){
  memset(p, 0, sizeof(*p));
  p->fd = -1;
  p->iReadBase = -1;
}

static void ids_free(GroupIds *p){
  sqlite3_free(p->a);
  sqlite3_free(p->aRead);
  if( p->fd>=0 ) close(p->fd);
  ids_init(p);
}

/* A temporary file nobody else can open (unlinked at once), in the first usable folder of
** those SQLite's own temporary files use on Unix: -1 (errno) when none is, -2 out of memory. */
static int temp_fd(void){
  const char *azDir[6];
  int i, fd = -1;
  azDir[0] = getenv("SQLITE_TMPDIR");
  azDir[1] = getenv("TMPDIR");
  azDir[2] = "/var/tmp";
  azDir[3] = "/usr/tmp";
  azDir[4] = "/tmp";
  azDir[5] = ".";
  for(i=0; i<6 && fd<0; i++){
    char *zPath;
    if( azDir[i]==0 || azDir[i][0]==0 ) continue;
    zPath = sqlite3_mprintf("%s/cloudtrail-group-XXXXXX", azDir[i]);
    if( zPath==0 ) return -2;
    fd = mkstemp(zPath);
    if( fd>=0 ) unlink(zPath);
    sqlite3_free(zPath);
  }
  return fd;
}

/* The ids held in memory go to the end of the file. */
static int ids_flush(Grouper *g, GroupIds *p){
  const char *z = (const char*)p->a;
  size_t n = (size_t)(p->n - p->nFile)*sizeof(uint32_t);
  sqlite3_int64 iOff = p->nFile*(sqlite3_int64)sizeof(uint32_t);
  if( p->fd<0 ){
    p->fd = temp_fd();
    if( p->fd==-2 ){ p->fd = -1; return SQLITE_NOMEM; }
    if( p->fd<0 ){
      g->zErr = sqlite3_mprintf("cloudtrail: GROUP BY: cannot create a temporary file "
                                "($SQLITE_TMPDIR, $TMPDIR, /var/tmp, /usr/tmp, /tmp, .): %s",
                                strerror(errno));
      return SQLITE_CANTOPEN;
    }
  }
  while( n>0 ){
    ssize_t k = pwrite(p->fd, z, n, (off_t)iOff);
    if( k<0 && errno==EINTR ) continue;
    if( k<=0 ){
      g->zErr = sqlite3_mprintf("cloudtrail: GROUP BY: cannot write its temporary file: %s",
                                k<0 ? strerror(errno) : "no space");
      return SQLITE_IOERR_WRITE;
    }
    z += k; n -= (size_t)k; iOff += k;
  }
  p->nFile = p->n;
  return SQLITE_OK;
}

static int ids_append(Grouper *g, GroupIds *p, uint32_t id){
  size_t iMem = (size_t)(p->n - p->nFile);
  if( iMem>=p->nAlloc ){
    size_t nNew;
    uint32_t *aNew;
    if( p->fd>=0 || p->nAlloc>=GROUP_MEM_IDS ){
      /* past the budget: the ids go to the file, one block at a time from now on */
      int rc = ids_flush(g, p);
      if( rc ) return rc;
      iMem = 0;
    }
    nNew = p->fd>=0 ? GROUP_BLOCK : p->nAlloc ? p->nAlloc*2 : GROUP_MEM_IDS<4096 ? GROUP_MEM_IDS : 4096;
    if( nNew!=p->nAlloc ){
      aNew = sqlite3_realloc64(p->a, nNew*sizeof(uint32_t));
      if( aNew==0 ) return SQLITE_NOMEM;
      p->a = aNew;
      p->nAlloc = nNew;
    }
  }
  p->a[iMem] = id;
  p->n++;
  return SQLITE_OK;
}

/* *pId = the id at position i (< p->n). SQLITE_OK or an error. */
static int ids_get(Grouper *g, GroupIds *p, sqlite3_int64 i, uint32_t *pId){
  if( i>=p->nFile ){
    *pId = p->a[i - p->nFile];
    return SQLITE_OK;
  }
  if( p->iReadBase<0 || i<p->iReadBase || i>=p->iReadBase+(sqlite3_int64)p->nRead ){
    sqlite3_int64 iBase = i - i%(sqlite3_int64)GROUP_BLOCK;
    size_t nWant = (size_t)(p->nFile - iBase), nGot = 0;
    if( nWant>GROUP_BLOCK ) nWant = GROUP_BLOCK;
    nWant *= sizeof(uint32_t);
    if( p->aRead==0 ){
      p->aRead = sqlite3_malloc64(GROUP_BLOCK*sizeof(uint32_t));
      if( p->aRead==0 ) return SQLITE_NOMEM;
    }
    p->iReadBase = -1;
    while( nGot<nWant ){
      ssize_t k = pread(p->fd, (char*)p->aRead + nGot, nWant - nGot,
                        (off_t)(iBase*(sqlite3_int64)sizeof(uint32_t) + (sqlite3_int64)nGot));
      if( k<0 && errno==EINTR ) continue;
      if( k<=0 ){
        g->zErr = sqlite3_mprintf("cloudtrail: GROUP BY: cannot read its temporary file: %s",
                                  k<0 ? strerror(errno) : "shorter than written");
        return SQLITE_IOERR_READ;
      }
      nGot += (size_t)k;
    }
    p->iReadBase = iBase;
    p->nRead = nWant/sizeof(uint32_t);
  }
  *pId = p->aRead[i - p->iReadBase];
  return SQLITE_OK;
}

/*---------------------------------------------------------------- keys */

static void key_value(const GroupKey *pK, int k, GroupVal *pVal){
  const unsigned char *a = pK->a;
  size_t i = 0;
  int j;
  for(j=0; ; j++){
    int t = a[i++];
    uint32_t m = 0;
    if( t==SQLITE_INTEGER ) m = 8;
    else if( t==SQLITE_TEXT ){ memcpy(&m, a+i, 4); i += 4; }
    if( j==k ){
      memset(pVal, 0, sizeof(*pVal));
      pVal->eType = t;
      if( t==SQLITE_INTEGER ) memcpy(&pVal->i, a+i, 8);
      if( t==SQLITE_TEXT ){ pVal->z = (const char*)a+i; pVal->n = m; }
      return;
    }
    i += m;
  }
}

/* SQLite's order for these values (BINARY): NULL, then numbers, then text by its bytes. */
static int val_cmp(const GroupVal *a, const GroupVal *b){
  static const int aRank[6] = { 0, 1, 1, 2, 3, 0 };   /* by SQLITE_* type; 5 is NULL */
  int ra = aRank[a->eType], rb = aRank[b->eType], c;
  if( ra!=rb ) return ra<rb ? -1 : 1;
  if( a->eType==SQLITE_INTEGER ) return a->i<b->i ? -1 : a->i>b->i;
  if( a->eType==SQLITE_TEXT ){
    c = memcmp(a->z, b->z, a->n<b->n ? a->n : b->n);
    if( c ) return c;
    return a->n<b->n ? -1 : a->n>b->n;
  }
  return 0;
}

/* Output order: negative when a's group comes out before b's. */
static int key_cmp(const Grouper *g, const GroupKey *a, const GroupKey *b){
  int k;
  for(k=0; k<g->nCol; k++){
    GroupVal va, vb;
    int c;
    key_value(a, k, &va);
    key_value(b, k, &vb);
    c = val_cmp(&va, &vb);
    if( c ) return g->abDesc[k] ? -c : c;
  }
  return 0;
}

static int key_cmp_sort(const void *pa, const void *pb, void *pCtx){
  return key_cmp((const Grouper*)pCtx, *(GroupKey*const*)pa, *(GroupKey*const*)pb);
}

static uint32_t hash_bytes(const unsigned char *a, size_t n){
  uint32_t h = 2166136261u;      /* FNV-1a */
  size_t i;
  for(i=0; i<n; i++){ h ^= a[i]; h *= 16777619u; }
  return h;
}

static unsigned serial_slot(const Grouper *g, uint32_t iSerial){
  return (iSerial*2654435761u) & (g->nSlot-1);
}

/* The encoded key's size, and the encoding into a (when not NULL). */
static size_t key_encode(const Grouper *g, const GroupVal *aVal, unsigned char *a){
  size_t n = 0;
  int k;
  for(k=0; k<g->nCol; k++){
    const GroupVal *v = &aVal[k];
    if( a ) a[n] = (unsigned char)v->eType;
    n++;
    if( v->eType==SQLITE_INTEGER ){
      if( a ) memcpy(a+n, &v->i, 8);
      n += 8;
    }else if( v->eType==SQLITE_TEXT ){
      uint32_t m = (uint32_t)v->n;
      if( a ){
        memcpy(a+n, &m, 4);
        if( m ) memcpy(a+n+4, v->z, m);
      }
      n += 4 + m;
    }
  }
  return n;
}

static GroupKey *serial_find(const Grouper *g, uint32_t iSerial){
  GroupKey *pK = g->nSlot ? g->apSerial[serial_slot(g, iSerial)] : 0;
  while( pK && pK->iSerial!=iSerial ) pK = pK->pNextSerial;
  return pK;
}

static void keys_free(Grouper *g){
  int i;
  for(i=0; i<g->nLive; i++) sqlite3_free(g->aHeap[i]);
  sqlite3_free(g->aHeap);
  sqlite3_free(g->aGroup);
  sqlite3_free(g->apSlot);
  sqlite3_free(g->apSerial);
  sqlite3_free(g->aPos);
  sqlite3_free(g->pCeil);
  g->pCeil = 0;
  g->aHeap = g->aGroup = g->apSlot = g->apSerial = 0;
  g->aPos = 0;
  g->nPos = 0;
  g->nLive = 0;
  g->nSlot = 0;
  g->nKeyBytes = 0;
}

/* Both tables twice as large (room for twice the keys). */
static int table_grow(Grouper *g){
  unsigned nNew = g->nSlot ? g->nSlot*2 : 256, i;
  GroupKey **apV = sqlite3_malloc64(sizeof(GroupKey*)*(sqlite3_uint64)nNew);
  GroupKey **apS = sqlite3_malloc64(sizeof(GroupKey*)*(sqlite3_uint64)nNew);
  GroupKey **aH = sqlite3_realloc64(g->aHeap, sizeof(GroupKey*)*(sqlite3_uint64)(nNew/2));
  if( aH ) g->aHeap = aH;
  if( apV==0 || apS==0 || aH==0 ){
    sqlite3_free(apV);
    sqlite3_free(apS);
    return SQLITE_NOMEM;
  }
  memset(apV, 0, sizeof(GroupKey*)*nNew);
  memset(apS, 0, sizeof(GroupKey*)*nNew);
  sqlite3_free(g->apSlot);
  sqlite3_free(g->apSerial);
  g->apSlot = apV;
  g->apSerial = apS;
  g->nSlot = nNew;
  for(i=0; i<(unsigned)g->nLive; i++){
    GroupKey *pK = g->aHeap[i];
    pK->pNext = apV[pK->h & (nNew-1)];
    apV[pK->h & (nNew-1)] = pK;
    pK->pNextSerial = apS[serial_slot(g, pK->iSerial)];
    apS[serial_slot(g, pK->iSerial)] = pK;
  }
  return SQLITE_OK;
}

static void heap_set(Grouper *g, int i, GroupKey *pK){
  g->aHeap[i] = pK;
  pK->iHeap = i;
}

static void heap_up(Grouper *g, int i){
  GroupKey *pK = g->aHeap[i];
  while( i>0 && key_cmp(g, g->aHeap[(i-1)/2], pK)<0 ){
    heap_set(g, i, g->aHeap[(i-1)/2]);
    i = (i-1)/2;
  }
  heap_set(g, i, pK);
}

static void heap_down(Grouper *g, int i){
  GroupKey *pK = g->aHeap[i];
  for(;;){
    int c = 2*i+1;
    if( c>=g->nLive ) break;
    if( c+1<g->nLive && key_cmp(g, g->aHeap[c], g->aHeap[c+1])<0 ) c++;
    if( key_cmp(g, pK, g->aHeap[c])>=0 ) break;
    heap_set(g, i, g->aHeap[c]);
    i = c;
  }
  heap_set(g, i, pK);
}

/* The ceiling becomes pK: no key from it on is kept this pass. */
static void ceiling_set(Grouper *g, GroupKey *pK){
  sqlite3_free(g->pCeil);
  g->pCeil = pK;
  g->bOverflow = 1;
}

/* Drop the kept key that comes out last: it becomes the ceiling, its rows are left to
** another pass. */
static void key_evict(Grouper *g){
  GroupKey *pK = g->aHeap[0], **pp;
  for(pp=&g->apSlot[pK->h & (g->nSlot-1)]; *pp!=pK; pp=&(*pp)->pNext){}
  *pp = pK->pNext;
  for(pp=&g->apSerial[serial_slot(g, pK->iSerial)]; *pp!=pK; pp=&(*pp)->pNextSerial){}
  *pp = pK->pNextSerial;
  g->nLive--;
  if( g->nLive>0 ){
    heap_set(g, 0, g->aHeap[g->nLive]);
    heap_down(g, 0);
  }
  g->nKeyBytes -= pK->n;
  ceiling_set(g, pK);
}

static int table_full(const Grouper *g, size_t nMore){
  return g->nLive>0 && (g->nLive>=GROUP_MAX_PASS_GROUPS || g->nKeyBytes+nMore>GROUP_MAX_KEY_BYTES);
}

/*---------------------------------------------------------------- a pass */

void group_init(Grouper *g){
  memset(g, 0, sizeof(*g));
  ids_init(&g->cur);
  ids_init(&g->prev);
  g->iOut = -1;
}

void group_free(Grouper *g){
  keys_free(g);
  ids_free(&g->cur);
  ids_free(&g->prev);
  sqlite3_free(g->aPrevDone);
  sqlite3_free(g->pScratch);
  sqlite3_free(g->pFloor);
  sqlite3_free(g->zErr);
  g->aPrevDone = 0;
  g->pFloor = 0;
  g->pScratch = 0;
  g->nScratch = 0;
  g->zErr = 0;
}

static int serial_cmp(const void *pa, const void *pb){
  uint32_t a = *(const uint32_t*)pa, b = *(const uint32_t*)pb;
  return a<b ? -1 : a>b;
}

static int serial_in(const uint32_t *a, int n, uint32_t x){
  int lo = 0, hi = n;
  while( lo<hi ){
    int mid = lo + (hi-lo)/2;
    if( a[mid]<x ) lo = mid+1; else hi = mid;
  }
  return lo<n && a[lo]==x;
}

/* The next file of the pass (its rows follow): the pass's files must be the first pass's. */
void group_file(Grouper *g, const char *zPath, long long nSize){
  const unsigned char *u = (const unsigned char*)zPath;
  uint64_t h = g->uFiles ^ 0x9e3779b97f4a7c15ull;
  size_t i;
  for(i=0; u[i]; i++){ h ^= u[i]; h *= 1099511628211ull; }      /* FNV-1a, 64 bits */
  for(i=0; i<8; i++){ h ^= (unsigned char)((unsigned long long)nSize >> (8*i)); h *= 1099511628211ull; }
  g->uFiles = h;
}

/* Does the next row need its key (1), or was it grouped by an earlier pass (0, noted)?
** -1: an error (g->zErr, or out of memory when it is NULL). */
int group_row_wanted(Grouper *g){
  uint32_t id;
  if( g->iPass==0 ) return 1;
  if( g->nRow>=g->prev.n ){
    g->zErr = sqlite3_mprintf("cloudtrail: GROUP BY: the files changed while they were read "
                              "again (more rows than the first time)");
    return -1;
  }
  if( ids_get(g, &g->prev, g->nRow, &id) ) return -1;
  if( id!=ID_DONE && !serial_in(g->aPrevDone, g->nPrevDone, id) ) return 1;
  if( ids_append(g, &g->cur, ID_DONE) ) return -1;
  g->nRow++;
  return 0;
}

/* A copy of key pK that the grouper owns, or NULL (out of memory). */
static GroupKey *key_dup(const GroupKey *pK){
  GroupKey *pNew = sqlite3_malloc64(sizeof(GroupKey) + pK->n);
  if( pNew ){
    memset(pNew, 0, sizeof(GroupKey));
    pNew->h = pK->h;
    pNew->n = pK->n;
    memcpy(pNew->a, pK->a, pK->n);
  }
  return pNew;
}

/* The next row, whose group columns have the values aVal[0..nCol). Returns SQLITE_OK or
** an error (g->zErr says what, when it is not out of memory). The row's key is built in
** g->pScratch (reused from row to row) and copied only when the pass keeps a new key. */
int group_row(Grouper *g, const GroupVal *aVal){
  size_t n = key_encode(g, aVal, 0);
  uint32_t id = ID_NONE;
  GroupKey *pRow, *pK = 0;
  int rc = SQLITE_OK;
  if( g->pScratch==0 || n>g->nScratch ){
    GroupKey *pNew = sqlite3_realloc64(g->pScratch, sizeof(GroupKey) + n);
    if( pNew==0 ) return SQLITE_NOMEM;
    g->pScratch = pNew;
    g->nScratch = n;
  }
  pRow = g->pScratch;
  key_encode(g, aVal, pRow->a);
  pRow->n = (uint32_t)n;
  pRow->h = hash_bytes(pRow->a, n);
  if( g->pFloor && key_cmp(g, pRow, g->pFloor)<0 ){
    g->zErr = sqlite3_mprintf("cloudtrail: GROUP BY: the files changed while they were read "
                              "again (a row's group now comes before where the last pass stopped)");
    return SQLITE_ERROR;
  }
  if( g->nSlot ){
    pK = g->apSlot[pRow->h & (g->nSlot-1)];
    while( pK && !(pK->h==pRow->h && pK->n==n && memcmp(pK->a, pRow->a, n)==0) ) pK = pK->pNext;
  }
  /* A pass keeps the keys that come out first, all before its ceiling (the first key it
  ** left out): the keys of the next pass all come out after this pass's. Room for a new
  ** key: the kept keys that come out after it make way (one key is always kept). */
  if( pK==0 && !(g->pCeil && key_cmp(g, pRow, g->pCeil)>=0) ){
    while( table_full(g, n) && key_cmp(g, pRow, g->aHeap[0])<0 ) key_evict(g);
    if( table_full(g, n) ){
      /* it comes out after every kept key: the new ceiling */
      GroupKey *pCeil = key_dup(pRow);
      if( pCeil==0 ) return SQLITE_NOMEM;
      ceiling_set(g, pCeil);
    }else if( g->iSerial>=ID_DONE ){
      g->zErr = sqlite3_mprintf("cloudtrail: GROUP BY: more than 4,294,967,293 keys");
      return SQLITE_ERROR;
    }else{
      if( (unsigned)g->nLive>=g->nSlot/2 && (rc = table_grow(g))!=SQLITE_OK ) return rc;
      if( (pK = key_dup(pRow))==0 ) return SQLITE_NOMEM;
      pK->iSerial = g->iSerial++;
      pK->pNext = g->apSlot[pK->h & (g->nSlot-1)];
      g->apSlot[pK->h & (g->nSlot-1)] = pK;
      pK->pNextSerial = g->apSerial[serial_slot(g, pK->iSerial)];
      g->apSerial[serial_slot(g, pK->iSerial)] = pK;
      heap_set(g, g->nLive++, pK);
      heap_up(g, g->nLive-1);
      g->nKeyBytes += n;
    }
  }else if( pK==0 ){
    g->bOverflow = 1;                           /* at or after the ceiling: another pass */
  }
  if( pK ){
    pK->nRow++;
    id = pK->iSerial;
  }
  rc = ids_append(g, &g->cur, id);
  if( rc==SQLITE_OK ) g->nRow++;
  return rc;
}

/* The pass has read its last row: its groups, sorted, are ready to come out. */
int group_end_pass(Grouper *g){
  int i;
  sqlite3_int64 iStart = 0;
  if( g->iPass==0 ){
    g->nRowFirst = g->nRow;
    g->uFilesFirst = g->uFiles;
  }else if( g->uFiles!=g->uFilesFirst ){
    g->zErr = sqlite3_mprintf("cloudtrail: GROUP BY: the files changed while they were read "
                              "again (other files, or other sizes)");
    return SQLITE_ERROR;
  }else if( g->nRow!=g->nRowFirst ){
    g->zErr = sqlite3_mprintf("cloudtrail: GROUP BY: the files changed while they were read "
                              "again (%lld rows, then %lld)", g->nRowFirst, g->nRow);
    return SQLITE_ERROR;
  }
  g->aGroup = sqlite3_malloc64(sizeof(GroupKey*)*(sqlite3_uint64)(g->nLive+1));
  if( g->aGroup==0 ) return SQLITE_NOMEM;
  if( g->nLive ) memcpy(g->aGroup, g->aHeap, sizeof(GroupKey*)*(size_t)g->nLive);
  if( g->nLive>1 ){
    qsort_r(g->aGroup, (size_t)g->nLive, sizeof(GroupKey*), key_cmp_sort, g);
  }
  for(i=0; i<g->nLive; i++){
    g->aGroup[i]->iStart = iStart;
    iStart += g->aGroup[i]->nRow;
  }
  g->iOut = -1;
  g->nOutLeft = 0;
  g->iOutRow = -1;
  return SQLITE_OK;
}

/* The next row of the groups (call once before the first). */
void group_next(Grouper *g){
  g->iOutRow++;
  if( g->nOutLeft>1 ){
    g->nOutLeft--;
    return;
  }
  g->nOutLeft = 0;
  while( g->iOut<g->nLive ){
    g->iOut++;
    if( g->iOut<g->nLive && g->aGroup[g->iOut]->nRow>0 ){
      g->nOutLeft = g->aGroup[g->iOut]->nRow;
      break;
    }
  }
}

int group_eof(const Grouper *g){
  return g->iOut>=g->nLive;
}

/* After the last group of a pass: are there rows a further pass must group? */
int group_more_passes(const Grouper *g){
  return g->bOverflow;
}

/* Start the next pass: this pass's list and keys tell it which rows are done. */
int group_begin_pass(Grouper *g){
  int i;
  sqlite3_free(g->aPrevDone);
  g->aPrevDone = sqlite3_malloc64(sizeof(uint32_t)*(sqlite3_uint64)(g->nLive+1));
  if( g->aPrevDone==0 ) return SQLITE_NOMEM;
  for(i=0; i<g->nLive; i++) g->aPrevDone[i] = g->aGroup[i]->iSerial;
  g->nPrevDone = g->nLive;
  qsort(g->aPrevDone, (size_t)g->nPrevDone, sizeof(uint32_t), serial_cmp);
  /* the rows left to this pass all had keys from the last pass's ceiling on */
  sqlite3_free(g->pFloor);
  g->pFloor = g->pCeil;
  g->pCeil = 0;
  keys_free(g);
  ids_free(&g->prev);
  g->prev = g->cur;
  ids_init(&g->cur);
  g->iPass++;
  g->nRow = 0;
  g->uFiles = 0;
  g->bOverflow = 0;
  g->iOut = -1;
  g->nOutLeft = 0;
  return SQLITE_OK;
}

/* Column k of the current row. */
void group_value(const Grouper *g, int k, GroupVal *pVal){
  key_value(g->aGroup[g->iOut], k, pVal);
}

/* Positions of output rows iOutRow.. (a batch of GROUP_POS): one read of the list, each
** kept key's rows counted from its first output row. */
static int rowid_batch(Grouper *g){
  sqlite3_int64 i, nOut = 0;
  int k, rc;
  for(k=0; k<g->nLive; k++){
    g->aGroup[k]->nSeen = 0;
    nOut += g->aGroup[k]->nRow;
  }
  if( g->aPos==0 ){
    g->aPos = sqlite3_malloc64(sizeof(sqlite3_int64)*GROUP_POS);
    if( g->aPos==0 ) return SQLITE_NOMEM;
  }
  g->iPosBase = g->iOutRow;
  g->nPos = nOut-g->iOutRow < (sqlite3_int64)GROUP_POS ? (size_t)(nOut-g->iOutRow) : GROUP_POS;
  for(i=0; i<g->cur.n; i++){
    uint32_t id;
    GroupKey *pK;
    sqlite3_int64 iRow;
    rc = ids_get(g, &g->cur, i, &id);
    if( rc ) return rc;
    if( id>=ID_DONE || (pK = serial_find(g, id))==0 ) continue;
    iRow = pK->iStart + pK->nSeen++;
    if( iRow>=g->iPosBase && iRow<g->iPosBase+(sqlite3_int64)g->nPos ){
      g->aPos[iRow - g->iPosBase] = i;
    }
  }
  return SQLITE_OK;
}

/* The current row's rowid: its position in the list, + 1. */
int group_rowid(Grouper *g, sqlite3_int64 *piRowid){
  if( g->aPos==0 || g->iOutRow<g->iPosBase || g->iOutRow>=g->iPosBase+(sqlite3_int64)g->nPos ){
    int rc = rowid_batch(g);
    if( rc ) return rc;
  }
  *piRowid = g->aPos[g->iOutRow - g->iPosBase] + 1;
  return SQLITE_OK;
}
