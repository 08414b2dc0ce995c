#!/usr/bin/env python3
"""Fixtures for tests/fast_path.sh: records at the edges of json.c's fast path.

The fast path (json.c fast_skip) proves a plain object valid and gives up to the full
validator at the first thing it does not handle. These files put each such thing at the
start, in the middle and at the very end of records, clean and damaged, so that the test
can show that the records, the problems and their byte offsets are exactly the full
validator's. Written byte for byte (no json module on output): usage DIR.
"""
import os
import sys

BASE = ('"eventVersion":"1.09","eventTime":"2026-03-02T00:05:00Z",'
        '"eventSource":"s3.amazonaws.com","awsRegion":"eu-west-1"')


def rec(name, extra=''):
    """A record with eventName `name` (raw JSON text of the string, quotes included)."""
    return '{' + BASE + ',"eventName":' + name + (',' + extra if extra else '') + '}'


def nest(depth, leaf='"x"'):
    """requestParameters nested `depth` objects deep below the record (the record is 1)."""
    v = leaf
    for _ in range(depth - 1):
        v = '{"a":' + v + '}'
    return '"requestParameters":' + v


def keys(n, dup_at=None, first='k0'):
    """An object of n keys k0..k{n-1}; with dup_at, key number dup_at repeats `first`."""
    parts = []
    for i in range(n):
        k = first if dup_at is not None and i == dup_at else 'k%d' % i
        parts.append('"%s":%d' % (k, i))
    return '{' + ','.join(parts) + '}'


def log(*records):
    return '{"Records":[' + ','.join(records) + ']}'


AFTER = rec('"After"')

FILES = {
    # nesting: the fast path takes 63 levels below the record's top, the full validator
    # the rest (1000 is its limit: a problem)
    'depth_ok.json': log(
        rec('"Depth63"', nest(63)),
        rec('"Depth64"', nest(64)),
        rec('"Depth65"', nest(65)),
        rec('"Depth999"', nest(999)),
        AFTER),
    'depth_1000.json': log(rec('"Depth1000"', nest(1000)), AFTER),
    'depth_1001.json': log(rec('"Depth1001"', nest(1001)), AFTER),
    # repeated keys (a note each): at the top, nested, deep past the fast path's stack,
    # and keys that only decode alike
    'dup_top.json': log(rec('"DupTop"', '"awsRegion":"us-east-1"'), AFTER),
    'dup_nested.json': log(rec('"DupNested"', '"requestParameters":{"a":{"b":1,"c":2,"b":3}}'), AFTER),
    'dup_deep.json': log(rec('"DupDeep"', nest(70, '{"z":1,"z":2}')), AFTER),
    'dup_escaped.json': log(rec('"DupEscaped"', '"requestParameters":{"ab":1,"a\\u0062":2}'), AFTER),
    # many keys: the key stack grows past its 32 fixed entries, and past 64 keys an
    # object gets a hash index; a repeat late, last, and in the third of three objects
    'keys_ok.json': log(
        rec('"Keys40"', '"requestParameters":' + keys(40)),
        rec('"Keys100"', '"requestParameters":' + keys(100)),
        rec('"Nested40x3"', '"requestParameters":{"a":' + keys(40) + ',"b":' + keys(40)
            + ',"c":' + keys(40) + '}'),
        rec('"NoDup"', '"requestParameters":{"ab":1,"ba":2,"abc":3,"b":4}')),
    'keys40_dup.json': log(rec('"Keys40Dup"', '"requestParameters":' + keys(40, dup_at=39)), AFTER),
    'keys100_dup70.json': log(rec('"Keys100Dup70"', '"requestParameters":' + keys(100, dup_at=70)), AFTER),
    'keys100_dup99.json': log(rec('"Keys100Dup99"', '"requestParameters":' + keys(100, dup_at=99)), AFTER),
    'keys40x3_dup.json': log(rec('"Nested40x3Dup"', '"requestParameters":{"a":' + keys(40) + ',"b":'
                                 + keys(40) + ',"c":' + keys(40, dup_at=20) + '}'), AFTER),
    # what sends a record to the full validator late: an escape, UTF-8, an escaped key
    # the index must still find, two spellings of one name (one group) ...
    'late_ok.json': log(
        rec('"Clean"', '"userAgent":"aws-cli/2.13"'),
        rec('"EscapeLast"', '"userAgent":"say \\"hi\\""'),
        rec('"Utf8Last"', '"userAgent":"caf\xc3\xa9"'),
        '{' + BASE + ',"event\\u004eame":"EscapedKey","userAgent":"k"}',
        rec('"Get\\u004fbject"'),
        rec('"GetObject"')),
    # ... invalid UTF-8 and a control byte in the last value (notes)
    'late_bad_utf8.json': log(rec('"BadUtf8Last"', '"userAgent":"caf\xe9"'), AFTER),
    'late_ctrl.json': log(rec('"CtrlLast"', '"userAgent":"tab\there"'), AFTER),
    # literals and numbers, good and bad
    'literals_ok.json': log(
        rec('"Lits"', '"readOnly":true,"managementEvent":false,"errorCode":null,'
            '"requestParameters":{"n":[0,-0,1.5e3,-2E-2,12345678901234567890]}')),
    'bad_tru.json': log(rec('"BadTru"', '"readOnly":tru'), AFTER),
    'bad_nul.json': log(rec('"BadNul"', '"errorCode":nul'), AFTER),
    'bad_falsy.json': log(rec('"BadFalsy"', '"readOnly":falsy'), AFTER),
    'bad_leading_zero.json': log(rec('"BadLeadingZero"', '"requestParameters":{"n":01}'), AFTER),
    'bad_minus.json': log(rec('"BadMinus"', '"requestParameters":{"n":-}'), AFTER),
    'bad_exp.json': log(rec('"BadExp"', '"requestParameters":{"n":1e}'), AFTER),
    # syntax damage inside nesting
    'bad_comma_obj.json': log(rec('"TrailingCommaObj"', '"requestParameters":{"a":1,}'), AFTER),
    'bad_comma_arr.json': log(rec('"TrailingCommaArr"', '"requestParameters":{"a":[1,2,]}'), AFTER),
    'bad_colon.json': log(rec('"MissingColon"', '"requestParameters":{"a" 1}'), AFTER),
    'bad_key.json': log(rec('"UnquotedKey"', '"requestParameters":{a:1}'), AFTER),
    # the data ends right after a literal (the fast path needs five bytes to take one;
    # with four left the full validator takes it, and the object is cut) ...
    'end_true.json': '{' + BASE + ',"eventName":"EndsTrue","readOnly":true',
    # ... or right after the record's last byte; ndjson cut deep inside a record
    'end_clean.json': rec('"EndClean"', '"readOnly":false'),
    'lines.json': (rec('"Line1"', nest(10)) + '\n' + rec('"Line2"', '"readOnly":true') + '\n'
                   + rec('"Line3"', nest(80))[:-40]),
}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, text in FILES.items():
        with open(os.path.join(out, name), 'wb') as f:
            f.write(text.encode('latin-1') if not isinstance(text, bytes) else text)


if __name__ == '__main__':
    main()
