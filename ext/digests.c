/*
** digests.c: CloudTrail log file integrity validation without AWS: the digest files of a
** folder against the log files beside them.
**
** What AWS hashes and signs (AWS CloudTrail User Guide, "CloudTrail digest file structure"
** and "Custom implementations of CloudTrail log file integrity validation"; the AWS CLI's
** `cloudtrail validate-logs` does the same):
**   - a log file's `hashValue` is the hex SHA-256 of its UNCOMPRESSED content;
**   - `previousDigestHashValue` is the hex SHA-256 of the previous digest's uncompressed
**     content;
**   - a digest's signature is RSA (PKCS#1 v1.5) with SHA-256 over the data signing string
**       digestEndTime "\n" digestS3Bucket "/" digestS3Object "\n"
**       hex SHA-256 of this digest's uncompressed content "\n"
**       previousDigestSignature (the text "null" when it is null)
**     and is hex-encoded. It is stored in S3 object metadata (x-amz-meta-signature), which
**     a copy of the files lacks; but the next digest repeats it as previousDigestSignature,
**     so every digest but the newest of a chain can be checked offline.
**
** Public keys: PEM files ("PUBLIC KEY" or "RSA PUBLIC KEY"). A key is known by the hex MD5
** of its PKCS#1 DER encoding (the bytes ListPublicKeys returns as Value), and also by its
** file name when that is 32 hex digits (how AWS computes digestPublicKeyFingerprint is not
** documented; naming the file after it always works).
**
** Everything is read once into memory: per file its key and hash, per digest its fields
** and listing. A digest's JSON is read with json.c: the last of a repeated key wins.
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <libdeflate.h>
#include <openssl/decoder.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include "digests.h"
#include "gzip.h"
#include "json.h"
#include "problem.h"
#include "record.h"
#include "s3path.h"
#include "sha256.h"
#include "walk.h"

#define MAX_FILE ((long long)1 << 30)     /* as gzip's limit: larger is not a log */

typedef struct Listing {         /* one logFiles[] entry */
  char *zKey;                    /* s3Object, from "AWSLogs/" on */
  char *zHash;                   /* hashValue */
} Listing;

typedef struct Digest {
  char *zPath, *zKey;            /* where it is; its key from "AWSLogs/" on */
  char zHash[65];                /* SHA-256 of its uncompressed bytes */
  char *zGroup;                  /* its name up to the last '_': account, region, trail */
  char *zProblem;                /* could not be read or parsed: why (NULL: fine) */
  char *zNote;                   /* read, with a remark (a repeated key, a moved file) */
  char *zStart, *zEnd, *zBucket, *zObject, *zFinger;
  char *zPrevKey, *zPrevHash, *zPrevSig;
  long long iStart, iEnd;
  int bStart, bEnd;
  Listing *aList;
  int nList;
  int iNext;                     /* the digest that names this one as previous, or -1 */
} Digest;

typedef struct LogFile {
  char *zPath, *zKey;
  char zHash[65];
  char *zProblem;                /* unreadable, or gzip damage: why */
  int bUnreadable;
  S3Name name;
  int bListed;
} LogFile;

typedef struct PubKey {
  char zFinger[33];
  EVP_PKEY *pKey;                /* owned by the first entry that holds it */
  int bOwner;
} PubKey;

typedef struct Ctx {
  Digest *aDig; int nDig, nDigAlloc;
  LogFile *aLog; int nLog, nLogAlloc;
  PubKey *aKey; int nKey, nKeyAlloc;
  int bKeys;                     /* public_keys was given */
  void *pDec;                    /* libdeflate decompressor */
  char *zErr;
  DigestReport *pOut;
} Ctx;

static int grow(void **pa, int *pnAlloc, int n, size_t sz){
  if( n<*pnAlloc ) return SQLITE_OK;
  {
    int nNew = *pnAlloc ? *pnAlloc*2 : 16;
    void *aNew = sqlite3_realloc64(*pa, (sqlite3_uint64)nNew*sz);
    if( aNew==0 ) return SQLITE_NOMEM;
    *pa = aNew;
    *pnAlloc = nNew;
  }
  return SQLITE_OK;
}

/* The S3 key of a path or of an s3Object: from its "AWSLogs/" component on (a bucket
** prefix, or the local folders above, are not part of what is compared). */
static const char *key_of(const char *z){
  const char *p = z;
  while( (p = strstr(p, "AWSLogs/"))!=0 ){
    if( p==z || p[-1]=='/' ) return p;
    p++;
  }
  return z;
}

static void hex(const unsigned char *a, int n, char *zOut){
  static const char aHex[] = "0123456789abcdef";
  int i;
  for(i=0; i<n; i++){ zOut[2*i] = aHex[a[i]>>4]; zOut[2*i+1] = aHex[a[i]&15]; }
  zOut[2*n] = 0;
}

static int hash_equal(const char *zA, const char *zB){
  return zA && zB && strlen(zA)==64 && sqlite3_stricmp(zA, zB)==0;
}

/* Read the file zPath whole, and decompress it when it is gzip: *pBuf holds the bytes
** AWS hashes. A damaged gzip stream leaves its problem in *pzProblem (and what was
** inflated in *pBuf); a file that cannot be read sets *pbUnreadable. */
static int read_plain(Ctx *c, const char *zPath, JsonBuf *pBuf, char **pzProblem, int *pbUnreadable){
  FILE *f;
  struct stat st;
  unsigned char *zRaw;
  size_t nRaw;
  int rc = SQLITE_OK;
  *pzProblem = 0;
  *pbUnreadable = 0;
  pBuf->n = 0;
  f = fopen(zPath, "rb");
  if( f==0 || fstat(fileno(f), &st)!=0 || st.st_size>MAX_FILE ){
    int bBig = f && st.st_size>MAX_FILE;
    if( f ) fclose(f);
    *pbUnreadable = 1;
    *pzProblem = sqlite3_mprintf(bBig ? "larger than 1 GiB: not read" : "cannot be read");
    return *pzProblem ? SQLITE_OK : SQLITE_NOMEM;
  }
  nRaw = (size_t)st.st_size;
  zRaw = sqlite3_malloc64(nRaw ? nRaw : 1);
  if( zRaw==0 ){ fclose(f); return SQLITE_NOMEM; }
  if( nRaw && fread(zRaw, 1, nRaw, f)!=nRaw ){
    fclose(f);
    sqlite3_free(zRaw);
    *pbUnreadable = 1;
    *pzProblem = sqlite3_mprintf("cannot be read");
    return *pzProblem ? SQLITE_OK : SQLITE_NOMEM;
  }
  fclose(f);
  if( gzip_is_gzip(zRaw, nRaw) ){
    Problem prob;
    problem_reset(&prob);
    rc = gzip_inflate(c->pDec, zRaw, nRaw, pBuf, &prob);
    if( rc==SQLITE_OK && prob.n ){
      /* even a note (a header CRC) means bytes changed since delivery */
      *pzProblem = problem_text(&prob);
      if( *pzProblem==0 ) rc = SQLITE_NOMEM;
    }
  }else{
    if( json_buf_reserve(pBuf, nRaw) ) rc = SQLITE_NOMEM;
    else{ memcpy(pBuf->z, zRaw, nRaw); pBuf->n = nRaw; }
  }
  sqlite3_free(zRaw);
  return rc;
}

static void sha256_hex(const char *z, size_t n, char zOut[65]){
  Sha256 h;
  unsigned char a[32];
  sha256_init(&h);
  sha256_update(&h, z, n);
  sha256_final(&h, a);
  hex(a, 32, zOut);
}

/* The string value of key zKey of the object z[s..e), decoded, or NULL (absent, null or not
** a string: *pbBad is set for the last). */
static int get_str(const char *z, size_t s, size_t e, const char *zKey, char **pzOut, int *pbBad){
  size_t vs, ve;
  JsonBuf b = {0, 0, 0};
  *pzOut = 0;
  if( !json_find(z, s, e, zKey, &vs, &ve) ) return SQLITE_OK;
  if( z[vs]!='"' ){
    if( !(ve-vs==4 && memcmp(z+vs, "null", 4)==0) ) *pbBad = 1;
    return SQLITE_OK;
  }
  if( json_decode_string(z, vs, ve, &b) ) return SQLITE_NOMEM;
  *pzOut = sqlite3_mprintf("%s", b.z);
  json_buf_free(&b);
  return *pzOut ? SQLITE_OK : SQLITE_NOMEM;
}

/* Parse digest d's uncompressed bytes z[0..n). A problem goes to d->zProblem. */
static int digest_parse(Digest *d, const char *z, size_t n){
  unsigned flags = 0;
  JsonError err;
  size_t s = json_ws(z, n, 0), e, vs, ve, i;
  int bBad = 0, rc = SQLITE_OK;
  memset(&err, 0, sizeof(err));
  e = s<n ? json_skip(z, n, s, &flags, &err) : (size_t)-1;
  if( e==(size_t)-1 || json_ws(z, n, e)!=n || z[s]!='{' ){
    d->zProblem = sqlite3_mprintf("not a JSON object (%s at byte %lld of the uncompressed bytes)",
                                  e==(size_t)-1 && err.zWhat ? err.zWhat : "trailing data",
                                  (long long)(e==(size_t)-1 ? err.iOff : e));
    return d->zProblem ? SQLITE_OK : SQLITE_NOMEM;
  }
  if( flags & JSON_F_DUPKEY ){
    d->zNote = sqlite3_mprintf("a key is repeated (the last value is read)");
    if( d->zNote==0 ) return SQLITE_NOMEM;
  }
  if( (rc = get_str(z, s, e, "digestStartTime", &d->zStart, &bBad))
   || (rc = get_str(z, s, e, "digestEndTime", &d->zEnd, &bBad))
   || (rc = get_str(z, s, e, "digestS3Bucket", &d->zBucket, &bBad))
   || (rc = get_str(z, s, e, "digestS3Object", &d->zObject, &bBad))
   || (rc = get_str(z, s, e, "digestPublicKeyFingerprint", &d->zFinger, &bBad))
   || (rc = get_str(z, s, e, "previousDigestS3Object", &d->zPrevKey, &bBad))
   || (rc = get_str(z, s, e, "previousDigestHashValue", &d->zPrevHash, &bBad))
   || (rc = get_str(z, s, e, "previousDigestSignature", &d->zPrevSig, &bBad)) ){
    return rc;
  }
  if( d->zStart ) d->bStart = record_parse_time(d->zStart, strlen(d->zStart), &d->iStart);
  if( d->zEnd ) d->bEnd = record_parse_time(d->zEnd, strlen(d->zEnd), &d->iEnd);
  if( bBad || !d->bStart || !d->bEnd || d->zObject==0 || d->zBucket==0 ){
    d->zProblem = sqlite3_mprintf("not a CloudTrail digest (a required field is missing or not text)");
    return d->zProblem ? SQLITE_OK : SQLITE_NOMEM;
  }
  if( !json_find(z, s, e, "logFiles", &vs, &ve) || z[vs]!='[' ){
    d->zProblem = sqlite3_mprintf("not a CloudTrail digest (no logFiles array)");
    return d->zProblem ? SQLITE_OK : SQLITE_NOMEM;
  }
  for(i=json_ws(z, ve, vs+1); i<ve && z[i]!=']'; ){
    size_t os = i, oe = json_end(z, ve, i);
    char *zObj = 0, *zHash = 0;
    Listing *aNew;
    if( z[os]!='{' ){
      d->zProblem = sqlite3_mprintf("a logFiles entry is not an object");
      return d->zProblem ? SQLITE_OK : SQLITE_NOMEM;
    }
    if( (rc = get_str(z, os, oe, "s3Object", &zObj, &bBad))
     || (rc = get_str(z, os, oe, "hashValue", &zHash, &bBad)) ){
      sqlite3_free(zObj);
      return rc;
    }
    aNew = sqlite3_realloc64(d->aList, sizeof(Listing)*(sqlite3_uint64)(d->nList+1));
    if( aNew==0 ){ sqlite3_free(zObj); sqlite3_free(zHash); return SQLITE_NOMEM; }
    d->aList = aNew;
    d->aList[d->nList].zKey = 0;
    d->aList[d->nList].zHash = zHash;
    if( zObj ){
      d->aList[d->nList].zKey = sqlite3_mprintf("%s", key_of(zObj));
      sqlite3_free(zObj);
      if( d->aList[d->nList].zKey==0 ){ sqlite3_free(zHash); return SQLITE_NOMEM; }
    }
    d->nList++;
    /* AWS writes both as text: without them the listing proves nothing */
    if( zObj==0 || zHash==0 || bBad ){
      d->zProblem = sqlite3_mprintf("logFiles entry %d (at byte %lld of the uncompressed bytes) has no %s text",
                                    d->nList, (long long)os, zObj==0 ? "s3Object" : "hashValue");
      return d->zProblem ? SQLITE_OK : SQLITE_NOMEM;
    }
    i = json_ws(z, ve, oe);
    if( i<ve && z[i]==',' ) i = json_ws(z, ve, i+1);
  }
  if( strcmp(key_of(d->zObject), d->zKey)!=0 && d->zNote==0 ){
    d->zNote = sqlite3_mprintf("names itself %s: not where it was delivered", d->zObject);
    if( d->zNote==0 ) return SQLITE_NOMEM;
  }
  return SQLITE_OK;
}

static int add_file(Ctx *c, const char *zPath){
  JsonBuf buf = {0, 0, 0};
  S3Name name;
  char *zProblem = 0;
  int bUnreadable = 0, rc;
  s3path_parse(zPath, &name);
  rc = read_plain(c, zPath, &buf, &zProblem, &bUnreadable);
  if( rc ){ json_buf_free(&buf); return rc; }
  if( name.bDigest ){
    Digest *d;
    const char *zBase = strrchr(zPath, '/'), *zUnder;
    if( (rc = grow((void**)&c->aDig, &c->nDigAlloc, c->nDig, sizeof(Digest))) ) goto done;
    d = &c->aDig[c->nDig++];
    memset(d, 0, sizeof(*d));
    d->iNext = -1;
    zBase = zBase ? zBase+1 : zPath;
    zUnder = strrchr(zBase, '_');
    d->zPath = sqlite3_mprintf("%s", zPath);
    d->zKey = sqlite3_mprintf("%s", key_of(zPath));
    d->zGroup = sqlite3_mprintf("%.*s", (int)(zUnder ? zUnder-zBase : (int)strlen(zBase)), zBase);
    if( d->zPath==0 || d->zKey==0 || d->zGroup==0 ){ rc = SQLITE_NOMEM; goto done; }
    sha256_hex(buf.z ? buf.z : "", buf.n, d->zHash);
    if( zProblem ){
      d->zProblem = zProblem;
      zProblem = 0;
    }else{
      rc = digest_parse(d, buf.z ? buf.z : "", buf.n);
    }
  }else{
    LogFile *l;
    if( (rc = grow((void**)&c->aLog, &c->nLogAlloc, c->nLog, sizeof(LogFile))) ) goto done;
    l = &c->aLog[c->nLog++];
    memset(l, 0, sizeof(*l));
    l->name = name;
    l->zPath = sqlite3_mprintf("%s", zPath);
    l->zKey = sqlite3_mprintf("%s", key_of(zPath));
    if( l->zPath==0 || l->zKey==0 ){ rc = SQLITE_NOMEM; goto done; }
    l->zProblem = zProblem;
    zProblem = 0;
    l->bUnreadable = bUnreadable;
    if( !bUnreadable ) sha256_hex(buf.z ? buf.z : "", buf.n, l->zHash);
  }
done:
  sqlite3_free(zProblem);
  json_buf_free(&buf);
  return rc;
}

/* ---- public keys ---- */

static int add_key(Ctx *c, EVP_PKEY *pKey, const char *zFinger, int bOwner){
  PubKey *k;
  if( grow((void**)&c->aKey, &c->nKeyAlloc, c->nKey, sizeof(PubKey)) ){
    if( bOwner ) EVP_PKEY_free(pKey);
    return SQLITE_NOMEM;
  }
  k = &c->aKey[c->nKey++];
  snprintf(k->zFinger, sizeof(k->zFinger), "%s", zFinger);
  k->pKey = pKey;
  k->bOwner = bOwner;
  return SQLITE_OK;
}

static int load_key(Ctx *c, const char *zPath){
  EVP_PKEY *pKey = 0;
  OSSL_DECODER_CTX *dctx;
  FILE *f;
  unsigned char *zDer = 0, aMd5[16];
  unsigned nMd5 = 0;
  int nDer, rc, ok = 0, i;
  char zFinger[33];
  const char *zBase = strrchr(zPath, '/');
  f = fopen(zPath, "rb");
  if( f==0 ){
    c->zErr = sqlite3_mprintf("cannot read public key file %s", zPath);
    return SQLITE_ERROR;
  }
  dctx = OSSL_DECODER_CTX_new_for_pkey(&pKey, "PEM", NULL, "RSA", EVP_PKEY_PUBLIC_KEY, NULL, NULL);
  if( dctx ) ok = OSSL_DECODER_from_fp(dctx, f);
  OSSL_DECODER_CTX_free(dctx);
  fclose(f);
  if( !ok || pKey==0 ){
    EVP_PKEY_free(pKey);
    c->zErr = sqlite3_mprintf("%s is not a PEM RSA public key", zPath);
    return SQLITE_ERROR;
  }
  /* the PKCS#1 RSAPublicKey DER, as ListPublicKeys returns it */
  nDer = i2d_PublicKey(pKey, &zDer);
  if( nDer<=0 || !EVP_Digest(zDer, (size_t)nDer, aMd5, &nMd5, EVP_md5(), NULL) || nMd5!=16 ){
    OPENSSL_free(zDer);
    EVP_PKEY_free(pKey);
    c->zErr = sqlite3_mprintf("%s: cannot compute its fingerprint", zPath);
    return SQLITE_ERROR;
  }
  OPENSSL_free(zDer);
  hex(aMd5, 16, zFinger);
  rc = add_key(c, pKey, zFinger, 1);
  if( rc ) return rc;
  zBase = zBase ? zBase+1 : zPath;
  for(i=0; i<32 && isxdigit((unsigned char)zBase[i]); i++){}
  if( i==32 && (zBase[32]==0 || zBase[32]=='.') ){
    char zName[33];
    memcpy(zName, zBase, 32);
    zName[32] = 0;
    for(i=0; i<32; i++) zName[i] = (char)tolower((unsigned char)zName[i]);
    if( strcmp(zName, zFinger)!=0 ) rc = add_key(c, pKey, zName, 0);
  }
  return rc;
}

static int load_keys(Ctx *c, const char *zKeys){
  struct stat st;
  Walk w;
  int rc, eKind, iErrno;
  c->bKeys = 1;
  if( stat(zKeys, &st)!=0 ){
    c->zErr = sqlite3_mprintf("public_keys: no such file or folder: %s", zKeys);
    return SQLITE_ERROR;
  }
  if( !S_ISDIR(st.st_mode) ) return load_key(c, zKeys);
  rc = walk_open(&w, zKeys, &c->zErr);
  while( rc==SQLITE_OK && (rc = walk_next(&w, &eKind, &iErrno))==SQLITE_ROW ){
    size_t n = strlen(w.zPath);
    rc = SQLITE_OK;
    if( eKind==WALK_FILE && n>4 && strcmp(w.zPath+n-4, ".pem")==0 ) rc = load_key(c, w.zPath);
  }
  if( rc==SQLITE_DONE ) rc = SQLITE_OK;
  walk_close(&w);
  if( rc==SQLITE_OK && c->nKey==0 ){
    c->zErr = sqlite3_mprintf("public_keys: no .pem file in %s", zKeys);
    rc = SQLITE_ERROR;
  }
  return rc;
}

static EVP_PKEY *find_key(Ctx *c, const char *zFinger){
  int i;
  if( zFinger==0 ) return 0;
  for(i=0; i<c->nKey; i++){
    if( sqlite3_stricmp(c->aKey[i].zFinger, zFinger)==0 ) return c->aKey[i].pKey;
  }
  return 0;
}

/* Verify digest d's signature zSig (hex) with pKey over AWS's data signing string. */
static int verify(const Digest *d, const char *zSig, EVP_PKEY *pKey, int *pbOk){
  size_t nSig = strlen(zSig), i;
  unsigned char *aSig;
  char *zMsg;
  EVP_MD_CTX *md;
  *pbOk = 0;
  if( nSig==0 || nSig%2 ) return SQLITE_OK;
  aSig = sqlite3_malloc64(nSig/2);
  if( aSig==0 ) return SQLITE_NOMEM;
  for(i=0; i<nSig; i+=2){
    int hi = isxdigit((unsigned char)zSig[i]), lo = isxdigit((unsigned char)zSig[i+1]);
    char zTwo[3];
    if( !hi || !lo ){ sqlite3_free(aSig); return SQLITE_OK; }
    zTwo[0] = zSig[i]; zTwo[1] = zSig[i+1]; zTwo[2] = 0;
    aSig[i/2] = (unsigned char)strtoul(zTwo, 0, 16);
  }
  zMsg = sqlite3_mprintf("%s\n%s/%s\n%s\n%s", d->zEnd, d->zBucket, d->zObject, d->zHash,
                         d->zPrevSig ? d->zPrevSig : "null");
  md = EVP_MD_CTX_new();
  if( zMsg==0 || md==0 ){
    sqlite3_free(aSig); sqlite3_free(zMsg); EVP_MD_CTX_free(md);
    return SQLITE_NOMEM;
  }
  if( EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pKey)==1
   && EVP_DigestVerify(md, aSig, nSig/2, (const unsigned char*)zMsg, strlen(zMsg))==1 ){
    *pbOk = 1;
  }
  EVP_MD_CTX_free(md);
  sqlite3_free(aSig);
  sqlite3_free(zMsg);
  return SQLITE_OK;
}

/* ---- matching ---- */

static int cmp_log(const void *a, const void *b){
  const LogFile *x = a, *y = b;
  int c = strcmp(x->zKey, y->zKey);
  return c ? c : strcmp(x->zPath, y->zPath);   /* copies of one key: in path order */
}
static int cmp_dig(const void *a, const void *b){
  return strcmp(((const Digest*)a)->zKey, ((const Digest*)b)->zKey);
}

static int cmp_log_key(const void *a, const void *b){
  return strcmp(((const LogFile*)a)->zKey, ((const LogFile*)b)->zKey);
}
/* one of the local files with key zKey (any of them, when there are copies), or NULL */
static LogFile *find_log(Ctx *c, const char *zKey){
  LogFile k;
  k.zKey = (char*)zKey;
  return c->nLog ? bsearch(&k, c->aLog, c->nLog, sizeof(LogFile), cmp_log_key) : 0;
}
static int find_dig(Ctx *c, const char *zKey){
  Digest k, *p;
  k.zKey = (char*)zKey;
  p = c->nDig ? bsearch(&k, c->aDig, c->nDig, sizeof(Digest), cmp_dig) : 0;
  return p ? (int)(p - c->aDig) : -1;
}

static DigestRow *new_row(Ctx *c, int eKind, const char *zFile, const char *zKey){
  DigestReport *p = c->pOut;
  DigestRow *r;
  S3Name name;
  if( grow((void**)&p->a, &p->nAlloc, p->n, sizeof(DigestRow)) ) return 0;
  r = &p->a[p->n++];
  memset(r, 0, sizeof(*r));
  r->eKind = eKind;
  s3path_parse(zFile ? zFile : zKey, &name);
  memcpy(r->zAccount, name.zAccount, sizeof(r->zAccount));
  memcpy(r->zRegion, name.zRegion, sizeof(r->zRegion));
  r->zFile = zFile ? sqlite3_mprintf("%s", zFile) : 0;
  r->zKey = sqlite3_mprintf("%s", zKey);
  if( r->zKey==0 || (zFile && r->zFile==0) ) return 0;
  return r;
}

static char *dup(const char *z){
  return z ? sqlite3_mprintf("%s", z) : 0;
}

/* Is a log file delivered at l's name stamp inside the window of some digest of its
** account and region? */
static int covered(Ctx *c, const LogFile *l){
  int i;
  if( l->name.zTime[0]==0 ) return 0;
  for(i=0; i<c->nDig; i++){
    const Digest *d = &c->aDig[i];
    S3Name dn;
    if( d->zProblem ) continue;
    s3path_parse(d->zPath, &dn);
    if( strcmp(dn.zAccount, l->name.zAccount)!=0 || strcmp(dn.zRegion, l->name.zRegion)!=0 ) continue;
    if( l->name.iTime>=d->iStart && l->name.iTime<=d->iEnd ) return 1;
  }
  return 0;
}

static int digest_rows(Ctx *c){
  int i, j, k, nOrder, *aOrder;
  /* successors: who names whom as previous */
  for(i=0; i<c->nDig; i++){
    Digest *d = &c->aDig[i];
    if( d->zProblem==0 && d->zPrevKey ){
      j = find_dig(c, key_of(d->zPrevKey));
      if( j>=0 && c->aDig[j].iNext<0 ) c->aDig[j].iNext = i;
    }
  }
  for(i=0; i<c->nDig; i++){
    Digest *d = &c->aDig[i];
    DigestRow *r = new_row(c, DIGEST_KIND_DIGEST, d->zPath, d->zKey);
    const Digest *pNext = d->iNext>=0 ? &c->aDig[d->iNext] : 0;
    int bSaid;
    if( r==0 ) return SQLITE_NOMEM;
    memcpy(r->zActual, d->zHash, sizeof(r->zActual));
    if( d->zProblem ){
      r->zStatus = "unreadable";
      r->zDetail = dup(d->zProblem);
      if( r->zDetail==0 ) return SQLITE_NOMEM;
      continue;
    }
    r->zStart = dup(d->zStart);
    r->zEnd = dup(d->zEnd);
    r->zPrevious = dup(d->zPrevKey);
    if( pNext ) r->zExpected = dup(pNext->zPrevHash);
    if( !r->zStart || !r->zEnd || (d->zPrevKey && !r->zPrevious)
     || (pNext && pNext->zPrevHash && !r->zExpected) ) return SQLITE_NOMEM;
    /* the link to its previous digest */
    if( d->zPrevKey==0 ){
      r->zChain = "start";
    }else{
      j = find_dig(c, key_of(d->zPrevKey));
      if( j<0 ){
        r->zChain = "previous missing";
      }else{
        r->zChain = hash_equal(d->zPrevHash, c->aDig[j].zHash) ? "ok" : "broken";
      }
    }
    /* its own signature, as its successor repeats it. Its status: altered when the
    ** signature fails; when the successor gives another hash for it and no signature
    ** settles which of the two changed, altered too (the detail says so); a verified
    ** digest is what AWS signed, so then the successor's link is what broke. */
    r->zSignature = "not verified";
    r->zStatus = "ok";
    bSaid = 1;                         /* a detail is due (NULL from mprintf: no memory) */
    if( !c->bKeys ){
      r->zDetail = sqlite3_mprintf("no public key given");
    }else if( pNext==0 || pNext->zPrevSig==0 ){
      r->zDetail = sqlite3_mprintf("no later digest here names it: its signature is only in "
                                   "S3 object metadata (x-amz-meta-signature)");
    }else{
      EVP_PKEY *pKey = find_key(c, d->zFinger);
      if( pKey==0 ){
        r->zDetail = sqlite3_mprintf("no public key with fingerprint %s", d->zFinger ? d->zFinger : "(none)");
      }else{
        int bOk, rc = verify(d, pNext->zPrevSig, pKey, &bOk);
        if( rc ) return rc;
        r->zSignature = bOk ? "verified" : "invalid";
        bSaid = !bOk;
        if( !bOk ){
          r->zStatus = "altered";
          r->zDetail = sqlite3_mprintf("the signature the next digest gives for it does not verify");
        }
      }
    }
    if( pNext && !hash_equal(pNext->zPrevHash, d->zHash) && strcmp(r->zSignature, "verified")!=0 ){
      sqlite3_free(r->zDetail);
      bSaid = 1;
      r->zStatus = "altered";
      r->zDetail = sqlite3_mprintf("the next digest gives another hash for it (this file or the "
                                   "next one changed)");
    }
    if( bSaid && r->zDetail==0 ) return SQLITE_NOMEM;
    if( d->zNote ){
      char *z = r->zDetail ? sqlite3_mprintf("%s; %s", d->zNote, r->zDetail) : dup(d->zNote);
      sqlite3_free(r->zDetail);
      r->zDetail = z;
      if( z==0 ) return SQLITE_NOMEM;
    }
  }
  /* previous digests named but not present */
  for(i=0; i<c->nDig; i++){
    const Digest *d = &c->aDig[i];
    DigestRow *r;
    if( d->zProblem || d->zPrevKey==0 || find_dig(c, key_of(d->zPrevKey))>=0 ) continue;
    r = new_row(c, DIGEST_KIND_DIGEST, 0, key_of(d->zPrevKey));
    if( r==0 ) return SQLITE_NOMEM;
    r->zStatus = "missing";
    r->zExpected = dup(d->zPrevHash);
    r->zSignature = "not verified";
    r->zDetail = sqlite3_mprintf("named as previous by %s", d->zKey);
    if( r->zDetail==0 ) return SQLITE_NOMEM;
  }
  /* gaps: per group (account, region, trail), in order of end time */
  aOrder = sqlite3_malloc64(sizeof(int)*(sqlite3_uint64)(c->nDig+1));
  if( aOrder==0 ) return SQLITE_NOMEM;
  /* only the readable digests: an unreadable one has no window, and must not stand
  ** between two that have (its end time may have been read before its problem) */
  for(i=0, k=0; i<c->nDig; i++) if( c->aDig[i].zProblem==0 ) aOrder[k++] = i;
  nOrder = k;
  for(i=1; i<nOrder; i++){             /* insertion sort: keys are nearly in order already */
    int iDig = aOrder[i];
    for(j=i; j>0; j--){
      const Digest *a = &c->aDig[aOrder[j-1]], *b = &c->aDig[iDig];
      int cmp = strcmp(a->zGroup, b->zGroup);
      if( cmp<0 || (cmp==0 && a->iEnd<=b->iEnd) ) break;
      aOrder[j] = aOrder[j-1];
    }
    aOrder[j] = iDig;
  }
  for(i=1; i<nOrder; i++){
    const Digest *a = &c->aDig[aOrder[i-1]], *b = &c->aDig[aOrder[i]];
    if( strcmp(a->zGroup, b->zGroup)!=0 ) continue;
    /* digest rows were written in aDig order, one per digest, first */
    c->pOut->a[aOrder[i]].bGap = 1;
    c->pOut->a[aOrder[i]].iGap = b->iStart - a->iEnd;
  }
  sqlite3_free(aOrder);
  return SQLITE_OK;
}

static int log_rows(Ctx *c){
  int i, j, k;
  for(i=0; i<c->nDig; i++){
    const Digest *d = &c->aDig[i];
    if( d->zProblem ) continue;        /* unreadable: its listing is not evidence */
    for(j=0; j<d->nList; j++){
      const Listing *li = &d->aList[j];
      LogFile *l = find_log(c, li->zKey), *pEnd = c->aLog + c->nLog;
      DigestRow *r;
      if( l ){
        /* every local file with that key (two downloads of one bucket) is judged: from
        ** the first of them in the sorted array */
        while( l>c->aLog && strcmp(l[-1].zKey, li->zKey)==0 ) l--;
        if( l->bListed ) continue;             /* listed twice: the first listing speaks */
      }else{
        /* listed twice and missing: one row */
        int bSeen = 0;
        for(k=0; k<c->pOut->n && !bSeen; k++){
          const DigestRow *o = &c->pOut->a[k];
          bSeen = o->eKind==DIGEST_KIND_LOG && o->zFile==0 && strcmp(o->zKey, li->zKey)==0;
        }
        if( bSeen ) continue;
      }
      do{
        r = new_row(c, DIGEST_KIND_LOG, l ? l->zPath : 0, li->zKey);
        if( r==0 ) return SQLITE_NOMEM;
        r->zDigest = dup(d->zKey);
        r->zExpected = dup(li->zHash);
        if( r->zDigest==0 || (li->zHash && r->zExpected==0) ) return SQLITE_NOMEM;
        if( l==0 ){
          r->zStatus = "missing";
          break;
        }
        l->bListed = 1;
        memcpy(r->zActual, l->zHash, sizeof(r->zActual));
        if( l->bUnreadable ){
          r->zStatus = "unreadable";
        }else if( l->zProblem ){
          r->zStatus = "altered";        /* gzip damage or a changed header: never ok */
        }else{
          r->zStatus = hash_equal(li->zHash, l->zHash) ? "ok" : "altered";
        }
        /* digest rows come first, in aDig order: row i is digest i */
        if( strcmp(r->zStatus, "ok")==0 && strcmp(c->pOut->a[i].zStatus, "altered")==0 ){
          r->zStatus = "unverified";
          r->zDetail = sqlite3_mprintf("matches a digest that is altered");
          if( r->zDetail==0 ) return SQLITE_NOMEM;
        }
        if( l->zProblem && (r->zDetail = dup(l->zProblem))==0 ) return SQLITE_NOMEM;
        l++;
      }while( l<pEnd && strcmp(l->zKey, li->zKey)==0 );
    }
  }
  for(i=0; i<c->nLog; i++){
    LogFile *l = &c->aLog[i];
    DigestRow *r;
    if( l->bListed ) continue;
    r = new_row(c, DIGEST_KIND_LOG, l->zPath, l->zKey);
    if( r==0 ) return SQLITE_NOMEM;
    memcpy(r->zActual, l->zHash, sizeof(r->zActual));
    r->zStatus = covered(c, l) ? "unlisted" : "uncovered";
    if( l->zProblem && (r->zDetail = dup(l->zProblem))==0 ) return SQLITE_NOMEM;
  }
  return SQLITE_OK;
}

static void ctx_free(Ctx *c){
  int i, j;
  for(i=0; i<c->nDig; i++){
    Digest *d = &c->aDig[i];
    sqlite3_free(d->zPath); sqlite3_free(d->zKey); sqlite3_free(d->zGroup);
    sqlite3_free(d->zProblem); sqlite3_free(d->zNote);
    sqlite3_free(d->zStart); sqlite3_free(d->zEnd); sqlite3_free(d->zBucket);
    sqlite3_free(d->zObject); sqlite3_free(d->zFinger);
    sqlite3_free(d->zPrevKey); sqlite3_free(d->zPrevHash); sqlite3_free(d->zPrevSig);
    for(j=0; j<d->nList; j++){ sqlite3_free(d->aList[j].zKey); sqlite3_free(d->aList[j].zHash); }
    sqlite3_free(d->aList);
  }
  sqlite3_free(c->aDig);
  for(i=0; i<c->nLog; i++){
    sqlite3_free(c->aLog[i].zPath); sqlite3_free(c->aLog[i].zKey); sqlite3_free(c->aLog[i].zProblem);
  }
  sqlite3_free(c->aLog);
  for(i=0; i<c->nKey; i++) if( c->aKey[i].bOwner ) EVP_PKEY_free(c->aKey[i].pKey);
  sqlite3_free(c->aKey);
  if( c->pDec ) libdeflate_free_decompressor(c->pDec);
}

int digests_run(const char *zPath, const char *zKeys, DigestReport *p, char **pzErr){
  Ctx c;
  Walk w;
  int rc, eKind, iErrno, bExists = 0;
  memset(&c, 0, sizeof(c));
  memset(p, 0, sizeof(*p));
  c.pOut = p;
  rc = walk_exists(zPath, &bExists);
  if( rc==SQLITE_OK && !bExists ){
    *pzErr = sqlite3_mprintf("no such file or folder: %s", zPath);
    return SQLITE_ERROR;
  }
  c.pDec = libdeflate_alloc_decompressor();
  if( c.pDec==0 ) return SQLITE_NOMEM;
  if( zKeys ) rc = load_keys(&c, zKeys);
  if( rc==SQLITE_OK ) rc = walk_open(&w, zPath, &c.zErr);
  else memset(&w, 0, sizeof(w));
  while( rc==SQLITE_OK && (rc = walk_next(&w, &eKind, &iErrno))==SQLITE_ROW ){
    rc = SQLITE_OK;
    if( eKind==WALK_FILE ) rc = add_file(&c, w.zPath);
  }
  if( rc==SQLITE_DONE ) rc = SQLITE_OK;
  walk_close(&w);
  if( rc==SQLITE_OK ){
    if( c.nDig ) qsort(c.aDig, c.nDig, sizeof(Digest), cmp_dig);
    if( c.nLog ) qsort(c.aLog, c.nLog, sizeof(LogFile), cmp_log);
    rc = digest_rows(&c);
    if( rc==SQLITE_OK ) rc = log_rows(&c);
  }
  if( rc && c.zErr ){ *pzErr = c.zErr; c.zErr = 0; }
  sqlite3_free(c.zErr);
  ctx_free(&c);
  if( rc ) digests_free(p);
  return rc;
}

void digests_free(DigestReport *p){
  int i;
  for(i=0; i<p->n; i++){
    DigestRow *r = &p->a[i];
    sqlite3_free(r->zFile); sqlite3_free(r->zKey); sqlite3_free(r->zDigest);
    sqlite3_free(r->zPrevious); sqlite3_free(r->zStart); sqlite3_free(r->zEnd);
    sqlite3_free(r->zExpected); sqlite3_free(r->zDetail);
  }
  sqlite3_free(p->a);
  memset(p, 0, sizeof(*p));
}
