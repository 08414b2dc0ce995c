/*
** s3path.c: parse AWS's S3 layout and log file names.
**
**   AWSLogs/[o-org/]<account>/CloudTrail/<region>/YYYY/MM/DD/
**     <account>_CloudTrail_<region>_<YYYYMMDDTHHMMZ>_<random>.json.gz
**   ...CloudTrail-Digest/...<account>_CloudTrail-Digest_<region>_<trail>_<region>_<YYYYMMDDTHHMMSSZ>.json.gz
**   ...CloudTrail-Insight/...<account>_CloudTrail-Insight_<region>_<YYYYMMDDTHHMMZ>_<random>.json.gz
**
** The file name is trusted first; the folder names fill in what the name lacks.
*/
#include <string.h>
#include <stdio.h>
#include "s3path.h"

long long s3path_days_from_civil(int y, int m, int d){
  /* days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil) */
  long long era, yoe, doy, doe;
  y -= m<=2;
  era = (y>=0 ? y : y-399) / 400;
  yoe = y - era*400;
  doy = (153*(m + (m>2 ? -3 : 9)) + 2)/5 + d-1;
  doe = yoe*365 + yoe/4 - yoe/100 + doy;
  return era*146097 + doe - 719468;
}

static int digits(const char *z, int n){
  int i, v = 0;
  for(i=0; i<n; i++){
    if( z[i]<'0' || z[i]>'9' ) return -1;
    v = v*10 + (z[i]-'0');
  }
  return v;
}

static int is_region(const char *z, size_t n){
  size_t i;
  if( n<4 || n>=32 ) return 0;
  for(i=0; i<n; i++){
    char c = z[i];
    if( !((c>='a' && c<='z') || (c>='0' && c<='9') || c=='-') ) return 0;
  }
  return strchr("0123456789", z[n-1])!=0;
}

static int is_account(const char *z, size_t n){
  return n==12 && digits(z, 6)>=0 && digits(z+6, 6)>=0;
}

/* YYYYMMDDTHHMM[SS]Z at z (length n) -> ISO text and Unix seconds. */
static int parse_stamp(const char *z, size_t n, S3Name *p){
  int y, mo, d, h, mi, s = 0;
  if( n!=14 && n!=16 ) return 0;
  if( z[8]!='T' || z[n-1]!='Z' ) return 0;
  y = digits(z, 4); mo = digits(z+4, 2); d = digits(z+6, 2);
  h = digits(z+9, 2); mi = digits(z+11, 2);
  if( n==16 ) s = digits(z+13, 2);
  if( y<1970 || mo<1 || mo>12 || d<1 || d>31 || h<0 || h>23 || mi<0 || mi>59 || s<0 || s>59 ){
    return 0;
  }
  snprintf(p->zTime, sizeof(p->zTime), "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, s);
  p->iTime = s3path_days_from_civil(y, mo, d)*86400 + h*3600 + mi*60 + s;
  return 1;
}

static void parse_name(const char *zName, S3Name *p){
  const char *aTok[8];
  size_t anTok[8];
  int nTok = 0, iStamp;
  const char *z = zName, *zEnd = zName + strlen(zName);
  const char *zDot = strstr(zName, ".json");
  if( zDot ) zEnd = zDot;
  while( z<zEnd && nTok<8 ){
    const char *u = memchr(z, '_', zEnd-z);
    if( u==0 ) u = zEnd;
    aTok[nTok] = z;
    anTok[nTok++] = u-z;
    z = u+1;
  }
  if( nTok<4 || !is_account(aTok[0], anTok[0]) ) return;
  if( !(anTok[1]==10 && memcmp(aTok[1], "CloudTrail", 10)==0)
   && !(anTok[1]==17 && memcmp(aTok[1], "CloudTrail-Digest", 17)==0)
   && !(anTok[1]==18 && memcmp(aTok[1], "CloudTrail-Insight", 18)==0) ){
    return;
  }
  if( !is_region(aTok[2], anTok[2]) ) return;
  memcpy(p->zAccount, aTok[0], 12);
  p->zAccount[12] = 0;
  memcpy(p->zRegion, aTok[2], anTok[2]);
  p->zRegion[anTok[2]] = 0;
  /* log and insight files: stamp is token 3; digests: the last token */
  iStamp = anTok[1]==17 ? nTok-1 : 3;
  parse_stamp(aTok[iStamp], anTok[iStamp], p);
}

void s3path_parse(const char *zPath, S3Name *p){
  const char *zName = strrchr(zPath, '/');
  const char *z;
  memset(p, 0, sizeof(*p));
  zName = zName ? zName+1 : zPath;
  p->bDigest = strstr(zPath, "CloudTrail-Digest")!=0;
  p->bInsight = strstr(zPath, "CloudTrail-Insight")!=0;
  parse_name(zName, p);
  if( p->zAccount[0] ) return;
  /* Not AWS's file name: try the folders .../<account>/CloudTrail[-X]/<region>/... */
  for(z=strstr(zPath, "/CloudTrail"); z; z=strstr(z+1, "/CloudTrail")){
    const char *zAcct = z, *zReg, *zRegEnd;
    while( zAcct>zPath && zAcct[-1]!='/' ) zAcct--;
    zReg = strchr(z+1, '/');
    if( zReg==0 ) break;
    zReg++;
    zRegEnd = strchr(zReg, '/');
    if( zRegEnd==0 ) break;
    if( is_account(zAcct, z-zAcct) && is_region(zReg, zRegEnd-zReg) ){
      memcpy(p->zAccount, zAcct, 12);
      p->zAccount[12] = 0;
      memcpy(p->zRegion, zReg, zRegEnd-zReg);
      p->zRegion[zRegEnd-zReg] = 0;
      return;
    }
  }
}

/* What AWS's folder layout says about the folder zDir: .../<account>/CloudTrail[-X]/
** <region>/YYYY/MM/DD, any prefix of it. Sets account and region when known and
** [*piStart, *piEnd) to the delivery times a date folder holds (equal when unknown).
** Returns 0 when the folder is not in that layout. */
int s3path_dir(const char *zDir, S3Name *p, long long *piStart, long long *piEnd){
  const char *az[64];
  size_t an[64];
  int nComp = 0, iTrail = -1, i, y = 0, m = 0, d = 0;
  const char *z = zDir;
  memset(p, 0, sizeof(*p));
  *piStart = *piEnd = 0;
  while( *z && nComp<64 ){
    const char *zSlash = strchr(z, '/');
    size_t n = zSlash ? (size_t)(zSlash - z) : strlen(z);
    if( n>0 ){ az[nComp] = z; an[nComp++] = n; }
    if( zSlash==0 ) break;
    z = zSlash + 1;
  }
  for(i=1; i<nComp; i++){
    if( an[i]>=10 && memcmp(az[i], "CloudTrail", 10)==0 && is_account(az[i-1], an[i-1]) ){
      iTrail = i;
    }
  }
  if( iTrail<0 ){
    /* .../AWSLogs/<account> or .../AWSLogs/o-xxxx/<account> */
    if( nComp>=2 && is_account(az[nComp-1], an[nComp-1])
     && ((an[nComp-2]==7 && memcmp(az[nComp-2], "AWSLogs", 7)==0)
         || (nComp>=3 && an[nComp-3]==7 && memcmp(az[nComp-3], "AWSLogs", 7)==0)) ){
      memcpy(p->zAccount, az[nComp-1], 12);
      return 1;
    }
    return 0;
  }
  memcpy(p->zAccount, az[iTrail-1], 12);
  if( iTrail+1<nComp ){
    if( !is_region(az[iTrail+1], an[iTrail+1]) ) return 1;
    memcpy(p->zRegion, az[iTrail+1], an[iTrail+1]);
    p->zRegion[an[iTrail+1]] = 0;
  }
  if( iTrail+2<nComp && an[iTrail+2]==4 ) y = digits(az[iTrail+2], 4);
  if( iTrail+3<nComp && an[iTrail+3]==2 ) m = digits(az[iTrail+3], 2);
  if( iTrail+4<nComp && an[iTrail+4]==2 ) d = digits(az[iTrail+4], 2);
  if( y>=1970 ){
    if( m>=1 && m<=12 ){
      if( d>=1 && d<=31 && iTrail+4==nComp-1 ){
        *piStart = s3path_days_from_civil(y, m, d)*86400;
        *piEnd = *piStart + 86400;
      }else if( iTrail+3==nComp-1 ){
        *piStart = s3path_days_from_civil(y, m, 1)*86400;
        *piEnd = (m==12 ? s3path_days_from_civil(y+1, 1, 1) : s3path_days_from_civil(y, m+1, 1))*86400;
      }
    }else if( iTrail+2==nComp-1 ){
      *piStart = s3path_days_from_civil(y, 1, 1)*86400;
      *piEnd = s3path_days_from_civil(y+1, 1, 1)*86400;
    }
  }
  return 1;
}
