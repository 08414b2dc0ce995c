/*
** json.c: validate, skip and read JSON values in place (see json.h).
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include "json.h"

#define BAD ((size_t)-1)

static int is_ws(char c){ return c==' ' || c=='\n' || c=='\r' || c=='\t'; }

/* White space is rare in log files as AWS writes them: the first test usually ends it
** (every white space byte is <= ' '), inline where the scanner is hot. */
static inline size_t skip_ws(const char *z, size_t n, size_t i){
  if( i<n && (unsigned char)z[i]>' ' ) return i;
  while( i<n && is_ws(z[i]) ) i++;
  return i;
}

size_t json_ws(const char *z, size_t n, size_t i){
  return skip_ws(z, n, i);
}

static size_t fail(JsonError *pErr, size_t iOff, const char *zWhat){
  pErr->iOff = iOff;
  pErr->zWhat = zWhat;
  return BAD;
}

static int hexval(char c){
  if( c>='0' && c<='9' ) return c-'0';
  if( c>='a' && c<='f' ) return c-'a'+10;
  if( c>='A' && c<='F' ) return c-'A'+10;
  return -1;
}

/* Bytes a string scan must stop at: the quote, the backslash, control bytes (flagged)
** and bytes >= 0x80 (flagged, for the UTF-8 check). Everything else is skipped in a tight
** loop, which is where most of the reader's time goes. */
static const unsigned char aStop[256] = {
  1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
  0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
  0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,
  0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
  1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
  1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
  1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
  1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1
};

/* Does any of the 8 bytes in v need a look: a quote, a backslash, a control byte or a
** byte >= 0x80? (Word-at-a-time tests: a false "yes" only sends the caller to the byte
** loop, and every true one is caught.) */
static int any_stop8(uint64_t v){
  const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  uint64_t q = v ^ (ones * '"'), b = v ^ (ones * '\\');
  uint64_t bQuote = (q - ones) & ~q;
  uint64_t bSlash = (b - ones) & ~b;
  uint64_t bCtrl = (v - ones*0x20) & ~v;
  return ((bQuote | bSlash | bCtrl) & highs) != 0 || (v & highs)!=0;
}

/* The first byte at or after u[i] that a string scanner must look at (a quote, a backslash,
** a control byte or a byte >= 0x80), or n: 16 bytes at a time with SSE2 (as signed bytes,
** below 0x20 covers both control bytes and bytes >= 0x80), then 8, then one. */
static inline size_t next_stop(const unsigned char *u, size_t n, size_t i){
#ifdef __SSE2__
  const __m128i vQuote = _mm_set1_epi8('"'), vSlash = _mm_set1_epi8('\\');
  const __m128i vSpace = _mm_set1_epi8(0x20);
  while( i+16<=n ){
    __m128i v = _mm_loadu_si128((const __m128i*)(u+i));
    __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, vQuote), _mm_cmpeq_epi8(v, vSlash)),
                             _mm_cmplt_epi8(v, vSpace));
    int bits = _mm_movemask_epi8(m);
    if( bits ) return i + (size_t)__builtin_ctz((unsigned)bits);
    i += 16;
  }
#endif
  while( i+8<=n ){
    uint64_t v;
    memcpy(&v, u+i, 8);
    if( any_stop8(v) ) break;
    i += 8;
  }
  while( i<n && !aStop[u[i]] ) i++;
  return i;
}

static int utf8_seq(const unsigned char *z, size_t n);
static int decode_char(const char *z, size_t *pI, size_t end, unsigned char a[4]);

/* z[i] is the opening quote. *pPlain is cleared when the string holds a backslash or a
** byte >= 0x80, i.e. when it may not decode to its own bytes. Raw control bytes and stray invalid UTF-8 are accepted (and
** flagged, with the first one's offset in *pErr) rather than rejected: one stray byte in a
** user agent must not cost an investigator the record. A NUL byte or a long run of invalid
** bytes is not a stray byte but damage (zeroed or overwritten blocks), and fails. */
static inline size_t skip_string(const char *z, size_t n, size_t i, unsigned *pFlags,
                                 JsonError *pErr, int *pPlain){
  const unsigned char *u = (const unsigned char*)z;
  i++;
  for(;;){
    unsigned char c;
    i = next_stop(u, n, i);
    if( i>=n ) break;
    c = u[i];
    if( c=='"' ) return i+1;
    if( c=='\\' ){
      *pPlain = 0;
      if( i+1>=n ) break;
      c = u[i+1];
      if( c=='u' ){
        int k;
        for(k=2; k<6; k++){
          if( i+k>=n ) return fail(pErr, n, "unexpected end of data");
          if( hexval(z[i+k])<0 ) return fail(pErr, i, "bad \\u escape in string");
        }
        i += 6;
        continue;
      }
      if( c==0 || !strchr("\"\\/bfnrt", c) ) return fail(pErr, i, "bad escape in string");
      i += 2;
      continue;
    }
    if( c==0 ) return fail(pErr, i, "NUL byte in a string");
    if( c<0x20 ){
      if( (*pFlags & JSON_F_CTRL)==0 ) pErr->iCtrl = i;
      *pFlags |= JSON_F_CTRL;
      i++;
      continue;
    }
    {
      /* A run of bytes >= 0x80 is valid UTF-8 or not on its own (no sequence holds an
      ** ASCII byte). A short invalid run is a stray byte, repaired to U+FFFD; a long one
      ** is a fill block (0xFF ...) over the text, and is damage: it must not let a string
      ** that starts in one record end in the next. */
      size_t j = i;
      while( j<n && u[j]>=0x80 ) j++;
      *pFlags |= JSON_F_HIGH;
      *pPlain = 0;
      if( !json_utf8_valid(z+i, j-i) ){
        if( j-i>=16 ) return fail(pErr, i, "a block of bytes that are not UTF-8 text");
        if( (*pFlags & JSON_F_BADUTF8)==0 ){
          size_t k = i;
          while( utf8_seq(u+k, j-k)>0 ) k += utf8_seq(u+k, j-k);
          pErr->iBadUtf8 = k;
        }
        *pFlags |= JSON_F_BADUTF8;
      }
      i = j;
    }
  }
  return fail(pErr, n, "unexpected end of data");
}

static size_t skip_number(const char *z, size_t n, size_t i, JsonError *pErr){
  size_t s = i;
  if( i<n && z[i]=='-' ) i++;
  if( i>=n ) return fail(pErr, i, "unexpected end of data");
  if( z[i]=='0' ){
    i++;
  }else if( z[i]>='1' && z[i]<='9' ){
    while( i<n && z[i]>='0' && z[i]<='9' ) i++;
  }else{
    return fail(pErr, s, "bad number");
  }
  if( i<n && z[i]=='.' ){
    i++;
    if( i>=n || z[i]<'0' || z[i]>'9' ) return fail(pErr, s, "bad number");
    while( i<n && z[i]>='0' && z[i]<='9' ) i++;
  }
  if( i<n && (z[i]=='e' || z[i]=='E') ){
    i++;
    if( i<n && (z[i]=='+' || z[i]=='-') ) i++;
    if( i>=n || z[i]<'0' || z[i]>'9' ) return fail(pErr, s, "bad number");
    while( i<n && z[i]>='0' && z[i]<='9' ) i++;
  }
  return i;
}

/* The field number of the raw key z[ks..ke) (inside the quotes), escapes decoded. bPlain:
** skip_string saw no backslash in it. */
static int capture_key(const JsonCapture *pCap, const char *z, size_t ks, size_t ke, int bPlain){
  char zBuf[64];
  size_t n = 0, i;
  if( bPlain || memchr(z+ks, '\\', ke-ks)==0 ) return pCap->xMap(z+ks, ke-ks);
  for(i=ks; i<ke && n<sizeof(zBuf); i++){
    unsigned c = (unsigned char)z[i];
    if( c=='\\' ){
      c = (unsigned char)z[++i];
      if( c=='u' ){
        int k;
        c = 0;
        for(k=1; k<=4; k++) c = c*16 + (unsigned)hexval(z[i+k]);
        i += 4;
        if( c>=0x80 ) return -1;                /* field names are ASCII */
      }else{
        switch( c ){ case 'b': c='\b'; break; case 'f': c='\f'; break; case 'n': c='\n'; break;
                     case 'r': c='\r'; break; case 't': c='\t'; break; }
      }
    }
    zBuf[n++] = (char)c;
  }
  return i<ke ? -1 : pCap->xMap(zBuf, n);
}

/* Duplicate keys. Every object's keys are checked against the keys before them, at every
** depth: the keys of all open objects sit on one stack (KeyStack, entries pushed as read,
** popped when their object closes). Keys are compared as decoded ("a\u0062" is "ab"), the
** way the columns read them. Each key gets a cheap signature (key_sig) that keys decoding
** alike share; an object filters with a 64-bit bloom of its keys' signatures and compares
** signatures linearly on a bloom hit, and only equal signatures compare the keys. Past
** DUP_INDEX_MIN keys an object builds a hash index on a full hash of each key (key_hash),
** so a huge object stays linear even when its keys were made to share signatures. */
#define DUP_INDEX_MIN 64

typedef struct KeyEnt {
  uint32_t sig;                  /* key_sig() */
  uint32_t h;                    /* key_hash(), once its object has an index */
  size_t ks, ke;                 /* the key inside its quotes */
} KeyEnt;

typedef struct KeyStack {
  KeyEnt *a;                     /* aFixed, or a heap copy once that is full */
  size_t n, nAlloc;
  int bOom;                      /* could not grow: objects are re-read to compare keys */
  KeyEnt aFixed[32];
} KeyStack;

/* One object's view of the key stack. */
typedef struct KeyFrame {
  uint64_t bloom;
  size_t iBase;                  /* its first entry */
  size_t iObj;                   /* its '{' */
  int32_t *aIdx;                 /* hash index (entry - iBase + 1 per slot), or NULL */
  size_t nIdx;                   /* slots, a power of two */
} KeyFrame;

/* The signature of a decoded key: its length, its first byte and its last four bytes
** (fewer for a shorter key), mixed. */
static inline uint32_t sig_mix(size_t nLen, unsigned char cFirst, const unsigned char *aLast, size_t nLast){
  uint32_t tail = 0;
  size_t i;
  if( nLast==4 ){
    memcpy(&tail, aLast, 4);
  }else{
    for(i=0; i<nLast; i++) tail |= (uint32_t)aLast[i] << (8*i);
  }
  return (tail * 0x9E3779B1u) ^ ((uint32_t)nLen * 0x85EBCA77u) ^ ((uint32_t)cFirst * 0xC2B2AE3Du);
}

/* The signature of the raw key z[ks..ke): keys that decode alike share it. A key that
** reads as written (bPlain: skip_string saw no backslash and no byte >= 0x80), nearly
** every key, is its own decoding: a few loads. Others are decoded. */
static inline uint32_t key_sig_plain(const char *z, size_t ks, size_t ke){
  const unsigned char *u = (const unsigned char*)z;
  size_t nLen = ke-ks;
  if( nLen==0 ) return sig_mix(0, 0, 0, 0);
  return sig_mix(nLen, u[ks], u + (nLen>=4 ? ke-4 : ks), nLen>=4 ? 4 : nLen);
}

static uint32_t key_sig(const char *z, size_t ks, size_t ke, int bPlain){
  unsigned char aRing[4], aLast[4];             /* the last four decoded bytes */
  size_t nLen = 0, i = ks;
  unsigned char cFirst = 0;
  if( bPlain ) return key_sig_plain(z, ks, ke);
  while( i<ke ){
    unsigned char a[4];
    int k, m = decode_char(z, &i, ke, a);
    for(k=0; k<m; k++, nLen++){
      if( nLen==0 ) cFirst = a[k];
      aRing[nLen & 3] = a[k];
    }
  }
  for(i=0; i<4 && i<nLen; i++) aLast[i] = aRing[(nLen - (nLen>=4 ? 4 : nLen) + i) & 3];
  return sig_mix(nLen, cFirst, aLast, nLen>=4 ? 4 : nLen);
}

/* A full hash of the decoded key (FNV-1a), for the hash index of a large object. */
static uint32_t key_hash(const char *z, size_t ks, size_t ke){
  uint32_t h = 2166136261u;
  size_t i;
  for(i=ks; i<ke; i++){
    unsigned char c = (unsigned char)z[i];
    if( c=='\\' || c>=0x80 ) break;
    h = (h ^ c) * 16777619u;
  }
  if( i<ke ){
    h = 2166136261u;                            /* an escape or non-ASCII: hash it decoded */
    i = ks;
    while( i<ke ){
      unsigned char a[4];
      int k, m = decode_char(z, &i, ke, a);
      for(k=0; k<m; k++) h = (h ^ a[k]) * 16777619u;
    }
  }
  return h;
}

/* Are the raw keys z[as..ae) and z[bs..be) the same once decoded? */
static int key_same(const char *z, size_t as, size_t ae, size_t bs, size_t be){
  if( ae-as==be-bs && memcmp(z+as, z+bs, ae-as)==0 ) return 1;
  while( as<ae && bs<be ){
    unsigned char a[4], b[4];
    int na = decode_char(z, &as, ae, a), nb = decode_char(z, &bs, be, b);
    if( na!=nb || memcmp(a, b, na)!=0 ) return 0;
  }
  return as==ae && bs==be;
}

static size_t skip_value(const char *z, size_t n, size_t i, int depth, unsigned *pFlags,
                         JsonError *pErr, JsonCapture *pCap, KeyStack *pKeys);

/* Without the key stack (out of memory): does a key before z[ks] in the object at iObj
** equal the key z[ks..ke)? The object's members before it were validated already. */
static int key_seen_reread(const char *z, size_t iObj, size_t ks, size_t ke){
  size_t i = json_ws(z, ks, iObj+1);
  unsigned flags = 0;
  JsonError err;
  while( i<ks-1 && z[i]=='"' ){
    int bPlain = 1;
    size_t e = skip_string(z, ks, i, &flags, &err, &bPlain);
    if( e==BAD ) return 0;
    if( key_same(z, i+1, e-1, ks, ke) ) return 1;
    i = json_ws(z, ks, e);
    if( i>=ks || z[i]!=':' ) return 0;
    i = skip_value(z, ks, json_ws(z, ks, i+1), 0, &flags, &err, 0, 0);
    if( i==BAD ) return 0;
    i = json_ws(z, ks, i);
    if( i>=ks || z[i]!=',' ) return 0;
    i = json_ws(z, ks, i+1);
  }
  return 0;
}

static void index_put(KeyFrame *f, const KeyStack *pKeys, size_t iEnt){
  size_t m = f->nIdx-1, k = pKeys->a[iEnt].h & m;
  while( f->aIdx[k] ) k = (k+1) & m;
  f->aIdx[k] = (int32_t)(iEnt - f->iBase + 1);
}

/* (Re)build f's hash index for its current keys (the first time, their full hashes are
** computed). On out of memory the index is dropped: lookups fall back to the signatures'
** linear scan, slower but exact. */
static void index_build(const char *z, KeyFrame *f, KeyStack *pKeys){
  size_t nKey = pKeys->n - f->iBase, nNew = 256, j;
  int bFirst = f->aIdx==0;
  while( nNew < 4*nKey ) nNew *= 2;
  sqlite3_free(f->aIdx);
  f->aIdx = sqlite3_malloc64(nNew*sizeof(int32_t));
  f->nIdx = f->aIdx ? nNew : 0;
  if( f->aIdx==0 ) return;
  memset(f->aIdx, 0, nNew*sizeof(int32_t));
  for(j=f->iBase; j<pKeys->n; j++){
    KeyEnt *p = &pKeys->a[j];
    if( bFirst ) p->h = key_hash(z, p->ks, p->ke);
    index_put(f, pKeys, j);
  }
}

/* Is the key z[ks..ke) a repeat in the object of frame f? Then records it. bPlain: the key
** reads as written (see key_sig). */
static int key_check(const char *z, KeyStack *pKeys, KeyFrame *f, size_t ks, size_t ke,
                     int bPlain){
  uint32_t sig = key_sig(z, ks, ke, bPlain), h = 0;
  uint64_t bit = (uint64_t)1 << (sig >> 26);
  int bDup = 0;
  size_t j;
  if( pKeys->bOom ){
    int bHit = (f->bloom & bit)!=0;
    f->bloom |= bit;
    return bHit && key_seen_reread(z, f->iObj, ks, ke);
  }
  if( f->aIdx ){
    size_t m = f->nIdx-1, k;
    h = key_hash(z, ks, ke);
    for(k=h&m; f->aIdx[k]; k=(k+1)&m){
      const KeyEnt *p = &pKeys->a[f->iBase + f->aIdx[k] - 1];
      if( p->h==h && key_same(z, p->ks, p->ke, ks, ke) ){ bDup = 1; break; }
    }
  }else if( f->bloom & bit ){
    for(j=f->iBase; j<pKeys->n; j++){
      const KeyEnt *p = &pKeys->a[j];
      if( p->sig==sig && key_same(z, p->ks, p->ke, ks, ke) ){ bDup = 1; break; }
    }
  }
  f->bloom |= bit;
  if( pKeys->n>=pKeys->nAlloc ){
    size_t nNew = pKeys->nAlloc*2;
    KeyEnt *aNew = sqlite3_malloc64(nNew*sizeof(KeyEnt));
    if( aNew==0 ){
      pKeys->bOom = 1;                          /* this key is compared by re-reading */
      return bDup;
    }
    memcpy(aNew, pKeys->a, pKeys->n*sizeof(KeyEnt));
    if( pKeys->a!=pKeys->aFixed ) sqlite3_free(pKeys->a);
    pKeys->a = aNew;
    pKeys->nAlloc = nNew;
  }
  pKeys->a[pKeys->n].sig = sig;
  pKeys->a[pKeys->n].h = h;
  pKeys->a[pKeys->n].ks = ks;
  pKeys->a[pKeys->n].ke = ke;
  pKeys->n++;
  j = pKeys->n - f->iBase;
  if( j>=DUP_INDEX_MIN && (f->aIdx==0 ? j==DUP_INDEX_MIN : 2*j > f->nIdx) ){
    index_build(z, f, pKeys);
  }else if( f->aIdx ){
    index_put(f, pKeys, pKeys->n-1);
  }
  return bDup;
}

static size_t skip_value(const char *z, size_t n, size_t i, int depth, unsigned *pFlags,
                         JsonError *pErr, JsonCapture *pCap, KeyStack *pKeys){
  if( i>=n ) return fail(pErr, n, "unexpected end of data");
  switch( z[i] ){
    case '"': {
      int bPlain;
      return skip_string(z, n, i, pFlags, pErr, &bPlain);
    }
    case '{': case '[': {
      char close = z[i]=='{' ? '}' : ']';
      int isObj = z[i]=='{';
      KeyFrame f;
      if( depth>=JSON_MAX_DEPTH ) return fail(pErr, i, "nesting deeper than 1000 levels");
      f.bloom = 0;
      f.iObj = i;
      f.iBase = pKeys ? pKeys->n : 0;
      f.aIdx = 0;
      f.nIdx = 0;
      i = skip_ws(z, n, i+1);
      if( i<n && z[i]==close ) return i+1;
      for(;;){
        int iField = -1;
        size_t vs;
        if( isObj ){
          size_t ks = i;
          int bPlain = 1;
          if( i>=n ){ i = fail(pErr, n, "unexpected end of data"); break; }
          if( z[i]!='"' ){ i = fail(pErr, i, "expected a string key"); break; }
          i = skip_string(z, n, i, pFlags, pErr, &bPlain);
          if( i==BAD ) break;
          if( pKeys && key_check(z, pKeys, &f, ks+1, i-1, bPlain) ){
            if( (*pFlags & JSON_F_DUPKEY)==0 ){
              pErr->iDupKs = ks+1;
              pErr->iDupKe = i-1;
            }
            *pFlags |= JSON_F_DUPKEY;
          }
          if( pCap && depth==0 ) iField = capture_key(pCap, z, ks+1, i-1, bPlain);
          i = skip_ws(z, n, i);
          if( i>=n ){ i = fail(pErr, n, "unexpected end of data"); break; }
          if( z[i]!=':' ){ i = fail(pErr, i, "expected ':'"); break; }
          i = skip_ws(z, n, i+1);
        }
        vs = i;
        /* most values are strings: scanned here, without a call to skip_value (whose
        ** frame costs more than a short string does); anything else as before */
        if( i<n && z[i]=='"' ){
          int bPlainValue;
          i = skip_string(z, n, i, pFlags, pErr, &bPlainValue);
        }else if( n-i>=5 && ((z[i]=='t' && memcmp(z+i, "true", 4)==0)
                          || (z[i]=='n' && memcmp(z+i, "null", 4)==0)) ){
          i += 4;                               /* (n-i>=5: "false" or "true," fits) */
        }else if( n-i>=5 && z[i]=='f' && memcmp(z+i, "false", 5)==0 ){
          i += 5;
        }else{
          i = skip_value(z, n, i, depth+1, pFlags, pErr, 0, pKeys);
        }
        if( i==BAD ) break;
        if( iField>=0 ){
          /* a repeated key: its last value is the one that counts */
          pCap->aS[iField] = (uint32_t)(vs - pCap->iBase);
          pCap->aE[iField] = (uint32_t)(i - pCap->iBase);
        }
        i = skip_ws(z, n, i);
        if( i>=n ){ i = fail(pErr, n, "unexpected end of data"); break; }
        if( z[i]==close ){ i = i+1; break; }
        if( z[i]!=',' ){
          i = fail(pErr, i, isObj ? "expected ',' or '}'" : "expected ',' or ']'");
          break;
        }
        i = skip_ws(z, n, i+1);
      }
      if( pKeys ) pKeys->n = f.iBase;          /* this object's keys leave the stack */
      if( f.aIdx ) sqlite3_free(f.aIdx);
      return i;
    }
    case 't':
      if( n-i>=4 && memcmp(z+i, "true", 4)==0 ) return i+4;
      break;
    case 'f':
      if( n-i>=5 && memcmp(z+i, "false", 5)==0 ) return i+5;
      break;
    case 'n':
      if( n-i>=4 && memcmp(z+i, "null", 4)==0 ) return i+4;
      break;
    default:
      if( z[i]=='-' || (z[i]>='0' && z[i]<='9') ) return skip_number(z, n, i, pErr);
      break;
  }
  if( n-i<5 && memcmp(z+i, "true", n-i)==0 ) return fail(pErr, n, "unexpected end of data");
  if( n-i<5 && memcmp(z+i, "false", n-i)==0 ) return fail(pErr, n, "unexpected end of data");
  if( n-i<4 && memcmp(z+i, "null", n-i)==0 ) return fail(pErr, n, "unexpected end of data");
  return fail(pErr, i, "unexpected character");
}

/* The fast path. Nearly every record as AWS writes it is plain: strings without a
** backslash, a control byte or a byte >= 0x80, no repeated key, modest nesting. For such
** an object fast_skip() proves what skip_value() would find (the same end, the same
** captured spans, no flag, no error) with one loop and an explicit stack instead of a
** call per value. At the first thing it does not handle (any of the above, any syntax
** error, nesting past FAST_MAX_DEPTH, a key stack that could not grow) it gives up with
** NOT_FAST, having written nothing but spans the full validator then writes again alike,
** and the caller validates the value from its start with skip_value(): every problem, its
** byte offset and every flag still come from the full validator alone. */
#define NOT_FAST ((size_t)-2)
#define FAST_MAX_DEPTH 64

/* A plain string whose opening quote is at u[i]: the offset after its closing quote, or
** NOT_FAST when a backslash, a control byte, a byte >= 0x80 or the end of the data comes
** first. */
static inline size_t fast_string(const unsigned char *u, size_t n, size_t i){
  i = next_stop(u, n, i+1);
  return i<n && u[i]=='"' ? i+1 : NOT_FAST;
}

/* The object at z[i] (see above): its end, or NOT_FAST. */
static size_t fast_skip(const char *z, size_t n, size_t i, JsonCapture *pCap, KeyStack *pKeys){
  const unsigned char *u = (const unsigned char*)z;
  KeyFrame aF[FAST_MAX_DEPTH];   /* the open containers' key frames, outermost first */
  unsigned char aObj[FAST_MAX_DEPTH];
  int iField = -1;               /* the top-level member being read: its field, or -1 */
  size_t vs = 0;                 /* ... and where its value starts */
  size_t r = NOT_FAST;
  int d = 0, k;
  JsonError err;                 /* skip_number's; never reported */
  if( i>=n || z[i]!='{' ) return NOT_FAST;
  aObj[0] = 1;
  aF[0].bloom = 0; aF[0].iObj = i; aF[0].iBase = pKeys->n; aF[0].aIdx = 0; aF[0].nIdx = 0;
  i = skip_ws(z, n, i+1);
  if( i<n && z[i]=='}' ){ r = i+1; goto done; }
  for(;;){
    /* i is at a member: a key in an object, a value in an array */
    unsigned char c;
    if( aObj[d] ){
      size_t ks = i+1;
      if( i>=n || z[i]!='"' ) goto done;
      i = fast_string(u, n, i);
      if( i==NOT_FAST ) goto done;
      {
        /* key_check() for a plain key, inline while the object is small (no hash index,
        ** none due) and the stack has room: the same entries, the same bloom */
        KeyFrame *f = &aF[d];
        size_t ke = i-1, j;
        if( f->aIdx==0 && pKeys->n - f->iBase < DUP_INDEX_MIN-1 && pKeys->n < pKeys->nAlloc ){
          uint32_t sig = key_sig_plain(z, ks, ke);
          uint64_t bit = (uint64_t)1 << (sig >> 26);
          KeyEnt *e;
          if( f->bloom & bit ){
            for(j=f->iBase; j<pKeys->n; j++){
              const KeyEnt *p = &pKeys->a[j];
              if( p->sig==sig && key_same(z, p->ks, p->ke, ks, ke) ) goto done;
            }
          }
          f->bloom |= bit;
          e = &pKeys->a[pKeys->n++];
          e->sig = sig;
          e->h = 0;
          e->ks = ks;
          e->ke = ke;
        }else if( key_check(z, pKeys, f, ks, ke, 1) || pKeys->bOom ){
          goto done;
        }
      }
      if( pCap && d==0 ) iField = pCap->xMap(z+ks, i-1-ks);
      i = skip_ws(z, n, i);
      if( i>=n || z[i]!=':' ) goto done;
      i = skip_ws(z, n, i+1);
      if( d==0 ) vs = i;
    }
    if( i>=n ) goto done;
    c = u[i];
    if( c=='"' ){
      i = fast_string(u, n, i);
      if( i==NOT_FAST ) goto done;
    }else if( c=='{' || c=='[' ){
      if( d+1>=FAST_MAX_DEPTH ) goto done;
      d++;
      aObj[d] = c=='{';
      aF[d].bloom = 0; aF[d].iObj = i; aF[d].iBase = pKeys->n; aF[d].aIdx = 0; aF[d].nIdx = 0;
      i = skip_ws(z, n, i+1);
      if( i<n && z[i]==(c=='{' ? '}' : ']') ){
        i++;
        goto closed;
      }
      continue;
    }else if( n-i>=4 && ((c=='t' && memcmp(z+i, "true", 4)==0)
                      || (c=='n' && memcmp(z+i, "null", 4)==0)) ){
      i += 4;
    }else if( n-i>=5 && c=='f' && memcmp(z+i, "false", 5)==0 ){
      i += 5;
    }else if( c=='-' || (c>='0' && c<='9') ){
      i = skip_number(z, n, i, &err);
      if( i==BAD ) goto done;
    }else{
      goto done;
    }
    for(;;){
      /* a value of container d ends at i */
      if( d==0 && iField>=0 ){
        pCap->aS[iField] = (uint32_t)(vs - pCap->iBase);
        pCap->aE[iField] = (uint32_t)(i - pCap->iBase);
      }
      i = skip_ws(z, n, i);
      if( i>=n ) goto done;
      if( z[i]==',' ){
        i = skip_ws(z, n, i+1);
        break;                                  /* the next member */
      }
      if( z[i]!=(aObj[d] ? '}' : ']') ) goto done;
      i++;
    closed:
      /* container d ends at i: its keys leave the stack */
      pKeys->n = aF[d].iBase;
      if( aF[d].aIdx ){ sqlite3_free(aF[d].aIdx); aF[d].aIdx = 0; }
      if( d==0 ){ r = i; goto done; }
      d--;
    }
  }
done:
  for(k=0; k<=d; k++){
    if( aF[k].aIdx ) sqlite3_free(aF[k].aIdx);
  }
  if( r==NOT_FAST ){
    pKeys->n = 0;                               /* the full validator starts afresh */
    pKeys->bOom = 0;
  }
  return r;
}

/* Validate the value that starts at z[i]; return the offset just past it, or (size_t)-1. */
size_t json_skip(const char *z, size_t n, size_t i, unsigned *pFlags, JsonError *pErr){
  return json_skip_capture(z, n, i, pFlags, pErr, 0);
}

/* The same, and when the value is an object, note where the values of the keys pCap
** knows lie (pCap->aS/aE must be zeroed by the caller; offsets are from pCap->iBase). */
size_t json_skip_capture(const char *z, size_t n, size_t i, unsigned *pFlags, JsonError *pErr,
                         JsonCapture *pCap){
  KeyStack keys;
  size_t r;
  keys.a = keys.aFixed;
  keys.n = 0;
  keys.nAlloc = sizeof(keys.aFixed)/sizeof(keys.aFixed[0]);
  keys.bOom = 0;
  if( pCap ) pCap->iBase = i;
  r = fast_skip(z, n, i, pCap, &keys);
  if( r==NOT_FAST ) r = skip_value(z, n, i, 0, pFlags, pErr, pCap, &keys);
  if( keys.a!=keys.aFixed ) sqlite3_free(keys.a);
  return r;
}

/* The decoded key z[ks..ke) as text for a message in zOut[0..nOut): control characters
** and quotes as '?', cut short with "..." when long. */
void json_key_text(const char *z, size_t ks, size_t ke, char *zOut, size_t nOut){
  size_t i = ks, o = 0;
  while( i<ke ){
    unsigned char a[4];
    int k, m = decode_char(z, &i, ke, a);
    if( o+m+4 > nOut ){
      memcpy(zOut+o, "...", 3);
      o += 3;
      break;
    }
    for(k=0; k<m; k++) zOut[o++] = (a[0]<0x20 || a[0]=='\'' || a[0]==0x7f) ? '?' : (char)a[k];
  }
  zOut[o] = 0;
}

/* End of the validated string whose opening quote is at z[i]: the next quote that is not
** escaped. Read forward, a backslash escapes exactly the byte after it (the hex digits of
** a \u escape hold no quote and no backslash), which on any bytes finds the same quote as
** "the next quote preceded by an even number of backslashes". 16 bytes at a time: this
** runs for every string a lookup steps over. */
static size_t end_of_string(const char *z, size_t e, size_t i){
  const unsigned char *u = (const unsigned char*)z;
  i++;
  for(;;){
#ifdef __SSE2__
    const __m128i vQuote = _mm_set1_epi8('"'), vSlash = _mm_set1_epi8('\\');
    while( i+16<=e ){
      __m128i v = _mm_loadu_si128((const __m128i*)(u+i));
      int bits = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, vQuote),
                                                _mm_cmpeq_epi8(v, vSlash)));
      if( bits ){
        i += (size_t)__builtin_ctz((unsigned)bits);
        break;
      }
      i += 16;
    }
#endif
    while( i<e && u[i]!='"' && u[i]!='\\' ) i++;
    if( i>=e ) return e;
    if( u[i]=='"' ) return i+1;
    i += 2;
  }
}

/* Bytes json_end() must look at inside a container: quotes and brackets. */
static const unsigned char aBracket[256] = {
  ['"'] = 1, ['{'] = 1, ['}'] = 1, ['['] = 1, [']'] = 1
};

/* End of an already validated value that starts at z[i], bounded by e. No checks: the
** span was validated when the file was split, so this only counts brackets and quotes. */
size_t json_end(const char *z, size_t e, size_t i){
  const unsigned char *u = (const unsigned char*)z;
  int depth = 0;
  if( z[i]=='"' ) return end_of_string(z, e, i);
  if( z[i]!='{' && z[i]!='[' ){
    while( i<e && !is_ws(z[i]) && z[i]!=',' && z[i]!='}' && z[i]!=']' ) i++;
    return i;
  }
  while( i<e ){
    unsigned char c;
    while( i<e && !aBracket[u[i]] ) i++;
    if( i>=e ) break;
    c = u[i];
    if( c=='"' ){
      i = end_of_string(z, e, i);
      continue;
    }
    if( c=='{' || c=='[' ){
      depth++;
    }else if( --depth==0 ){
      return i+1;
    }
    i++;
  }
  return e;
}

/* Step through the members of a validated object. *pI starts just after '{'. Returns 1
** with the key span (inside the quotes) and the value span, 0 after the last member. */
int json_next_member(const char *z, size_t e, size_t *pI,
                     size_t *pKs, size_t *pKe, size_t *pVs, size_t *pVe){
  size_t i = skip_ws(z, e, *pI);
  if( i<e && z[i]==',' ) i = skip_ws(z, e, i+1);
  if( i>=e || z[i]!='"' ) return 0;
  *pKs = i+1;
  i = json_end(z, e, i);
  *pKe = i-1;
  i = skip_ws(z, e, i);
  if( i>=e || z[i]!=':' ) return 0;
  i = skip_ws(z, e, i+1);
  *pVs = i;
  i = json_end(z, e, i);
  *pVe = i;
  *pI = i;
  return 1;
}

/* Does the raw key z[ks..ke) equal zKey once escapes are decoded? */

int json_key_is(const char *z, size_t ks, size_t ke, const char *zKey, size_t nKey){
  size_t i = ks, j = 0;
  if( ke>ks && nKey>0 ){
    /* a first byte that is plain ASCII decodes to itself: most other keys end here */
    unsigned char c = (unsigned char)z[ks];
    if( c!='\\' && c<0x80 && c!=(unsigned char)zKey[0] ) return 0;
  }
  if( ke-ks==nKey && memcmp(z+ks, zKey, nKey)==0 ) return 1;   /* spelled as it reads */
  if( memchr(z+ks, '\\', ke-ks)==0 ){
    /* no escape: only invalid UTF-8 (decoded as U+FFFD) could still make them equal */
    for(i=ks; i<ke && (unsigned char)z[i]<0x80; i++){}
    if( i==ke ) return 0;
    i = ks;
  }
  /* decode as json_decode_string() would, one character at a time: no allocation, so an
  ** answer is never an out-of-memory in disguise */
  while( i<ke ){
    unsigned char a[4];
    int n = decode_char(z, &i, ke, a);
    if( j+n>nKey || memcmp(zKey+j, a, n)!=0 ) return 0;
    j += n;
  }
  return j==nKey;
}

/* Look up zKey among the members of the validated object [s,e). The LAST match wins, as
** in Go's encoding/json, Python and JavaScript (and the reader's top-level key index), so
** that a duplicated key reads the same here as in every other tool. Returns 1 and the
** value span when found. */
int json_find(const char *z, size_t s, size_t e, const char *zKey, size_t *pVs, size_t *pVe){
  return json_find_ex(z, s, e, zKey, 0, pVs, pVe);
}

/* The same; bUnique says the object is known to repeat no key (its record was validated
** without JSON_F_DUPKEY), so the first match is the last and the scan stops there. */
int json_find_ex(const char *z, size_t s, size_t e, const char *zKey, int bUnique,
                 size_t *pVs, size_t *pVe){
  size_t i, ks, ke, vs, ve, nKey = strlen(zKey);
  int bFound = 0;
  if( s>=e || z[s]!='{' ) return 0;
  i = s+1;
  while( json_next_member(z, e, &i, &ks, &ke, &vs, &ve) ){
    if( json_key_is(z, ks, ke, zKey, nKey) ){
      *pVs = vs;
      *pVe = ve;
      bFound = 1;
      if( bUnique ) break;
    }
  }
  return bFound;
}

/* Do the raw keys z[as..ae) and z[bs..be) (inside their quotes) decode to the same text? */
int json_keys_equal(const char *z, size_t as, size_t ae, size_t bs, size_t be){
  size_t i = as, j = bs;
  if( ae-as==be-bs && memcmp(z+as, z+bs, ae-as)==0 ) return 1;
  if( memchr(z+as, '\\', ae-as)==0 && memchr(z+bs, '\\', be-bs)==0
   && json_utf8_valid(z+as, ae-as) && json_utf8_valid(z+bs, be-bs) ){
    return 0;                                   /* both read as written, and differ */
  }
  while( i<ae && j<be ){
    unsigned char a[4], b[4];
    int na = decode_char(z, &i, ae, a), nb = decode_char(z, &j, be, b);
    if( na!=nb || memcmp(a, b, na)!=0 ) return 0;
  }
  return i==ae && j==be;
}

/* Key comparisons one json_is_empty() call may spend looking for later duplicates. An
** object built to need more (many keys, each repeated far away) is taken as not empty. */
#define EMPTY_BUDGET 1000000

static int is_empty(const char *z, size_t s, size_t e, long *pnBudget){
  size_t i, ks, ke, vs, ve;
  if( s>=e ) return 1;
  if( z[s]=='n' ) return 1;
  if( z[s]=='"' ) return e-s==2;
  if( z[s]=='[' ){
    /* an array is empty when every element is (Elastic removes the empty ones first) */
    i = json_ws(z, e, s+1);
    while( i<e && z[i]!=']' ){
      ve = json_end(z, e, i);
      if( !is_empty(z, i, ve, pnBudget) ) return 0;
      i = json_ws(z, e, ve);
      if( i<e && z[i]==',' ) i = json_ws(z, e, i+1);
    }
    return 1;
  }
  if( z[s]=='{' ){
    /* an object is empty when the value each key ends up with (the last one) is empty */
    i = s+1;
    while( json_next_member(z, e, &i, &ks, &ke, &vs, &ve) ){
      size_t k = i, ks2, ke2, vs2, ve2;
      int bLater = 0;
      if( is_empty(z, vs, ve, pnBudget) ) continue;
      while( !bLater && json_next_member(z, e, &k, &ks2, &ke2, &vs2, &ve2) ){
        if( --*pnBudget<0 ) return 0;
        bLater = json_keys_equal(z, ks, ke, ks2, ke2);
      }
      if( !bLater ) return 0;                   /* a non-empty value that stays */
    }
    return 1;
  }
  return 0;                                     /* numbers, true and false are values */
}

/* Is the value span empty as Elastic's drop-empty step sees it? That step (a painless
** script in its CloudTrail pipeline) removes null and "" and, recursively, every object
** and array left with no member: so {"a":null}, [""] and [[],{}] are empty, while 0,
** false, " " and "-" are values. */
int json_is_empty(const char *z, size_t s, size_t e){
  long nBudget = EMPTY_BUDGET;
  return is_empty(z, s, e, &nBudget);
}

/* Is the value span a string equal to zLit (compared after decoding)? */
int json_str_is(const char *z, size_t s, size_t e, const char *zLit){
  if( e-s<2 || z[s]!='"' ) return 0;
  return json_key_is(z, s+1, e-1, zLit, strlen(zLit));
}

int json_buf_reserve(JsonBuf *p, size_t nMore){
  if( p->n+nMore+1 > p->nAlloc ){
    size_t nNew = p->nAlloc ? p->nAlloc*2 : 256;
    char *zNew;
    while( nNew < p->n+nMore+1 ) nNew *= 2;
    /* near the 1 GiB file limit, doubling would ask for 2 GiB (more than SQLite hands out):
    ** take what is needed instead */
    if( nNew > ((size_t)1<<30) ) nNew = p->n+nMore+1;
    zNew = sqlite3_realloc64(p->z, nNew);
    if( zNew==0 ) return SQLITE_NOMEM;
    p->z = zNew;
    p->nAlloc = nNew;
  }
  return SQLITE_OK;
}

void json_buf_free(JsonBuf *p){
  sqlite3_free(p->z);
  p->z = 0;
  p->n = p->nAlloc = 0;
}

static void put_utf8(JsonBuf *p, unsigned c){
  char *o = p->z + p->n;
  if( c<0x80 ){ o[0] = (char)c; p->n += 1; }
  else if( c<0x800 ){ o[0] = (char)(0xC0|(c>>6)); o[1] = (char)(0x80|(c&0x3F)); p->n += 2; }
  else if( c<0x10000 ){
    o[0] = (char)(0xE0|(c>>12)); o[1] = (char)(0x80|((c>>6)&0x3F)); o[2] = (char)(0x80|(c&0x3F));
    p->n += 3;
  }else{
    o[0] = (char)(0xF0|(c>>18)); o[1] = (char)(0x80|((c>>12)&0x3F));
    o[2] = (char)(0x80|((c>>6)&0x3F)); o[3] = (char)(0x80|(c&0x3F));
    p->n += 4;
  }
}

/* Length of the valid UTF-8 sequence at z[0..n), or 0 if it is not one (RFC 3629:
** no overlong forms, no surrogates, nothing above U+10FFFF). */
static int utf8_seq(const unsigned char *z, size_t n){
  unsigned c = z[0];
  if( c<0x80 ) return 1;
  if( c>=0xC2 && c<=0xDF ){
    return n>=2 && (z[1]&0xC0)==0x80 ? 2 : 0;
  }
  if( c>=0xE0 && c<=0xEF ){
    if( n<3 || (z[1]&0xC0)!=0x80 || (z[2]&0xC0)!=0x80 ) return 0;
    if( c==0xE0 && z[1]<0xA0 ) return 0;
    if( c==0xED && z[1]>=0xA0 ) return 0;
    return 3;
  }
  if( c>=0xF0 && c<=0xF4 ){
    if( n<4 || (z[1]&0xC0)!=0x80 || (z[2]&0xC0)!=0x80 || (z[3]&0xC0)!=0x80 ) return 0;
    if( c==0xF0 && z[1]<0x90 ) return 0;
    if( c==0xF4 && z[1]>=0x90 ) return 0;
    return 4;
  }
  return 0;
}

int json_utf8_valid(const char *z, size_t n){
  const unsigned char *u = (const unsigned char*)z;
  size_t i = 0;
  while( i<n ){
    int k;
    if( u[i]<0x80 ){ i++; continue; }
    k = utf8_seq(u+i, n-i);
    if( k==0 ) return 0;
    i += k;
  }
  return 1;
}

/* Copy z[0..n) to pOut with each invalid UTF-8 byte replaced by U+FFFD, so that every
** client (Python's sqlite3 raises on bad UTF-8) can read the value. */
int json_utf8_repair(const char *z, size_t n, JsonBuf *pOut){
  const unsigned char *u = (const unsigned char*)z;
  size_t i = 0;
  pOut->n = 0;
  if( json_buf_reserve(pOut, n*3) ) return SQLITE_NOMEM;
  while( i<n ){
    int k = utf8_seq(u+i, n-i);
    if( k==0 ){
      put_utf8(pOut, 0xFFFD);
      i++;
    }else{
      memcpy(pOut->z+pOut->n, z+i, k);
      pOut->n += k;
      i += k;
    }
  }
  pOut->z[pOut->n] = 0;
  return SQLITE_OK;
}

/* Decode the character at z[*pI] (inside a validated string that ends before `end`) to
** UTF-8 in a[0..4): escapes resolved, surrogate pairs joined, lone surrogates and invalid
** bytes made U+FFFD. Returns the number of bytes written and advances *pI. */
static int decode_char(const char *z, size_t *pI, size_t end, unsigned char a[4]){
  const unsigned char *u = (const unsigned char*)z;
  size_t i = *pI;
  unsigned c = u[i];
  int k;
  if( c=='\\' && i+1<end ){
    char x = z[i+1];
    i += 2;
    switch( x ){
      case 'b': c = '\b'; break;
      case 'f': c = '\f'; break;
      case 'n': c = '\n'; break;
      case 'r': c = '\r'; break;
      case 't': c = '\t'; break;
      case 'u': {
        unsigned cp = 0;
        if( i+4>end ){ c = 0xFFFD; i = end; break; }
        for(k=0; k<4; k++) cp = cp*16 + (unsigned)hexval(z[i+k]);
        i += 4;
        if( cp>=0xD800 && cp<0xDC00 ){
          unsigned lo = 0;
          if( i+6<=end && z[i]=='\\' && z[i+1]=='u' ){
            for(k=0; k<4; k++) lo = lo*16 + (unsigned)hexval(z[i+2+k]);
          }
          if( lo>=0xDC00 && lo<0xE000 ){
            cp = 0x10000 + ((cp-0xD800)<<10) + (lo-0xDC00);
            i += 6;
          }else{
            cp = 0xFFFD;
          }
        }else if( cp>=0xDC00 && cp<0xE000 ){
          cp = 0xFFFD;
        }
        c = cp;
        break;
      }
      default: c = (unsigned char)x; break;
    }
  }else if( c<0x80 ){
    a[0] = (unsigned char)c;
    *pI = i+1;
    return 1;
  }else{
    int n = utf8_seq(u+i, end-i);
    if( n>0 ){
      memcpy(a, u+i, n);
      *pI = i+n;
      return n;
    }
    c = 0xFFFD;
    i++;
  }
  *pI = i;
  if( c<0x80 ){ a[0] = (unsigned char)c; return 1; }
  if( c<0x800 ){ a[0] = (unsigned char)(0xC0|(c>>6)); a[1] = (unsigned char)(0x80|(c&0x3F)); return 2; }
  if( c<0x10000 ){
    a[0] = (unsigned char)(0xE0|(c>>12)); a[1] = (unsigned char)(0x80|((c>>6)&0x3F));
    a[2] = (unsigned char)(0x80|(c&0x3F));
    return 3;
  }
  a[0] = (unsigned char)(0xF0|(c>>18)); a[1] = (unsigned char)(0x80|((c>>12)&0x3F));
  a[2] = (unsigned char)(0x80|((c>>6)&0x3F)); a[3] = (unsigned char)(0x80|(c&0x3F));
  return 4;
}

/* Decode the validated string span [s,e) (quotes included) into pOut as UTF-8 text.
** Lone surrogates and invalid bytes become U+FFFD. */
int json_decode_string(const char *z, size_t s, size_t e, JsonBuf *pOut){
  size_t i = s+1, end = e-1;
  pOut->n = 0;
  if( json_buf_reserve(pOut, (end-i)*3) ) return SQLITE_NOMEM;
  while( i<end ){
    unsigned char c = (unsigned char)z[i];
    if( c<0x80 && c!='\\' ){
      pOut->z[pOut->n++] = (char)c;
      i++;
    }else{
      pOut->n += decode_char(z, &i, end, (unsigned char*)pOut->z + pOut->n);
    }
  }
  pOut->z[pOut->n] = 0;
  return SQLITE_OK;
}

/* One step of repairing the validated JSON text [.., e): the bytes that z[*pI] becomes
** (at most 6) into a, advancing *pI. Invalid UTF-8 bytes become U+FFFD and raw control
** bytes inside strings \u00XX escapes; everything else is copied. json_repair(),
** json_repaired_len() and json_text_cmp() all step through this one function, so a length
** computed, a comparison made and a text returned always agree. */
static int repair_step(const char *z, size_t *pI, size_t e, int *pInStr, unsigned char a[6]){
  const unsigned char *u = (const unsigned char*)z;
  size_t i = *pI;
  unsigned c = u[i];
  int k;
  if( *pInStr && c=='\\' && i+1<e ){
    a[0] = u[i];
    a[1] = u[i+1];
    *pI = i+2;
    return 2;
  }
  if( c=='"' ) *pInStr = !*pInStr;
  if( c<0x20 && *pInStr ){
    static const char hex[] = "0123456789abcdef";
    memcpy(a, "\\u00", 4);
    a[4] = (unsigned char)hex[c>>4];
    a[5] = (unsigned char)hex[c&15];
    *pI = i+1;
    return 6;
  }
  if( c<0x80 ){
    a[0] = (unsigned char)c;
    *pI = i+1;
    return 1;
  }
  k = utf8_seq(u+i, e-i);
  if( k==0 ){
    a[0] = 0xEF; a[1] = 0xBF; a[2] = 0xBD;    /* U+FFFD */
    *pI = i+1;
    return 3;
  }
  memcpy(a, u+i, k);
  *pI = i+k;
  return k;
}

/* The length json_repair() gives the validated JSON text [s,e), without building it: a
** record that is short enough as stored may still be too long for SQLite once repaired. */
size_t json_repaired_len(const char *z, size_t s, size_t e){
  const unsigned char *u = (const unsigned char*)z;
  size_t i = s, n = 0;
  int inStr = 0;
  while( i<e ){
    unsigned char a[6];
    /* plain printable ASCII outside escapes is copied as is: count it in a tight loop */
    while( i<e && u[i]>=0x20 && u[i]<0x80 && u[i]!='"' && u[i]!='\\' ){ i++; n++; }
    if( i>=e ) break;
    n += (size_t)repair_step(z, &i, e, &inStr, a);
  }
  return n;
}

/* Copy the validated JSON text [s,e) so that it is valid JSON in valid UTF-8: invalid
** bytes become U+FFFD and raw control bytes inside strings become \u00XX escapes. */
int json_repair(const char *z, size_t s, size_t e, JsonBuf *pOut){
  size_t i = s;
  int inStr = 0;
  pOut->n = 0;
  if( json_buf_reserve(pOut, json_repaired_len(z, s, e)) ) return SQLITE_NOMEM;
  while( i<e ){
    pOut->n += (size_t)repair_step(z, &i, e, &inStr, (unsigned char*)pOut->z + pOut->n);
  }
  pOut->z[pOut->n] = 0;
  return SQLITE_OK;
}

/* Compare the text a column shows for the validated value span [s,e) with zVal[0..nVal),
** as SQLite's BINARY collation would (memcmp, then the shorter first), without building
** the text: a string decoded (escapes resolved, invalid UTF-8 and lone surrogates as
** U+FFFD), any other value as its JSON text repaired as json_repair() repairs it. (null
** is NULL in a column, which compares with nothing: callers handle it.) */
int json_text_cmp(const char *z, size_t s, size_t e, const char *zVal, size_t nVal){
  const unsigned char *v = (const unsigned char*)zVal;
  size_t i, end, j = 0;
  int bStr = z[s]=='"', inStr = 0;
  if( bStr && json_str_plain(z, s, e) ){
    /* its bytes are its text: one memcmp (the filters compare every record this way) */
    size_t n = e-s-2;
    int c = memcmp(z+s+1, zVal, n<nVal ? n : nVal);
    if( c ) return c<0 ? -1 : 1;
    return n<nVal ? -1 : n>nVal;
  }
  if( bStr ){ i = s+1; end = e-1; }else{ i = s; end = e; }
  while( i<end ){
    unsigned char a[6];
    int n = bStr ? decode_char(z, &i, end, a) : repair_step(z, &i, end, &inStr, a), k;
    for(k=0; k<n; k++, j++){
      if( j>=nVal ) return 1;
      if( a[k]!=v[j] ) return a[k]<v[j] ? -1 : 1;
    }
  }
  return j<nVal ? -1 : 0;
}

/* Is the validated string span [s,e) (quotes included) its own text: no escape, no control
** byte, no byte >= 0x80 between the quotes? Then the column shows exactly those bytes. */
int json_str_plain(const char *z, size_t s, size_t e){
  return e-s>=2 && z[s]=='"' && next_stop((const unsigned char*)z, e-1, s+1)==e-1;
}

/* Decode the validated string span [s,e) into zOut[0..nOut) when it fits: the decoded
** length, or -1 when it does not fit (or the span is not a string). No allocation. */
int json_decode_small(const char *z, size_t s, size_t e, char *zOut, size_t nOut){
  size_t i = s+1, n = 0;
  if( e-s<2 || z[s]!='"' ) return -1;
  while( i<e-1 ){
    unsigned char a[4];
    int k = decode_char(z, &i, e-1, a);
    if( n+k>nOut ) return -1;
    memcpy(zOut+n, a, k);
    n += k;
  }
  return (int)n;
}
