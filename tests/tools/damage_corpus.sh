#!/bin/sh
# Copy a CloudTrail corpus and damage a random tenth of its log files, deterministically.
#
#   sh tests/tools/damage_corpus.sh SRC DEST SEED
#
# SRC is an AWSLogs folder (data/AWSLogs); it is copied to DEST/AWSLogs. The log files
# (paths containing /CloudTrail/, sorted bytewise) are shuffled with a fixed-seed generator,
# the first tenth (rounded up) is taken, and each is damaged in one way, cycling through:
#
#   truncate  the gzip file cut at a random byte
#   flip      three distinct bytes in the middle of the compressed data XORed with random
#             non-zero values
#   member    recompressed as two gzip members (split at a record boundary), then cut at a
#             random byte inside the second member
#   garbage   decompressed, random bytes (any value, NUL and invalid UTF-8 included)
#             inserted after the "}," that ends a record, recompressed
#   broken    decompressed, the closing quote of one record's eventTime value deleted,
#             recompressed
#
# It writes DEST/manifest.tsv, one line per damaged file, in the order damaged:
#   kind <TAB> path relative to AWSLogs <TAB> what was done <TAB> records in the original
#   <TAB> A <TAB> B
# where A and B are: truncate: the cut, the original size; flip: the middle, the size;
# member: the decompressed byte where the second member starts, the cut; garbage: the
# record the garbage follows, its decompressed byte; broken: the broken record, the
# decompressed byte of the deleted quote.
#
# Only POSIX sh and the tools of a Debian base system (gzip, grep, od, dd, head, tail,
# sort, cp). The random generator is a 31-bit LCG in shell arithmetic, so the choices
# are the same everywhere. Recompression uses `gzip -n -6`: the compressed bytes (and so
# the byte offsets of the member cut) are those of the gzip program installed (1.12 on
# Debian 12).
set -eu
LC_ALL=C
export LC_ALL
if [ $# -ne 3 ]; then
  echo "usage: $0 SRC DEST SEED" >&2
  exit 2
fi
src=$1 dest=$2 seed=$3

# rnd N: a pseudo-random integer in [0, N) in $R
rnd_state=$seed
rnd() {
  rnd_state=$(( (rnd_state * 1103515245 + 12345) % 2147483648 ))
  R=$(( (rnd_state / 256) % $1 ))
}

# byte_at FILE POS: the byte's value (0..255)
byte_at() {
  od -An -tu1 -j "$2" -N1 "$1" | tr -d ' \n'
}

# put_byte FILE POS VALUE: overwrite one byte in place
put_byte() {
  # shellcheck disable=SC2059
  printf "\\$(printf %o "$3")" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# boundaries PLAIN: byte offsets of each "}" that ends a record followed by another
# record ("},{"eventVersion"), one per line; there are (records - 1) of them
boundaries() {
  grep -abo '},{"eventVersion"' "$1" | cut -d: -f1
}

# nth_line N: the Nth line (1-based) of standard input
nth_line() {
  sed -n "$1p"
}

size_of() {
  wc -c <"$1" | tr -d ' '
}

rm -rf "$dest"
mkdir -p "$dest"
cp -R "$src" "$dest/AWSLogs"
work=$dest/work
mkdir -p "$work"
manifest=$dest/manifest.tsv
: >"$manifest"

(cd "$dest/AWSLogs" && find . -type f -path '*/CloudTrail/*' | sed 's|^\./||' | sort) >"$work/logs"
nlogs=$(wc -l <"$work/logs" | tr -d ' ')
ndamage=$(( (nlogs + 9) / 10 ))

# a partial Fisher-Yates shuffle of the line numbers 1..nlogs: the first ndamage picks
i=1
while [ "$i" -le "$nlogs" ]; do eval "perm_$i=$i"; i=$((i + 1)); done
i=1
while [ "$i" -le "$ndamage" ]; do
  rnd $((nlogs - i + 1))
  j=$((i + R))
  eval "t=\$perm_$i; perm_$i=\$perm_$j; perm_$j=\$t"
  i=$((i + 1))
done

kinds="truncate flip member garbage broken"
i=1
while [ "$i" -le "$ndamage" ]; do
  eval "line=\$perm_$i"
  rel=$(nth_line "$line" <"$work/logs")
  f=$dest/AWSLogs/$rel
  k=$(( (i - 1) % 5 + 1 ))
  kind=$(echo $kinds | cut -d' ' -f$k)
  size=$(size_of "$f")
  plain=$work/plain
  gzip -dc "$f" >"$plain"
  nplain=$(size_of "$plain")
  boundaries "$plain" >"$work/bounds"
  nb=$(wc -l <"$work/bounds" | tr -d ' ')
  nrec=$((nb + 1))
  case $kind in
    truncate)
      rnd $((size - 10))
      cut=$((10 + R))
      head -c "$cut" "$f" >"$work/out"
      mv "$work/out" "$f"
      what="cut at byte $cut of $size"
      a=$cut b=$size
      ;;
    flip)
      what="bytes"
      n=0
      while [ "$n" -lt 3 ]; do
        rnd 11
        pos=$((size / 2 - 16 + 11 * n + R))     # three distinct bytes in the middle 33
        rnd 255
        mask=$((R + 1))
        old=$(byte_at "$f" "$pos")
        put_byte "$f" "$pos" $((old ^ mask))
        what="$what $pos^$mask"
        n=$((n + 1))
      done
      what="$what of $size"
      a=$((size / 2)) b=$size
      ;;
    member)
      rnd "$nb"
      at=$(nth_line $((R + 1)) <"$work/bounds")
      at=$((at + 2))                          # after "},"
      head -c "$at" "$plain" | gzip -n -6 -c >"$work/m1"
      tail -c +$((at + 1)) "$plain" | gzip -n -6 -c >"$work/m2"
      m1=$(size_of "$work/m1")
      m2=$(size_of "$work/m2")
      rnd $((m2 - 1))
      keep=$((1 + R))                         # 1 .. m2-1 bytes of the second member
      { cat "$work/m1"; head -c "$keep" "$work/m2"; } >"$f"
      what="members of $m1+$m2 bytes (split at decompressed byte $at), cut at byte $((m1 + keep))"
      a=$at b=$((m1 + keep))
      ;;
    garbage)
      rnd "$nb"
      rec=$R                                  # garbage goes after record rec
      at=$(nth_line $((R + 1)) <"$work/bounds")
      at=$((at + 2))
      rnd 24
      glen=$((8 + R))
      : >"$work/garbage"
      n=0
      while [ "$n" -lt "$glen" ]; do
        rnd 256
        # shellcheck disable=SC2059
        printf "\\$(printf %o "$R")" >>"$work/garbage"
        n=$((n + 1))
      done
      { head -c "$at" "$plain"; cat "$work/garbage"; tail -c +$((at + 1)) "$plain"; } | gzip -n -6 -c >"$f"
      what="$glen bytes ($(od -An -tx1 "$work/garbage" | tr -d ' \n')) after record $rec at decompressed byte $at"
      a=$rec b=$at
      ;;
    broken)
      rnd "$nrec"
      rec=$R
      if [ "$rec" = 0 ]; then
        start=0
      else
        start=$(nth_line "$rec" <"$work/bounds")
      fi
      et=$(grep -abo '"eventTime":"' "$plain" | cut -d: -f1 | while read -r o; do
             if [ "$o" -gt "$start" ]; then echo "$o"; break; fi; done)
      q=$((et + 13 + 20))                     # "eventTime":"YYYY-MM-DDTHH:MM:SSZ" <- this quote
      if [ "$(byte_at "$plain" "$q")" != 34 ]; then
        echo "damage_corpus: no closing quote at $q in $rel" >&2
        exit 1
      fi
      { head -c "$q" "$plain"; tail -c +$((q + 2)) "$plain"; } | gzip -n -6 -c >"$f"
      what="record $rec: the closing quote of its eventTime deleted (decompressed byte $q)"
      a=$rec b=$q
      ;;
  esac
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$kind" "$rel" "$what" "$nrec" "$a" "$b" >>"$manifest"
  i=$((i + 1))
done
rm -rf "$work"
