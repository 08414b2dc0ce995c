/*
** gzip.h: decompress a whole gzip file (one or more members) into memory.
*/
#ifndef CLOUDTRAIL_GZIP_H
#define CLOUDTRAIL_GZIP_H
#include <stddef.h>
#include "json.h"
#include "problem.h"

#define GZIP_MAX_OUTPUT ((size_t)1 << 30)   /* 1 GiB: beyond this a file is a bomb, not a log */

int gzip_is_gzip(const unsigned char *z, size_t n);
int gzip_inflate(void *pDecompressor, const unsigned char *zIn, size_t nIn,
                 JsonBuf *pOut, Problem *pProb);

/* Limits on one decompression: nMax bytes of output appended (below GZIP_MAX_OUTPUT it is a budget,
** and passing it returns SQLITE_FULL with no problem recorded), and xStop, asked between
** members and between zlib chunks, which ends it with SQLITE_INTERRUPT when it returns 1. */
typedef struct GzipLimit {
  size_t nMax;
  int (*xStop)(void*);
  void *pStopArg;
} GzipLimit;
int gzip_inflate_ex(void *pDecompressor, const unsigned char *zIn, size_t nIn,
                    JsonBuf *pOut, Problem *pProb, const GzipLimit *pLim);

#endif
