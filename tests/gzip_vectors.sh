#!/bin/sh
# make_vectors.sh DIR -- gzip every DIR/*.raw (written by test_gzip) with the
# system gzip. Invoked by test_gzip via system(); can also be run by hand.
#   NAME.l1.gz NAME.l6.gz NAME.l9.gz   gzip -n -1/-6/-9 (no FNAME, no MTIME)
#   NAME.name.gz                       gzip -6 with FNAME stored
#   multi.gz                           cat text.l6.gz random.l1.gz empty.l9.gz zeros.name.gz
set -e
dir=${1:?usage: make_vectors.sh DIR}
cd "$dir"
for f in *.raw; do
    b=${f%.raw}
    for l in 1 6 9; do gzip -n -$l -c "$f" > "$b.l$l.gz"; done
    gzip -6 -c "$f" > "$b.name.gz"
done
cat text.l6.gz random.l1.gz empty.l9.gz zeros.name.gz > multi.gz
