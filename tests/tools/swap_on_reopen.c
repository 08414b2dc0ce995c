/*
** swap_on_reopen.c: a test's preload that changes a file between two reads of it, at a
** known moment, to show what a reader does when the files change under a query.
**
** SWAP_NAME  a file name (the end of the path opened);
** SWAP_FROM  a file that is renamed over SWAP_TO ...
** SWAP_TO    ... just before SWAP_NAME is opened the second time.
**
** Only open() and openat() are watched: the extension reads log files with them.
*/
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int nOpened;

static void maybe_swap(const char *zPath){
  const char *zName = getenv("SWAP_NAME");
  size_t n, m;
  if( zName==0 || zPath==0 ) return;
  n = strlen(zPath);
  m = strlen(zName);
  if( n<m || strcmp(zPath+n-m, zName)!=0 ) return;
  if( __atomic_add_fetch(&nOpened, 1, __ATOMIC_SEQ_CST)!=2 ) return;
  if( rename(getenv("SWAP_FROM"), getenv("SWAP_TO"))!=0 ) perror("swap_on_reopen: rename");
}

/* The mode argument, present only when the flags create a file. */
#define MODE_ARG(flags, mode) do{ \
  if( (flags) & (O_CREAT|O_TMPFILE) ){ \
    va_list ap; va_start(ap, flags); mode = va_arg(ap, mode_t); va_end(ap); \
  } }while(0)

int openat(int dirfd, const char *zPath, int flags, ...){
  static int (*xReal)(int, const char*, int, ...);
  mode_t mode = 0;
  MODE_ARG(flags, mode);
  if( xReal==0 ) xReal = (int(*)(int, const char*, int, ...))dlsym(RTLD_NEXT, "openat");
  maybe_swap(zPath);
  return xReal(dirfd, zPath, flags, mode);
}

int open(const char *zPath, int flags, ...){
  static int (*xReal)(const char*, int, ...);
  mode_t mode = 0;
  MODE_ARG(flags, mode);
  if( xReal==0 ) xReal = (int(*)(const char*, int, ...))dlsym(RTLD_NEXT, "open");
  maybe_swap(zPath);
  return xReal(zPath, flags, mode);
}
