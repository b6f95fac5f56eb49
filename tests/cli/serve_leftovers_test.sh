#!/usr/bin/env bash
# `eseal serve` removes at start-up the temporary files that writes killed with an earlier run
# left in the data folder (TARGET.tmp-XXXXXX beside their target, blobs included), and keeps
# everything else, including a temporary file young enough to belong to a write in progress.
source "$(dirname "$0")/lib.sh" "$@"

mkdir -p data/blobs/ab data/apps
echo blob > data/blobs/ab/cdef
echo half > data/blobs/ab/cdef.tmp-Qx81Zp
echo half > data/apps/app.pem.tmp-3kD9aa
echo live > data/apps/other.pem.tmp-w0Rk1n
echo note > data/notes.tmp-old
touch -d '5 minutes ago' data/blobs/ab/cdef data/blobs/ab/cdef.tmp-Qx81Zp data/apps/app.pem.tmp-3kD9aa data/notes.tmp-old

start_serve --port 0 --data-dir data
kill -TERM "$server"
wait "$server" || fail "serve exited with $? after SIGTERM: $(cat serve.err)"
server=
for gone in data/blobs/ab/cdef.tmp-Qx81Zp data/apps/app.pem.tmp-3kD9aa; do
  checks=$((checks + 1))
  [ ! -e "$gone" ] || fail "$gone survived start-up"
done
for kept in data/blobs/ab/cdef data/apps/other.pem.tmp-w0Rk1n data/notes.tmp-old; do
  checks=$((checks + 1))
  [ -e "$kept" ] || fail "start-up removed $kept"
done
out=$(cat serve.err)
contains "removed 2 temporary files left by interrupted writes"

done_checks
