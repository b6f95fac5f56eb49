#!/usr/bin/env bash
# What `eseal` refuses before writing anything, and how it says so: a seal that does not list the
# signer's certificate, a seal placed mostly off the page, input that is not a readable PDF, a key
# that is not the certificate's, a mistyped option; and `eseal --version`.
# Usage: refusals_test.sh ESEAL OPENSSL MAKE_FIXTURE_PDF
MAKE_PDF=$3
source "$(dirname "$0")/lib.sh" "$@"

expect 0 "$ESEAL" ca init --dir ca
expect 0 "$ESEAL" cert issue --ca ca --profile seal-maker --subject "C=CN,O=制章中心,CN=制章者" --out maker
expect 0 "$ESEAL" cert issue --ca ca --profile seal --subject "C=CN,O=某某科技有限公司,CN=合同章" --out signer
expect 0 "$ESEAL" cert issue --ca ca --profile seal --subject "C=CN,O=别的公司,CN=公章" --out other
expect 0 "$ESEAL" seal make --maker maker --signer-cert signer.pem --name 某某科技有限公司 --type 5 --out contract.esl
"$MAKE_PDF" doc.pdf 2 || fail "cannot make doc.pdf"
printf '第一页\n' > text.txt
expect 0 "$ESEAL" ofd make --text-file text.txt --out doc.ofd

# nothing_written FILE: a refused command left no output behind.
nothing_written() {
  checks=$((checks + 1))
  [ ! -e "$1" ] || fail "a refused command wrote $1"
}

# A seal may only be used by the signers it lists: refused before anything is written, in both
# formats and both halves (prepare refuses too, so no PDF waits for a signature that would fail).
expect 2 "$ESEAL" pdf sign --in doc.pdf --out x.pdf --seal contract.esl --key other.key --cert other.pem --page 1 --x 20 --y 20
contains "does not list the signer's certificate"
contains "别的公司"
nothing_written x.pdf
expect 2 "$ESEAL" pdf prepare --in doc.pdf --out x.pdf --seal contract.esl --cert other.pem --page 1 --x 20 --y 20
contains "does not list the signer's certificate"
nothing_written x.pdf
expect 2 "$ESEAL" ofd sign --in doc.ofd --out x.ofd --seal contract.esl --key other.key --cert other.pem --page 1 --x 20 --y 20
contains "does not list the signer's certificate"
nothing_written x.ofd

# A seal mostly off the page (42 mm wide at 190 mm on a 210 mm page) is refused; one that only
# overhangs the edge a little is not.
expect 2 "$ESEAL" pdf sign --in doc.pdf --out x.pdf --seal contract.esl --key signer.key --cert signer.pem --page 1 --x 190 --y 20
contains "lies mostly off the page"
nothing_written x.pdf
expect 2 "$ESEAL" ofd sign --in doc.ofd --out x.ofd --seal contract.esl --key signer.key --cert signer.pem --page 1 --x 20 --y 280
contains "the seal at (20.0, 280.0) mm on page 1 lies mostly off the page"
nothing_written x.ofd
expect 2 "$ESEAL" pdf sign --in doc.pdf --out x.pdf --seal contract.esl --key signer.key --cert signer.pem --cross-page --y 290
contains "lies mostly off the page"
nothing_written x.pdf
expect 0 "$ESEAL" pdf sign --in doc.pdf --out edge.pdf --seal contract.esl --key signer.key --cert signer.pem --page 1 --x 180 --y 20
expect 0 "$ESEAL" pdf verify edge.pdf --ca ca/root.pem

# Input that is not a PDF is named once, in our words rather than the PDF library's.
expect 2 "$ESEAL" pdf sign --in doc.ofd --out x.pdf --seal contract.esl --key signer.key --cert signer.pem --page 1 --x 20 --y 20
checks=$((checks + 1))
[ "$out" = "eseal: doc.ofd is OFD, not PDF" ] || fail "non-PDF input: $out"
nothing_written x.pdf
head -c 3000 doc.pdf > cut.pdf
expect 2 "$ESEAL" pdf text cut.pdf
checks=$((checks + 1))
[ "$out" = "eseal: cut.pdf: not a readable PDF: damaged beyond repair" ] || fail "damaged PDF: $out"

# A key that is not the certificate's is bad input (2), found before signing, not a failed
# verification (1).
expect 2 "$ESEAL" pdf sign --in doc.pdf --out x.pdf --seal contract.esl --key other.key --cert signer.pem --page 1 --x 20 --y 20
contains "eseal: other.key is not the key of the certificate in signer.pem (C=CN,O=某某科技有限公司,CN=合同章)"
nothing_written x.pdf
expect 2 "$ESEAL" ofd sign --in doc.ofd --out x.ofd --seal contract.esl --key other.key --cert signer.pem --page 1 --x 20 --y 20
contains "other.key is not the key of the certificate in signer.pem"
expect 2 "$ESEAL" ofd lock --in doc.ofd --out x.ofd --key other.key --cert signer.pem
contains "other.key is not the key of the certificate in signer.pem"
nothing_written x.ofd

# A mistyped option is named (with the option it resembles), even when a required option then
# counts as missing; a stray argument is named too.
expect 2 "$ESEAL" pdf sign --in doc.pdf --out x.pdf --sael contract.esl --key signer.key --cert signer.pem --page 1 --x 20 --y 20
contains "eseal: unknown option --sael (did you mean --seal?)"
checks=$((checks + 1))
case "$out" in *"is required"*) fail "a mistyped option reported as a missing one: $out" ;; esac
expect 2 "$ESEAL" ofd verify doc.ofd --jsn
contains "unknown option --jsn (did you mean --json?)"
expect 2 "$ESEAL" ca init --dir ca2 --colour red
contains "unknown option --colour"
expect 2 "$ESEAL" pdf verify doc.pdf doc2.pdf
contains "unexpected argument doc2.pdf"
expect 2 "$ESEAL" pdf sign --in doc.pdf --out x.pdf
contains "give --seal, --cert, --key or --seal-id"
expect 2 "$ESEAL" pdf sign --in doc.pdf --out x.pdf --seal contract.esl --seal-id X --page 1 --x 20 --y 20
contains "give --seal-id or --seal, --cert and --key, not both"

expect 0 "$ESEAL" --version
checks=$((checks + 1))
[[ "$out" =~ ^eseal\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "--version: $out"

done_checks
