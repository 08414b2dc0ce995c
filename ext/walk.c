/*
** walk.c: file discovery.
**
** The argument is a file, a directory (walked recursively) or a glob pattern where "*"
** stays inside one path component and "**" matches any depth. An argument holding '*', '?'
** or '[' is always a glob; a literal one of those is written as a class ("[*]", "[[]"). Directories are listed one
** at a time and sorted by byte value, so the order is the same on every machine and
** memory follows the largest directory, not the number of files.
**
** Links to files are read like files. Links to directories are not followed: a copied
** evidence tree should not reach outside itself, and this cannot loop.
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "walk.h"

struct WalkDir {
  char *zDir;                    /* the directory's path */
  char **azName;                 /* its entries, sorted */
  int nName, iName;
  int fd;                        /* the directory, open while it is walked, or -1 */
  long long iId;                 /* which listing (Walk.nDirId when it was pushed) */
};

/* Each entry is looked at (lstat) relative to its folder's descriptor: the kernel then
** resolves one name, not the whole path again, which for 100,000 small files in deep S3
** folders is a measurable part of a scan. Only this many levels keep a descriptor (deeper
** ones use the path), so a deep tree cannot run the process out of descriptors. */
#define WALK_FD_DEPTH 64

static int cmp_name(const void *a, const void *b){
  return strcmp(*(char*const*)a, *(char*const*)b);
}

static void dir_free(WalkDir *d){
  int i;
  for(i=0; i<d->nName; i++) sqlite3_free(d->azName[i]);
  sqlite3_free(d->azName);
  sqlite3_free(d->zDir);
  if( d->fd>=0 ) close(d->fd);
  memset(d, 0, sizeof(*d));
  d->fd = -1;
}

/* Push directory zDir (taking ownership). Returns SQLITE_OK, SQLITE_NOMEM, or
** SQLITE_CANTOPEN with *piErrno set when it cannot be listed. */
static int dir_push(Walk *p, char *zDir, int *piErrno){
  DIR *pD;
  struct dirent *pE;
  WalkDir *d;
  int nAlloc = 0;
  if( p->nDir>=p->nDirAlloc ){
    int nNew = p->nDirAlloc ? p->nDirAlloc*2 : 16;
    WalkDir *aNew = sqlite3_realloc64(p->aDir, nNew*sizeof(WalkDir));
    if( aNew==0 ){ sqlite3_free(zDir); return SQLITE_NOMEM; }
    p->aDir = aNew;
    p->nDirAlloc = nNew;
  }
  d = &p->aDir[p->nDir];
  memset(d, 0, sizeof(*d));
  d->fd = -1;
  d->iId = ++p->nDirId;
  d->zDir = zDir;
  pD = opendir(zDir);
  if( pD==0 ){
    *piErrno = errno;
    dir_free(d);
    return SQLITE_CANTOPEN;
  }
  while( (pE = readdir(pD))!=0 ){
    if( strcmp(pE->d_name, ".")==0 || strcmp(pE->d_name, "..")==0 ) continue;
    if( d->nName>=nAlloc ){
      int nNew = nAlloc ? nAlloc*2 : 64;
      char **aNew = sqlite3_realloc64(d->azName, nNew*sizeof(char*));
      if( aNew==0 ) goto nomem;
      d->azName = aNew;
      nAlloc = nNew;
    }
    d->azName[d->nName] = sqlite3_mprintf("%s", pE->d_name);
    if( d->azName[d->nName]==0 ) goto nomem;
    d->nName++;
  }
  if( p->nDir<WALK_FD_DEPTH ) d->fd = fcntl(dirfd(pD), F_DUPFD_CLOEXEC, 0);
  closedir(pD);
  if( d->nName>1 ) qsort(d->azName, d->nName, sizeof(char*), cmp_name);
  p->nDir++;
  return SQLITE_OK;
nomem:
  closedir(pD);
  dir_free(d);
  return SQLITE_NOMEM;
}

/* Could a file below the folder zDir match the pattern zP? Folder and pattern are compared
** component by component; a double star matches whatever is left. Folders the pattern
** cannot reach are not listed at all (and an unreadable one there is no problem). */
static int glob_may_reach(const char *zP, const char *zDir){
  char zPc[512], zDc[512];
  for(;;){
    size_t nP = strcspn(zP, "/"), nD = strcspn(zDir, "/");
    if( *zDir==0 ) return 1;                    /* the rest of the pattern is below */
    if( nP==2 && zP[0]=='*' && zP[1]=='*' ) return 1;
    if( zP[nP]==0 ) return 0;                   /* the pattern's last part names files */
    if( nP>=sizeof(zPc) || nD>=sizeof(zDc) ) return 1;
    memcpy(zPc, zP, nP); zPc[nP] = 0;
    memcpy(zDc, zDir, nD); zDc[nD] = 0;
    if( !walk_glob_match(zPc, zDc) ) return 0;
    zP += nP + 1;
    zDir += nD + (zDir[nD]=='/');
  }
}

static int has_glob(const char *z){
  return strpbrk(z, "*?[")!=0;
}

int walk_open(Walk *p, const char *zArg, char **pzErr){
  struct stat st;
  size_t n;
  int iErrno = 0, rc;
  memset(p, 0, sizeof(*p));
  p->zArg = sqlite3_mprintf("%s", zArg);
  if( p->zArg==0 ) return SQLITE_NOMEM;
  n = strlen(p->zArg);
  while( n>1 && p->zArg[n-1]=='/' ) p->zArg[--n] = 0;
  if( n==0 ){
    *pzErr = sqlite3_mprintf("empty path");
    return SQLITE_ERROR;
  }
  if( has_glob(p->zArg) ){
    /* Always a glob, even when a file or folder is literally named so (S3 keys may hold
    ** '*'): the pattern matches that name too, and everything else it matches. The walk
    ** starts at the last directory before the first wildcard component. */
    char *zBase;
    const char *zMeta = strpbrk(p->zArg, "*?[");
    const char *zSlash = zMeta;
    while( zSlash>p->zArg && zSlash[-1]!='/' ) zSlash--;
    p->zGlob = p->zArg;
    p->zArg = 0;
    if( zSlash==p->zGlob ){
      zBase = sqlite3_mprintf(".");
    }else if( zSlash-1==p->zGlob ){
      zBase = sqlite3_mprintf("/");
    }else{
      zBase = sqlite3_mprintf("%.*s", (int)(zSlash-1-p->zGlob), p->zGlob);
    }
    if( zBase==0 ) return SQLITE_NOMEM;
    rc = dir_push(p, zBase, &iErrno);
    if( rc==SQLITE_CANTOPEN ){
      *pzErr = sqlite3_mprintf("cannot open '%s': %s", p->zGlob, strerror(iErrno));
      return SQLITE_ERROR;
    }
    return rc;
  }
  if( stat(p->zArg, &st)!=0 ){
    *pzErr = sqlite3_mprintf("cannot open '%s': %s", p->zArg, strerror(errno));
    return SQLITE_ERROR;
  }
  if( S_ISDIR(st.st_mode) ){
    char *zDir = sqlite3_mprintf("%s", p->zArg);
    if( zDir==0 ) return SQLITE_NOMEM;
    rc = dir_push(p, zDir, &iErrno);
    if( rc==SQLITE_CANTOPEN ){
      *pzErr = sqlite3_mprintf("cannot open '%s': %s", p->zArg, strerror(iErrno));
      return SQLITE_ERROR;
    }
    return rc;
  }
  p->bSingle = 1;
  return SQLITE_OK;
}

/* Advance to the next entry. Returns SQLITE_ROW with p->zPath and *peKind set,
** SQLITE_DONE at the end, SQLITE_EMPTY at the end of a glob that matched nothing (a
** typo in a pattern should not look like an empty case), or SQLITE_NOMEM. */
int walk_next(Walk *p, int *peKind, int *piErrno){
  *piErrno = 0;
  p->nSize = 0;
  p->iDirFd = -1;
  sqlite3_free(p->zPath);
  p->zPath = 0;
  if( p->bSingle ){
    struct stat st;
    if( p->nMatch++ ) return SQLITE_DONE;
    p->zPath = sqlite3_mprintf("%s", p->zArg);
    if( p->zPath==0 ) return SQLITE_NOMEM;
    if( stat(p->zPath, &st)!=0 ){
      *peKind = WALK_FILE;                      /* opening it will say why */
    }else{
      *peKind = S_ISREG(st.st_mode) ? WALK_FILE : WALK_SPECIAL;
      if( *peKind==WALK_FILE ) p->nSize = (long long)st.st_size;
    }
    return SQLITE_ROW;
  }
  while( p->nDir>0 ){
    WalkDir *d = &p->aDir[p->nDir-1];
    struct stat st, lst;
    char *zPath;
    const char *zName;
    int bRel;
    if( d->iName>=d->nName ){
      dir_free(d);
      p->nDir--;
      continue;
    }
    zName = d->azName[d->iName];
    if( strcmp(d->zDir, "/")==0 ){
      zPath = sqlite3_mprintf("/%s", d->azName[d->iName++]);
    }else if( p->zGlob && strcmp(d->zDir, ".")==0 && strncmp(p->zGlob, "./", 2)!=0 ){
      zPath = sqlite3_mprintf("%s", d->azName[d->iName++]);
    }else{
      zPath = sqlite3_mprintf("%s/%s", d->zDir, d->azName[d->iName++]);
    }
    if( zPath==0 ) return SQLITE_NOMEM;
    /* a path the kernel would refuse (PATH_MAX) is looked at by path, so that it is
    ** refused here too, exactly as every later open of it would be */
    bRel = d->fd>=0 && strlen(zPath)<PATH_MAX;
    if( (bRel ? fstatat(d->fd, zName, &lst, AT_SYMLINK_NOFOLLOW) : lstat(zPath, &lst))!=0 ){
      /* gone since the folder was listed: say so rather than lose it silently */
      *piErrno = errno;
      if( p->zGlob && !walk_glob_match(p->zGlob, zPath) ){ sqlite3_free(zPath); continue; }
      p->zPath = zPath;
      *peKind = WALK_BROKEN;
      p->nMatch++;
      return SQLITE_ROW;
    }
    if( S_ISDIR(lst.st_mode) ){
      int rc;
      if( p->zGlob && !glob_may_reach(p->zGlob, zPath) ){
        sqlite3_free(zPath);
        continue;
      }
      if( p->xPruneDir && p->xPruneDir(p->pPruneCtx, zPath) ){
        sqlite3_free(zPath);
        p->nPruned++;
        continue;
      }
      rc = dir_push(p, zPath, piErrno);
      if( rc==SQLITE_NOMEM ) return rc;
      d = &p->aDir[p->nDir-1];                  /* dir_push may have moved the stack */
      if( rc==SQLITE_CANTOPEN ){
        p->zPath = sqlite3_mprintf("%s/%s", d->zDir, d->azName[d->iName-1]);
        if( p->zPath==0 ) return SQLITE_NOMEM;
        *peKind = WALK_UNREADABLE;
        p->nMatch++;
        return SQLITE_ROW;
      }
      continue;
    }
    if( p->zGlob && !walk_glob_match(p->zGlob, zPath) ){
      sqlite3_free(zPath);
      continue;
    }
    if( S_ISLNK(lst.st_mode) ){
      if( (bRel ? fstatat(d->fd, zName, &st, 0) : stat(zPath, &st))!=0 ){
        *piErrno = errno;
        p->zPath = zPath;
        *peKind = WALK_BROKEN;
        p->nMatch++;
        return SQLITE_ROW;
      }
      if( S_ISDIR(st.st_mode) ){
        p->zPath = zPath;
        *peKind = WALK_LINK_DIR;
        p->nMatch++;
        return SQLITE_ROW;
      }
    }else{
      st = lst;
    }
    p->zPath = zPath;
    *peKind = S_ISREG(st.st_mode) ? WALK_FILE : WALK_SPECIAL;
    if( S_ISREG(st.st_mode) ){
      p->nSize = (long long)st.st_size;
      if( bRel ){
        /* the reader may open it relative to the folder too (source.c batch_fill) */
        p->iDirFd = d->fd;
        p->iDirId = d->iId;
        p->iName = (int)(strlen(zPath) - strlen(zName));
      }
    }
    p->nMatch++;
    return SQLITE_ROW;
  }
  if( p->zGlob && p->nMatch==0 && p->nPruned==0 ){
    p->nMatch = -1;                             /* say it once */
    return SQLITE_EMPTY;
  }
  return SQLITE_DONE;
}

void walk_close(Walk *p){
  while( p->nDir>0 ) dir_free(&p->aDir[--p->nDir]);
  sqlite3_free(p->aDir);
  sqlite3_free(p->zArg);
  sqlite3_free(p->zGlob);
  sqlite3_free(p->zPath);
  memset(p, 0, sizeof(*p));
}

/* Does zArg name something a scan would read: an existing file or folder, or a glob that
** matches at least one entry? *pbExists says; returns SQLITE_OK or SQLITE_NOMEM. */
int walk_exists(const char *zArg, int *pbExists){
  Walk w;
  char *zErr = 0;
  int rc, eKind, iErrno;
  *pbExists = 0;
  rc = walk_open(&w, zArg, &zErr);
  if( rc==SQLITE_OK ){
    if( w.zGlob==0 ){
      *pbExists = 1;
    }else{
      rc = walk_next(&w, &eKind, &iErrno);
      *pbExists = rc==SQLITE_ROW;
    }
  }
  sqlite3_free(zErr);
  walk_close(&w);
  return rc==SQLITE_NOMEM ? rc : SQLITE_OK;
}

static int match_class(const char **pzP, char c){
  const char *zP = *pzP + 1;
  int bNeg = 0, bHit = 0;
  if( *zP=='!' || *zP=='^' ){ bNeg = 1; zP++; }
  if( *zP==']' ){ bHit |= c==']'; zP++; }
  while( *zP && *zP!=']' ){
    if( zP[1]=='-' && zP[2] && zP[2]!=']' ){
      if( c>=zP[0] && c<=zP[2] ) bHit = 1;
      zP += 3;
    }else{
      if( c==*zP ) bHit = 1;
      zP++;
    }
  }
  if( *zP!=']' ) return -1;                     /* no closing bracket: not a class */
  *pzP = zP + 1;
  return bHit!=bNeg;
}

/* Does zPath match zPattern? "*" and "?" stop at a slash; a double star crosses folders,
** and "STAR-STAR/" also matches no folder at all ("a/STAR-STAR/b" matches "a/b").
** Dynamic programming over the path's positions, one pattern element at a time, so that
** no pattern (however many stars) costs more than its length times the path's. */
int walk_glob_match(const char *zP, const char *zS){
  unsigned char aBuf[2][4097];
  unsigned char *cur = aBuf[0], *nxt = aBuf[1], *t;
  size_t n = strlen(zS), j;
  if( n>4096 ) return 1;               /* longer than any openable path: let open() say so */
  memset(cur, 0, n+1);
  cur[0] = 1;
  while( *zP ){
    memset(nxt, 0, n+1);
    if( zP[0]=='*' && zP[1]=='*' ){
      int bSlash = zP[2]=='/';
      unsigned char run = 0;                  /* cur[] is set somewhere in 0..j-1 */
      for(j=0; j<=n; j++){
        if( bSlash ){
          /* no folder at all, or anything that ends with a slash */
          nxt[j] = cur[j] || (j>0 && zS[j-1]=='/' && run);
        }else{
          nxt[j] = cur[j] || run;
        }
        run |= cur[j];
      }
      zP += bSlash ? 3 : 2;
    }else if( zP[0]=='*' ){
      for(j=0; j<=n; j++){
        nxt[j] = cur[j] || (j>0 && zS[j-1]!='/' && nxt[j-1]);
      }
      zP++;
    }else if( zP[0]=='?' ){
      for(j=0; j<n; j++) nxt[j+1] = cur[j] && zS[j]!='/';
      zP++;
    }else{
      const char *zQ = zP;
      int bClass = 0;
      if( zP[0]=='[' ){
        /* a class, if it is closed; otherwise '[' is an ordinary character */
        const char *zEnd = zP+1;
        if( *zEnd=='!' || *zEnd=='^' ) zEnd++;
        if( *zEnd==']' ) zEnd++;
        while( *zEnd && *zEnd!=']' ) zEnd++;
        bClass = *zEnd==']';
      }
      for(j=0; j<n; j++){
        if( !cur[j] ) continue;
        if( bClass ){
          zQ = zP;
          nxt[j+1] = zS[j]!='/' && match_class(&zQ, zS[j])>0;
        }else{
          nxt[j+1] = zS[j]==zP[0];
        }
      }
      if( bClass ){
        zQ = zP;
        match_class(&zQ, 'x');                  /* only to find the class's end */
        zP = zQ;
      }else{
        zP++;
      }
    }
    t = cur; cur = nxt; nxt = t;
  }
  return cur[n];
}
