/*
** gzip.c: whole-file gzip decompression.
**
** CloudTrail objects are small gzip files, so each member is inflated in one call by
** libdeflate, which is several times faster than zlib. libdeflate cannot return part of
** a damaged member, so when it refuses one, zlib inflates that member as a stream and
** keeps every byte it produced before the damage: the records before a cut survive.
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <string.h>
#include <libdeflate.h>
#include <zlib.h>
#include "gzip.h"

int gzip_is_gzip(const unsigned char *z, size_t n){
  return n>=2 && z[0]==0x1f && z[1]==0x8b;
}

/* The length of the gzip member header at z, or 0 if it is not a plausible one (magic,
** method 8, no reserved flag bits, every optional field inside the data). *pCrcBad is set
** when the header has a CRC16 (FHCRC) that does not match. */
static size_t member_header(const unsigned char *z, size_t n, int *pCrcBad){
  size_t i = 10;
  unsigned flg;
  *pCrcBad = 0;
  if( n<18 || z[0]!=0x1f || z[1]!=0x8b || z[2]!=8 || (z[3] & 0xE0)!=0 ) return 0;
  flg = z[3];
  if( flg & 0x04 ){                                 /* FEXTRA */
    size_t xlen = (size_t)z[10] | (size_t)z[11]<<8;
    i = 12 + xlen;
    if( i>n ) return 0;
  }
  if( flg & 0x08 ){                                 /* FNAME */
    const unsigned char *e = memchr(z+i, 0, n-i);
    if( e==0 ) return 0;
    i = (size_t)(e - z) + 1;
  }
  if( flg & 0x10 ){                                 /* FCOMMENT */
    const unsigned char *e = memchr(z+i, 0, n-i);
    if( e==0 ) return 0;
    i = (size_t)(e - z) + 1;
  }
  if( flg & 0x02 ){                                 /* FHCRC: low 16 bits of the header's CRC-32 */
    unsigned want;
    if( i+2>n ) return 0;
    want = (unsigned)z[i] | (unsigned)z[i+1]<<8;
    if( (crc32(0L, z, (uInt)i) & 0xFFFF)!=want ) *pCrcBad = 1;
    i += 2;
  }
  return i;
}

/* After damage at iFrom: the next plausible member header, or nIn. */
static size_t next_member(const unsigned char *zIn, size_t nIn, size_t iFrom){
  size_t k;
  for(k=iFrom; k+3<=nIn; k++){
    const unsigned char *q = memchr(zIn+k, 0x1f, nIn-k);
    int bCrc;
    if( q==0 ) break;
    k = (size_t)(q - zIn);
    if( member_header(zIn+k, nIn-k, &bCrc) ) return k;
  }
  return nIn;
}

#define ZLIB_CHUNK ((size_t)4 << 20)   /* output per zlib call: xStop is asked this often */

static int stopped(const GzipLimit *pLim){
  return pLim->xStop && pLim->xStop(pLim->pStopArg);
}

/* Make room for at least nMore further bytes without passing the output limit. */
static int grow(JsonBuf *pOut, size_t nMore, size_t nMax){
  if( pOut->n + nMore > nMax ) nMore = nMax - pOut->n;
  return json_buf_reserve(pOut, nMore);
}

/* Mark lost data in the output with a NUL byte (never valid inside JSON). */
static int gap(JsonBuf *pOut, size_t nMax){
  if( pOut->n >= nMax ) return SQLITE_OK;
  if( grow(pOut, 1, nMax) ) return SQLITE_NOMEM;
  pOut->z[pOut->n++] = 0;
  return SQLITE_OK;
}

/* Inflate the member at zIn[0..nIn) with zlib, appending to pOut up to nMax (pOut->n's
** limit: a budget when bBudget, else the 1 GiB bound). Returns SQLITE_OK and sets *pUsed
** to the bytes consumed when the member ended cleanly; returns SQLITE_DONE after recording
** a problem when it did not; SQLITE_NOMEM when out of memory. */
static int inflate_member_zlib(const unsigned char *zIn, size_t nIn, size_t iBase,
                               JsonBuf *pOut, Problem *pProb, size_t *pUsed,
                               const GzipLimit *pLim, size_t nMax, int bBudget){
  z_stream zs;
  int rc = SQLITE_OK, zrc;
  memset(&zs, 0, sizeof(zs));
  if( inflateInit2(&zs, 16+MAX_WBITS)!=Z_OK ) return SQLITE_NOMEM;
  zs.next_in = (unsigned char*)zIn;
  zs.avail_in = nIn > 0x7fffffff ? 0x7fffffff : (uInt)nIn;
  for(;;){
    size_t nAvail;
    if( stopped(pLim) ){ rc = SQLITE_INTERRUPT; break; }
    if( pOut->n >= nMax && bBudget ){ rc = SQLITE_FULL; break; }
    if( pOut->n >= nMax ){
      problem_add(pProb, -1, PROBLEM_NO_OFFSET, "decompressed data exceeds 1 GiB");
      rc = SQLITE_DONE;
      break;
    }
    if( grow(pOut, 65536, nMax) ){ rc = SQLITE_NOMEM; break; }
    nAvail = pOut->nAlloc - 1 - pOut->n;
    if( nAvail > nMax - pOut->n ) nAvail = nMax - pOut->n;
    if( nAvail > ZLIB_CHUNK ) nAvail = ZLIB_CHUNK;
    zs.next_out = (unsigned char*)pOut->z + pOut->n;
    zs.avail_out = nAvail > 0x7fffffff ? 0x7fffffff : (uInt)nAvail;
    zrc = inflate(&zs, Z_NO_FLUSH);
    pOut->n = (size_t)((char*)zs.next_out - pOut->z);
    if( zrc==Z_STREAM_END ){
      *pUsed = (size_t)zs.total_in;
      break;
    }
    if( zrc==Z_OK ) continue;
    if( zrc==Z_BUF_ERROR && zs.avail_in==0 ){
      problem_add(pProb, (long long)(iBase+nIn), PROBLEM_AT_FILE, "gzip data truncated");
    }else if( zrc==Z_MEM_ERROR ){
      rc = SQLITE_NOMEM;
      break;
    }else{
      problem_add(pProb, (long long)(iBase + zs.total_in), PROBLEM_AT_FILE,
                  "gzip data damaged (%s)", zs.msg ? zs.msg : "invalid data");
    }
    rc = SQLITE_DONE;
    break;
  }
  inflateEnd(&zs);
  return rc;
}

/* Decompress every member of zIn into pOut (which is emptied first). Damage is recorded
** in pProb; what was inflated before it is kept, and decompression resumes at the next
** member header (a NUL byte in the output marks the gap). Returns
** SQLITE_OK or SQLITE_NOMEM. */
int gzip_inflate(void *pDecompressor, const unsigned char *zIn, size_t nIn,
                 JsonBuf *pOut, Problem *pProb){
  GzipLimit lim = { GZIP_MAX_OUTPUT, 0, 0 };
  pOut->n = 0;
  return gzip_inflate_ex(pDecompressor, zIn, nIn, pOut, pProb, &lim);
}

/* gzip_inflate() within *pLim, appending to what pOut holds (the reader keeps a batch of
** small files in one buffer; pLim->nMax counts only the bytes appended): also SQLITE_FULL
** (over budget) or SQLITE_INTERRUPT. Without a decompressor every member goes through zlib
** in chunks, so xStop is asked often. */
int gzip_inflate_ex(void *pDecompressor, const unsigned char *zIn, size_t nIn,
                    JsonBuf *pOut, Problem *pProb, const GzipLimit *pLim){
  struct libdeflate_decompressor *pDec = pDecompressor;
  const int bBudget = pLim->nMax<GZIP_MAX_OUTPUT;
  const size_t nMax = pOut->n + (bBudget ? pLim->nMax : GZIP_MAX_OUTPUT);  /* pOut->n's limit */
  size_t iPos = 0;
  size_t nGuess;
  /* The trailer's ISIZE is the exact size of a single-member file, the common case. */
  nGuess = nIn>=18 ? (size_t)zIn[nIn-4] | (size_t)zIn[nIn-3]<<8 | (size_t)zIn[nIn-2]<<16
                     | (size_t)zIn[nIn-1]<<24 : 0;
  if( nGuess < nIn || nGuess/1032 > nIn ) nGuess = nIn*8;   /* implausible: damaged trailer */
  if( nGuess > ((size_t)64<<20) ) nGuess = (size_t)64<<20;
  while( iPos < nIn ){
    size_t nUsed = 0, nProduced = 0;
    enum libdeflate_result r = LIBDEFLATE_BAD_DATA;
    int bCrcBad = 0;
    if( stopped(pLim) ) return SQLITE_INTERRUPT;
    if( !gzip_is_gzip(zIn+iPos, nIn-iPos) ){
      size_t k = iPos;
      while( k<nIn && zIn[k]==0 ) k++;          /* zero padding after the last member is harmless */
      if( k<nIn ){
        problem_add(pProb, (long long)iPos, PROBLEM_AT_FILE, "unexpected data after gzip member");
        iPos = next_member(zIn, nIn, k);
        if( iPos<nIn && gap(pOut, nMax) ) return SQLITE_NOMEM;
        continue;
      }
      break;
    }
    if( member_header(zIn+iPos, nIn-iPos, &bCrcBad) && bCrcBad ){
      problem_note(pProb, (long long)iPos, PROBLEM_AT_FILE, "gzip header CRC mismatch");
    }
    if( pDec ){
      for(;;){
        size_t nAvail;
        if( grow(pOut, nGuess, nMax) ) return SQLITE_NOMEM;
        nAvail = pOut->nAlloc - 1 - pOut->n;
        if( nAvail > nMax - pOut->n ) nAvail = nMax - pOut->n;
        r = libdeflate_gzip_decompress_ex(pDec, zIn+iPos, nIn-iPos, pOut->z+pOut->n, nAvail,
                                          &nUsed, &nProduced);
        if( r!=LIBDEFLATE_INSUFFICIENT_SPACE ) break;
        if( pOut->n + nAvail >= nMax ){
          if( bBudget ) return SQLITE_FULL;
          break;
        }
        if( stopped(pLim) ) return SQLITE_INTERRUPT;
        nGuess = (pOut->n + nAvail)*2;
      }
    }
    if( r==LIBDEFLATE_SUCCESS ){
      pOut->n += nProduced;
      iPos += nUsed;
      nGuess = nIn;                             /* later members: no size hint */
      continue;
    }else{
      int rc = inflate_member_zlib(zIn+iPos, nIn-iPos, iPos, pOut, pProb, &nUsed, pLim,
                                   nMax, bBudget);
      if( rc==SQLITE_NOMEM || rc==SQLITE_FULL || rc==SQLITE_INTERRUPT ) return rc;
      if( rc==SQLITE_DONE ){
        /* a damaged member: later members may be intact. Resume at the next member
        ** header, after a NUL byte that stands for the lost data, so that no JSON
        ** element can run from the damaged member into the next one. */
        if( pOut->n >= nMax ) break;
        iPos = next_member(zIn, nIn, iPos+1);
        if( iPos<nIn && gap(pOut, nMax) ) return SQLITE_NOMEM;
        continue;
      }
      iPos += nUsed;
    }
  }
  if( pOut->z ) pOut->z[pOut->n] = 0;
  return SQLITE_OK;
}
