"""Write a small corpus of records that are valid JSON but odd or hostile, for the
pushdown property test (tests/twins.sh):

    hostile_corpus.py DIR

Values of every JSON type where CloudTrail writes strings, the same text spelled with
escapes, invalid UTF-8 and control bytes, duplicate keys, repeated eventIDs, eventTimes in
every form, and events filed under another region's and account's folder (as global
services' events are). Deterministic: the same bytes every run.
"""
import datetime
import gzip
import json
import os
import random
import sys

rng = random.Random(8)
out = sys.argv[1]

# Raw JSON value spellings (text inserted as is), per field kind.
NAMES = ['"DeactivateMFADevice"', '"Deactivate\\u004dFADevice"', '"ConsoleLogin"', '123', 'true',
         '{"a":1}', '["x"]', 'null', '""', '"Get\\/Object"', '"caf\\u00e9"', '"bad\xffbyte"',
         '"tab\there"', '"ListBuckets"']
SOURCES = ['"iam.amazonaws.com"', '"\\u0069am.amazonaws.com"', '"s3.amazonaws.com"', '7',
           'false', '{"s":"iam.amazonaws.com"}', '"iam.amazonaws.com "', '"sts.amazonaws.com"']
REGIONS = ['"us-east-1"', '"us-west-1"', '"eu-west-1"', '1', '"us-east-\\u0031"', 'null', '[]']
ACCOUNTS = ['"111122223333"', '111122223333', '"444455556666"', '"1111\\u00322223333"', '""',
            '{"id":"111122223333"}']
# eventTime spellings of a time t (a datetime), all within the file's delivery window.
TIMES = ['"{t:%Y-%m-%dT%H:%M:%S}Z"', '"{t:%Y-%m-%dT%H:%M}Z"', '"{t:%Y-%m-%dT%H:%M:%S}\\u005a"',
         '"{t:%Y-%m-%d}"', '"{t:%Y-%m-%d %H:%M:%S}"', '"{t:%Y-%m-%dT%H:%M:%S}.123+00:30"',
         '"{t:%Y-%m-%dT%H:%M:%S}Z"', '{e}', '"not a time"', '"{t:%Y-%m-%dT%H}:00:00Z"']
IDENTS = [
    '{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"}',
    '{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","arn":"arn:aws:iam::111122223333:user/mallory","userName":"mallory"}',
    '{"type":"IAMUser","arn\\u0000":"arn:aws:iam::111122223333:user/fake","principalId":"AIDAREAL","userName":123}',
    '{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/\\ud800x","userName":"lone","accountId":111122223333}',
    '{"type":"AssumedRole","arn":"arn:aws:sts::444455556666:assumed-role/Admin/s","sessionContext":{"sessionIssuer":{"userName":"Admin"}}}',
    '{"type":"AssumedRole","principalId":"AROA:s","sessionContext":{"sessionIssuer":{"userName":true}}}',
    '{"type":"AWSService","invokedBy":"cloudtrail.amazonaws.com"}',
    '{"type":"IAMUser","arn":7,"principalId":"AIDA7","userName":"seven"}',
    '{"type":"Root","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333"}',
    '{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/b\xe9b","userName":"b\xe9b"}',
    'null', '"a string"', '{}',
]
IDS = ['"%s"', '"%s"', '"%s"', '%d', '""', None]


def record(i, stamp):
    fields = []
    fields.append('"eventVersion":"1.08"')
    if rng.random() < 0.9:
        t = stamp - datetime.timedelta(seconds=rng.randint(0, 6 * 3600))
        e = int(t.replace(tzinfo=datetime.timezone.utc).timestamp())
        form = rng.choice(TIMES)
        if '%d}"' in form and stamp - t.replace(hour=0, minute=0, second=0) > datetime.timedelta(hours=20):
            form = TIMES[0]      # a date alone means midnight: keep it within the delivery window
        fields.append('"eventTime":' + form.format(t=t, e=e))
    fields.append('"eventSource":' + rng.choice(SOURCES))
    fields.append('"eventName":' + rng.choice(NAMES))
    if rng.random() < 0.1:
        fields.append('"eventName":' + rng.choice(NAMES))         # a duplicate key: last wins
    fields.append('"awsRegion":' + rng.choice(REGIONS))
    fields.append('"userIdentity":' + rng.choice(IDENTS))
    fields.append('"recipientAccountId":' + rng.choice(ACCOUNTS))
    if rng.random() < 0.15:
        fields.append('"errorCode":' + rng.choice(['"AccessDenied"', '{"a":null}', '[""]', '""', 'null']))
    form = rng.choice(IDS)
    if form is not None:
        n = rng.randint(0, 40)                                     # repeats: copies
        fields.append('"eventID":' + (form % n if '%d' in form else form.replace('%s', f'ev-{n:04d}')))
    rng.shuffle(fields)
    return '{' + ','.join(fields) + '}'


def write(rel, recs, shape, compress):
    path = os.path.join(out, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if shape == 'records':
        text = '{"Records":[' + ','.join(recs) + ']}'
    else:
        text = '\n'.join(recs) + '\n'
    data = text.encode('latin-1', errors='surrogateescape')
    if compress:
        data = gzip.compress(data, mtime=0)
    with open(path, 'wb') as f:
        f.write(data)


i = 0
for acct, region, day, hour in [('111122223333', 'us-west-1', '02', '10'),
                                ('111122223333', 'us-east-1', '02', '23'),
                                ('444455556666', 'eu-west-1', '03', '01'),
                                ('444455556666', 'us-east-1', '04', '00'),
                                ('111122223333', 'us-west-1', '05', '12')]:
    for k in range(3):
        stamp = datetime.datetime(2026, 3, int(day), int(hour), k * 10 + 5)
        recs = [record(i + j, stamp) for j in range(12)]
        i += 12
        name = (f'AWSLogs/{acct}/CloudTrail/{region}/2026/03/{day}/'
                f'{acct}_CloudTrail_{region}_202603{day}T{hour}{k}5Z_h{k}.json.gz')
        write(name, recs, 'records', True)
write('loose/odd.jsonl', [record(i + j, datetime.datetime(2026, 3, 2, 12)) for j in range(30)],
      'ndjson', False)
