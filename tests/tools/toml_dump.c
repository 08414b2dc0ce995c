/*
** toml_dump.c: ext/toml.c on its own, for tests/toml.sh. For each FILE argument, one line:
** "NAME: JSON" (the parsed document as JSON, toml_json) or "NAME: error: MESSAGE".
** Built by the test with -DSQLITE_CORE against the system SQLite. Exit 0 unless out of memory
** or a file cannot be read.
*/
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "toml.h"

int main(int argc, char **argv){
  int i;
  for(i=1; i<argc; i++){
    FILE *f = fopen(argv[i], "rb");
    char *z = 0, *zErr = 0, *zJson;
    long n = 0, nAlloc = 0;
    size_t got;
    Toml *pDoc = 0;
    const char *zName = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
    int rc;
    if( f==0 ){ perror(argv[i]); return 1; }
    do{
      if( n + 65536 > nAlloc ){
        nAlloc = (n + 65536)*2;
        z = realloc(z, (size_t)nAlloc);
        if( z==0 ){ fprintf(stderr, "out of memory\n"); return 1; }
      }
      got = fread(z + n, 1, 65536, f);
      n += (long)got;
    }while( got>0 );
    fclose(f);
    rc = toml_parse(zName, z, (int)n, &pDoc, &zErr);
    if( rc==SQLITE_OK ){
      zJson = toml_json(toml_root(pDoc));
      if( zJson==0 ){ fprintf(stderr, "out of memory\n"); return 1; }
      printf("%s: %s\n", zName, zJson);
      sqlite3_free(zJson);
      toml_free(pDoc);
    }else if( rc==SQLITE_ERROR ){
      printf("%s: error: %s\n", zName, zErr);
      sqlite3_free(zErr);
    }else{
      fprintf(stderr, "out of memory\n");
      return 1;
    }
    free(z);
  }
  return 0;
}
