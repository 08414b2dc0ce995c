/*
** filter.c: check pushed-down constraints on paths, bytes and records (see filter.h).
**
** Every check here may only say "cannot match" when that is certain: a pruned file, a
** skipped buffer or a dropped record would otherwise be an event lost to the investigator.
*/
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3
#include <string.h>
#include "filter.h"
#include "json.h"
#include "record.h"
#include "rule_mfa.h"

void filter_clear(Filter *p){
  int i, j;
  for(i=0; i<p->nTimeCmp; i++) sqlite3_free(p->aTimeCmp[i].z);
  for(i=0; i<FILTER_MAX_STR; i++){
    for(j=0; j<p->aStr[i].nVal; j++) sqlite3_free(p->aStr[i].azVal[j]);
    sqlite3_free(p->aStr[i].azVal);
    sqlite3_free(p->aStr[i].anVal);
  }
  memset(p, 0, sizeof(*p));
}

int filter_is_empty(const Filter *p){
  return p->nStr==0 && !p->bLo && !p->bHi && !p->bMfaRule && p->nTimeCmp==0;
}

/* Require the eventTime text to compare with z[0..n) as op says, as SQLite's BINARY
** collation compares text. Only records are checked: text bounds never prune files, since
** an eventTime written some other way ("zzz" > "2026") could sit in any file. */
int filter_add_time_text(Filter *p, int op, const char *z, size_t n){
  if( p->nTimeCmp>=4 ) return SQLITE_OK;                /* SQLite still checks it */
  p->aTimeCmp[p->nTimeCmp].z = sqlite3_malloc64(n+1);
  if( p->aTimeCmp[p->nTimeCmp].z==0 ) return SQLITE_NOMEM;
  memcpy(p->aTimeCmp[p->nTimeCmp].z, z, n);
  p->aTimeCmp[p->nTimeCmp].n = n;
  p->aTimeCmp[p->nTimeCmp].op = op;
  p->nTimeCmp++;
  return SQLITE_OK;
}

/* memcmp(), then the shorter first: how SQLite's BINARY collation orders text. */
static int binary_cmp(const char *a, size_t na, const char *b, size_t nb){
  int r = memcmp(a, b, na<nb ? na : nb);
  return r ? r : (na<nb ? -1 : na>nb);
}

/* Require field iField to equal z[0..n) (or one of the values added for it before). */
int filter_add_str(Filter *p, int iField, const char *z, size_t n){
  FilterStr *f = 0;
  char **az;
  size_t *an;
  int i;
  for(i=0; i<p->nStr; i++){
    if( p->aStr[i].iField==iField ){ f = &p->aStr[i]; break; }
  }
  if( f==0 ){
    if( p->nStr>=FILTER_MAX_STR ) return SQLITE_OK;     /* SQLite still checks it */
    f = &p->aStr[p->nStr];                              /* counted once it has a value */
    f->iField = iField;
    f->nVal = 0;                                        /* arrays left by a failed add are reused */
  }
  az = sqlite3_realloc64(f->azVal, (f->nVal+1)*sizeof(char*));
  if( az==0 ) return SQLITE_NOMEM;
  f->azVal = az;
  an = sqlite3_realloc64(f->anVal, (f->nVal+1)*sizeof(size_t));
  if( an==0 ) return SQLITE_NOMEM;
  f->anVal = an;
  az[f->nVal] = sqlite3_malloc64(n+1);
  if( az[f->nVal]==0 ) return SQLITE_NOMEM;
  memcpy(az[f->nVal], z, n);
  az[f->nVal][n] = 0;
  an[f->nVal] = n;
  if( f->nVal++==0 ) p->nStr++;
  return SQLITE_OK;
}

static const FilterStr *find_field(const Filter *p, int iField){
  int i;
  for(i=0; i<p->nStr; i++) if( p->aStr[i].iField==iField ) return &p->aStr[i];
  return 0;
}

static int one_of(const FilterStr *f, const char *z, size_t n){
  int i;
  for(i=0; i<f->nVal; i++){
    if( f->anVal[i]==n && memcmp(f->azVal[i], z, n)==0 ) return 1;
  }
  return 0;
}

/* Could a file in AWS's layout with this name hold a matching event? Files whose name
** does not follow AWS's naming are never pruned. */
int filter_prune_file(const Filter *p, const S3Name *pName){
  const FilterStr *f;
  if( pName->zAccount[0] && (f = find_field(p, RF_recipientAccountId))!=0
   && !one_of(f, pName->zAccount, strlen(pName->zAccount)) ){
    return 1;
  }
  if( pName->zRegion[0] && (f = find_field(p, RF_awsRegion))!=0
   && !one_of(f, pName->zRegion, strlen(pName->zRegion)) ){
    return 1;
  }
  if( pName->zTime[0] && p->iMaxDelay>0 ){
    /* events in a file stamped T happened in [T - max delay, T + slack] */
    if( p->bHi && pName->iTime - p->iMaxDelay > p->iHi ) return 1;
    if( p->bLo && pName->iTime + FILTER_STAMP_SLACK < p->iLo ) return 1;
  }
  return 0;
}

/* Could a folder of AWS's layout hold a matching event? .../<account>/CloudTrail/<region>/
** YYYY/MM/DD: the account and region folders are pruned like file names, the date folders
** by the delivery times they can hold. */
int filter_prune_dir(const Filter *p, const char *zDir){
  S3Name name;
  long long iStart, iEnd;
  if( filter_is_empty(p) ) return 0;
  if( !s3path_dir(zDir, &name, &iStart, &iEnd) ) return 0;
  name.zTime[0] = 0;
  if( filter_prune_file(p, &name) ) return 1;
  if( iEnd>iStart && p->iMaxDelay>0 ){
    /* stamps in [iStart, iEnd): events in [iStart - max delay, iEnd + slack) */
    if( p->bHi && iStart - p->iMaxDelay > p->iHi ) return 1;
    if( p->bLo && iEnd + FILTER_STAMP_SLACK <= p->iLo ) return 1;
  }
  return 0;
}

/* Does zNeedle occur in z[0..n)? memchr() for the needle's byte at iKey (a byte rarer
** than the rest), then a comparison: several times faster than glibc's memmem() here,
** where this search runs over every byte of a corpus. */
static int find(const char *z, size_t n, const char *zNeedle, size_t nNeedle, size_t iKey){
  const char *zEnd = z + n, *q = z + iKey;
  if( nNeedle==0 ) return 1;
  if( n<nNeedle ) return 0;
  while( q < zEnd - (nNeedle-1-iKey) ){
    q = memchr(q, zNeedle[iKey], (size_t)(zEnd - (nNeedle-1-iKey) - q));
    if( q==0 ) return 0;
    if( memcmp(q-iKey, zNeedle, nNeedle)==0 ) return 1;
    q++;
  }
  return 0;
}

/* Could z[0..n) spell a string another way than has_string() looks for? Only through a
** \u or a \/ escape. */
static int has_escape(const char *z, size_t n){
  const char *q = z, *zEnd = z + n;
  while( (q = memchr(q, '\\', (size_t)(zEnd - q)))!=0 && q+1<zEnd ){
    if( q[1]=='u' || q[1]=='/' ) return 1;
    q += 2;                                     /* an escaped character: skip both */
  }
  return 0;
}

/* How common a byte is in CloudTrail JSON, roughly (0: rare .. 9: everywhere). The
** search below looks for a value's rarest byte first. */
static int commonness(unsigned char c){
  if( c=='"' || c==',' || c==':' || c==' ' ) return 9;
  if( strchr("etaoinsr", c) ) return 8;
  if( strchr("lcdumhp0123456789-.", c) ) return 7;
  if( c>='a' && c<='z' ) return 5;
  if( strchr("{}[]/_", c) ) return 6;
  if( c>='A' && c<='Z' ) return 3;
  return 2;
}

/* Does the JSON string for zVal occur in z[0..n), quotes included, spelled the one way a
** writer that escapes only what JSON requires would spell it? Returns -1 when zVal has a
** control character (which has several spellings) and so cannot be searched for. */
static int has_string(const char *z, size_t n, const char *zVal, size_t nVal){
  char zBuf[512];
  size_t i, k = 0, iKey;
  if( 2*nVal+2>sizeof(zBuf) ) return -1;
  zBuf[k++] = '"';
  for(i=0; i<nVal; i++){
    unsigned char c = (unsigned char)zVal[i];
    if( c<0x20 || c>=0x80 ) return -1;                  /* could be invalid UTF-8 in the file */
    if( c=='"' || c=='\\' ) zBuf[k++] = '\\';
    zBuf[k++] = (char)c;
  }
  zBuf[k++] = '"';
  for(i=1, iKey=0; i<k; i++){
    if( commonness((unsigned char)zBuf[i]) < commonness((unsigned char)zBuf[iKey]) ) iKey = i;
  }
  return find(z, n, zBuf, k, iKey);
}

/* Can the decompressed bytes of a file hold a match? A string value equal to a wanted
** text must occur in the file spelled as has_string() spells it, because the only other
** spellings JSON allows use \u or \/ escapes: when the file has none, a missing string
** rules the file out. */
int filter_bytes(const Filter *p, const char *z, size_t n){
  int i, j;
  if( p->bMfaRule ){
    /* both names end in MFADevice": one search rules most files out */
    if( !find(z, n, "MFADevice\"", 10, 0)
     || (!has_string(z, n, "DeactivateMFADevice", 19)
         && !has_string(z, n, "DeleteVirtualMFADevice", 22)) ){
      return has_escape(z, n);
    }
  }
  for(i=0; i<p->nStr; i++){
    const FilterStr *f = &p->aStr[i];
    int bAny = 0;
    /* the derived identity fields may come from cJSON, whose strings end at a NUL: with a
    ** raw NUL in the file, a value can be a prefix of what is written, so no search */
    if( f->iField>=FK_COUNT && memchr(z, 0, n) ) bAny = 1;
    for(j=0; j<f->nVal && !bAny; j++){
      if( has_string(z, n, f->azVal[j], f->anVal[j])!=0 ) bAny = 1;
    }
    if( !bAny ) return has_escape(z, n);
  }
  return 1;
}

/* The decoded text of a string value span, compared with the wanted values. */
static int str_one_of(const FilterStr *f, const char *z, size_t s, size_t e){
  size_t k;
  int i;
  if( e-s<2 || z[s]!='"' ) return 0;
  for(k=s+1; k<e-1 && z[k]!='\\' && (unsigned char)z[k]<0x80; k++){}
  if( k==e-1 ) return one_of(f, z+s+1, e-s-2);        /* ASCII, no escape: as it reads */
  /* decoded as the column decodes it: escapes resolved, invalid UTF-8 as U+FFFD */
  for(i=0; i<f->nVal; i++){
    if( json_key_is(z, s+1, e-1, f->azVal[i], f->anVal[i]) ) return 1;
  }
  return 0;
}

/* A non-empty string member of the object [s,e), as Elastic keeps it. */
static int member(const char *z, size_t s, size_t e, const char *zKey, size_t *pS, size_t *pE){
  return s<e && z[s]=='{' && json_find(z, s, e, zKey, pS, pE)
      && z[*pS]=='"' && *pE-*pS>2;
}

/* Does the record at z[s] (keys indexed in pIdx) satisfy every pushed constraint? */
int filter_record(const Filter *p, const char *z, size_t s, const FieldIndex *pIdx){
  int i;
  size_t j;
  if( p->bMfaRule && !rule_mfa_match(z, s, pIdx) ) return 0;
  if( p->nTimeCmp ){
    size_t ts = s + pIdx->aS[RF_eventTime], te = s + pIdx->aE[RF_eventTime];
    JsonBuf b = {0, 0, 0};
    const char *zT;
    size_t nT;
    int k, bOk = 1;
    /* a missing, null or non-string eventTime is NULL or JSON text: only strings here */
    if( pIdx->aE[RF_eventTime]==0 || z[ts]!='"' ) return 0;
    for(k=(int)0, bOk=0; ts+1+(size_t)k<te-1; k++){
      unsigned char c = (unsigned char)z[ts+1+k];
      if( c=='\\' || c>=0x80 ){ bOk = 1; break; }  /* escapes, or UTF-8 the column repairs */
    }
    if( bOk ){
      if( json_decode_string(z, ts, te, &b) ) return 1;   /* out of memory: let SQLite decide */
      zT = b.z; nT = b.n;
    }else{
      zT = z+ts+1; nT = te-ts-2;
    }
    for(k=0, bOk=1; k<p->nTimeCmp && bOk; k++){
      int c = binary_cmp(zT, nT, p->aTimeCmp[k].z, p->aTimeCmp[k].n);
      switch( p->aTimeCmp[k].op ){
        case FILTER_GT: bOk = c>0; break;
        case FILTER_GE: bOk = c>=0; break;
        case FILTER_LT: bOk = c<0; break;
        default:        bOk = c<=0; break;
      }
    }
    json_buf_free(&b);
    if( !bOk ) return 0;
  }
  if( p->bLo || p->bHi ){
    long long t;
    size_t ts = s + pIdx->aS[RF_eventTime], te = s + pIdx->aE[RF_eventTime];
    if( pIdx->aE[RF_eventTime]==0 || z[ts]!='"' || !record_parse_time(z+ts+1, te-ts-2, &t) ){
      return 0;
    }
    if( (p->bLo && t<p->iLo) || (p->bHi && t>p->iHi) ) return 0;
  }
  for(i=0; i<p->nStr; i++){
    const FilterStr *f = &p->aStr[i];
    size_t vs = 0, ve = 0;
    if( f->iField<RF_COUNT ){
      if( pIdx->aE[f->iField]==0 ) return 0;
      vs = s + pIdx->aS[f->iField];
      ve = s + pIdx->aE[f->iField];
    }else{
      size_t us = s + pIdx->aS[RF_userIdentity], ue = s + pIdx->aE[RF_userIdentity];
      int bFound = 0;
      if( pIdx->aE[RF_userIdentity]==0 ) us = ue = 0;
      if( f->iField==FX_actor ){
        bFound = member(z, us, ue, "arn", &vs, &ve) || member(z, us, ue, "principalId", &vs, &ve)
              || member(z, us, ue, "invokedBy", &vs, &ve);
      }else if( f->iField==FX_user_name ){
        size_t ts, te, cs, ce, is, ie;
        bFound = member(z, us, ue, "userName", &vs, &ve);
        if( !bFound && member(z, us, ue, "type", &ts, &te)
         && (json_str_is(z, ts, te, "AssumedRole") || json_str_is(z, ts, te, "FederatedUser"))
         && us<ue && json_find(z, us, ue, "sessionContext", &cs, &ce) && z[cs]=='{'
         && json_find(z, cs, ce, "sessionIssuer", &is, &ie) && z[is]=='{' ){
          bFound = member(z, is, ie, "userName", &vs, &ve);
        }
        if( !bFound && member(z, us, ue, "type", &ts, &te) ){
          for(j=ts+1; j<te-1 && z[j]!='\\' && (unsigned char)z[j]<0x80; j++){}
          if( j<te-1 ) continue;                  /* an odd type: SQLite decides */
        }
      }else{
        bFound = member(z, us, ue, "accountId", &vs, &ve);
        if( !bFound && pIdx->aE[RF_recipientAccountId] ){
          vs = s + pIdx->aS[RF_recipientAccountId];
          ve = s + pIdx->aE[RF_recipientAccountId];
          bFound = z[vs]=='"' && ve-vs>2;
        }
      }
      if( !bFound ) return 0;
      /* The derived columns come from cJSON's decoding, which ends a string at a NUL and
      ** treats bad escapes its own way: only plain values are compared here, the rest
      ** is left for SQLite to check against the column. */
      for(j=vs+1; j<ve-1; j++){
        if( z[j]=='\\' || (unsigned char)z[j]>=0x80 || (unsigned char)z[j]<0x20 ) break;
      }
      if( j<ve-1 ) continue;
    }
    if( !str_one_of(f, z, vs, ve) ) return 0;
  }
  return 1;
}
