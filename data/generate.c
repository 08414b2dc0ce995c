/*
 * generate.c - deterministic synthetic AWS CloudTrail corpus generator.
 *
 * Writes CloudTrail log files (and optionally digest files) in the exact S3
 * layout AWS uses:
 *
 *   OUTDIR/AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/
 *       <acct>_CloudTrail_<region>_<YYYYMMDDTHHMMZ>_<16 alnum>.json.gz
 *   OUTDIR/AWSLogs/<acct>/CloudTrail-Digest/<region>/YYYY/MM/DD/
 *       <acct>_CloudTrail-Digest_<region>_<trail>_<region>_<YYYYMMDDTHHMMSSZ>.json.gz
 *
 * The content is realistic background traffic plus a fixed set of MFA
 * tampering scenarios with documented, fixed eventIDs (see data/README.md), and the
 * records of the data stories in data/stories/ (story_file).
 *
 * Digests are written as AWS writes them (write_digests): each log file's SHA-256, the
 * previous digest's SHA-256 and signature, each digest signed (RSA, SHA-256) with a demo
 * key embedded below, whose public key goes to OUTDIR/public-keys/.
 *
 * libc, zlib and OpenSSL's libcrypto (RSA only).  Same arguments => byte-identical output
 * (own PRNG, no clock, no locale, gzip header with mtime 0, PKCS#1 v1.5 signatures).
 *
 * Build:
 *   gcc -std=c99 -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wextra -Werror -Wshadow \
 *       -Wformat=2 data/generate.c ext/s3path.c ext/sha256.c -lz -lcrypto -o build/generate
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "../ext/s3path.h"
#include "../ext/sha256.h"

#if defined(__GNUC__)
#define FMT(a, b) __attribute__((format(printf, a, b)))
#define NORET __attribute__((noreturn))
#else
#define FMT(a, b)
#define NORET
#endif

/* ------------------------------------------------------------------ */
/* errors                                                              */
/* ------------------------------------------------------------------ */

static void die(const char *fmt, ...) FMT(1, 2) NORET;
static void die(const char *fmt, ...)
{
    va_list ap;
    fputs("generate: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static long parse_long(const char *s, const char *opt, long lo, long hi);

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (!p)
        die("out of memory");
    return p;
}

/* room for element n of an array of cap elements: doubles cap when full */
static void *grow(void *p, int n, int *cap, int first, size_t size)
{
    if (n < *cap)
        return p;
    *cap = *cap ? *cap * 2 : first;
    p = realloc(p, (size_t)*cap * size);
    if (!p)
        die("out of memory");
    return p;
}

/* ------------------------------------------------------------------ */
/* growable byte buffer                                                */
/* ------------------------------------------------------------------ */

typedef struct {
    char *p;
    size_t n, cap;
} Buf;

static void b_res(Buf *b, size_t add)
{
    if (b->n + add + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 1024;
        char *np;
        while (nc < b->n + add + 1)
            nc *= 2;
        np = realloc(b->p, nc);
        if (!np)
            die("out of memory");
        b->p = np;
        b->cap = nc;
    }
}

static void b_put(Buf *b, const char *s, size_t n)
{
    b_res(b, n);
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

static void b_s(Buf *b, const char *s) { b_put(b, s, strlen(s)); }

static void b_c(Buf *b, char c)
{
    b_res(b, 1);
    b->p[b->n++] = c;
    b->p[b->n] = 0;
}

static void b_clear(Buf *b)
{
    b->n = 0;
    b_res(b, 0);
    b->p[0] = 0;
}

static void b_i(Buf *b, int64_t v)
{
    char t[24];
    int n = 0;
    uint64_t u;
    if (v < 0) {
        b_c(b, '-');
        u = (uint64_t)(-(v + 1)) + 1u;
    } else {
        u = (uint64_t)v;
    }
    do {
        t[n++] = (char)('0' + (int)(u % 10u));
        u /= 10u;
    } while (u);
    b_res(b, (size_t)n);
    while (n)
        b->p[b->n++] = t[--n];
    b->p[b->n] = 0;
}

/* JSON string literal with escaping; UTF-8 passes through unchanged */
static void b_q(Buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    b_c(b, '"');
    while (*p) {
        const unsigned char *q = p;
        while (*q && *q != '"' && *q != '\\' && *q >= 0x20)
            q++;
        if (q > p)
            b_put(b, (const char *)p, (size_t)(q - p));
        p = q;
        if (!*p)
            break;
        switch (*p) {
        case '"': b_s(b, "\\\""); break;
        case '\\': b_s(b, "\\\\"); break;
        case '\n': b_s(b, "\\n"); break;
        case '\t': b_s(b, "\\t"); break;
        case '\r': b_s(b, "\\r"); break;
        default: {
            static const char hx[] = "0123456789abcdef";
            char e[7] = {'\\', 'u', '0', '0', 0, 0, 0};
            e[4] = hx[(*p >> 4) & 15];
            e[5] = hx[*p & 15];
            b_put(b, e, 6);
        }
        }
        p++;
    }
    b_c(b, '"');
}

/* ,"k": */
static void b_key(Buf *b, const char *k)
{
    b_s(b, ",\"");
    b_s(b, k);
    b_s(b, "\":");
}
static void b_ks(Buf *b, const char *k, const char *v)
{
    b_key(b, k);
    b_q(b, v);
}
static void b_kr(Buf *b, const char *k, const char *raw)
{
    b_key(b, k);
    b_s(b, raw);
}

/* ------------------------------------------------------------------ */
/* tiny structured JSON writer (handles commas)                        */
/* ------------------------------------------------------------------ */

typedef struct {
    Buf b;
    int depth;
    int ak; /* a key was just written */
    unsigned char has[32];
} J;

static void j_reset(J *j)
{
    b_clear(&j->b);
    j->depth = 0;
    j->ak = 0;
}

static void jp(J *j)
{
    if (j->ak) {
        j->ak = 0;
        return;
    }
    if (j->depth > 0) {
        if (j->has[j->depth])
            b_c(&j->b, ',');
        j->has[j->depth] = 1;
    }
}

static void j_open(J *j, char c)
{
    jp(j);
    b_c(&j->b, c);
    j->has[++j->depth] = 0;
}
static void j_close(J *j, char c)
{
    b_c(&j->b, c);
    j->depth--;
}
static void jo(J *j) { j_open(j, '{'); }
static void jc(J *j) { j_close(j, '}'); }
static void ja(J *j) { j_open(j, '['); }
static void jae(J *j) { j_close(j, ']'); }
static void jk(J *j, const char *k)
{
    jp(j);
    b_c(&j->b, '"');
    b_s(&j->b, k);
    b_s(&j->b, "\":");
    j->ak = 1;
}
static void js(J *j, const char *s)
{
    jp(j);
    b_q(&j->b, s);
}
static void ji(J *j, int64_t v)
{
    jp(j);
    b_i(&j->b, v);
}
static void jb(J *j, int v)
{
    jp(j);
    b_s(&j->b, v ? "true" : "false");
}
static void jn(J *j)
{
    jp(j);
    b_s(&j->b, "null");
}
static void jr(J *j, const char *raw)
{
    jp(j);
    b_s(&j->b, raw);
}
static void jks(J *j, const char *k, const char *s)
{
    jk(j, k);
    js(j, s);
}
static void jki(J *j, const char *k, int64_t v)
{
    jk(j, k);
    ji(j, v);
}
static void jkb(J *j, const char *k, int v)
{
    jk(j, k);
    jb(j, v);
}
static void jkn(J *j, const char *k)
{
    jk(j, k);
    jn(j);
}
static void jkr(J *j, const char *k, const char *raw)
{
    jk(j, k);
    jr(j, raw);
}
static void jkeo(J *j, const char *k) /* "k":{} */
{
    jk(j, k);
    jo(j);
    jc(j);
}
static const char *jstr(const J *j) { return j->b.n ? j->b.p : NULL; }

/* EC2 wraps every list as "k":{"items":[{...}]}: open up to the first item */
static void jk_items(J *j, const char *k)
{
    jk(j, k);
    jo(j);
    jk(j, "items");
    ja(j);
    jo(j);
}
static void j_items_end(J *j)
{
    jc(j);
    jae(j);
    jc(j);
}
/* "k":{"items":[{"ik":"iv"}]} */
static void jk_item1(J *j, const char *k, const char *ik, const char *iv)
{
    jk_items(j, k);
    jks(j, ik, iv);
    j_items_end(j);
}

/* ------------------------------------------------------------------ */
/* time (UTC, no libc time functions)                                  */
/* ------------------------------------------------------------------ */

typedef struct {
    int y, mo, d, h, mi, s;
} Tm;

static Tm tm_of(int64_t t)
{
    Tm r;
    int64_t z = (t >= 0 ? t / 86400 : (t - 86399) / 86400);
    int64_t sod = t - z * 86400;
    int64_t era, doe, yoe, doy, mp;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    r.d = (int)(doy - (153 * mp + 2) / 5 + 1);
    r.mo = (int)(mp < 10 ? mp + 3 : mp - 9);
    r.y = (int)(yoe + era * 400 + (r.mo <= 2));
    r.h = (int)(sod / 3600);
    r.mi = (int)(sod / 60 % 60);
    r.s = (int)(sod % 60);
    return r;
}

static char *put_n(char *o, int v, int w)
{
    int i;
    for (i = w - 1; i >= 0; i--) {
        o[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return o + w;
}

/* the first nf of year, month, day, hour, minute, second, each followed by
 * its separator in sep (' ': none) */
static void fmt_fields(char *o, int64_t t, int nf, const char *sep)
{
    Tm m = tm_of(t);
    const int v[6] = {m.y, m.mo, m.d, m.h, m.mi, m.s};
    int i;
    for (i = 0; i < nf; i++) {
        o = put_n(o, v[i], i ? 2 : 4);
        if (sep[i] != ' ')
            *o++ = sep[i];
    }
    *o = 0;
}

/* 2026-03-02T14:07:31Z */
static void fmt_iso(char *o, int64_t t) { fmt_fields(o, t, 6, "--T::Z"); }

/* 20260302T1415Z (withsec: 20260302T141500Z) */
static void fmt_stamp(char *o, int64_t t, int withsec)
{
    if (withsec)
        fmt_fields(o, t, 6, "  T  Z");
    else
        fmt_fields(o, t, 5, "  T Z");
}

/* 2026/03/02 */
static void fmt_ymd_path(char *o, int64_t t) { fmt_fields(o, t, 3, "// "); }

/* "Mar 2, 2026, 2:21:45 PM" (the format IAM/STS use in responseElements) */
static void fmt_aws(char *o, size_t n, int64_t t)
{
    static const char *const MON[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    Tm m = tm_of(t);
    int h12 = m.h % 12 == 0 ? 12 : m.h % 12;
    snprintf(o, n, "%s %d, %d, %d:%02d:%02d %s", MON[m.mo - 1], m.d, m.y, h12, m.mi, m.s,
             m.h < 12 ? "AM" : "PM");
}

/* ------------------------------------------------------------------ */
/* PRNG (xoshiro256**, seeded by splitmix64) and stable hashes         */
/* ------------------------------------------------------------------ */

typedef struct {
    uint64_t s[4];
} Rng;

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void rng_init(Rng *r, uint64_t seed)
{
    int i;
    uint64_t x = seed;
    for (i = 0; i < 4; i++) {
        x += 0x9E3779B97F4A7C15ULL;
        r->s[i] = mix64(x);
    }
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rng_next(Rng *r)
{
    uint64_t *s = r->s;
    uint64_t res = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return res;
}

/* uniform-ish in [0, n) */
static uint32_t rnd(Rng *r, uint32_t n) { return n ? (uint32_t)((rng_next(r) >> 16) % n) : 0; }
/* true with probability pm/1000 */
static int pm(Rng *r, uint32_t permille) { return rnd(r, 1000) < permille; }

static uint64_t hs(const char *s, uint64_t salt)
{
    uint64_t h = 1469598103934665603ULL ^ mix64(salt + 0x632BE59BD9B4E019ULL);
    while (*s) {
        h ^= (unsigned char)*s++;
        h *= 1099511628211ULL;
    }
    return mix64(h);
}

static const char B32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
static const char HEX[] = "0123456789abcdef";
static const char ALNUM[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* AWS style id: prefix + n chars of [A-Z2-7] */
static void aws_id(char *o, const char *prefix, int n, uint64_t h)
{
    size_t pl = strlen(prefix);
    uint64_t st = h, w = h;
    int i;
    memcpy(o, prefix, pl);
    for (i = 0; i < n; i++) {
        if (i && i % 12 == 0) {
            st += 0x9E3779B97F4A7C15ULL;
            w = mix64(st);
        }
        o[pl + (size_t)i] = B32[w & 31];
        w >>= 5;
    }
    o[pl + (size_t)n] = 0;
}

static void hexn(char *o, int n, uint64_t h)
{
    uint64_t st = h, w = h;
    int i;
    for (i = 0; i < n; i++) {
        if (i && i % 16 == 0) {
            st += 0x9E3779B97F4A7C15ULL;
            w = mix64(st);
        }
        o[i] = HEX[w & 15];
        w >>= 4;
    }
    o[n] = 0;
}

static void rhex(char *o, int n, Rng *r) { hexn(o, n, rng_next(r)); }

static void ralnum(char *o, int n, Rng *r, const char *set)
{
    size_t k = strlen(set);
    int i;
    for (i = 0; i < n; i++)
        o[i] = set[rnd(r, (uint32_t)k)];
    o[n] = 0;
}

/* n random base64 characters and one '=' (x-amz-id-2, codeSha256) */
static void b64_padded(char *o, int n, Rng *r)
{
    ralnum(o, n, r, B64);
    o[n] = '=';
    o[n + 1] = 0;
}

static void uuid_of(char *o, uint64_t a, uint64_t b)
{
    int i, k = 0;
    a = (a & ~0xF000ULL) | 0x4000ULL;
    b = (b & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
    for (i = 0; i < 32; i++) {
        uint64_t w = i < 16 ? a : b;
        int sh = (15 - (i % 16)) * 4;
        if (i == 8 || i == 12 || i == 16 || i == 20)
            o[k++] = '-';
        o[k++] = HEX[(w >> sh) & 15];
    }
    o[k] = 0;
}

static void ruuid(char *o, Rng *r)
{
    uint64_t a = rng_next(r);
    uint64_t b = rng_next(r);
    uuid_of(o, a, b);
}

/* ------------------------------------------------------------------ */
/* world model                                                         */
/* ------------------------------------------------------------------ */

#define NACCT 2
#define NREG 3
#define DAY 86400

static const char *const REGIONS[NREG] = {"us-east-1", "us-west-2", "eu-west-1"};
static const char *const TRAIL = "management-events";
static const char *const LOG_BUCKET = "example-org-cloudtrail-logs";

enum { UA_CLI_MAC, UA_CLI_LINUX, UA_CLI_WIN, UA_TERRAFORM, UA_BOTO3, UA_JAVA };

typedef struct {
    const char *name;
    int human, console;
    const char *ip;
    int ua;
} UserDef;

static const UserDef USERS_A[] = {
    {"alice", 1, 1, "203.0.113.24", UA_CLI_MAC},
    {"bob", 1, 0, "203.0.113.58", UA_CLI_LINUX},
    {"carol", 1, 1, "203.0.113.91", UA_CLI_WIN},
    {"dave", 1, 1, "203.0.113.51", UA_CLI_LINUX},
    {"erin", 1, 1, "203.0.113.77", UA_CLI_MAC},
    {"deploy-bot", 0, 0, "198.51.100.10", UA_TERRAFORM},
    {"ci-runner", 0, 0, "198.51.100.23", UA_BOTO3},
};
static const UserDef USERS_B[] = {
    {"grace", 1, 1, "203.0.113.130", UA_CLI_MAC},
    {"heidi", 1, 1, "203.0.113.144", UA_CLI_WIN},
    {"ivan", 1, 0, "203.0.113.150", UA_CLI_LINUX},
    {"ops-admin", 1, 1, "203.0.113.160", UA_CLI_LINUX},
    {"backup-bot", 0, 0, "198.51.100.40", UA_JAVA},
};

typedef struct {
    const char *id;
    const UserDef *users;
    int nusers;
    const char *bucket[NREG][2];
    const char *sso_admin, *sso_ro;
    const char *lambda_role, *lambda_fn;
    const char *ec2_role;
    const char *roles[3]; /* AssumeRole targets */
    const char *funcs[3];
    const char *params[3];
} AcctDef;

static const AcctDef ACCT[NACCT] = {
    {"111122223333", USERS_A, (int)(sizeof USERS_A / sizeof USERS_A[0]),
     {{"prod-finance-reports-111122223333", "prod-web-assets-use1"},
      {"prod-ml-datasets-usw2", "prod-build-artifacts-usw2"},
      {"prod-eu-customer-data", "prod-backups-euw1"}},
     "AWSReservedSSO_AdministratorAccess_3f2a9c1d7e4b5a60",
     "AWSReservedSSO_ReadOnlyAccess_9b0e4c7a1d2f3e85",
     "orders-api-role", "orders-api", "web-tier-role",
     {"DeployRole", "ReadOnlyAuditor", "HelpdeskAdmin"},
     {"orders-api", "image-resizer", "nightly-report"},
     {"/orders/db/host", "/orders/db/password", "/shared/feature-flags"}},
    {"444455556666", USERS_B, (int)(sizeof USERS_B / sizeof USERS_B[0]),
     {{"dev-data-lake-444455556666", "dev-scratch-use1"},
      {"dev-ci-cache-usw2", "dev-logs-usw2"},
      {"dev-eu-archive", "dev-test-fixtures-euw1"}},
     "AWSReservedSSO_AdministratorAccess_8c1e0b7d2a9f4e31",
     "AWSReservedSSO_ReadOnlyAccess_47d2a0e9c3b1f658",
     "etl-job-role", "etl-job", "build-agent-role",
     {"DeployRole", "ReadOnlyAuditor", "DataEngineer"},
     {"etl-job", "schema-migrator", "slack-notifier"},
     {"/etl/source/dsn", "/etl/api-token", "/shared/feature-flags"}},
};

static uint64_t asalt(int acct) { return 0xC0FFEE00ULL + (uint64_t)acct * 7919u; }

static void user_aida(char *o, int acct, const char *u) { aws_id(o, "AIDA", 17, hs(u, asalt(acct))); }
static void user_akia(char *o, int acct, const char *u) { aws_id(o, "AKIA", 16, hs(u, asalt(acct) ^ 0xA1A1)); }
static void role_aroa(char *o, int acct, const char *role) { aws_id(o, "AROA", 17, hs(role, asalt(acct) ^ 0x5050)); }

/* EC2 resource ids stable per (account, region, k) */
static void ec2_id(char *o, const char *prefix, int acct, int reg, int k)
{
    char h[20];
    hexn(h, 16, hs(prefix, asalt(acct) * 31u + (uint64_t)reg * 1009u + (uint64_t)k));
    sprintf(o, "%s0%s", prefix, h); /* e.g. i-0 + 16 hex */
}

static void inst_id(char *o, int acct, int reg, int k) { ec2_id(o, "i-", acct, reg, k); }

static void kms_key_arn(char *o, size_t n, int acct, int reg, int k)
{
    char u[40];
    uint64_t h = hs("kms", asalt(acct) + (uint64_t)reg * 17u + (uint64_t)k);
    uuid_of(u, h, mix64(h));
    snprintf(o, n, "arn:aws:kms:%s:%s:key/%s", REGIONS[reg], ACCT[acct].id, u);
}

static void vpce_id(char *o, int acct, int reg)
{
    char h[20];
    hexn(h, 17, hs("vpce", asalt(acct) + (uint64_t)reg));
    sprintf(o, "vpce-0%.16s", h);
}

/* ------------------------------------------------------------------ */
/* user agents                                                         */
/* ------------------------------------------------------------------ */

static const char *const UA_BROWSER[3] = {
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/122.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 "
    "Safari/537.36",
};
static const char *const UA_S3CONSOLE =
    "[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.599 "
    "Linux/5.10.210-178.852.amzn2int.x86_64 OpenJDK_64-Bit_Server_VM/25.402-b08 java/1.8.0_402 "
    "vendor/Oracle_Corporation cfg/retry-mode/standard]";
static const char *const UA_BOTO3_S =
    "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.1.79-99.167.amzn2023.x86_64 "
    "md/arch#x86_64 lang/python#3.11.6 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69";
static const char *const UA_JAVA_S =
    "aws-sdk-java/2.25.16 Linux/5.10.213-201.855.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/"
    "17.0.10+7-LTS Java/17.0.10 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy";
static const char *const UA_LAMBDA_S =
    "Boto3/1.34.84 md/Botocore#1.34.84 ua/2.0 os/linux#5.10.216-225.855.amzn2.x86_64 "
    "md/arch#x86_64 lang/python#3.12.3 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 "
    "cfg/retry-mode#legacy Botocore/1.34.84";
static const char *const UA_SSM_AGENT = "aws-sdk-go/1.50.8 (go1.21.6; linux; amd64) amazon-ssm-agent/3.3.131.0";
static const char *const UA_FED_S =
    "Boto3/1.33.13 md/Botocore#1.33.13 ua/2.0 os/linux#5.15.0-1053-azure md/arch#x86_64 "
    "lang/python#3.10.12 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.33.13";
static const char *const UA_ATTACKER =
    "Boto3/1.34.46 md/Botocore#1.34.46 ua/2.0 os/linux#5.15.0-97-generic md/arch#x86_64 "
    "lang/python#3.10.12 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.46";

/* "ec2.amazonaws.com" -> "ec2" */
static const char *svc_prefix(char *o, size_t n, const char *src)
{
    size_t i;
    for (i = 0; src[i] && src[i] != '.' && i + 1 < n; i++)
        o[i] = src[i];
    o[i] = 0;
    return o;
}

/* "DescribeInstances" -> "describe-instances"; stops at the first digit */
static void kebab(char *o, size_t n, const char *name)
{
    size_t k = 0;
    int i;
    for (i = 0; name[i] && k + 2 < n; i++) {
        char c = name[i];
        if (c >= '0' && c <= '9')
            break;
        if (c >= 'A' && c <= 'Z') {
            int prev_lower = i > 0 && name[i - 1] >= 'a' && name[i - 1] <= 'z';
            int prev_upper = i > 0 && name[i - 1] >= 'A' && name[i - 1] <= 'Z';
            int next_lower = name[i + 1] >= 'a' && name[i + 1] <= 'z';
            if (prev_lower || (prev_upper && next_lower))
                o[k++] = '-';
            c = (char)(c - 'A' + 'a');
        }
        o[k++] = c;
    }
    o[k] = 0;
}

/* aws-cli command for a call, e.g. "ec2.describe-instances", "s3.cp" */
static void cli_command(char *o, size_t n, const char *src, const char *name)
{
    char svc[32], kb[64];
    svc_prefix(svc, sizeof svc, src);
    kebab(kb, sizeof kb, name);
    if (!strcmp(svc, "s3")) {
        if (!strcmp(name, "GetObject") || !strcmp(name, "PutObject"))
            snprintf(o, n, "s3.cp");
        else if (!strcmp(name, "ListBuckets"))
            snprintf(o, n, "s3.ls");
        else
            snprintf(o, n, "s3api.%s", kb);
    } else {
        snprintf(o, n, "%s.%s", svc, kb);
    }
}

static void ua_make(char *o, size_t n, int kind, const char *src, const char *name)
{
    char cmd[96], svc[32];
    svc_prefix(svc, sizeof svc, src);
    cli_command(cmd, sizeof cmd, src, name);
    switch (kind) {
    case UA_CLI_MAC:
        snprintf(o, n, "aws-cli/2.15.30 Python/3.11.8 Darwin/23.4.0 exe/x86_64 prompt/off command/%s", cmd);
        break;
    case UA_CLI_LINUX:
        snprintf(o, n,
                 "aws-cli/2.13.25 Python/3.11.5 Linux/6.5.0-1014-aws exe/x86_64.ubuntu.22 prompt/off "
                 "command/%s",
                 cmd);
        break;
    case UA_CLI_WIN:
        snprintf(o, n,
                 "aws-cli/2.17.5 md/awscrt#0.20.11 ua/2.0 os/windows#10 md/arch#amd64 "
                 "lang/python#3.11.8 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe "
                 "md/prompt#off md/command#%s",
                 cmd);
        break;
    case UA_TERRAFORM:
        snprintf(o, n,
                 "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) "
                 "terraform-provider-aws/5.42.0 (+https://registry.terraform.io/providers/hashicorp/aws) "
                 "aws-sdk-go-v2/1.25.3 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/%s#1.30.1",
                 svc);
        break;
    case UA_BOTO3:
        snprintf(o, n, "%s", UA_BOTO3_S);
        break;
    default:
        snprintf(o, n, "%s", UA_JAVA_S);
        break;
    }
}

/* ------------------------------------------------------------------ */
/* record model                                                        */
/* ------------------------------------------------------------------ */

typedef struct {
    const char *ver;
    const char *uid; /* raw JSON object */
    int64_t t;
    const char *src, *name, *region, *ip, *ua;
    const char *ecode, *emsg; /* NULL = absent */
    const char *req, *resp;   /* raw JSON; NULL = null */
    const char *add;          /* raw JSON; NULL = absent */
    const char *reqid;        /* NULL = absent */
    const char *eid;
    int ro; /* -1 absent */
    const char *res; /* raw JSON; NULL = absent */
    const char *etype;
    const char *apiver;
    int mgmt;
    const char *acct;
    const char *shared, *vpce;
    const char *cat;
    const char *tlsver, *cipher, *host; /* host NULL = no tlsDetails */
    int console;
} Rec;

static void rec_init(Rec *r, int acct, int reg, int64_t t, const char *src, const char *name)
{
    memset(r, 0, sizeof *r);
    r->ver = "1.08";
    r->t = t;
    r->src = src;
    r->name = name;
    r->region = REGIONS[reg];
    r->ro = -1;
    r->etype = "AwsApiCall";
    r->mgmt = 1;
    r->acct = ACCT[acct].id;
    r->cat = "Management";
    r->tlsver = "TLSv1.3";
    r->cipher = "TLS_AES_128_GCM_SHA256";
}

static void write_rec(Buf *o, const Rec *r)
{
    char ts[24];
    fmt_iso(ts, r->t);
    b_s(o, "{\"eventVersion\":");
    b_q(o, r->ver);
    b_kr(o, "userIdentity", r->uid);
    b_ks(o, "eventTime", ts);
    b_ks(o, "eventSource", r->src);
    b_ks(o, "eventName", r->name);
    b_ks(o, "awsRegion", r->region);
    b_ks(o, "sourceIPAddress", r->ip);
    b_ks(o, "userAgent", r->ua);
    if (r->ecode)
        b_ks(o, "errorCode", r->ecode);
    if (r->emsg)
        b_ks(o, "errorMessage", r->emsg);
    b_kr(o, "requestParameters", r->req ? r->req : "null");
    b_kr(o, "responseElements", r->resp ? r->resp : "null");
    if (r->add)
        b_kr(o, "additionalEventData", r->add);
    if (r->reqid)
        b_ks(o, "requestID", r->reqid);
    b_ks(o, "eventID", r->eid);
    if (r->ro >= 0)
        b_kr(o, "readOnly", r->ro ? "true" : "false");
    if (r->res)
        b_kr(o, "resources", r->res);
    b_ks(o, "eventType", r->etype);
    if (r->apiver)
        b_ks(o, "apiVersion", r->apiver);
    b_kr(o, "managementEvent", r->mgmt ? "true" : "false");
    b_ks(o, "recipientAccountId", r->acct);
    if (r->shared)
        b_ks(o, "sharedEventID", r->shared);
    if (r->vpce)
        b_ks(o, "vpcEndpointId", r->vpce);
    b_ks(o, "eventCategory", r->cat);
    if (r->host) {
        b_s(o, ",\"tlsDetails\":{\"tlsVersion\":");
        b_q(o, r->tlsver);
        b_ks(o, "cipherSuite", r->cipher);
        b_ks(o, "clientProvidedHostHeader", r->host);
        b_c(o, '}');
    }
    if (r->console)
        b_ks(o, "sessionCredentialFromConsole", "true");
    b_c(o, '}');
}

/* ------------------------------------------------------------------ */
/* userIdentity writers                                                */
/* ------------------------------------------------------------------ */

/* IAM role ARN: reserved SSO and service-linked roles live under their own paths */
static void role_arn(char *o, size_t n, int acct, const char *role)
{
    if (!strncmp(role, "AWSReservedSSO_", 15))
        snprintf(o, n, "arn:aws:iam::%s:role/aws-reserved/sso.amazonaws.com/%s", ACCT[acct].id, role);
    else if (!strncmp(role, "AWSServiceRoleFor", 17))
        snprintf(o, n, "arn:aws:iam::%s:role/aws-service-role/config.amazonaws.com/%s", ACCT[acct].id, role);
    else
        snprintf(o, n, "arn:aws:iam::%s:role/%s", ACCT[acct].id, role);
}

static void user_arn(char *o, size_t n, int acct, const char *user)
{
    snprintf(o, n, "arn:aws:iam::%s:user/%s", ACCT[acct].id, user);
}

static void sts_role_arn(char *o, size_t n, int acct, const char *role, const char *sess)
{
    snprintf(o, n, "arn:aws:sts::%s:assumed-role/%s/%s", ACCT[acct].id, role, sess);
}

/* opens an identity (or session issuer) object with the keys all of them start with */
static void id_head(J *u, const char *type, const char *pid, const char *arn, int acct)
{
    jo(u);
    jks(u, "type", type);
    jks(u, "principalId", pid);
    jks(u, "arn", arn);
    jks(u, "accountId", ACCT[acct].id);
}

static void id_attrs(J *u, const char *mfa, int64_t created)
{
    char cd[24];
    fmt_iso(cd, created);
    jk(u, "attributes");
    jo(u);
    jks(u, "creationDate", cd);
    jks(u, "mfaAuthenticated", mfa);
    jc(u);
}

/* sessionContext of an IAM user or root session: nobody issued it */
static void id_own_session(J *u, const char *mfa, int64_t created)
{
    jk(u, "sessionContext");
    jo(u);
    jkeo(u, "sessionIssuer");
    jkeo(u, "webIdFederationData");
    id_attrs(u, mfa, created);
    jc(u);
}

/* opens the sessionContext of a role or federated session, issued by `name`;
 * the caller may add keys after the attributes, then closes it */
static void id_issued_session(J *u, const char *type, const char *pid, const char *arn, int acct, const char *name,
                              const char *mfa, int64_t created)
{
    jk(u, "sessionContext");
    jo(u);
    jk(u, "sessionIssuer");
    id_head(u, type, pid, arn, acct);
    jks(u, "userName", name);
    jc(u);
    jkeo(u, "webIdFederationData");
    id_attrs(u, mfa, created);
}

/* key NULL: no accessKeyId; mfa NULL: no sessionContext */
static void id_user(J *u, int acct, const char *user, const char *key, const char *mfa, int64_t created,
                    const char *invokedBy)
{
    char aida[32], arn[160];
    user_aida(aida, acct, user);
    user_arn(arn, sizeof arn, acct, user);
    id_head(u, "IAMUser", aida, arn, acct);
    if (key)
        jks(u, "accessKeyId", key);
    jks(u, "userName", user);
    if (mfa)
        id_own_session(u, mfa, created);
    if (invokedBy)
        jks(u, "invokedBy", invokedBy);
    jc(u);
}

static void id_role(J *u, int acct, const char *role, const char *sess, const char *key, const char *mfa,
                    int64_t created, const char *srcid, const char *invokedBy, int ec2)
{
    char aroa[32], arn[256], rarn[200], pid[128];
    role_aroa(aroa, acct, role);
    sts_role_arn(arn, sizeof arn, acct, role, sess);
    role_arn(rarn, sizeof rarn, acct, role);
    snprintf(pid, sizeof pid, "%s:%s", aroa, sess);
    id_head(u, "AssumedRole", pid, arn, acct);
    jks(u, "accessKeyId", key);
    id_issued_session(u, "Role", aroa, rarn, acct, role, mfa, created);
    if (srcid)
        jks(u, "sourceIdentity", srcid);
    if (ec2)
        jks(u, "ec2RoleDelivery", "2.0");
    jc(u);
    if (invokedBy)
        jks(u, "invokedBy", invokedBy);
    jc(u);
}

/* mfa NULL: no sessionContext */
static void id_root(J *u, int acct, const char *key, const char *mfa, int64_t created)
{
    char arn[64];
    snprintf(arn, sizeof arn, "arn:aws:iam::%s:root", ACCT[acct].id);
    id_head(u, "Root", ACCT[acct].id, arn, acct);
    jks(u, "accessKeyId", key);
    if (mfa)
        id_own_session(u, mfa, created);
    jc(u);
}

static void id_service(J *u, const char *svc)
{
    jo(u);
    jks(u, "type", "AWSService");
    jks(u, "invokedBy", svc);
    jc(u);
}

static void id_fed(J *u, int acct, const char *name, const char *key, int64_t created)
{
    char arn[160], pid[96], aida[32], iarn[160];
    snprintf(arn, sizeof arn, "arn:aws:sts::%s:federated-user/%s", ACCT[acct].id, name);
    snprintf(pid, sizeof pid, "%s:%s", ACCT[acct].id, name);
    user_aida(aida, acct, "federation-broker");
    user_arn(iarn, sizeof iarn, acct, "federation-broker");
    id_head(u, "FederatedUser", pid, arn, acct);
    jks(u, "accessKeyId", key);
    id_issued_session(u, "IAMUser", aida, iarn, acct, "federation-broker", "false", created);
    jc(u);
    jc(u);
}

/* identity used in ConsoleLogin records: no credentials yet, so an empty
 * accessKeyId for root and failed sign-ins, and no session */
static void id_login(J *u, int acct, const char *user, int failed)
{
    if (!user) {
        id_root(u, acct, "", NULL, 0);
    } else if (failed && !strcmp(user, "HIDDEN_DUE_TO_SECURITY_REASONS")) {
        jo(u);
        jks(u, "type", "IAMUser");
        jks(u, "accountId", ACCT[acct].id);
        jks(u, "accessKeyId", "");
        jks(u, "userName", user);
        jc(u);
    } else {
        id_user(u, acct, user, failed ? "" : NULL, NULL, 0, NULL);
    }
}

/* console / session credentials: key rotates every 4 hours per principal */
static void session_of(char *key, int64_t *created, const char *who, int acct, int64_t t, uint64_t seed)
{
    int64_t blk = t / 14400;
    uint64_t h = mix64(hs(who, asalt(acct) ^ seed) + (uint64_t)blk * 0x9E3779B97F4A7C15ULL);
    aws_id(key, "ASIA", 16, h);
    *created = blk * 14400 - (int64_t)((h >> 40) % 1800);
}

/* ------------------------------------------------------------------ */
/* templates                                                           */
/* ------------------------------------------------------------------ */

enum { C_HUMAN, C_BOT, C_SSO, C_APP, C_SVCROLE, C_SERVICE, C_ROOT, C_FED, NCLS };

enum {
    T_EC2_DI, T_EC2_DSG, T_EC2_DV, T_EC2_RUN, T_EC2_START, T_EC2_STOP, T_EC2_AUTH, T_EC2_TAGS,
    T_S3_LB, T_S3_ACL, T_S3_LOC, T_S3_GET, T_S3_PUT,
    T_STS_AR, T_STS_GCI,
    T_KMS_DEC, T_KMS_GDK,
    T_IAM_LU, T_IAM_GU, T_IAM_LMFA, T_IAM_CAK, T_IAM_LAK, T_IAM_AUP, T_IAM_LR, T_IAM_GR, T_IAM_PRP,
    T_LOGIN,
    T_CT_LE, T_CT_DT, T_CT_GTS,
    T_LM_LF, T_LM_GF, T_LM_UFC,
    T_SSM_GP, T_SSM_DII, T_SSM_UII,
    NT
};

typedef struct {
    int id;
    const char *src, *name;
    int ro, global, data;
    const char *ver;
    int w;
    unsigned char cw[NCLS]; /* HUMAN BOT SSO APP SVCROLE SERVICE ROOT FED */
} Tmpl;

static const Tmpl TM[NT] = {
    {T_EC2_DI, "ec2.amazonaws.com", "DescribeInstances", 1, 0, 0, "1.09", 120, {3, 3, 2, 1, 2, 0, 0, 0}},
    {T_EC2_DSG, "ec2.amazonaws.com", "DescribeSecurityGroups", 1, 0, 0, "1.09", 60, {2, 2, 1, 0, 2, 0, 0, 0}},
    {T_EC2_DV, "ec2.amazonaws.com", "DescribeVolumes", 1, 0, 0, "1.09", 40, {1, 2, 1, 0, 2, 0, 0, 0}},
    {T_EC2_RUN, "ec2.amazonaws.com", "RunInstances", 0, 0, 0, "1.09", 10, {1, 3, 1, 0, 0, 0, 0, 0}},
    {T_EC2_START, "ec2.amazonaws.com", "StartInstances", 0, 0, 0, "1.09", 8, {2, 2, 1, 0, 0, 0, 0, 0}},
    {T_EC2_STOP, "ec2.amazonaws.com", "StopInstances", 0, 0, 0, "1.09", 8, {2, 2, 1, 0, 0, 0, 0, 0}},
    {T_EC2_AUTH, "ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", 0, 0, 0, "1.09", 5, {1, 2, 1, 0, 0, 0, 0, 0}},
    {T_EC2_TAGS, "ec2.amazonaws.com", "CreateTags", 0, 0, 0, "1.09", 10, {1, 3, 1, 0, 0, 0, 0, 0}},
    {T_S3_LB, "s3.amazonaws.com", "ListBuckets", 1, 1, 0, "1.09", 30, {3, 2, 2, 0, 1, 0, 1, 0}},
    {T_S3_ACL, "s3.amazonaws.com", "GetBucketAcl", 1, 0, 0, "1.09", 40, {1, 1, 1, 0, 4, 0, 0, 0}},
    {T_S3_LOC, "s3.amazonaws.com", "GetBucketLocation", 1, 0, 0, "1.09", 20, {1, 2, 1, 1, 2, 0, 0, 0}},
    {T_S3_GET, "s3.amazonaws.com", "GetObject", 1, 0, 1, "1.09", 120, {2, 2, 1, 4, 0, 0, 0, 1}},
    {T_S3_PUT, "s3.amazonaws.com", "PutObject", 0, 0, 1, "1.09", 60, {1, 3, 0, 4, 0, 0, 0, 1}},
    {T_STS_AR, "sts.amazonaws.com", "AssumeRole", 1, 0, 0, "1.08", 60, {2, 2, 0, 0, 0, 4, 0, 0}},
    {T_STS_GCI, "sts.amazonaws.com", "GetCallerIdentity", 1, 0, 0, "1.08", 40, {2, 3, 2, 2, 0, 0, 0, 1}},
    {T_KMS_DEC, "kms.amazonaws.com", "Decrypt", 1, 0, 0, "1.08", 100, {0, 1, 0, 4, 0, 5, 0, 0}},
    {T_KMS_GDK, "kms.amazonaws.com", "GenerateDataKey", 1, 0, 0, "1.08", 60, {0, 1, 0, 3, 0, 5, 0, 0}},
    {T_IAM_LU, "iam.amazonaws.com", "ListUsers", 1, 1, 0, "1.08", 20, {2, 1, 2, 0, 2, 0, 0, 0}},
    {T_IAM_GU, "iam.amazonaws.com", "GetUser", 1, 1, 0, "1.08", 30, {2, 1, 1, 0, 2, 0, 0, 0}},
    {T_IAM_LMFA, "iam.amazonaws.com", "ListMFADevices", 1, 1, 0, "1.08", 15, {2, 0, 1, 0, 2, 0, 0, 0}},
    {T_IAM_CAK, "iam.amazonaws.com", "CreateAccessKey", 0, 1, 0, "1.08", 3, {2, 1, 1, 0, 0, 0, 0, 0}},
    {T_IAM_LAK, "iam.amazonaws.com", "ListAccessKeys", 1, 1, 0, "1.08", 20, {2, 1, 1, 0, 2, 0, 0, 0}},
    {T_IAM_AUP, "iam.amazonaws.com", "AttachUserPolicy", 0, 1, 0, "1.08", 3, {1, 1, 1, 0, 0, 0, 0, 0}},
    {T_IAM_LR, "iam.amazonaws.com", "ListRoles", 1, 1, 0, "1.08", 20, {1, 1, 2, 0, 2, 0, 0, 0}},
    {T_IAM_GR, "iam.amazonaws.com", "GetRole", 1, 1, 0, "1.08", 20, {1, 2, 1, 0, 2, 0, 0, 0}},
    {T_IAM_PRP, "iam.amazonaws.com", "PutRolePolicy", 0, 1, 0, "1.08", 2, {0, 2, 1, 0, 0, 0, 0, 0}},
    {T_LOGIN, "signin.amazonaws.com", "ConsoleLogin", 0, 1, 0, "1.08", 22, {10, 0, 0, 0, 0, 0, 1, 0}},
    {T_CT_LE, "cloudtrail.amazonaws.com", "LookupEvents", 1, 0, 0, "1.09", 10, {2, 0, 1, 0, 0, 0, 0, 0}},
    {T_CT_DT, "cloudtrail.amazonaws.com", "DescribeTrails", 1, 0, 0, "1.09", 10, {1, 1, 1, 0, 2, 0, 0, 0}},
    {T_CT_GTS, "cloudtrail.amazonaws.com", "GetTrailStatus", 1, 0, 0, "1.09", 8, {1, 1, 1, 0, 2, 0, 0, 0}},
    {T_LM_LF, "lambda.amazonaws.com", "ListFunctions20150331", 1, 0, 0, "1.08", 20, {1, 2, 1, 0, 2, 0, 0, 0}},
    {T_LM_GF, "lambda.amazonaws.com", "GetFunction20150331v2", 1, 0, 0, "1.08", 10, {1, 2, 1, 0, 1, 0, 0, 0}},
    {T_LM_UFC, "lambda.amazonaws.com", "UpdateFunctionCode20150331v2", 0, 0, 0, "1.08", 3, {0, 3, 0, 0, 0, 0, 0, 0}},
    {T_SSM_GP, "ssm.amazonaws.com", "GetParameter", 1, 0, 0, "1.08", 40, {1, 1, 0, 4, 0, 0, 0, 0}},
    {T_SSM_DII, "ssm.amazonaws.com", "DescribeInstanceInformation", 1, 0, 0, "1.08", 10, {1, 1, 1, 0, 1, 0, 0, 0}},
    {T_SSM_UII, "ssm.amazonaws.com", "UpdateInstanceInformation", 0, 0, 0, "1.08", 40, {0, 0, 0, 1, 0, 0, 0, 0}},
};

/* ------------------------------------------------------------------ */
/* generator state                                                     */
/* ------------------------------------------------------------------ */

typedef struct {
    int acct, reg;
    int64_t stamp;   /* delivery time, 5-minute boundary */
    int64_t w0, w1;  /* background event window [w0, w1) */
    int nbg;         /* number of background records */
    int *sidx;       /* scenario record indices */
    int ns, scap;
    int tag;         /* 0 normal, 1 duplicate copy, 2 late */
    int scen;        /* 1 if created for scenario records */
    int deleted;     /* a data story's deleted file: listed by its digest, not written */
    uint32_t order;
    uint64_t fseed; /* per-file PRNG stream: content is independent of write order */
    char suffix[17];
    int64_t oldest, newest;
    char hash[65];   /* SHA-256 of its content, hex (write_digests) */
} LogFile;

typedef struct {
    int acct, reg;
    int64_t t, stamp;
    int tag;
    int sc, nn;  /* eventID ...0000SS00NN */
    int story;   /* 1: from a data story (data/stories/): placed after the background plan */
    int deleted; /* from a story's `deleted` part: goes to a deleted file (place_stories) */
    char *json;
} SRec;

typedef struct {
    /* options */
    const char *outdir;
    long events;
    int days;
    uint64_t seed;
    int perfile;
    int64_t start, end;
    int plain, digests, jobs;

    Rng rng;  /* planning, then per-file content */
    Rng srng; /* scenarios (independent of --events etc.) */

    J uid, req, resp, add, res;
    Rec sr; /* scenario record being built */

    Buf out, gz, path;
    z_stream z;
    gz_header gzh;

    LogFile *files;
    int nfiles, capfiles;
    SRec *srecs;
    int nsrec, capsrec;
    int nscen;
    const char *stories; /* folder of data stories (*.tsv); NULL: none */
    int in_story;        /* records emitted now come from a data story */
    int in_deleted;      /* ... from the `deleted` part of a data story */
    int ndeleted, ndelrec; /* deleted log files, and the records in them */
    int nstory;          /* story records among srecs */
    int same_request;    /* the record emitted now is the other copy of the last one's call */
    char last_reqid[40]; /* the requestID of the last scenario record emitted */

    int cum_all[NT], cum_reg[NT];
    int tot_all, tot_reg;

    char lastdir[1024];
    long nrecords, ndigests;
} Gen;

/* a record is assembled from five JSON fragments: identity, request,
 * response, additionalEventData and resources (empty = null/absent) */
static void frags_reset(Gen *g)
{
    j_reset(&g->uid);
    j_reset(&g->req);
    j_reset(&g->resp);
    j_reset(&g->add);
    j_reset(&g->res);
}

static void rec_frags(Rec *r, const Gen *g)
{
    r->uid = g->uid.b.p;
    r->req = jstr(&g->req);
    r->resp = jstr(&g->resp);
    r->add = jstr(&g->add);
    r->res = jstr(&g->res);
}

/* S3 request ids are 16 upper-case alphanumerics, the other services' UUIDs */
static void request_id(char *o, const char *src, Rng *r)
{
    if (!strcmp(src, "s3.amazonaws.com"))
        ralnum(o, 16, r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
    else
        ruuid(o, r);
}

/* ------------------------------------------------------------------ */
/* file system                                                         */
/* ------------------------------------------------------------------ */

static void mkdirs(Gen *g, const char *dir)
{
    char tmp[1024];
    size_t i, n = strlen(dir);
    if (n >= sizeof tmp)
        die("path too long: %s", dir);
    if (!strcmp(g->lastdir, dir))
        return;
    memcpy(tmp, dir, n + 1);
    for (i = 1; i <= n; i++) {
        if (tmp[i] == '/' || tmp[i] == 0) {
            char c = tmp[i];
            tmp[i] = 0;
            if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
                die("mkdir %s: %s", tmp, strerror(errno));
            tmp[i] = c;
        }
    }
    memcpy(g->lastdir, dir, n + 1);
}

static void write_file(Gen *g, const char *dir, const char *name, const char *data, size_t n)
{
    char path[1280];
    FILE *f;
    const char *payload = data;
    size_t plen = n;
    mkdirs(g, dir);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (!g->plain) {
        z_stream *z = &g->z;
        uLong bound;
        int rc;
        if (deflateReset(z) != Z_OK)
            die("deflateReset failed");
        memset(&g->gzh, 0, sizeof g->gzh); /* mtime 0, no name: reproducible */
        if (deflateSetHeader(z, &g->gzh) != Z_OK)
            die("deflateSetHeader failed");
        bound = deflateBound(z, (uLong)n) + 64;
        b_clear(&g->gz);
        b_res(&g->gz, (size_t)bound);
        z->next_in = (Bytef *)(uintptr_t)data;
        z->avail_in = (uInt)n;
        z->next_out = (Bytef *)g->gz.p;
        z->avail_out = (uInt)bound;
        rc = deflate(z, Z_FINISH);
        if (rc != Z_STREAM_END)
            die("deflate failed (%d)", rc);
        payload = g->gz.p;
        plen = (size_t)bound - z->avail_out;
    }
    f = fopen(path, "wb");
    if (!f)
        die("open %s: %s", path, strerror(errno));
    if (plen && fwrite(payload, 1, plen, f) != plen)
        die("write %s: %s", path, strerror(errno));
    if (fclose(f) != 0)
        die("close %s: %s", path, strerror(errno));
}

static const char *ext(const Gen *g) { return g->plain ? ".json" : ".json.gz"; }

/* key relative to bucket root: AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD[/name] */
static void log_dir(char *o, size_t n, const LogFile *f)
{
    char ymd[16];
    fmt_ymd_path(ymd, f->stamp);
    snprintf(o, n, "AWSLogs/%s/CloudTrail/%s/%s", ACCT[f->acct].id, REGIONS[f->reg], ymd);
}

static void log_name(char *o, size_t n, const Gen *g, const LogFile *f)
{
    char st[24];
    fmt_stamp(st, f->stamp, 0);
    snprintf(o, n, "%s_CloudTrail_%s_%s_%s%s", ACCT[f->acct].id, REGIONS[f->reg], st, f->suffix, ext(g));
}

/* ------------------------------------------------------------------ */
/* background events                                                   */
/* ------------------------------------------------------------------ */

typedef struct {
    int cls;
    int user; /* index for HUMAN/BOT, -1 otherwise */
    char arn[256];
    char name[96]; /* userName / session name */
    const char *ip;
    char ipb[64];
    const char *ua;
    char uab[640];
    int console, tls;
    const char *svc;
    int uakind;
    int readonly; /* read-only role: write calls are denied */
} Actor;

static int pick_weighted(Rng *r, const unsigned char *w, int n)
{
    int i, tot = 0, x;
    for (i = 0; i < n; i++)
        tot += w[i];
    x = (int)rnd(r, (uint32_t)tot);
    for (i = 0; i < n; i++) {
        if (x < w[i])
            return i;
        x -= w[i];
    }
    return n - 1;
}

static int pick_user(Gen *g, int acct, int human)
{
    const AcctDef *a = &ACCT[acct];
    int idx[16], n = 0, i;
    for (i = 0; i < a->nusers; i++)
        if (a->users[i].human == human)
            idx[n++] = i;
    return idx[rnd(&g->rng, (uint32_t)n)];
}

static const char *svc_for(Gen *g, int tid)
{
    static const char *const KMS_SVCS[4] = {"cloudtrail.amazonaws.com", "ec2.amazonaws.com",
                                            "s3.amazonaws.com", "secretsmanager.amazonaws.com"};
    static const char *const STS_SVCS[3] = {"ec2.amazonaws.com", "lambda.amazonaws.com",
                                            "config.amazonaws.com"};
    if (tid == T_STS_AR)
        return STS_SVCS[rnd(&g->rng, 3)];
    return KMS_SVCS[rnd(&g->rng, 4)];
}

/* an assumed-role actor; `who` names the principal its rotating session keys belong to */
static void actor_role(Gen *g, Actor *a, int acct, const char *role, const char *sess, const char *who, int64_t t,
                       const char *invokedBy, int ec2)
{
    char key[32];
    int64_t created;
    snprintf(a->name, sizeof a->name, "%s", sess);
    sts_role_arn(a->arn, sizeof a->arn, acct, role, sess);
    session_of(key, &created, who, acct, t, g->seed);
    id_role(&g->uid, acct, role, sess, key, "false", created, NULL, invokedBy, ec2);
}

/* writes the actor's identity into g->uid, which must be empty */
static void build_actor(Gen *g, Actor *a, int cls, const Tmpl *tp, int acct, int reg, int64_t t)
{
    const AcctDef *ad = &ACCT[acct];
    Rng *r = &g->rng;
    J *u = &g->uid;
    char key[32];
    int64_t created;

    memset(a, 0, sizeof *a);
    a->cls = cls;
    a->user = -1;
    a->tls = 1;

    switch (cls) {
    case C_HUMAN:
    case C_BOT: {
        int idx = pick_user(g, acct, cls == C_HUMAN);
        const UserDef *ud = &ad->users[idx];
        int console = cls == C_HUMAN && ud->console && tp->id != T_STS_GCI && pm(r, 400);
        a->user = idx;
        user_arn(a->arn, sizeof a->arn, acct, ud->name);
        snprintf(a->name, sizeof a->name, "%s", ud->name);
        a->ip = ud->ip;
        a->uakind = ud->ua;
        if (cls == C_HUMAN && pm(r, 80)) {
            /* one PRNG call per statement: argument evaluation order is unspecified */
            unsigned net = (unsigned)rnd(r, 4) * 0x100;
            unsigned host6 = 0x1000 + (unsigned)rnd(r, 0xE000);
            snprintf(a->ipb, sizeof a->ipb, "2001:db8:%x:%x::%x", 0x4a0 + acct * 16 + idx, net, host6);
            a->ip = a->ipb;
        }
        if (console) {
            session_of(key, &created, ud->name, acct, t, g->seed);
            id_user(u, acct, ud->name, key, "true", created, NULL);
            a->console = 1;
            if (tp->data || tp->id == T_S3_LB || tp->id == T_S3_ACL || tp->id == T_S3_LOC)
                a->ua = UA_S3CONSOLE;
            else if (pm(r, 300)) {
                a->ua = "AWS Internal";
                a->ip = "AWS Internal";
                a->tls = 0;
            } else
                a->ua = "console.amazonaws.com";
        } else {
            user_akia(key, acct, ud->name);
            id_user(u, acct, ud->name, key, NULL, 0, NULL);
            ua_make(a->uab, sizeof a->uab, ud->ua, tp->src, tp->name);
            a->ua = a->uab;
        }
        break;
    }
    case C_SSO: {
        int admin = pm(r, 650);
        const char *role = admin ? ad->sso_admin : ad->sso_ro;
        const UserDef *ud = &ad->users[pick_user(g, acct, 1)];
        char sess[96];
        a->readonly = !admin;
        snprintf(sess, sizeof sess, "%s@example.com", ud->name);
        actor_role(g, a, acct, role, sess, sess, t, NULL, 0);
        a->ip = ud->ip;
        if (pm(r, 500)) {
            a->console = 1;
            a->ua = tp->src[0] == 's' && tp->src[1] == '3' ? UA_S3CONSOLE : "console.amazonaws.com";
        } else {
            ua_make(a->uab, sizeof a->uab, ud->ua, tp->src, tp->name);
            a->ua = a->uab;
        }
        break;
    }
    case C_APP: {
        int ec2 = tp->id == T_SSM_UII || (tp->id != T_KMS_DEC && tp->id != T_KMS_GDK && pm(r, 400));
        if (ec2) {
            char iid[32];
            int k = (int)rnd(r, 6);
            inst_id(iid, acct, reg, k);
            actor_role(g, a, acct, ad->ec2_role, iid, iid, t, NULL, 1);
            snprintf(a->ipb, sizeof a->ipb, "192.0.2.%d", 10 + acct * 40 + reg * 10 + k);
            a->ip = a->ipb;
            if (tp->id == T_SSM_UII || tp->id == T_SSM_GP)
                a->ua = UA_SSM_AGENT;
            else {
                char cmd[96];
                cli_command(cmd, sizeof cmd, tp->src, tp->name);
                snprintf(a->uab, sizeof a->uab,
                         "aws-cli/2.15.30 Python/3.11.6 Linux/6.1.79-99.167.amzn2023.x86_64 "
                         "source/x86_64.amzn.2023 prompt/off command/%s",
                         cmd);
                a->ua = a->uab;
            }
        } else {
            actor_role(g, a, acct, ad->lambda_role, ad->lambda_fn, ad->lambda_fn, t, NULL, 0);
            snprintf(a->ipb, sizeof a->ipb, "198.51.100.%d", 200 + (int)rnd(r, 40));
            a->ip = a->ipb;
            a->ua = UA_LAMBDA_S;
        }
        break;
    }
    case C_SVCROLE:
        actor_role(g, a, acct, "AWSServiceRoleForConfig", "AWSConfig-Describe", "AWSServiceRoleForConfig", t,
                   "config.amazonaws.com", 0);
        a->ip = a->ua = "config.amazonaws.com";
        a->svc = "config.amazonaws.com";
        a->tls = 0;
        break;
    case C_SERVICE:
        a->svc = svc_for(g, tp->id);
        snprintf(a->arn, sizeof a->arn, "%s", a->svc);
        id_service(u, a->svc);
        a->ip = a->ua = a->svc;
        a->tls = 0;
        break;
    case C_ROOT:
        snprintf(a->arn, sizeof a->arn, "arn:aws:iam::%s:root", ad->id);
        session_of(key, &created, "root", acct, t, g->seed);
        id_root(u, acct, key, "true", created);
        a->ip = acct == 0 ? "203.0.113.200" : "203.0.113.210";
        a->ua = "console.amazonaws.com";
        a->console = 1;
        break;
    default: /* C_FED */
        snprintf(a->name, sizeof a->name, "partner-sync");
        snprintf(a->arn, sizeof a->arn, "arn:aws:sts::%s:federated-user/partner-sync", ad->id);
        session_of(key, &created, "partner-sync", acct, t, g->seed);
        id_fed(u, acct, "partner-sync", key, created);
        a->ip = "198.51.100.150";
        a->ua = UA_FED_S;
        break;
    }
}

static void host_for(char *o, size_t n, const char *src, int reg)
{
    char svc[32];
    svc_prefix(svc, sizeof svc, src);
    if (!strcmp(svc, "iam"))
        snprintf(o, n, "iam.amazonaws.com");
    else if (!strcmp(svc, "sts") && reg == 0)
        snprintf(o, n, "sts.amazonaws.com");
    else if (!strcmp(svc, "signin"))
        snprintf(o, n, "signin.aws.amazon.com");
    else if (!strcmp(svc, "s3") && reg == 0)
        snprintf(o, n, "s3.amazonaws.com");
    else
        snprintf(o, n, "%s.%s.amazonaws.com", svc, REGIONS[reg]);
}

static void s3_key(char *o, size_t n, Rng *r, int64_t t)
{
    Tm m = tm_of(t);
    switch (rnd(r, 6)) {
    case 0:
        snprintf(o, n, "exports/%04d/%02d/%02d/part-%05u.parquet", m.y, m.mo, m.d, (unsigned)rnd(r, 400));
        break;
    case 1:
        snprintf(o, n, "images/product-%u.jpg", 1000u + (unsigned)rnd(r, 9000));
        break;
    case 2: {
        char h[16];
        rhex(h, 12, r);
        snprintf(o, n, "builds/app-%s.zip", h);
        break;
    }
    case 3:
        snprintf(o, n, "reports/%04d-%02d-%02d/summary.csv", m.y, m.mo, m.d);
        break;
    case 4:
        snprintf(o, n, "logs/app/%04d/%02d/%02d/%02d/events-%u.json.gz", m.y, m.mo, m.d, m.h,
                 (unsigned)rnd(r, 60));
        break;
    default:
        snprintf(o, n, "models/churn/v%u/model.tar.gz", 1u + (unsigned)rnd(r, 9));
        break;
    }
}

static void s3_add(J *d, Rng *r, int64_t in, int64_t out, int tls13)
{
    char id2[80];
    b64_padded(id2, 75, r);
    jo(d);
    jks(d, "SignatureVersion", "SigV4");
    jks(d, "CipherSuite", tls13 ? "TLS_AES_128_GCM_SHA256" : "ECDHE-RSA-AES128-GCM-SHA256");
    jki(d, "bytesTransferredIn", in);
    jks(d, "AuthenticationMethod", "AuthHeader");
    jks(d, "x-amz-id-2", id2);
    jki(d, "bytesTransferredOut", out);
    jc(d);
}

static void creds_resp(J *p, Rng *r, int acct, const char *role_arn_role, const char *sess, int64_t t,
                       const char *srcid)
{
    char key[32], tok[200], exp[48], aroa[32], rid[128], arn[256];
    aws_id(key, "ASIA", 16, rng_next(r));
    memcpy(tok, "IQoJb3JpZ2luX2VjE", 17);
    ralnum(tok + 17, 139, r, B64);
    fmt_aws(exp, sizeof exp, t + 3600);
    role_aroa(aroa, acct, role_arn_role);
    snprintf(rid, sizeof rid, "%s:%s", aroa, sess);
    sts_role_arn(arn, sizeof arn, acct, role_arn_role, sess);
    jo(p);
    jk(p, "credentials");
    jo(p);
    jks(p, "accessKeyId", key);
    jks(p, "sessionToken", tok);
    jks(p, "expiration", exp);
    jc(p);
    jk(p, "assumedRoleUser");
    jo(p);
    jks(p, "assumedRoleId", rid);
    jks(p, "arn", arn);
    jc(p);
    if (srcid)
        jks(p, "sourceIdentity", srcid);
    jc(p);
}

static void res_one(J *s, const char *acct, const char *type, const char *arn)
{
    ja(s);
    jo(s);
    if (acct)
        jks(s, "accountId", acct);
    jks(s, "type", type);
    jks(s, "ARN", arn);
    jc(s);
    jae(s);
}

/* "filterSet":{"items":[{"name":name,"valueSet":{"items":[{"value":value}]}}]} */
static void jk_filter(J *q, const char *name, const char *value)
{
    jk_items(q, "filterSet");
    jks(q, "name", name);
    jk_item1(q, "valueSet", "value", value);
    j_items_end(q);
}

/* "tagSet":{"items":[{"key":k,"value":v}]} */
static void jk_tag(J *j, const char *k, const char *v)
{
    jk_items(j, "tagSet");
    jks(j, "key", k);
    jks(j, "value", v);
    j_items_end(j);
}

/* CreateTags request: one tag on one resource */
static void create_tags_req(J *q, const char *id, const char *k, const char *v)
{
    jo(q);
    jk_item1(q, "resourcesSet", "resourceId", id);
    jk_tag(q, k, v);
    jc(q);
}

/* EC2's response to a call that has nothing to return but success */
static void ec2_return_resp(J *p, const char *reqid)
{
    jo(p);
    jks(p, "requestId", reqid);
    jkb(p, "_return", 1);
    jc(p);
}

static void jk_state(J *p, const char *k, int code, const char *name)
{
    jk(p, k);
    jo(p);
    jki(p, "code", code);
    jks(p, "name", name);
    jc(p);
}

/* private address 10.<0|20>.c.d of an instance, and its internal DNS name */
static void private_addr(char *ip, size_t ipn, char *dns, size_t dnsn, int acct, int reg, int c, int d)
{
    int b = acct == 0 ? 0 : 20;
    snprintf(ip, ipn, "10.%d.%d.%d", b, c, d);
    if (reg == 0)
        snprintf(dns, dnsn, "ip-10-%d-%d-%d.ec2.internal", b, c, d);
    else
        snprintf(dns, dnsn, "ip-10-%d-%d-%d.%s.compute.internal", b, c, d, REGIONS[reg]);
}

/* id of a resource the call creates: prefix, "0", 16 random hex digits */
static void new_ec2_id(char *o, size_t n, const char *prefix, Rng *r)
{
    char h[20];
    rhex(h, 16, r);
    snprintf(o, n, "%s0%.16s", prefix, h);
}

static void s3_host(char *o, size_t n, const char *bk, int reg)
{
    snprintf(o, n, "%s.s3.%s.amazonaws.com", bk, REGIONS[reg]);
}

/* GetObject/PutObject request (xid NULL: no x-id) and its resources: the object and its bucket */
static void s3_object(J *q, J *s, const char *acct, const char *bk, const char *host, const char *key,
                      const char *xid)
{
    char oarn[300], barn[300];
    jo(q);
    jks(q, "bucketName", bk);
    jks(q, "Host", host);
    jks(q, "key", key);
    if (xid)
        jks(q, "x-id", xid);
    jc(q);
    snprintf(oarn, sizeof oarn, "arn:aws:s3:::%s/%s", bk, key);
    snprintf(barn, sizeof barn, "arn:aws:s3:::%s", bk);
    ja(s);
    jo(s);
    jks(s, "type", "AWS::S3::Object");
    jks(s, "ARN", oarn);
    jc(s);
    jo(s);
    jks(s, "accountId", acct);
    jks(s, "type", "AWS::S3::Bucket");
    jks(s, "ARN", barn);
    jc(s);
    jae(s);
}

static void assume_role_req(J *q, const char *rarn, const char *sess, const char *srcid)
{
    jo(q);
    jks(q, "roleArn", rarn);
    jks(q, "roleSessionName", sess);
    if (srcid)
        jks(q, "sourceIdentity", srcid);
    jki(q, "durationSeconds", 3600);
    jc(q);
}

static void access_key_resp(J *p, const char *key, const char *user, int64_t t)
{
    char cd[48];
    fmt_aws(cd, sizeof cd, t);
    jo(p);
    jk(p, "accessKey");
    jo(p);
    jks(p, "accessKeyId", key);
    jks(p, "status", "Active");
    jks(p, "userName", user);
    jks(p, "createDate", cd);
    jc(p);
    jc(p);
}

/* where a console sign-in lands; failed sign-ins and the scenarios always show the first */
static const char *const LOGIN_TO[3] = {
    "https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_",
    "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1",
    "https://s3.console.aws.amazon.com/s3/buckets?region=us-west-2"};

/* ConsoleLogin responseElements and additionalEventData */
static void login_frags(J *p, J *d, int failed, const char *to, int mfa)
{
    jo(p);
    jks(p, "ConsoleLogin", failed ? "Failure" : "Success");
    jc(p);
    jo(d);
    jks(d, "LoginTo", to);
    jks(d, "MobileVersion", "No");
    jks(d, "MFAUsed", mfa ? "Yes" : "No");
    jc(d);
}

/* action name as used in IAM policies: strip Lambda's version suffix */
static void action_name(char *o, size_t n, const char *name)
{
    size_t i;
    for (i = 0; name[i] && !(name[i] >= '0' && name[i] <= '9') && i + 1 < n; i++)
        o[i] = name[i];
    o[i] = 0;
}

static void gen_bg(Gen *g, Buf *out, int acct, int reg, int64_t t)
{
    Rng *r = &g->rng;
    const AcctDef *ad = &ACCT[acct];
    const Tmpl *tp;
    Actor a;
    Rec rec;
    J *q = &g->req, *p = &g->resp, *d = &g->add, *s = &g->res;
    char reqid[40], eid[40], host[128], tmp[512], tmp2[256], emsg[1536], shared[40], vpce[40];
    const char *ecode = NULL;
    char resbuf[300] = ""; /* resource for AccessDenied messages; empty: "*" */
    char target[64] = "";
    int fail, cls, x, tid;

    /* template: global services are logged in us-east-1 only */
    {
        const int *cum = reg == 0 ? g->cum_all : g->cum_reg;
        x = (int)rnd(r, (uint32_t)(reg == 0 ? g->tot_all : g->tot_reg));
        for (tid = 0; tid < NT - 1 && x >= cum[tid]; tid++)
            ;
    }
    tp = &TM[tid];
    cls = pick_weighted(r, tp->cw, NCLS);
    frags_reset(g);
    build_actor(g, &a, cls, tp, acct, reg, t);

    ruuid(eid, r);
    request_id(reqid, tp->src, r);

    rec_init(&rec, acct, reg, t, tp->src, tp->name);
    rec.ver = tp->ver;
    rec.ip = a.ip;
    rec.ua = a.ua;
    rec.reqid = reqid;
    rec.eid = eid;
    rec.ro = tp->ro;
    rec.console = a.console;
    if (pm(r, 350)) {
        rec.tlsver = "TLSv1.2";
        rec.cipher = "ECDHE-RSA-AES128-GCM-SHA256";
    }
    host_for(host, sizeof host, tp->src, reg);
    rec.host = a.tls ? host : NULL;

    fail = (cls == C_SERVICE || cls == C_SVCROLE) ? pm(r, 8) : pm(r, 78);
    if (a.readonly && !tp->ro)
        fail = 1;
    if (tid == T_LOGIN)
        fail = 0; /* handled below */

    switch (tid) {
    case T_EC2_DI: {
        char iid[32];
        int v = (int)rnd(r, 3);
        jo(q);
        if (v == 0) {
            jkeo(q, "instancesSet");
            jkeo(q, "filterSet");
        } else if (v == 1) {
            inst_id(iid, acct, reg, (int)rnd(r, 6));
            jk_item1(q, "instancesSet", "instanceId", iid);
            jkeo(q, "filterSet");
        } else {
            jki(q, "maxResults", 1000);
            jkeo(q, "instancesSet");
            jk_filter(q, "tag:Environment", acct == 0 ? "prod" : "dev");
        }
        jc(q);
        break;
    }
    case T_EC2_DSG: {
        char sg[32];
        jo(q);
        jkeo(q, "securityGroupSet");
        if (pm(r, 500)) {
            ec2_id(sg, "sg-", acct, reg, (int)rnd(r, 3));
            jk_item1(q, "securityGroupIdSet", "groupId", sg);
        } else
            jkeo(q, "securityGroupIdSet");
        jkeo(q, "filterSet");
        jc(q);
        break;
    }
    case T_EC2_DV: {
        char iid[32];
        inst_id(iid, acct, reg, (int)rnd(r, 6));
        jo(q);
        jkeo(q, "volumeSet");
        jk_filter(q, "attachment.instance-id", iid);
        jc(q);
        break;
    }
    case T_EC2_RUN: {
        static const char *const TYPES[4] = {"t3.micro", "t3.medium", "m6i.large", "c6g.xlarge"};
        char ami[32], sub[40], vpc[40], sg[32], tok[40], iid[32], rsv[32], az[24], pip[48], dns[96], name[32];
        const char *itype = TYPES[rnd(r, 4)];
        int k = (int)rnd(r, 2), o3 = (int)rnd(r, 250) + 4;
        ec2_id(ami, "ami-", acct, reg, 0);
        ec2_id(sub, "subnet-", acct, reg, k);
        ec2_id(vpc, "vpc-", acct, reg, 0);
        ec2_id(sg, "sg-", acct, reg, 0);
        ruuid(tok, r);
        snprintf(name, sizeof name, "%s-%u", acct == 0 ? "web" : "build", (unsigned)rnd(r, 90) + 10);
        jo(q);
        jk_items(q, "instancesSet");
        jks(q, "imageId", ami);
        jki(q, "minCount", 1);
        jki(q, "maxCount", 1);
        j_items_end(q);
        jks(q, "instanceType", itype);
        jkeo(q, "blockDeviceMapping");
        jk(q, "monitoring");
        jo(q);
        jkb(q, "enabled", 0);
        jc(q);
        jks(q, "subnetId", sub);
        jkb(q, "disableApiTermination", 0);
        jkb(q, "disableApiStop", 0);
        jks(q, "clientToken", tok);
        jk_items(q, "tagSpecificationSet");
        jks(q, "resourceType", "instance");
        jk(q, "tags");
        ja(q);
        jo(q);
        jks(q, "key", "Name");
        jks(q, "value", name);
        jc(q);
        jae(q);
        j_items_end(q);
        jc(q);
        if (!fail) {
            new_ec2_id(iid, sizeof iid, "i-", r);
            new_ec2_id(rsv, sizeof rsv, "r-", r);
            snprintf(az, sizeof az, "%s%c", REGIONS[reg], 'a' + k);
            private_addr(pip, sizeof pip, dns, sizeof dns, acct, reg, k + 1, o3);
            jo(p);
            jks(p, "requestId", reqid);
            jks(p, "reservationId", rsv);
            jks(p, "ownerId", ad->id);
            jkeo(p, "groupSet");
            jk_items(p, "instancesSet");
            jks(p, "instanceId", iid);
            jks(p, "imageId", ami);
            jk_state(p, "instanceState", 0, "pending");
            jks(p, "privateDnsName", dns);
            jki(p, "amiLaunchIndex", 0);
            jkeo(p, "productCodes");
            jks(p, "instanceType", itype);
            jki(p, "launchTime", t * 1000);
            jk(p, "placement");
            jo(p);
            jks(p, "availabilityZone", az);
            jks(p, "tenancy", "default");
            jc(p);
            jk(p, "monitoring");
            jo(p);
            jks(p, "state", "disabled");
            jc(p);
            jks(p, "subnetId", sub);
            jks(p, "vpcId", vpc);
            jks(p, "privateIpAddress", pip);
            jk(p, "stateReason");
            jo(p);
            jks(p, "code", "pending");
            jks(p, "message", "pending");
            jc(p);
            jks(p, "architecture", itype[0] == 'c' ? "arm64" : "x86_64");
            jks(p, "rootDeviceType", "ebs");
            jks(p, "rootDeviceName", "/dev/xvda");
            jkeo(p, "blockDeviceMapping");
            jks(p, "virtualizationType", "hvm");
            jks(p, "hypervisor", "xen");
            jk_tag(p, "Name", name);
            jk_items(p, "groupSet");
            jks(p, "groupId", sg);
            jks(p, "groupName", acct == 0 ? "web-tier" : "build-agents");
            j_items_end(p);
            jkb(p, "sourceDestCheck", 1);
            jkb(p, "ebsOptimized", 0);
            jkb(p, "enaSupport", 1);
            jk(p, "cpuOptions");
            jo(p);
            jki(p, "coreCount", 1);
            jki(p, "threadsPerCore", 2);
            jc(p);
            jk(p, "metadataOptions");
            jo(p);
            jks(p, "state", "pending");
            jks(p, "httpTokens", "required");
            jki(p, "httpPutResponseHopLimit", 2);
            jks(p, "httpEndpoint", "enabled");
            jc(p);
            jks(p, "currentInstanceBootMode", "legacy-bios");
            j_items_end(p);
            jc(p);
        }
        snprintf(resbuf, sizeof resbuf, "arn:aws:ec2:%s:%s:instance/*", REGIONS[reg], ad->id);
        break;
    }
    case T_EC2_START:
    case T_EC2_STOP: {
        char iid[32];
        int start = tid == T_EC2_START;
        inst_id(iid, acct, reg, (int)rnd(r, 6));
        jo(q);
        jk_item1(q, "instancesSet", "instanceId", iid);
        if (!start)
            jkb(q, "force", 0);
        jc(q);
        if (!fail) {
            jo(p);
            jks(p, "requestId", reqid);
            jk_items(p, "instancesSet");
            jks(p, "instanceId", iid);
            jk_state(p, "currentState", start ? 0 : 64, start ? "pending" : "stopping");
            jk_state(p, "previousState", start ? 80 : 16, start ? "stopped" : "running");
            j_items_end(p);
            jc(p);
        }
        snprintf(resbuf, sizeof resbuf, "arn:aws:ec2:%s:%s:instance/%s", REGIONS[reg], ad->id, iid);
        break;
    }
    case T_EC2_AUTH: {
        char sg[32], sgr[40];
        static const int PORTS[4] = {22, 443, 3389, 5432};
        int port = PORTS[rnd(r, 4)];
        const char *cidr = pm(r, 500) ? "0.0.0.0/0" : "10.0.0.0/16";
        ec2_id(sg, "sg-", acct, reg, (int)rnd(r, 3));
        jo(q);
        jks(q, "groupId", sg);
        jk_items(q, "ipPermissions");
        jks(q, "ipProtocol", "tcp");
        jki(q, "fromPort", port);
        jki(q, "toPort", port);
        jkeo(q, "groups");
        jk_item1(q, "ipRanges", "cidrIp", cidr);
        jkeo(q, "ipv6Ranges");
        jkeo(q, "prefixListIds");
        j_items_end(q);
        jc(q);
        if (!fail) {
            new_ec2_id(sgr, sizeof sgr, "sgr-", r);
            jo(p);
            jks(p, "requestId", reqid);
            jkb(p, "_return", 1);
            jk_items(p, "securityGroupRuleSet");
            jks(p, "groupOwnerId", ad->id);
            jks(p, "groupId", sg);
            jks(p, "securityGroupRuleId", sgr);
            jkb(p, "isEgress", 0);
            jks(p, "ipProtocol", "tcp");
            jki(p, "fromPort", port);
            jki(p, "toPort", port);
            jks(p, "cidrIpv4", cidr);
            j_items_end(p);
            jc(p);
        }
        snprintf(resbuf, sizeof resbuf, "arn:aws:ec2:%s:%s:security-group/%s", REGIONS[reg], ad->id, sg);
        break;
    }
    case T_EC2_TAGS: {
        static const char *const OWN[4] = {"team-web", "team-data", "platform", "finance"};
        char iid[32];
        inst_id(iid, acct, reg, (int)rnd(r, 6));
        create_tags_req(q, iid, "Owner", OWN[rnd(r, 4)]);
        if (!fail)
            ec2_return_resp(p, reqid);
        snprintf(resbuf, sizeof resbuf, "arn:aws:ec2:%s:%s:instance/%s", REGIONS[reg], ad->id, iid);
        break;
    }
    case T_S3_LB:
        jo(q);
        jks(q, "Host", "s3.amazonaws.com");
        jc(q);
        s3_add(d, r, 0, 600 + (int64_t)rnd(r, 3000), rec.tlsver[6] == '3');
        snprintf(resbuf, sizeof resbuf, "arn:aws:s3:::*");
        break;
    case T_S3_ACL:
    case T_S3_LOC: {
        const char *bk = ad->bucket[reg][rnd(r, 2)];
        s3_host(host, sizeof host, bk, reg);
        jo(q);
        jks(q, "bucketName", bk);
        jks(q, "Host", host);
        jks(q, tid == T_S3_ACL ? "acl" : "location", "");
        jc(q);
        s3_add(d, r, 0, tid == T_S3_ACL ? 550 + (int64_t)rnd(r, 200) : 137, rec.tlsver[6] == '3');
        snprintf(resbuf, sizeof resbuf, "arn:aws:s3:::%s", bk);
        res_one(s, ad->id, "AWS::S3::Bucket", resbuf);
        break;
    }
    case T_S3_GET:
    case T_S3_PUT: {
        const char *bk = ad->bucket[reg][rnd(r, 2)];
        char key[200];
        int64_t size = 200 + (int64_t)rnd(r, 5000000);
        int put = tid == T_S3_PUT;
        s3_key(key, sizeof key, r, t);
        s3_host(host, sizeof host, bk, reg);
        s3_object(q, s, ad->id, bk, host, key, !put && pm(r, 200) ? "GetObject" : NULL);
        if (put && !fail) {
            jo(p);
            jks(p, "x-amz-server-side-encryption", "AES256");
            jc(p);
        }
        s3_add(d, r, put ? size : 0, put || fail ? 0 : size, rec.tlsver[6] == '3');
        snprintf(resbuf, sizeof resbuf, "arn:aws:s3:::%s", bk);
        rec.mgmt = 0;
        rec.cat = "Data";
        if (cls == C_APP && pm(r, 300)) {
            vpce_id(vpce, acct, reg);
            rec.vpce = vpce;
        }
        break;
    }
    case T_STS_AR: {
        const char *role, *sess;
        char rarn[200], sessb[160];
        if (cls == C_SERVICE) {
            if (!strcmp(a.svc, "ec2.amazonaws.com")) {
                role = ad->ec2_role;
                inst_id(sessb, acct, reg, (int)rnd(r, 6));
            } else if (!strcmp(a.svc, "lambda.amazonaws.com")) {
                role = ad->lambda_role;
                snprintf(sessb, sizeof sessb, "%s", ad->lambda_fn);
            } else {
                role = "AWSServiceRoleForConfig";
                snprintf(sessb, sizeof sessb, "AWSConfig-Describe");
            }
        } else {
            role = ad->roles[rnd(r, 3)];
            if (a.uakind == UA_TERRAFORM)
                snprintf(sessb, sizeof sessb, "terraform-%lld", (long long)t);
            else if (a.uakind == UA_BOTO3 || a.uakind == UA_JAVA)
                snprintf(sessb, sizeof sessb, "botocore-session-%lld", (long long)t - (int64_t)rnd(r, 60));
            else
                snprintf(sessb, sizeof sessb, "%s-%lld", a.name, (long long)t);
        }
        sess = sessb;
        role_arn(rarn, sizeof rarn, acct, role);
        assume_role_req(q, rarn, sess, NULL);
        if (!fail)
            creds_resp(p, r, acct, role, sess, t, NULL);
        res_one(s, ad->id, "AWS::IAM::Role", rarn);
        if (cls == C_SERVICE && pm(r, 500)) {
            ruuid(shared, r);
            rec.shared = shared;
        }
        snprintf(resbuf, sizeof resbuf, "%s", rarn);
        break;
    }
    case T_STS_GCI:
        break;
    case T_KMS_DEC:
    case T_KMS_GDK: {
        char karn[160];
        kms_key_arn(karn, sizeof karn, acct, reg, (int)rnd(r, 2));
        jo(q);
        if (tid == T_KMS_GDK) {
            jks(q, "keyId", karn);
            jks(q, "keySpec", "AES_256");
        } else
            jks(q, "encryptionAlgorithm", "SYMMETRIC_DEFAULT");
        jk(q, "encryptionContext");
        jo(q);
        if (a.svc && !strcmp(a.svc, "cloudtrail.amazonaws.com")) {
            Tm m = tm_of(t);
            snprintf(tmp, sizeof tmp, "arn:aws:cloudtrail:us-east-1:%s:trail/%s", ad->id, TRAIL);
            jks(q, "aws:cloudtrail:arn", tmp);
            snprintf(tmp, sizeof tmp, "arn:aws:s3:::%s/AWSLogs/%s/CloudTrail/%s/%04d/%02d/%02d/", LOG_BUCKET,
                     ad->id, REGIONS[reg], m.y, m.mo, m.d);
            jks(q, "aws:s3:arn", tmp);
        } else if (a.svc && !strcmp(a.svc, "ec2.amazonaws.com")) {
            char vol[32];
            ec2_id(vol, "vol-", acct, reg, (int)rnd(r, 6));
            jks(q, "aws:ebs:id", vol);
        } else if (a.svc && !strcmp(a.svc, "secretsmanager.amazonaws.com")) {
            char sv[40];
            snprintf(tmp, sizeof tmp, "arn:aws:secretsmanager:%s:%s:secret:%s/db-credentials-Xk29Qa",
                     REGIONS[reg], ad->id, acct == 0 ? "prod" : "dev");
            jks(q, "SecretARN", tmp);
            ruuid(sv, r);
            jks(q, "SecretVersionId", sv);
        } else if (cls == C_APP && strstr(a.arn, ad->lambda_role)) {
            snprintf(tmp, sizeof tmp, "arn:aws:lambda:%s:%s:function:%s", REGIONS[reg], ad->id, ad->lambda_fn);
            jks(q, "aws:lambda:FunctionArn", tmp);
        } else {
            const char *bk = ad->bucket[reg][rnd(r, 2)];
            char key[200];
            s3_key(key, sizeof key, r, t);
            snprintf(tmp, sizeof tmp, "arn:aws:s3:::%s/%s", bk, key);
            jks(q, "aws:s3:arn", tmp);
        }
        jc(q);
        jc(q);
        res_one(s, ad->id, "AWS::KMS::Key", karn);
        if (cls == C_SERVICE && pm(r, 400)) {
            ruuid(shared, r);
            rec.shared = shared;
        }
        if (cls == C_APP && pm(r, 300)) {
            vpce_id(vpce, acct, reg);
            rec.vpce = vpce;
        }
        snprintf(resbuf, sizeof resbuf, "%s", karn);
        break;
    }
    case T_IAM_LU:
    case T_IAM_LR:
        if (pm(r, 500)) {
            jo(q);
            jki(q, "maxItems", tid == T_IAM_LU ? 100 : 1000);
            jc(q);
        }
        snprintf(resbuf, sizeof resbuf, "arn:aws:iam::%s:%s/", ad->id, tid == T_IAM_LU ? "user" : "role");
        break;
    case T_IAM_GU:
    case T_IAM_LMFA:
    case T_IAM_LAK:
    case T_IAM_CAK:
    case T_IAM_AUP: {
        int self = a.user >= 0 && pm(r, 500);
        const char *tu;
        if (self)
            tu = ad->users[a.user].name;
        else if (fail && pm(r, 400))
            tu = "contractor-tmp";
        else
            tu = ad->users[rnd(r, (uint32_t)ad->nusers)].name;
        snprintf(target, sizeof target, "%s", tu);
        jo(q);
        jks(q, "userName", tu);
        if (tid == T_IAM_AUP) {
            static const char *const POL[3] = {"arn:aws:iam::aws:policy/ReadOnlyAccess",
                                               "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
                                               "arn:aws:iam::aws:policy/AdministratorAccess"};
            jks(q, "policyArn", POL[rnd(r, 3)]);
        }
        jc(q);
        if (tid == T_IAM_CAK && !fail) {
            char nk[32];
            aws_id(nk, "AKIA", 16, rng_next(r));
            access_key_resp(p, nk, tu, t);
        }
        snprintf(resbuf, sizeof resbuf, "arn:aws:iam::%s:user/%s", ad->id, tu);
        break;
    }
    case T_IAM_GR:
    case T_IAM_PRP: {
        const char *role = ad->roles[rnd(r, 3)];
        jo(q);
        jks(q, "roleName", role);
        if (tid == T_IAM_PRP) {
            const char *bk = ad->bucket[reg][rnd(r, 2)];
            jks(q, "policyName", "inline-s3-access");
            snprintf(tmp, sizeof tmp,
                     "{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": [\n        {\n"
                     "            \"Effect\": \"Allow\",\n            \"Action\": [\"s3:GetObject\", "
                     "\"s3:ListBucket\"],\n            \"Resource\": [\"arn:aws:s3:::%s\", "
                     "\"arn:aws:s3:::%s/*\"]\n        }\n    ]\n}",
                     bk, bk);
            jks(q, "policyDocument", tmp);
        }
        jc(q);
        snprintf(resbuf, sizeof resbuf, "arn:aws:iam::%s:role/%s", ad->id, role);
        break;
    }
    case T_LOGIN: {
        const char *who = NULL;
        int failed = pm(r, 120);
        int mfa;
        if (cls != C_ROOT) {
            who = failed && pm(r, 300) ? "HIDDEN_DUE_TO_SECURITY_REASONS" : a.name;
            if (failed && a.user >= 0)
                a.ip = (pm(r, 500) ? "192.0.2.201" : "192.0.2.202");
        }
        j_reset(&g->uid);
        id_login(&g->uid, acct, who, failed);
        mfa = !failed && pm(r, 850);
        login_frags(p, d, failed, failed ? LOGIN_TO[0] : LOGIN_TO[rnd(r, 3)], mfa);
        rec.ip = a.user >= 0 && !failed ? ad->users[a.user].ip : a.ip;
        rec.ua = UA_BROWSER[rnd(r, 3)];
        rec.reqid = NULL;
        rec.etype = "AwsConsoleSignIn";
        rec.console = 0;
        rec.host = host;
        rec.tlsver = "TLSv1.3";
        rec.cipher = "TLS_AES_128_GCM_SHA256";
        if (failed)
            rec.emsg = "Failed authentication";
        break;
    }
    case T_CT_LE:
        jo(q);
        if (pm(r, 600)) {
            static const char *const EV[4] = {"ConsoleLogin", "CreateAccessKey", "RunInstances", "DeleteTrail"};
            jk(q, "lookupAttributes");
            ja(q);
            jo(q);
            jks(q, "attributeKey", "EventName");
            jks(q, "attributeValue", EV[rnd(r, 4)]);
            jc(q);
            jae(q);
        } else {
            char s0[48], s1[48];
            fmt_aws(s0, sizeof s0, t - 86400);
            fmt_aws(s1, sizeof s1, t);
            jks(q, "startTime", s0);
            jks(q, "endTime", s1);
        }
        jki(q, "maxResults", 50);
        jc(q);
        snprintf(resbuf, sizeof resbuf, "arn:aws:cloudtrail:%s:%s:trail/*", REGIONS[reg], ad->id);
        break;
    case T_CT_DT:
        jo(q);
        jk(q, "trailNameList");
        ja(q);
        jae(q);
        jkb(q, "includeShadowTrails", 1);
        jc(q);
        snprintf(resbuf, sizeof resbuf, "arn:aws:cloudtrail:%s:%s:trail/*", REGIONS[reg], ad->id);
        break;
    case T_CT_GTS:
        snprintf(resbuf, sizeof resbuf, "arn:aws:cloudtrail:us-east-1:%s:trail/%s", ad->id, TRAIL);
        jo(q);
        jks(q, "name", resbuf);
        jc(q);
        break;
    case T_LM_LF:
        rec.apiver = "2015-03-31";
        snprintf(resbuf, sizeof resbuf, "arn:aws:lambda:%s:%s:function:*", REGIONS[reg], ad->id);
        break;
    case T_LM_GF:
    case T_LM_UFC: {
        const char *fn = ad->funcs[rnd(r, 3)];
        rec.apiver = "2015-03-31";
        jo(q);
        jks(q, "functionName", fn);
        if (tid == T_LM_UFC) {
            jkb(q, "publish", 0);
            jkb(q, "dryRun", 0);
        }
        jc(q);
        snprintf(resbuf, sizeof resbuf, "arn:aws:lambda:%s:%s:function:%s", REGIONS[reg], ad->id, fn);
        if (tid == T_LM_UFC && !fail) {
            char rev[40], sha[48], ms[32];
            Tm m = tm_of(t);
            ruuid(rev, r);
            b64_padded(sha, 43, r);
            snprintf(ms, sizeof ms, "%04d-%02d-%02dT%02d:%02d:%02d.%03u+0000", m.y, m.mo, m.d, m.h, m.mi, m.s,
                     (unsigned)rnd(r, 1000));
            snprintf(tmp2, sizeof tmp2, "arn:aws:iam::%s:role/%s", ad->id, ad->lambda_role);
            jo(p);
            jks(p, "functionName", fn);
            jks(p, "functionArn", resbuf);
            jks(p, "runtime", "python3.12");
            jks(p, "role", tmp2);
            jks(p, "handler", "app.handler");
            jki(p, "codeSize", 4096 + (int64_t)rnd(r, 2000000));
            jks(p, "description", "");
            jki(p, "timeout", 30);
            jki(p, "memorySize", 512);
            jks(p, "lastModified", ms);
            jks(p, "codeSha256", sha);
            jks(p, "version", "$LATEST");
            jk(p, "tracingConfig");
            jo(p);
            jks(p, "mode", "PassThrough");
            jc(p);
            jks(p, "revisionId", rev);
            jks(p, "state", "Active");
            jks(p, "lastUpdateStatus", "InProgress");
            jks(p, "lastUpdateStatusReason", "The function is being created.");
            jks(p, "lastUpdateStatusReasonCode", "Creating");
            jks(p, "packageType", "Zip");
            jk(p, "architectures");
            ja(p);
            js(p, "x86_64");
            jae(p);
            jk(p, "ephemeralStorage");
            jo(p);
            jki(p, "size", 512);
            jc(p);
            jc(p);
        }
        break;
    }
    case T_SSM_GP: {
        const char *pn = ad->params[rnd(r, 3)];
        jo(q);
        jks(q, "name", pn);
        jkb(q, "withDecryption", pn[strlen(pn) - 1] == 'd' || strstr(pn, "token") != NULL);
        jc(q);
        snprintf(resbuf, sizeof resbuf, "arn:aws:ssm:%s:%s:parameter%s", REGIONS[reg], ad->id, pn);
        break;
    }
    case T_SSM_DII:
        jo(q);
        jki(q, "maxResults", 50);
        jc(q);
        snprintf(resbuf, sizeof resbuf, "arn:aws:ssm:%s:%s:*", REGIONS[reg], ad->id);
        break;
    case T_SSM_UII: {
        char pip[48], cn[96], az[24];
        int k;
        const char *iid = a.name;
        k = (int)(hs(iid, 1) % 200) + 10;
        private_addr(pip, sizeof pip, cn, sizeof cn, acct, reg, 1, k);
        snprintf(az, sizeof az, "%sa", REGIONS[reg]);
        jo(q);
        jks(q, "instanceId", iid);
        jks(q, "agentVersion", "3.3.131.0");
        jks(q, "agentStatus", "Active");
        jks(q, "platformType", "Linux");
        jks(q, "platformName", "Amazon Linux");
        jks(q, "platformVersion", "2023");
        jks(q, "iPAddress", pip);
        jks(q, "computerName", cn);
        jks(q, "agentName", "amazon-ssm-agent");
        jks(q, "availabilityZone", az);
        jks(q, "sSMConnectionChannel", "ssmmessages");
        jc(q);
        snprintf(resbuf, sizeof resbuf, "arn:aws:ec2:%s:%s:instance/%s", REGIONS[reg], ad->id, iid);
        break;
    }
    default:
        break;
    }

    if (fail) {
        char svc[32], act[64];
        const char *resarn = resbuf[0] ? resbuf : "*";
        int ec2 = !strcmp(tp->src, "ec2.amazonaws.com");
        int s3 = !strcmp(tp->src, "s3.amazonaws.com");
        int iam = !strcmp(tp->src, "iam.amazonaws.com");
        int roll = (int)rnd(r, 100);
        svc_prefix(svc, sizeof svc, tp->src);
        action_name(act, sizeof act, tp->name);
        j_reset(p); /* responseElements null on failure */
        if (cls == C_SERVICE || cls == C_SVCROLE || (roll < 12 && !a.readonly)) {
            if (ec2) {
                ecode = "Client.RequestLimitExceeded";
                snprintf(emsg, sizeof emsg, "Request limit exceeded.");
            } else {
                ecode = "ThrottlingException";
                snprintf(emsg, sizeof emsg, "Rate exceeded");
            }
        } else if (ec2) {
            char enc[64];
            static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            ecode = "Client.UnauthorizedOperation";
            if (tp->ro)
                snprintf(emsg, sizeof emsg,
                         "You are not authorized to perform this operation. User: %s is not authorized to "
                         "perform: ec2:%s because no identity-based policy allows the ec2:%s action",
                         a.arn, act, act);
            else {
                ralnum(enc, 48, r, B64URL);
                snprintf(emsg, sizeof emsg,
                         "You are not authorized to perform this operation. User: %s is not authorized to "
                         "perform: ec2:%s on resource: %s because no identity-based policy allows the ec2:%s "
                         "action. Encoded authorization failure message: %s",
                         a.arn, act, resarn, act, enc);
            }
        } else if (s3) {
            if (tid == T_S3_GET && roll < 35) {
                ecode = "NoSuchKey";
                snprintf(emsg, sizeof emsg, "The specified key does not exist.");
            } else {
                ecode = "AccessDenied";
                snprintf(emsg, sizeof emsg, "Access Denied");
            }
        } else if (iam && target[0] && !a.readonly && (!strcmp(target, "contractor-tmp") || roll < 30)) {
            ecode = "NoSuchEntityException";
            if (!strcmp(target, "contractor-tmp"))
                snprintf(emsg, sizeof emsg, "The user with name %s cannot be found.", target);
            else {
                snprintf(target, sizeof target, "contractor-tmp");
                snprintf(emsg, sizeof emsg, "The user with name %s cannot be found.", target);
            }
        } else {
            ecode = "AccessDenied";
            snprintf(emsg, sizeof emsg,
                     "User: %s is not authorized to perform: %s:%s on resource: %s because no identity-based "
                     "policy allows the %s:%s action",
                     a.arn, svc, act, resarn, svc, act);
        }
        rec.ecode = ecode;
        rec.emsg = emsg;
    }

    rec_frags(&rec, g);
    write_rec(out, &rec);
}

/* ------------------------------------------------------------------ */
/* scenarios                                                           */
/* ------------------------------------------------------------------ */

#define A_ 0
#define B_ 1
#define TAG_NORMAL 0
#define TAG_DUP 1
#define TAG_LATE 2

static int64_t T(const Gen *g, int day, int h, int m, int s)
{
    return g->start + (int64_t)day * DAY + h * 3600 + m * 60 + s;
}

static int64_t normal_stamp(int64_t t) { return t / 300 * 300 + 600; }

/* start a scenario record; identity goes into g->uid, fragments into g->req/resp/add/res */
static Rec *S_begin(Gen *g, int acct, int reg, int64_t t, const char *src, const char *name, int ro, const char *ip,
                    const char *ua)
{
    static char host[128];
    Rec *r = &g->sr;
    rec_init(r, acct, reg, t, src, name);
    r->ip = ip;
    r->ua = ua;
    r->ro = ro;
    host_for(host, sizeof host, src, reg);
    r->host = host;
    frags_reset(g);
    return r;
}

static void S_emit_tag(Gen *g, int sc, int nn, int tag, int64_t stamp)
{
    Rec *r = &g->sr;
    char eid[40], reqid[40];
    Buf o = {0, 0, 0};
    int acct = !strcmp(r->acct, ACCT[0].id) ? 0 : 1;
    int reg, i;
    SRec *sr;
    for (reg = 0; reg < NREG; reg++)
        if (!strcmp(REGIONS[reg], r->region))
            break;
    snprintf(eid, sizeof eid, "00000000-0000-4000-8000-000000%02d00%02d", sc, nn);
    request_id(reqid, r->src, &g->srng);
    if (g->same_request) /* a cross-account call's two copies (one per account) share it */
        memcpy(reqid, g->last_reqid, sizeof reqid);
    memcpy(g->last_reqid, reqid, sizeof reqid);
    r->eid = eid;
    if (strcmp(r->etype, "AwsConsoleSignIn") != 0)
        r->reqid = reqid;
    rec_frags(r, g);
    write_rec(&o, r);
    for (i = 0; i < (tag == TAG_DUP ? 2 : 1); i++) {
        g->srecs = grow(g->srecs, g->nsrec, &g->capsrec, 64, sizeof *g->srecs);
        sr = &g->srecs[g->nsrec++];
        sr->acct = acct;
        sr->reg = reg;
        sr->t = r->t;
        sr->sc = sc;
        sr->nn = nn;
        sr->story = g->in_story;
        sr->deleted = g->in_deleted;
        g->nstory += g->in_story;
        sr->tag = i == 0 ? (tag == TAG_DUP ? TAG_NORMAL : tag) : TAG_DUP;
        sr->stamp = (i == 0 && stamp) ? stamp : normal_stamp(r->t);
        if (i == 1)
            sr->stamp = normal_stamp(r->t) + 300; /* second delivery, next 5-minute file */
        sr->json = xmalloc(o.n + 1);
        memcpy(sr->json, o.p, o.n + 1);
    }
    free(o.p);
}

/* who makes a scenario's calls, from where, with which client: an IAM user
 * (user set), root (user NULL) or an assumed-role session (role set) */
typedef struct {
    Gen *g;
    int sc, acct;
    const char *ip;
    const char *ua; /* NULL: the CLI of kind uakind, command named after each call */
    int uakind;
    int console;
    const char *user;
    const char *role, *sess, *srcid;
    char key[32];
    const char *mfa; /* NULL: no sessionContext */
    int64_t created;
    char uab[512];
} Who;

static void who_init(Who *w, Gen *g, int sc, int acct, const char *user, const char *ip)
{
    memset(w, 0, sizeof *w);
    w->g = g;
    w->sc = sc;
    w->acct = acct;
    w->user = user;
    w->ip = ip;
}

/* a user calling through a CLI or SDK with the user's long-term access key */
static void who_cli(Who *w, Gen *g, int sc, int acct, const char *user, const char *ip, int uakind)
{
    who_init(w, g, sc, acct, user, ip);
    w->uakind = uakind;
    user_akia(w->key, acct, user);
}

/* a console session of a user (NULL: root) signed in with MFA; the caller
 * sets its key and creation time */
static void who_console(Who *w, Gen *g, int sc, int acct, const char *user, const char *ip)
{
    who_init(w, g, sc, acct, user, ip);
    w->ua = "console.amazonaws.com";
    w->console = 1;
    w->mfa = "true";
}

/* start a record of a call by w: identity written, the rest is the caller's */
static Rec *S_call(Who *w, int reg, int64_t t, const char *src, const char *name, int ro)
{
    Gen *g = w->g;
    const char *ua = w->ua;
    Rec *r;
    if (!ua) {
        ua_make(w->uab, sizeof w->uab, w->uakind, src, name);
        ua = w->uab;
    }
    r = S_begin(g, w->acct, reg, t, src, name, ro, w->ip, ua);
    r->console = w->console;
    if (w->role)
        id_role(&g->uid, w->acct, w->role, w->sess, w->key, w->mfa, w->created, w->srcid, NULL, 0);
    else if (w->user)
        id_user(&g->uid, w->acct, w->user, w->key, w->mfa, w->created, NULL);
    else
        id_root(&g->uid, w->acct, w->key, w->mfa, w->created);
    return r;
}

static Rec *S_iam(Who *w, int64_t t, const char *name, int ro)
{
    return S_call(w, 0, t, "iam.amazonaws.com", name, ro);
}

static void S_end(Who *w, int nn) { S_emit_tag(w->g, w->sc, nn, TAG_NORMAL, 0); }

static void S_login(Who *w, int nn, const char *user, int64_t t, const char *ua, int mfa)
{
    Gen *g = w->g;
    Rec *r = S_begin(g, w->acct, 0, t, "signin.amazonaws.com", "ConsoleLogin", 0, w->ip, ua);
    id_login(&g->uid, w->acct, user, 0);
    r->etype = "AwsConsoleSignIn";
    login_frags(&g->resp, &g->add, 0, LOGIN_TO[0], mfa);
    S_end(w, nn);
}

/* IAM call whose request names user u (NULL: no parameters) */
static Rec *S_on_user(Who *w, int64_t t, const char *name, int ro, const char *u)
{
    Rec *r = S_iam(w, t, name, ro);
    J *q = &w->g->req;
    if (u) {
        jo(q);
        jks(q, "userName", u);
        jc(q);
    }
    return r;
}

/* read-only IAM call about a user: ListMFADevices, GetUser, ListAccessKeys, ... */
static void S_read(Who *w, int nn, int64_t t, const char *name, const char *u)
{
    S_on_user(w, t, name, 1, u);
    S_end(w, nn);
}

static void mfa_serial(char *o, size_t n, int acct, const char *dev)
{
    snprintf(o, n, "arn:aws:iam::%s:mfa/%s", ACCT[acct].id, dev);
}

/* IAM call on virtual MFA device dev, of user u (NULL: not named in the request) */
static Rec *S_mfa_call(Who *w, int64_t t, const char *name, const char *u, const char *dev)
{
    Rec *r = S_iam(w, t, name, 0);
    J *q = &w->g->req;
    char sn[128];
    mfa_serial(sn, sizeof sn, w->acct, dev);
    jo(q);
    if (u)
        jks(q, "userName", u);
    jks(q, "serialNumber", sn);
    jc(q);
    return r;
}

static void S_mfa(Who *w, int nn, int64_t t, const char *name, const char *u, const char *dev)
{
    S_mfa_call(w, t, name, u, dev);
    S_end(w, nn);
}

static void S_create_vmfa(Who *w, int nn, int64_t t, const char *dev)
{
    J *q = &w->g->req, *p = &w->g->resp;
    char sn[128];
    S_iam(w, t, "CreateVirtualMFADevice", 0);
    jo(q);
    jks(q, "virtualMFADeviceName", dev);
    jks(q, "path", "/");
    jc(q);
    mfa_serial(sn, sizeof sn, w->acct, dev);
    jo(p);
    jk(p, "virtualMFADevice");
    jo(p);
    jks(p, "serialNumber", sn);
    jc(p);
    jc(p);
    S_end(w, nn);
}

static void S_list_vmfa(Who *w, int nn, int64_t t, const char *status)
{
    J *q = &w->g->req;
    S_iam(w, t, "ListVirtualMFADevices", 1);
    jo(q);
    jks(q, "assignmentStatus", status);
    jc(q);
    S_end(w, nn);
}

/* CreateAccessKey for user u, returning key */
static void S_create_key(Who *w, int nn, int64_t t, const char *u, const char *key)
{
    S_on_user(w, t, "CreateAccessKey", 0, u);
    access_key_resp(&w->g->resp, key, u, t);
    S_end(w, nn);
}

/* S3 ListBuckets (us-east-1), out bytes returned */
static void S_list_buckets(Who *w, int nn, int64_t t, int64_t out)
{
    J *q = &w->g->req;
    S_call(w, 0, t, "s3.amazonaws.com", "ListBuckets", 1);
    jo(q);
    jks(q, "Host", "s3.amazonaws.com");
    jc(q);
    s3_add(&w->g->add, &w->g->srng, 0, out, 1);
    S_end(w, nn);
}

/* GetObject data event on a us-east-1 bucket, size bytes returned (0 for a
 * failure: the caller sets the error, then calls S_end) */
static Rec *S_get_object_call(Who *w, int64_t t, const char *bucket, const char *key, int64_t size)
{
    static char host[160];
    Gen *g = w->g;
    Rec *r = S_call(w, 0, t, "s3.amazonaws.com", "GetObject", 1);
    s3_host(host, sizeof host, bucket, 0);
    s3_object(&g->req, &g->res, ACCT[w->acct].id, bucket, host, key, NULL);
    s3_add(&g->add, &g->srng, 0, size, 1);
    r->mgmt = 0;
    r->cat = "Data";
    r->host = host;
    return r;
}

static void S_get_object(Who *w, int nn, int64_t t, const char *bucket, const char *key, int64_t size)
{
    S_get_object_call(w, t, bucket, key, size);
    S_end(w, nn);
}

static void build_scenarios(Gen *g)
{
    Rec *r;
    Who w;
    J *q = &g->req;
    int i;

    /* ---- S01: alice deactivates her own MFA from an unusual IP, then persists ---- */
    if (g->days > 0) {
        static const struct {
            int m, s;
            const char *key;
            int64_t size;
        } TAKEN[3] = {{43, 2, "2026/02/payroll.xlsx", 482113},
                      {43, 19, "2026/02/board-deck.pdf", 3311842},
                      {44, 51, "customers/export-full.csv", 19933410}};
        const char *ip = "198.51.100.77";
        int64_t tl = T(g, 0, 13, 58, 2);
        Who cli;
        g->nscen++;
        who_console(&w, g, 1, A_, "alice", ip);
        aws_id(w.key, "ASIA", 16, hs("alice-s01-console", 1));
        w.created = tl;
        who_cli(&cli, g, 1, A_, "alice", ip, UA_CLI_MAC);
        aws_id(cli.key, "AKIA", 16, hs("alice-s01-newkey", 1)); /* not her old key: the one she creates */
        S_login(&w, 10, "alice", tl, UA_BROWSER[1], 1);
        S_read(&w, 11, T(g, 0, 14, 6, 12), "ListMFADevices", "alice");
        S_mfa(&w, 1, T(g, 0, 14, 7, 31), "DeactivateMFADevice", "alice", "alice");
        S_create_key(&w, 12, T(g, 0, 14, 21, 45), "alice", cli.key);
        S_login(&w, 13, "alice", T(g, 0, 15, 40, 9), UA_BROWSER[1], 0);

        S_list_buckets(&cli, 14, T(g, 0, 15, 41, 30), 2311);
        for (i = 0; i < 3; i++)
            S_get_object(&cli, 15 + i, T(g, 0, 15, TAKEN[i].m, TAKEN[i].s), "prod-finance-reports-111122223333",
                         TAKEN[i].key, TAKEN[i].size);
    }

    /* ---- S02: attacker with bob's keys deactivates + deletes carol's MFA, then
     * creates an access key for carol and uses it to take data from S3 ---- */
    if (g->days > 0) {
        static const struct {
            int m, s;
            const char *key;
            int64_t size; /* 0: AccessDenied */
        } TAKEN[4] = {{41, 8, "exports/2026-03-01/customers-full.csv.gz", 48213377},
                      {42, 31, "exports/2026-03-01/customer-emails.csv", 7312904},
                      {43, 55, "exports/2026-02/payment-methods.parquet", 12877431},
                      {44, 47, "restricted/pii/tax-ids-2025.csv", 0}};
        const char *ip = "192.0.2.200", *bk = "prod-customer-exports-111122223333";
        Who cli;
        g->nscen++;
        who_cli(&w, g, 2, A_, "bob", ip, UA_BOTO3);
        w.ua = UA_ATTACKER;
        S_call(&w, 0, T(g, 0, 22, 28, 40), "sts.amazonaws.com", "GetCallerIdentity", 1);
        S_end(&w, 10);
        S_read(&w, 11, T(g, 0, 22, 29, 10), "ListUsers", NULL);
        S_read(&w, 12, T(g, 0, 22, 30, 2), "ListMFADevices", "carol");
        S_mfa(&w, 1, T(g, 0, 22, 31, 5), "DeactivateMFADevice", "carol", "carol");
        S_mfa(&w, 2, T(g, 0, 22, 31, 20), "DeleteVirtualMFADevice", NULL, "carol");
        S_iam(&w, T(g, 0, 22, 32, 44), "UpdateLoginProfile", 0);
        jo(q);
        jks(q, "userName", "carol");
        jkb(q, "passwordResetRequired", 0);
        jc(q);
        S_end(&w, 13);
        S_login(&w, 14, "carol", T(g, 0, 22, 35, 10), UA_BROWSER[2], 0);

        who_cli(&cli, g, 2, A_, "carol", ip, UA_BOTO3); /* the attacker, with carol's new key */
        cli.ua = UA_ATTACKER;
        aws_id(cli.key, "AKIA", 16, hs("carol-s02-newkey", 2));
        S_create_key(&w, 15, T(g, 0, 22, 33, 30), "carol", cli.key);
        S_list_buckets(&cli, 16, T(g, 0, 22, 40, 0), 2187);
        for (i = 0; i < 4; i++) {
            r = S_get_object_call(&cli, T(g, 0, 22, TAKEN[i].m, TAKEN[i].s), bk, TAKEN[i].key, TAKEN[i].size);
            if (!TAKEN[i].size) {
                r->ecode = "AccessDenied";
                r->emsg = "Access Denied";
            }
            S_end(&cli, 17 + i);
        }
    }

    /* ---- S03: failed DeactivateMFADevice (AccessDenied) ---- */
    if (g->days > 1) {
        g->nscen++;
        who_cli(&w, g, 3, A_, "dave", "203.0.113.51", UA_CLI_LINUX);
        S_read(&w, 10, T(g, 1, 9, 11, 58), "ListMFADevices", "alice");
        r = S_mfa_call(&w, T(g, 1, 9, 12, 40), "DeactivateMFADevice", "alice", "alice");
        r->ecode = "AccessDenied";
        r->emsg = "User: arn:aws:iam::111122223333:user/dave is not authorized to perform: "
                  "iam:DeactivateMFADevice on resource: user alice because no identity-based policy allows the "
                  "iam:DeactivateMFADevice action";
        S_end(&w, 1);
        S_read(&w, 11, T(g, 1, 9, 13, 5), "GetUser", "alice");
    }

    /* ---- S04: AssumedRole session (HelpdeskAdmin) deactivates dave's MFA ---- */
    if (g->days > 1) {
        char rarn[200];
        int64_t ta = T(g, 1, 11, 43, 50);
        Who hd;
        g->nscen++;
        who_cli(&w, g, 4, A_, "carol", "203.0.113.91", UA_CLI_WIN);
        S_call(&w, 0, ta, "sts.amazonaws.com", "AssumeRole", 1);
        role_arn(rarn, sizeof rarn, A_, "HelpdeskAdmin");
        assume_role_req(q, rarn, "carol-helpdesk", "carol");
        creds_resp(&g->resp, &g->srng, A_, "HelpdeskAdmin", "carol-helpdesk", ta, "carol");
        res_one(&g->res, ACCT[A_].id, "AWS::IAM::Role", rarn);
        S_end(&w, 10);
        hd = w; /* the session she assumed, same machine and CLI */
        hd.role = "HelpdeskAdmin";
        hd.sess = "carol-helpdesk";
        hd.srcid = "carol";
        hd.mfa = "false";
        hd.created = ta;
        aws_id(hd.key, "ASIA", 16, hs("carol-helpdesk-s04", 4));
        S_read(&hd, 11, T(g, 1, 11, 44, 30), "ListMFADevices", "dave");
        S_mfa(&hd, 1, T(g, 1, 11, 45, 18), "DeactivateMFADevice", "dave", "dave");
        S_read(&hd, 12, T(g, 1, 11, 46, 2), "ListMFADevices", "dave");
    }

    /* ---- S05: root deletes its virtual MFA device ---- */
    if (g->days > 1) {
        int64_t tl = T(g, 1, 16, 15, 3);
        g->nscen++;
        who_console(&w, g, 5, A_, NULL, "203.0.113.200");
        aws_id(w.key, "ASIA", 16, hs("root-s05", 5));
        w.created = tl;
        S_login(&w, 10, NULL, tl, UA_BROWSER[0], 1);
        S_list_vmfa(&w, 11, T(g, 1, 16, 19, 40), "Any");
        S_mfa(&w, 1, T(g, 1, 16, 20, 55), "DeleteVirtualMFADevice", NULL, "root-account-mfa-device");
    }

    /* ---- S06: same DeactivateMFADevice delivered twice ---- */
    if (g->days > 1) {
        g->nscen++;
        who_cli(&w, g, 6, A_, "erin", "203.0.113.77", UA_CLI_MAC);
        S_mfa_call(&w, T(g, 1, 20, 5, 12), "DeactivateMFADevice", "erin", "erin");
        S_emit_tag(g, w.sc, 1, TAG_DUP, 0);
        S_create_vmfa(&w, 10, T(g, 1, 20, 9, 40), "erin-2026");
        S_mfa(&w, 11, T(g, 1, 20, 10, 5), "EnableMFADevice", "erin", "erin-2026");
    }

    /* ---- S07: DeactivateMFADevice delivered late (file stamped 4h27m later) ---- */
    if (g->days > 2) {
        int64_t late = T(g, 2, 7, 45, 0);
        g->nscen++;
        who_cli(&w, g, 7, A_, "bob", "2001:db8:85a3::8a2e:370:7334", UA_CLI_LINUX);
        S_call(&w, 0, T(g, 2, 3, 16, 50), "sts.amazonaws.com", "GetCallerIdentity", 1);
        S_emit_tag(g, w.sc, 10, TAG_LATE, late);
        S_mfa_call(&w, T(g, 2, 3, 17, 44), "DeactivateMFADevice", "bob", "bob");
        S_emit_tag(g, w.sc, 1, TAG_LATE, late);
    }

    /* ---- S08: DeleteVirtualMFADevice fails with NoSuchEntity ---- */
    if (g->days > 2) {
        int64_t tc = T(g, 2, 8, 21, 30);
        g->nscen++;
        who_console(&w, g, 8, A_, "carol", "203.0.113.91");
        session_of(w.key, &w.created, "carol-s08", A_, tc, 8);
        w.created = tc; /* the session's key, but she signed in at tc */
        S_list_vmfa(&w, 10, T(g, 2, 8, 39, 30), "Unassigned");
        r = S_mfa_call(&w, T(g, 2, 8, 40, 10), "DeleteVirtualMFADevice", NULL, "dave-old");
        r->ecode = "NoSuchEntityException";
        r->emsg = "VirtualMFADevice with serial number arn:aws:iam::111122223333:mfa/dave-old doesn't exist.";
        S_end(&w, 1);
    }

    /* ---- S09: account 444455556666, ops-admin deactivates ivan's MFA ---- */
    if (g->days > 2) {
        char nk[32];
        g->nscen++;
        who_cli(&w, g, 9, B_, "ops-admin", "203.0.113.160", UA_CLI_LINUX);
        S_read(&w, 10, T(g, 2, 12, 1, 10), "ListMFADevices", "ivan");
        S_mfa(&w, 1, T(g, 2, 12, 2, 33), "DeactivateMFADevice", "ivan", "ivan");
        S_read(&w, 11, T(g, 2, 12, 4, 45), "ListAccessKeys", "ivan");
        aws_id(nk, "AKIA", 16, hs("ivan-s09-newkey", 9));
        S_create_key(&w, 12, T(g, 2, 12, 6, 2), "ivan", nk);
    }

    /* ---- S10: wrong case eventName (lookalike) ---- */
    if (g->days > 2) {
        g->nscen++;
        who_cli(&w, g, 10, A_, "dave", "203.0.113.51", UA_CLI_LINUX);
        S_mfa(&w, 1, T(g, 2, 14, 10, 0), "deactivateMFADevice", "dave", "dave");
    }

    /* ---- S11: other MFA APIs (lookalikes) ---- */
    if (g->days > 2) {
        g->nscen++;
        who_cli(&w, g, 11, A_, "dave", "203.0.113.51", UA_CLI_LINUX);
        S_create_vmfa(&w, 1, T(g, 2, 15, 29, 0), "dave-2026");
        S_mfa(&w, 2, T(g, 2, 15, 31, 40), "EnableMFADevice", "dave", "dave-2026");
        S_mfa(&w, 3, T(g, 2, 15, 33, 5), "ResyncMFADevice", "dave", "dave-2026");
        S_read(&w, 4, T(g, 2, 15, 34, 12), "ListMFADevices", "dave");
    }

    /* ---- S12: DeactivateMFADevice with errorCode "" (counts as success) ----
     * ---- S13: DeactivateMFADevice with errorMessage only (failure) ---- */
    if (g->days > 2) {
        static const struct {
            int sc, h, m, s;
            const char *u, *dev, *ecode, *emsg;
        } ODD[2] = {{12, 18, 22, 9, "bob", "bob", "", NULL},
                    {13, 21, 47, 30, "erin", "erin-2026", NULL, "An unknown error occurred"}};
        for (i = 0; i < 2; i++) {
            g->nscen++;
            who_cli(&w, g, ODD[i].sc, A_, "carol", "203.0.113.91", UA_CLI_WIN);
            r = S_mfa_call(&w, T(g, 2, ODD[i].h, ODD[i].m, ODD[i].s), "DeactivateMFADevice", ODD[i].u, ODD[i].dev);
            r->ecode = ODD[i].ecode;
            r->emsg = ODD[i].emsg;
            S_end(&w, 1);
        }
    }

    /* ---- S99: parser edge cases (not MFA scenarios) ---- */
    if (g->days > 0) {
        char iid[32], rid[40];

        /* 99/01: 23-digit integer in requestParameters */
        who_cli(&w, g, 99, A_, "ci-runner", "198.51.100.23", UA_BOTO3);
        r = S_call(&w, 1, T(g, 0, 10, 15, 27), "kms.amazonaws.com", "GenerateRandom", 1);
        jo(q);
        jkr(q, "numberOfBytes", "12345678901234567890123");
        jc(q);
        r->ecode = "ValidationException";
        r->emsg = "1 validation error detected: Value '12345678901234567890123' at 'numberOfBytes' failed to "
                  "satisfy constraint: Member must have value less than or equal to 1024";
        S_end(&w, 1);

        /* 99/02: 2^53+1 in requestParameters */
        who_cli(&w, g, 99, B_, "backup-bot", "198.51.100.40", UA_JAVA);
        r = S_call(&w, 2, T(g, 0, 11, 2, 48), "ec2.amazonaws.com", "DescribeInstances", 1);
        r->ver = "1.09";
        jo(q);
        jkeo(q, "instancesSet");
        jkeo(q, "filterSet");
        jkr(q, "maxResults", "9007199254740993");
        jc(q);
        r->ecode = "Client.InvalidParameterValue";
        r->emsg = "Value ( 9007199254740993 ) for parameter maxResults is invalid. Expecting a value between 5 and "
                  "1000.";
        S_end(&w, 2);

        /* 99/03: non-ASCII user agent and tag value */
        who_cli(&w, g, 99, A_, "carol", "203.0.113.91", UA_CLI_WIN);
        w.ua = "aws-cli/2.17.5 md/awscrt#0.20.11 ua/2.0 os/windows#10 md/arch#amd64 lang/python#3.11.8 "
               "md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off "
               "md/command#ec2.create-tags app/poste-de-René";
        r = S_call(&w, 2, T(g, 0, 12, 31, 9), "ec2.amazonaws.com", "CreateTags", 0);
        r->ver = "1.09";
        inst_id(iid, A_, 2, 0);
        create_tags_req(q, iid, "Team", "Équipe données – 東京/日本");
        ruuid(rid, &g->srng);
        ec2_return_resp(&g->resp, rid);
        S_end(&w, 3);
    }
    if (g->days > 1) {
        /* 99/04: policy document as an escaped JSON string, with a \u escape */
        int64_t t4 = T(g, 1, 13, 20, 5);
        who_console(&w, g, 99, B_, "ops-admin", "203.0.113.160");
        session_of(w.key, &w.created, "ops-admin-s99", B_, t4, 99);
        S_iam(&w, t4, "PutRolePolicy", 0);
        jo(q);
        jks(q, "roleName", "DataEngineer");
        jks(q, "policyName", "cafe-reports");
        jkr(q, "policyDocument",
            "\"{\\n  \\\"Version\\\": \\\"2012-10-17\\\",\\n  \\\"Statement\\\": [{\\n    \\\"Sid\\\": "
            "\\\"Caf\\u00e9Reports\\\",\\n    \\\"Effect\\\": \\\"Allow\\\",\\n    \\\"Action\\\": "
            "\\\"s3:GetObject\\\",\\n    \\\"Resource\\\": \\\"arn:aws:s3:::dev-data-lake-444455556666/caf\\u00e9/*"
            "\\\"\\n  }]\\n}\"");
        jc(q);
        S_end(&w, 4);
    }
}

/* ------------------------------------------------------------------ */
/* data stories: scenario records read from data/stories/NAME.tsv      */
/* ------------------------------------------------------------------ */

/* A story file adds records to a scenario as data, not code (format: data/README.md,
 * "Data stories"). Lines are tab-separated; '#' starts a comment line.
 *   scenario SS NN                   eventIDs ...0000SS00NN, NN counting up in file order
 *   who NAME ACCOUNT USER IP UA      an IAM user signing with its long-term access key
 *                                    (the generator's key for that user, as who_cli)
 *   session NAME ACCOUNT ROLE SESSION KEY CREATED MFA SOURCE_IDENTITY IP UA
 *                                    an assumed-role session of ROLE (userIdentity AssumedRole,
 *                                    the role's AROA id as the generator gives it everywhere)
 *   account NAME ACCOUNT CALLER      the role owner's copy of CALLER's cross-account calls:
 *                                    userIdentity AWSAccount (CALLER's principalId and account),
 *                                    written to ACCOUNT's files
 *   TIME WHO REGION SOURCE NAME RO REQUEST RESPONSE ERRORCODE ERRORMESSAGE [OPTION=VALUE...]
 *                                    one record; TIME is D+HH:MM:SS after --start;
 *                                    "-" is null (REQUEST, RESPONSE) or absent (the rest);
 *                                    options sharedEventID=UUID, resources=[JSON array]
 * Records are rendered by the scenario writers (S_call, S_emit_tag), after every
 * built-in scenario, so the built-in records and their PRNG draws do not move. */

#define STORY_WHO 16

enum { STORY_USER, STORY_SESSION, STORY_ACCOUNT };

typedef struct {
    int kind;
    const char *name, *ip, *ua;
    const char *user;               /* STORY_USER: the IAM user; STORY_SESSION: the role */
    const char *sess, *mfa, *srcid; /* STORY_SESSION (srcid NULL: none) */
    char key[32];                   /* STORY_SESSION: its ASIA key */
    int64_t created;                /* STORY_SESSION: creationDate */
    int caller;                     /* STORY_ACCOUNT: index of the calling identity */
    int acct;                       /* where its records are written (recipientAccountId) */
} StoryWho;

/* the whole file, NUL-terminated */
static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *p = NULL;
    size_t n = 0, cap = 0, got;
    if (!f)
        die("%s: %s", path, strerror(errno));
    do {
        if (n + 4096 + 1 > cap) {
            cap = (n + 4096 + 1) * 2;
            p = realloc(p, cap);
            if (!p)
                die("out of memory");
        }
        got = fread(p + n, 1, cap - n - 1, f);
        n += got;
    } while (got > 0);
    if (ferror(f))
        die("%s: read error", path);
    fclose(f);
    p[n] = 0;
    if (strlen(p) != n)
        die("%s: NUL byte in a story file", path);
    return p;
}

/* splits line at tabs into at most max fields; returns how many */
static int split_tabs(char *line, char **fld, int max)
{
    int n = 0;
    for (;;) {
        char *tab = strchr(line, '\t');
        if (n == max)
            return max + 1; /* too many */
        fld[n++] = line;
        if (!tab)
            return n;
        *tab = 0;
        line = tab + 1;
    }
}

/* "-" -> NULL */
static const char *opt_field(const char *s) { return strcmp(s, "-") ? s : NULL; }

/* D+HH:MM:SS: day D after --start, UTC */
static int64_t story_time(const Gen *g, const char *s, const char *path, int lno)
{
    int day, h, m, sec, end = -1;
    if (sscanf(s, "%d+%d:%d:%d%n", &day, &h, &m, &sec, &end) != 4 || s[end] || day < 0 || h > 23 || m > 59 ||
        sec > 59 || h < 0 || m < 0 || sec < 0)
        die("%s:%d: bad time %s (expected D+HH:MM:SS)", path, lno, s);
    return T(g, day, h, m, sec);
}

static int story_acct(const char *id, const char *path, int lno)
{
    int acct;
    for (acct = 0; acct < NACCT && strcmp(ACCT[acct].id, id); acct++)
        ;
    if (acct == NACCT)
        die("%s:%d: unknown account %s", path, lno, id);
    return acct;
}

static int story_who(const StoryWho *who, int nwho, const char *name, const char *path, int lno)
{
    int wi;
    for (wi = 0; wi < nwho && strcmp(who[wi].name, name); wi++)
        ;
    if (wi == nwho)
        die("%s:%d: unknown identity %s", path, lno, name);
    return wi;
}

/* the identity lines: who, session, account; 0 when the line is none of them */
static int story_identity(Gen *g, StoryWho *who, int *nwho, char **fld, int nf, const char *path, int lno)
{
    StoryWho *w = &who[*nwho];
    const char *k = fld[0];
    int wi;
    if (strcmp(k, "who") && strcmp(k, "session") && strcmp(k, "account"))
        return 0;
    if (*nwho == STORY_WHO)
        die("%s:%d: more than %d identities", path, lno, STORY_WHO);
    memset(w, 0, sizeof *w);
    if (nf > 1)
        for (wi = 0; wi < *nwho; wi++)
            if (!strcmp(who[wi].name, fld[1]))
                die("%s:%d: identity %s is already defined", path, lno, fld[1]);
    w->name = fld[1];
    if (!strcmp(k, "who")) {
        if (nf != 6)
            die("%s:%d: expected: who NAME ACCOUNT USER IP USER_AGENT", path, lno);
        w->kind = STORY_USER;
        w->acct = story_acct(fld[2], path, lno);
        w->user = fld[3];
        w->ip = fld[4];
        w->ua = fld[5];
    } else if (!strcmp(k, "session")) {
        size_t i, n;
        if (nf != 11)
            die("%s:%d: expected: session NAME ACCOUNT ROLE SESSION KEY CREATED MFA SOURCE_IDENTITY IP "
                "USER_AGENT", path, lno);
        w->kind = STORY_SESSION;
        w->acct = story_acct(fld[2], path, lno);
        w->user = fld[3];
        w->sess = fld[4];
        n = strlen(fld[5]);
        for (i = 4; i < n && ((fld[5][i] >= 'A' && fld[5][i] <= 'Z') || (fld[5][i] >= '0' && fld[5][i] <= '9')); i++)
            ;
        if (n != 20 || strncmp(fld[5], "ASIA", 4) || i != n)
            die("%s:%d: a session key is ASIA and 16 upper-case letters or digits, not %s", path, lno, fld[5]);
        memcpy(w->key, fld[5], n + 1);
        w->created = story_time(g, fld[6], path, lno);
        if (strcmp(fld[7], "true") && strcmp(fld[7], "false"))
            die("%s:%d: mfaAuthenticated must be true or false", path, lno);
        w->mfa = fld[7];
        w->srcid = opt_field(fld[8]);
        w->ip = fld[9];
        w->ua = fld[10];
    } else {
        if (nf != 4)
            die("%s:%d: expected: account NAME ACCOUNT CALLER", path, lno);
        w->kind = STORY_ACCOUNT;
        w->acct = story_acct(fld[2], path, lno);
        w->caller = story_who(who, *nwho, fld[3], path, lno);
        if (who[w->caller].kind == STORY_ACCOUNT)
            die("%s:%d: the caller %s is an account line itself", path, lno, fld[3]);
        if (who[w->caller].acct == w->acct)
            die("%s:%d: the caller %s is of account %s already", path, lno, fld[3], fld[2]);
        w->ip = who[w->caller].ip;
        w->ua = who[w->caller].ua;
    }
    (*nwho)++;
    return 1;
}

/* starts a record of a call by story identity w (a Who as the built-in scenarios use) */
static Rec *story_call(Gen *g, const StoryWho *who, int wi, int sc, int reg, int64_t t, const char *src,
                       const char *name, int ro)
{
    const StoryWho *w = &who[wi], *c = w->kind == STORY_ACCOUNT ? &who[w->caller] : w;
    char pid[160];
    Rec *r;
    Who cw;
    if (c->kind == STORY_USER) {
        who_cli(&cw, g, sc, c->acct, c->user, c->ip, UA_BOTO3);
    } else {
        who_init(&cw, g, sc, c->acct, NULL, c->ip);
        cw.role = c->user;
        cw.sess = c->sess;
        cw.srcid = c->srcid;
        cw.mfa = c->mfa;
        cw.created = c->created;
        memcpy(cw.key, c->key, sizeof cw.key);
    }
    cw.ua = c->ua;
    cw.acct = w->acct;
    r = S_call(&cw, reg, t, src, name, ro);
    if (w->kind == STORY_ACCOUNT) { /* the role owner's view: only the calling account and principal */
        if (c->kind == STORY_USER) {
            user_aida(pid, c->acct, c->user);
        } else {
            role_aroa(pid, c->acct, c->user);
            snprintf(pid + strlen(pid), sizeof pid - strlen(pid), ":%s", c->sess);
        }
        j_reset(&g->uid);
        jo(&g->uid);
        jks(&g->uid, "type", "AWSAccount");
        jks(&g->uid, "principalId", pid);
        jks(&g->uid, "accountId", ACCT[c->acct].id);
        jc(&g->uid);
    }
    return r;
}

static void story_file(Gen *g, const char *path)
{
    char *text = read_text(path), *line = text, *next;
    char *fld[16];
    const char *prev_shared = NULL; /* sharedEventID of the record before, if any */
    StoryWho who[STORY_WHO];
    int nwho = 0, sc = -1, nn = 0, lno = 0, nf, k;
    for (; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        lno++;
        if (*line && line[strlen(line) - 1] == '\r')
            line[strlen(line) - 1] = 0;
        if (!*line || *line == '#')
            continue;
        nf = split_tabs(line, fld, 12);
        if (!strcmp(fld[0], "scenario")) {
            if (nf != 3)
                die("%s:%d: expected: scenario SS NN", path, lno);
            sc = (int)parse_long(fld[1], "scenario", 1, 99);
            nn = (int)parse_long(fld[2], "first NN", 1, 99);
        } else if (!strcmp(fld[0], "deleted")) {
            if (nf != 1)
                die("%s:%d: expected: deleted (alone on its line)", path, lno);
            g->in_deleted = 1;
        } else if (!story_identity(g, who, &nwho, fld, nf, path, lno)) {
            int reg, ro, wi;
            int64_t t;
            const char *req, *resp, *shared = NULL, *res = NULL;
            Rec *r;
            if (nf < 10 || nf > 12)
                die("%s:%d: expected 10 tab-separated fields (and up to 2 options), found %d", path, lno,
                    nf > 12 ? 13 : nf);
            for (k = 10; k < nf; k++) {
                if (!strncmp(fld[k], "sharedEventID=", 14) && !shared)
                    shared = fld[k] + 14;
                else if (!strncmp(fld[k], "resources=", 10) && !res)
                    res = fld[k] + 10;
                else
                    die("%s:%d: unknown or repeated option %s (sharedEventID=, resources=)", path, lno, fld[k]);
            }
            if (res && (res[0] != '[' || res[strlen(res) - 1] != ']'))
                die("%s:%d: resources= is a JSON array", path, lno);
            if (sc < 0)
                die("%s:%d: a record before the scenario line", path, lno);
            t = story_time(g, fld[0], path, lno);
            wi = story_who(who, nwho, fld[1], path, lno);
            for (reg = 0; reg < NREG && strcmp(REGIONS[reg], fld[2]); reg++)
                ;
            if (reg == NREG)
                die("%s:%d: unknown region %s", path, lno, fld[2]);
            ro = !strcmp(fld[5], "true") ? 1 : !strcmp(fld[5], "false") ? 0 : !strcmp(fld[5], "-") ? -1 : -2;
            if (ro == -2)
                die("%s:%d: readOnly must be true, false or -", path, lno);
            req = opt_field(fld[6]);
            resp = opt_field(fld[7]);
            if ((req && (req[0] != '{' || req[strlen(req) - 1] != '}')) ||
                (resp && (resp[0] != '{' || resp[strlen(resp) - 1] != '}')))
                die("%s:%d: requestParameters and responseElements are a JSON object or -", path, lno);
            if (nn > 99)
                die("%s:%d: more than 99 records in scenario %d", path, lno, sc);
            for (k = 0; k < g->nsrec; k++)
                if (g->srecs[k].sc == sc && g->srecs[k].nn == nn)
                    die("%s:%d: eventID %02d00%02d is already taken", path, lno, sc, nn);
            if (t < g->end) { /* as the built-in scenarios: only inside --days */
                r = story_call(g, who, wi, sc, reg, t, fld[3], fld[4], ro);
                if (req)
                    jr(&g->req, req);
                if (resp)
                    jr(&g->resp, resp);
                if (res)
                    jr(&g->res, res);
                r->ecode = opt_field(fld[8]);
                r->emsg = opt_field(fld[9]);
                r->shared = shared;
                /* the second copy of one call (the record before has the same sharedEventID)
                 * has the first's requestID, as CloudTrail writes both */
                g->same_request = shared && prev_shared && !strcmp(shared, prev_shared);
                g->in_story = 1;
                S_emit_tag(g, sc, nn, TAG_NORMAL, 0);
                g->in_story = 0;
                g->same_request = 0;
            }
            prev_shared = shared;
            nn++;
        }
    }
    g->in_deleted = 0;
    free(text);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* every *.tsv of g->stories, in byte order of their names */
static void load_stories(Gen *g)
{
    DIR *d;
    struct dirent *e;
    char **names = NULL, path[4096];
    int n = 0, cap = 0, i;
    if (!g->stories)
        return;
    d = opendir(g->stories);
    if (!d)
        die("stories folder %s: %s (give --stories DIR, or --no-stories)", g->stories, strerror(errno));
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len > 4 && !strcmp(e->d_name + len - 4, ".tsv") && e->d_name[0] != '.') {
            names = grow(names, n, &cap, 8, sizeof *names);
            names[n] = xmalloc(len + 1);
            memcpy(names[n++], e->d_name, len + 1);
        }
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_str);
    for (i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s", g->stories, names[i]);
        story_file(g, path);
        free(names[i]);
    }
    free(names);
}

/* ------------------------------------------------------------------ */
/* file planning                                                       */
/* ------------------------------------------------------------------ */

static LogFile *new_file(Gen *g, int acct, int reg, int64_t stamp)
{
    LogFile *f;
    g->files = grow(g->files, g->nfiles, &g->capfiles, 256, sizeof *g->files);
    f = &g->files[g->nfiles];
    memset(f, 0, sizeof *f);
    f->acct = acct;
    f->reg = reg;
    f->stamp = stamp;
    f->w0 = stamp - 900;
    f->w1 = stamp - 300;
    f->order = (uint32_t)g->nfiles;
    g->nfiles++;
    return f;
}

static void file_add_srec(LogFile *f, int idx)
{
    f->sidx = grow(f->sidx, f->ns, &f->scap, 4, sizeof *f->sidx);
    f->sidx[f->ns++] = idx;
}

static const int HOUR_W[24] = {30, 25, 20, 20, 20, 25, 35, 55, 75, 85, 90, 95,
                               100, 100, 100, 100, 95, 90, 80, 70, 60, 50, 40, 35};
/* stream weights: acct x region */
static const int STREAM_W[NACCT][NREG] = {{27, 18, 15}, {18, 12, 10}};

static int cmp_file(const void *a, const void *b)
{
    const LogFile *x = a, *y = b;
    if (x->acct != y->acct)
        return x->acct - y->acct;
    if (x->reg != y->reg)
        return x->reg - y->reg;
    if (x->stamp != y->stamp)
        return x->stamp < y->stamp ? -1 : 1;
    return x->order < y->order ? -1 : (x->order > y->order);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : (x > y);
}

static void plan_files(Gen *g)
{
    Rng *r = &g->rng;
    long scen_records = g->nsrec - g->nstory; /* story records come on top of --events */
    long bg = g->events - scen_records;
    int K = g->perfile;
    int i, j, F;
    int *sizes;
    long sum;
    int nslots = 288 * g->days - 2;
    int per_stream[NACCT * NREG];

    /* scenario files */
    for (i = 0; i < g->nsrec; i++) {
        SRec *s = &g->srecs[i];
        LogFile *f = NULL;
        if (s->story)
            continue; /* place_stories */
        for (j = 0; j < g->nfiles; j++) {
            LogFile *c = &g->files[j];
            if (c->acct == s->acct && c->reg == s->reg && c->stamp == s->stamp && c->tag == s->tag) {
                f = c;
                break;
            }
        }
        if (!f) {
            f = new_file(g, s->acct, s->reg, s->stamp);
            f->tag = s->tag;
            f->scen = 1;
            if (s->tag == TAG_LATE) {
                f->w0 = s->t - 300;
                f->w1 = s->t + 300;
            }
        }
        file_add_srec(f, i);
    }
    /* filler background records in scenario files */
    for (j = 0; j < g->nfiles && bg > 0; j++) {
        long fill = K / 4 + (long)rnd(r, (uint32_t)(K / 2 + 1));
        if (fill > bg)
            fill = bg;
        if (g->files[j].w0 < g->start)
            g->files[j].w0 = g->start;
        g->files[j].nbg = (int)fill;
        bg -= fill;
    }

    /* regular files */
    if (bg <= 0)
        return;
    F = (int)((bg + K / 2) / K);
    if (F < 1)
        F = 1;
    if (F > bg)
        F = (int)bg;
    sizes = xmalloc((size_t)F * sizeof *sizes);
    sum = 0;
    for (i = 0; i < F; i++) {
        sizes[i] = 1 + (int)rnd(r, (uint32_t)(2 * K - 1 > 0 ? 2 * K - 1 : 1));
        sum += sizes[i];
    }
    {
        int cap = 2 * K;
        if ((long)cap * F < bg)
            cap = (int)((bg + F - 1) / F) + 1;
        while (sum < bg) {
            i = (int)rnd(r, (uint32_t)F);
            if (sizes[i] < cap) {
                sizes[i]++;
                sum++;
            }
        }
        while (sum > bg) {
            i = (int)rnd(r, (uint32_t)F);
            if (sizes[i] > 1) {
                sizes[i]--;
                sum--;
            }
        }
    }
    /* stratified split of the files over the (account, region) streams */
    {
        long tot = 0, given = 0;
        int st, best;
        long rem[NACCT * NREG];
        for (st = 0; st < NACCT * NREG; st++)
            tot += STREAM_W[st / NREG][st % NREG];
        for (st = 0; st < NACCT * NREG; st++) {
            long num = (long)F * STREAM_W[st / NREG][st % NREG];
            per_stream[st] = (int)(num / tot);
            rem[st] = num % tot;
            given += per_stream[st];
        }
        while (given < F) { /* largest remainder first, ties by stream order */
            best = 0;
            for (st = 1; st < NACCT * NREG; st++)
                if (rem[st] > rem[best])
                    best = st;
            per_stream[best]++;
            rem[best] = -1;
            given++;
        }
    }
    for (i = 0; i < F; i++) {
        int acct = 0, reg = 0, st = 0, x = i;
        int64_t stamp;
        LogFile *f;
        while (x >= per_stream[st]) {
            x -= per_stream[st];
            st++;
        }
        acct = st / NREG;
        reg = st % NREG;
        for (;;) {
            int slot = (int)rnd(r, (uint32_t)(nslots > 0 ? nslots : 1));
            Tm m;
            stamp = g->start + 900 + (int64_t)slot * 300;
            m = tm_of(stamp - 600);
            if ((int)rnd(r, 100) < HOUR_W[m.h])
                break;
        }
        f = new_file(g, acct, reg, stamp);
        f->nbg = sizes[i];
        if (pm(r, 10) || (F >= 20 && i == F / 2)) { /* ~1% late deliveries (at least one) */
            int64_t late = 3600 + (int64_t)rnd(r, 4 * 3600);
            if (stamp - late - 600 >= g->start) {
                f->w0 = stamp - late - 600;
                f->w1 = stamp - late;
                f->tag = TAG_LATE;
            }
        }
    }
    free(sizes);
}

/* Story records go into a file already planned for their stream and delivery stamp (a
 * scenario or a background file, not a late one), else into a new file of their own with
 * no background records. New files are created after every other, so that the draws that
 * plan and fill the others (and their names) stay as they were without the stories. */
static void place_stories(Gen *g)
{
    int i, j;
    for (i = 0; i < g->nsrec; i++) {
        SRec *s = &g->srecs[i];
        LogFile *f = NULL;
        if (!s->story)
            continue;
        /* a deleted record goes to a deleted file, never into a file that is written */
        for (j = 0; j < g->nfiles; j++) {
            LogFile *c = &g->files[j];
            if (c->acct == s->acct && c->reg == s->reg && c->stamp == s->stamp && c->tag == TAG_NORMAL &&
                c->deleted == s->deleted) {
                f = c;
                break;
            }
        }
        if (!f) {
            f = new_file(g, s->acct, s->reg, s->stamp);
            f->scen = 1;
            f->deleted = s->deleted;
        }
        file_add_srec(f, i);
    }
}

static void finish_plan(Gen *g)
{
    int i;
    /* random suffixes, in creation order (deterministic). The value drawn second once made
     * a fake hash; it is drawn still, so that every file keeps its name and content */
    for (i = 0; i < g->nfiles; i++) {
        ralnum(g->files[i].suffix, 16, &g->rng, ALNUM);
        (void)rng_next(&g->rng);
        g->files[i].fseed = mix64(rng_next(&g->rng) ^ ((uint64_t)i + 1) * 0xD1B54A32D192ED03ULL);
    }
    qsort(g->files, (size_t)g->nfiles, sizeof *g->files, cmp_file);
}

/* ------------------------------------------------------------------ */
/* writing                                                             */
/* ------------------------------------------------------------------ */

/* background event times of a file; leaves g->rng positioned for its content */
static int64_t *file_times(Gen *g, const LogFile *f, int64_t **times, size_t *tcap)
{
    int k, n = f->nbg;
    if ((size_t)n + 1 > *tcap) {
        *tcap = (size_t)n * 2 + 1;
        *times = realloc(*times, *tcap * sizeof **times);
        if (!*times)
            die("out of memory");
    }
    rng_init(&g->rng, f->fseed);
    for (k = 0; k < n; k++)
        (*times)[k] = f->w0 + (int64_t)rnd(&g->rng, (uint32_t)(f->w1 - f->w0));
    qsort(*times, (size_t)n, sizeof **times, cmp_i64);
    return *times;
}

/* sort scenario record indices by time (insertion sort; ties by index) and
 * compute oldest/newest event time and record count of every file */
static void file_meta(Gen *g)
{
    int64_t *times = NULL;
    size_t tcap = 0;
    int i, k;
    for (i = 0; i < g->nfiles; i++) {
        LogFile *f = &g->files[i];
        int *si = f->sidx;
        for (k = 1; k < f->ns; k++) {
            int v = si[k], m = k - 1;
            while (m >= 0 && (g->srecs[si[m]].t > g->srecs[v].t ||
                              (g->srecs[si[m]].t == g->srecs[v].t && si[m] > v))) {
                si[m + 1] = si[m];
                m--;
            }
            si[m + 1] = v;
        }
        file_times(g, f, &times, &tcap);
        f->oldest = INT64_MAX;
        f->newest = INT64_MIN;
        if (f->nbg) {
            f->oldest = times[0];
            f->newest = times[f->nbg - 1];
        }
        for (k = 0; k < f->ns; k++) {
            int64_t tt = g->srecs[si[k]].t;
            if (tt < f->oldest)
                f->oldest = tt;
            if (tt > f->newest)
                f->newest = tt;
        }
        if (f->deleted) {
            g->ndeleted++;
            g->ndelrec += f->nbg + f->ns;
        } else {
            g->nrecords += f->nbg + f->ns;
        }
    }
    free(times);
}

/* the uncompressed content of log file f, into g->out */
static void file_content(Gen *g, const LogFile *f, int64_t **times, size_t *tcap)
{
    int n = f->nbg, a = 0, b = 0, first = 1;
    const int *si = f->sidx;
    int64_t *tm = file_times(g, f, times, tcap);
    b_clear(&g->out);
    b_s(&g->out, "{\"Records\":[");
    while (a < n || b < f->ns) {
        if (!first)
            b_c(&g->out, ',');
        first = 0;
        if (b < f->ns && (a >= n || g->srecs[si[b]].t <= tm[a])) {
            b_s(&g->out, g->srecs[si[b]].json);
            b++;
        } else {
            gen_bg(g, &g->out, f->acct, f->reg, tm[a]);
            a++;
        }
    }
    b_s(&g->out, "]}");
}

static void sha256_hexof(char o[65], const char *p, size_t n);

/* writes log file f (unless a story deleted it) and keeps the SHA-256 of its content,
 * for its digest */
static void write_one(Gen *g, LogFile *f, int64_t **times, size_t *tcap)
{
    char dir[1024], rel[512], name[256];
    file_content(g, f, times, tcap);
    sha256_hexof(f->hash, g->out.p, g->out.n);
    if (f->deleted)
        return;
    log_dir(rel, sizeof rel, f);
    log_name(name, sizeof name, g, f);
    snprintf(dir, sizeof dir, "%s/%s", g->outdir, rel);
    write_file(g, dir, name, g->out.p, g->out.n);
}

/* worker w of n writes files w, w+n, w+2n, ...; a forked worker reports each file's
 * hash to the parent through hashes ("index hash" lines), NULL in the parent itself */
static void write_share(Gen *g, int w, int n, FILE *hashes)
{
    int64_t *times = NULL;
    size_t tcap = 0;
    int i;
    for (i = w; i < g->nfiles; i += n) {
        write_one(g, &g->files[i], &times, &tcap);
        if (hashes && fprintf(hashes, "%d %s\n", i, g->files[i].hash) < 0)
            die("cannot pass a file's hash to the parent");
    }
    if (hashes && fflush(hashes) != 0)
        die("cannot pass the files' hashes to the parent");
    free(times);
}

/* log files are written by up to --jobs forked processes (compression is the
 * bottleneck); each file's bytes depend only on its own PRNG stream */
static void write_logs(Gen *g)
{
    int jobs = g->jobs, w, failed = 0, started = 0;
    pid_t pids[64];
    FILE *hashes[64];
    if (jobs > g->nfiles / 16)
        jobs = g->nfiles / 16;
    if (jobs <= 1) {
        write_share(g, 0, 1, NULL);
        return;
    }
    fflush(stdout);
    fflush(stderr);
    for (w = 0; w < jobs; w++) {
        pid_t pid;
        /* created before the fork: the worker writes, the parent reads it after the wait */
        hashes[w] = tmpfile();
        if (!hashes[w])
            die("tmpfile: %s", strerror(errno));
        pid = fork();
        if (pid < 0) {
            fclose(hashes[w]);
            break;
        }
        if (pid == 0) {
            write_share(g, w, jobs, hashes[w]);
            fflush(stderr);
            _exit(0);
        }
        pids[started++] = pid;
    }
    for (w = started; w < jobs; w++) /* fork failed: do the missing shares here */
        write_share(g, w, jobs, NULL);
    for (w = 0; w < started; w++) {
        int st, i, n = 0;
        char h[65];
        if (waitpid(pids[w], &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
            failed = 1;
        rewind(hashes[w]);
        while (fscanf(hashes[w], "%d %64s", &i, h) == 2 && i >= 0 && i < g->nfiles && strlen(h) == 64) {
            memcpy(g->files[i].hash, h, 65);
            n++;
        }
        if (n != (g->nfiles - w + jobs - 1) / jobs)
            failed = 1;
        fclose(hashes[w]);
    }
    if (failed)
        die("a writer process failed");
}

/* The demo signing key: an RSA key made for this sample (openssl genrsa 2048), public on
 * purpose. It signs nothing but the synthetic digests, so that their signatures verify
 * with the public key this program writes beside them; it proves nothing about AWS. */
static const char DEMO_KEY[] =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIIEowIBAAKCAQEAygOVVttgoQLYb9OrhivSQswW7dxidZnE2QA0dihmGkVNq2zx\n"
    "TKvv2KA5c0MrCr7uUa8netzm3aYjdXKHfnknDYEMw+BwJwakO/6cI6++wfWFoROp\n"
    "kaWaisA+cp2sEOmP2OJlKeo8TuolYJpcjqs3XOZ099bFHkBv+ZnCD9W/EnLCXXZB\n"
    "khW2WOH7W4flLKlgGIjf4bWvDjkhlwls5crSnmK6QK1wN1aon1ft5BH5XsN3sHWS\n"
    "xIkPqZcfHvRFCnhB8BCWP1ATXfa48E7+5R1WgSGs5Wrt3pJt5Ojrn6DcQQuE3nTH\n"
    "2EXHYzLYt/xwtf+64kiaYJSotow/jM5a3P3SWwIDAQABAoIBADke6ERGBb2hU1fT\n"
    "b0Wh8HMoyDb7wO9lym5di3f5ll1JSVv2kwhN+aS0MWpxDKOeNz7rmus3uSPlTVNx\n"
    "TfSqByvfWJ+uP6gZTakVJktE71hityVDrQfc3qTrFP1NrhCeKil2YoqGjAT4WhdF\n"
    "rnQ834uqMlq95MDYEZFvM5tMohlxziJcsOj/3oacOov5IsGNZwt3dbxkmFB9dIRC\n"
    "U7BAgXL17KvGhHfg/BT3UDKR0ZA5FXKSfnuOhcYSVGx6e+txceqzhhzs4d5YJOOr\n"
    "pjNndnhhk5OWceZKxMO4czNJR4JMoXNCE1+yeeIUMQ1AuDgOm5wiVbdxn7dpwc1P\n"
    "PIhw2WECgYEA/0gowztRs49vd+YI1+YElg+3eBJYF07jrntmlGj1xuN3Qx0n9EbB\n"
    "azsgK6pfXTvVZ7oBmGI0C4kPAGsHjZD0Dgp2LVE4TAR6GKktQc4kUL4ghSNeDfHS\n"
    "hYE2R4Y1beYJn8wWIAJ407pZoXXTFMfkoA3l9cbp5X2IMDlAIdQVY+sCgYEAypUQ\n"
    "OLsh5u4LuuT/wNRr8oNnDqbs6Q86MXNgGANtERj+HsxHcGKd8ZA2Tk7VfXsnyOCH\n"
    "qcnb+ycz6Z2Z9hHtyI4DDwgbI3Z4SPi52pxp2UteYJ3zxEV8aI4szi63HFt5pNzU\n"
    "n9NmHv0TXC3Q0HI+6sWauAbaiBTevlDuI+4vX1ECgYBUDCTnijsu/BV+Cy10L5Xo\n"
    "9gm4rYl1OxL5GkW+rQPmVHOqlAnYggciT9gaqEA3iQCM4w+tZP+voJNg1twovsWr\n"
    "bcRUzT3UwVCVl/V/iego8T/xtaA8xRZDwDPnvocOxML8aowKQ+YWB2+FGi7B08Iw\n"
    "9AJ3NeNCHF9fSSoVOSdFuwKBgF943Mo/tvyEV1bfMYEJG06RivImzSQRHxXLEBCB\n"
    "HNef9bNCBrD6aQE9O7qwAIFAl0FeP9FO5rN4iEijE7oaPPv1oY9l/JQ78vhA8CYM\n"
    "7P2RPYs/JXDsZnNH/em1rmpY2f1ObY5dLJWSI5ufo/d4wBoYwo/T+w2C+G6s6W5Z\n"
    "hE3hAoGBAP5behaqvA36w3XLujtyDVnvISSB0TumJIxMwGNjfgvBEwnNri/gu7AM\n"
    "acXpwm3dr2TS/P+a56DLXHq+WSaWqO6HNuzWvqwnZamsGI7iOxdVr3kT29I8u4wH\n"
    "0rcqkKIfLGlWUkqmKPcPyvcM6tW4xegJYafEDG7Gk7PSeOmsulL1\n"
    "-----END RSA PRIVATE KEY-----\n";

static void to_hex(char *o, const unsigned char *a, size_t n)
{
    static const char HX[] = "0123456789abcdef";
    size_t i;
    for (i = 0; i < n; i++) {
        o[2 * i] = HX[a[i] >> 4];
        o[2 * i + 1] = HX[a[i] & 15];
    }
    o[2 * n] = 0;
}

static void sha256_hexof(char o[65], const char *p, size_t n)
{
    Sha256 h;
    unsigned char d[32];
    sha256_init(&h);
    sha256_update(&h, p, n);
    sha256_final(&h, d);
    to_hex(o, d, 32);
}

/* The demo key; its fingerprint (hex MD5 of the public key's PKCS#1 DER, as
 * cloudtrail_digests computes it) into fpr; its public key written as
 * OUTDIR/public-keys/<fingerprint>.pem, the name cloudtrail_digests also knows it by. */
static EVP_PKEY *demo_key(Gen *g, char fpr[33])
{
    BIO *b = BIO_new_mem_buf(DEMO_KEY, -1);
    EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
    unsigned char *der = NULL, md5[16];
    unsigned nmd5 = 0;
    int nder;
    char dir[1024], path[1100];
    FILE *f;
    BIO_free(b);
    if (!k)
        die("cannot read the demo signing key");
    nder = i2d_PublicKey(k, &der);
    if (nder <= 0 || !EVP_Digest(der, (size_t)nder, md5, &nmd5, EVP_md5(), NULL) || nmd5 != 16)
        die("cannot compute the demo key's fingerprint");
    OPENSSL_free(der);
    to_hex(fpr, md5, 16);
    snprintf(dir, sizeof dir, "%s/public-keys", g->outdir);
    mkdirs(g, dir);
    snprintf(path, sizeof path, "%s/%s.pem", dir, fpr);
    f = fopen(path, "wb");
    if (!f || !PEM_write_PUBKEY(f, k) || fclose(f) != 0)
        die("cannot write %s", path);
    return k;
}

/* RSA (PKCS#1 v1.5) with SHA-256 over msg, hex: 512 characters for a 2048-bit key */
static void sign_hex(EVP_PKEY *k, const char *msg, char o[520])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char sig[256];
    size_t n = sizeof sig;
    if (!md || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k) != 1 ||
        EVP_DigestSign(md, sig, &n, (const unsigned char *)msg, strlen(msg)) != 1)
        die("cannot sign a digest");
    EVP_MD_CTX_free(md);
    to_hex(o, sig, n);
}

static void write_digests(Gen *g)
{
    const int64_t P = 6 * 3600;
    int W = g->days * 4;
    int acct, reg, k, i = 0;
    J dj = {{0, 0, 0}, 0, 0, {0}};
    char fpr[33];
    EVP_PKEY *pkey = demo_key(g, fpr); /* one key for every region (AWS has one per region) */
    /* each log file's hash was kept when it was written (write_one) */
    for (acct = 0; acct < NACCT; acct++) {
        for (reg = 0; reg < NREG; reg++) {
            char prevkey[512] = "", prevhash[80] = "", prevsig[520] = "";
            int64_t off = 60 + (int64_t)(hs(REGIONS[reg], asalt(acct) ^ g->seed) % 1740);
            int first_f, last_f;
            while (i < g->nfiles && (g->files[i].acct < acct || (g->files[i].acct == acct && g->files[i].reg < reg)))
                i++;
            first_f = i;
            last_f = i;
            while (last_f < g->nfiles && g->files[last_f].acct == acct && g->files[last_f].reg == reg)
                last_f++;
            for (k = 1; k <= W; k++) {
                int64_t ds = k == 1 ? g->start : g->start + (int64_t)(k - 1) * P - off;
                int64_t de = g->start + (int64_t)k * P - off;
                int64_t oldest = INT64_MAX, newest = INT64_MIN;
                char ts[24], st[24], ymd[16], dkey[512], dname[256], dir[1024];
                int fi;
                fmt_stamp(st, de, 1);
                fmt_ymd_path(ymd, de);
                snprintf(dname, sizeof dname, "%s_CloudTrail-Digest_%s_%s_%s_%s%s", ACCT[acct].id, REGIONS[reg], TRAIL,
                         REGIONS[reg], st, ext(g));
                snprintf(dkey, sizeof dkey, "AWSLogs/%s/CloudTrail-Digest/%s/%s/%s", ACCT[acct].id, REGIONS[reg], ymd,
                         dname);
                for (fi = first_f; fi < last_f; fi++) {
                    const LogFile *f = &g->files[fi];
                    if (f->stamp >= ds && f->stamp < de) {
                        if (f->oldest < oldest)
                            oldest = f->oldest;
                        if (f->newest > newest)
                            newest = f->newest;
                    }
                }
                j_reset(&dj);
                jo(&dj);
                jks(&dj, "awsAccountId", ACCT[acct].id);
                fmt_iso(ts, ds);
                jks(&dj, "digestStartTime", ts);
                fmt_iso(ts, de);
                jks(&dj, "digestEndTime", ts);
                jks(&dj, "digestS3Bucket", LOG_BUCKET);
                jks(&dj, "digestS3Object", dkey);
                jks(&dj, "digestPublicKeyFingerprint", fpr);
                jks(&dj, "digestSignatureAlgorithm", "SHA256withRSA");
                if (newest != INT64_MIN) {
                    fmt_iso(ts, newest);
                    jks(&dj, "newestEventTime", ts);
                    fmt_iso(ts, oldest);
                    jks(&dj, "oldestEventTime", ts);
                } else {
                    jkn(&dj, "newestEventTime");
                    jkn(&dj, "oldestEventTime");
                }
                if (prevkey[0]) {
                    jks(&dj, "previousDigestS3Bucket", LOG_BUCKET);
                    jks(&dj, "previousDigestS3Object", prevkey);
                    jks(&dj, "previousDigestHashValue", prevhash);
                    jks(&dj, "previousDigestHashAlgorithm", "SHA-256");
                    jks(&dj, "previousDigestSignature", prevsig);
                } else {
                    jkn(&dj, "previousDigestS3Bucket");
                    jkn(&dj, "previousDigestS3Object");
                    jkn(&dj, "previousDigestHashValue");
                    jkn(&dj, "previousDigestHashAlgorithm");
                    jkn(&dj, "previousDigestSignature");
                }
                jk(&dj, "logFiles");
                ja(&dj);
                for (fi = first_f; fi < last_f; fi++) {
                    const LogFile *f = &g->files[fi];
                    char rel[512], nm[256], key[800];
                    if (f->stamp < ds || f->stamp >= de)
                        continue;
                    log_dir(rel, sizeof rel, f);
                    log_name(nm, sizeof nm, g, f);
                    snprintf(key, sizeof key, "%s/%s", rel, nm);
                    jo(&dj);
                    jks(&dj, "s3Bucket", LOG_BUCKET);
                    jks(&dj, "s3Object", key);
                    jks(&dj, "hashValue", f->hash);
                    jks(&dj, "hashAlgorithm", "SHA-256");
                    fmt_iso(ts, f->newest);
                    jks(&dj, "newestEventTime", ts);
                    fmt_iso(ts, f->oldest);
                    jks(&dj, "oldestEventTime", ts);
                    jc(&dj);
                }
                jae(&dj);
                jc(&dj);
                snprintf(dir, sizeof dir, "%s/AWSLogs/%s/CloudTrail-Digest/%s/%s", g->outdir, ACCT[acct].id,
                         REGIONS[reg], ymd);
                write_file(g, dir, dname, dj.b.p, dj.b.n);
                g->ndigests++;
                /* the next digest carries this one's hash and signature; the signed string is
                 * AWS's: end time, bucket/key, this digest's hash, the previous signature */
                {
                    char *msg = xmalloc(strlen(dkey) + 1200);
                    sha256_hexof(prevhash, dj.b.p, dj.b.n);
                    fmt_iso(ts, de);
                    sprintf(msg, "%s\n%s/%s\n%s\n%s", ts, LOG_BUCKET, dkey, prevhash, prevkey[0] ? prevsig : "null");
                    sign_hex(pkey, msg, prevsig);
                    free(msg);
                }
                snprintf(prevkey, sizeof prevkey, "%s", dkey);
            }
        }
    }
    EVP_PKEY_free(pkey);
    free(dj.b.p);
}

/* ------------------------------------------------------------------ */
/* main                                                                */
/* ------------------------------------------------------------------ */

static void usage(void)
{
    fputs("usage: generate OUTDIR [--events N] [--days D] [--seed S] [--per-file K]\n"
          "                [--start YYYY-MM-DD] [--plain] [--digests | --no-digests] [--jobs J]\n"
          "                [--stories DIR | --no-stories]\n"
          "  --events N      total records written (default 3000)\n"
          "  --days D        days covered, starting at --start (default 3)\n"
          "  --seed S        PRNG seed (default 1)\n"
          "  --per-file K    average records per log file (default 50; files hold 1..2K)\n"
          "  --start DATE    first day, UTC (default 2026-03-02)\n"
          "  --plain         write uncompressed .json instead of .json.gz\n"
          "  --digests       also write CloudTrail-Digest files (default)\n"
          "  --no-digests    do not write digest files\n"
          "  --jobs J        writer processes (default: online CPUs, max 8); output is\n"
          "                  identical for any J\n"
          "  --stories DIR   read the data stories DIR/NAME.tsv (default: data/stories\n"
          "                  beside the folder of this program, i.e. build/../data/stories)\n"
          "  --no-stories    do not read data stories\n",
          stderr);
    exit(2);
}

static long parse_long(const char *s, const char *opt, long lo, long hi)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < lo || v > hi)
        die("bad value for %s: %s (expected %ld..%ld)", opt, s, lo, hi);
    return v;
}

int main(int argc, char **argv)
{
    Gen *g = calloc(1, sizeof *g);
    int i, no_stories = 0;
    char *stories_dir = NULL;
    if (!g)
        die("out of memory");
    g->events = 3000;
    g->days = 3;
    g->seed = 1;
    g->perfile = 50;
    g->digests = 1;
    g->jobs = 0;
    g->start = s3path_days_from_civil(2026, 3, 2) * DAY;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--events") && i + 1 < argc)
            g->events = parse_long(argv[++i], a, 1, 100000000L);
        else if (!strcmp(a, "--days") && i + 1 < argc)
            g->days = (int)parse_long(argv[++i], a, 1, 366);
        else if (!strcmp(a, "--seed") && i + 1 < argc) {
            char *end;
            errno = 0;
            g->seed = (uint64_t)strtoull(argv[++i], &end, 10);
            if (errno || *end || end == argv[i])
                die("bad value for --seed: %s", argv[i]);
        } else if (!strcmp(a, "--per-file") && i + 1 < argc)
            g->perfile = (int)parse_long(argv[++i], a, 1, 1000000);
        else if (!strcmp(a, "--start") && i + 1 < argc) {
            const char *s = argv[++i];
            int y, m, d, ok = strlen(s) == 10 && s[4] == '-' && s[7] == '-';
            int k;
            for (k = 0; ok && k < 10; k++)
                if (k != 4 && k != 7 && (s[k] < '0' || s[k] > '9'))
                    ok = 0;
            if (!ok)
                die("bad value for --start: %s (expected YYYY-MM-DD)", s);
            y = atoi(s);
            m = atoi(s + 5);
            d = atoi(s + 8);
            if (y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
                die("bad value for --start: %s", s);
            g->start = s3path_days_from_civil(y, m, d) * DAY;
            if (tm_of(g->start).d != d)
                die("bad value for --start: %s", s);
        } else if (!strcmp(a, "--jobs") && i + 1 < argc)
            g->jobs = (int)parse_long(argv[++i], a, 1, 64);
        else if (!strcmp(a, "--stories") && i + 1 < argc)
            g->stories = argv[++i];
        else if (!strcmp(a, "--no-stories"))
            no_stories = 1;
        else if (!strcmp(a, "--plain"))
            g->plain = 1;
        else if (!strcmp(a, "--digests"))
            g->digests = 1;
        else if (!strcmp(a, "--no-digests"))
            g->digests = 0;
        else if (!strcmp(a, "-h") || !strcmp(a, "--help"))
            usage();
        else if (a[0] == '-' || g->outdir)
            usage();
        else
            g->outdir = a;
    }
    if (!g->outdir)
        usage();
    if (no_stories)
        g->stories = NULL;
    else if (!g->stories) { /* default: data/stories beside this program's build/ folder */
        const char *slash = strrchr(argv[0], '/');
        size_t n = slash ? (size_t)(slash - argv[0]) : 0;
        stories_dir = xmalloc(n + 32);
        if (slash)
            snprintf(stories_dir, n + 32, "%.*s/../data/stories", (int)n, argv[0]);
        else
            snprintf(stories_dir, n + 32, "data/stories");
        g->stories = stories_dir;
    }
    g->end = g->start + (int64_t)g->days * DAY;
    if (!g->jobs) {
        long nc = 1;
#ifdef _SC_NPROCESSORS_ONLN
        nc = sysconf(_SC_NPROCESSORS_ONLN);
#endif
        g->jobs = nc < 1 ? 1 : nc > 8 ? 8 : (int)nc;
    }

    rng_init(&g->rng, g->seed);
    rng_init(&g->srng, g->seed ^ 0x5CE7A210DEADBEEFULL);

    {
        int t, ca = 0, cr = 0;
        for (t = 0; t < NT; t++) {
            ca += TM[t].w;
            if (!TM[t].global)
                cr += TM[t].w;
            g->cum_all[t] = ca;
            g->cum_reg[t] = cr;
        }
        g->tot_all = ca;
        g->tot_reg = cr;
    }

    /* zero-initialised J buffers need an allocation before use */
    frags_reset(g);

    build_scenarios(g);
    load_stories(g);
    if ((g->nsrec - g->nstory) * 2 > g->events) { /* too few events for the scenarios: drop them */
        for (i = 0; i < g->nsrec; i++)
            free(g->srecs[i].json);
        g->nsrec = 0;
        g->nscen = 0;
        g->nstory = 0;
    }

    if (!g->plain) {
        memset(&g->z, 0, sizeof g->z);
        if (deflateInit2(&g->z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            die("deflateInit2 failed");
    }
    mkdirs(g, g->outdir);

    plan_files(g);
    place_stories(g);
    finish_plan(g);
    file_meta(g);
    write_logs(g);
    if (g->digests)
        write_digests(g);

    printf("generate: %d log files, %ld digest files, %ld records (%d MFA scenarios, %d story records) in %s\n",
           g->nfiles - g->ndeleted, g->ndigests, g->nrecords, g->nscen, g->nstory - g->ndelrec, g->outdir);
    if (g->ndeleted)
        printf("generate: %d deleted log file(s) (%d story records): listed by %s, not written\n", g->ndeleted,
               g->ndelrec, g->digests ? "the digests" : "no digest (--no-digests)");

    if (!g->plain)
        deflateEnd(&g->z);
    for (i = 0; i < g->nsrec; i++)
        free(g->srecs[i].json);
    for (i = 0; i < g->nfiles; i++)
        free(g->files[i].sidx);
    free(g->srecs);
    free(g->files);
    free(stories_dir);
    free(g->out.p);
    free(g->gz.p);
    free(g->uid.b.p);
    free(g->req.b.p);
    free(g->resp.b.p);
    free(g->add.b.p);
    free(g->res.b.p);
    free(g);
    return 0;
}
