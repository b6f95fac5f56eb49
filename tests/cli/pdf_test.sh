#!/usr/bin/env bash
# `eseal pdf sign|prepare|complete|verify|text`: every placement and /Contents format on PDFs
# made with cairo, the independent checks (qpdf --check, pdfsig), two-phase signing through
# `eseal sign-data`, tampering, and bad input with its exit code.
# Usage: pdf_test.sh ESEAL OPENSSL MAKE_FIXTURE_PDF
MAKE_PDF=$3
INTEROP=$(cd "$(dirname "$0")/../interop" && pwd)
source "$(dirname "$0")/lib.sh" "$@"

expect 0 "$ESEAL" ca init --dir ca
expect 0 "$ESEAL" cert issue --ca ca --profile seal-maker --subject "C=CN,O=制章中心,CN=制章者" --out maker
expect 0 "$ESEAL" cert issue --ca ca --profile seal --subject "C=CN,O=某某科技有限公司,CN=合同章" --out signer
expect 0 "$ESEAL" seal make --maker maker --signer-cert signer.pem --name 某某科技有限公司 --type 5 --out contract.esl
"$MAKE_PDF" doc.pdf 3 || fail "cannot make doc.pdf"
"$MAKE_PDF" doc-xref.pdf 12 xref-stream || fail "cannot make doc-xref.pdf"

expect 0 "$ESEAL" pdf text doc.pdf --page 2
contains "甲方（签章）："
expect 0 "$ESEAL" pdf text doc.pdf --json
contains '"page": 3'

SIGN=("$ESEAL" pdf sign --seal contract.esl --key signer.key --cert signer.pem)
expect 0 "${SIGN[@]}" --in doc.pdf --out position.pdf --page 1 --x 120 --y 200
expect 0 "${SIGN[@]}" --in doc.pdf --out keyword.pdf --keyword 甲方（签章） --format gmcms
expect 0 "${SIGN[@]}" --in doc.pdf --out all.pdf --keyword 签章 --keyword-mode all --format pkcs7
expect 0 "${SIGN[@]}" --in doc-xref.pdf --out cross.pdf --cross-page --group 5
expect 0 "${SIGN[@]}" --in position.pdf --out twice.pdf --keyword 乙方（签章） --move right
expect 0 "${SIGN[@]}" --in doc.pdf --out several.pdf --unit pt --page 1 --x 340 --y 567 \
  --page 3 --x 57 --y 57
expect 0 "$ESEAL" pdf verify several.pdf --ca ca/root.pem --json
contains '"page": 3'
contains '"xMm": 119.94'
contains '"yMm": 20.11'
expect 2 "${SIGN[@]}" --in doc.pdf --out x.pdf --page 1 --x 10 --y 10 --page 2 --x 10
contains "each --page needs its own --x and --y"

for f in position keyword all cross twice several; do
  expect 0 qpdf --check "$f.pdf"
  expect 0 "$ESEAL" pdf verify "$f.pdf" --ca ca/root.pem
  contains "OK every signature is valid"
  contains "  verdict  valid"
done
expect 0 "$ESEAL" pdf verify keyword.pdf --ca ca/root.pem --json
contains '"format": "gmcms"'
contains '"page": 2'
contains '"verdict": "valid"'
contains '"findings": []'
expect 0 "$ESEAL" pdf verify all.pdf --ca ca/root.pem
contains "shown on page 3"
expect 0 "$ESEAL" pdf verify cross.pdf --ca ca/root.pem --json
contains '"page": 12'
expect 0 "$ESEAL" pdf verify twice.pdf --ca ca/root.pem
contains "signature 2"
contains "signatures-or-annotations"

# Without --ca no chain is checked: indeterminate (exit 4), saying which checks were skipped.
expect 4 "$ESEAL" pdf verify position.pdf
contains "skipped  signer-chain            no trust anchor given"
contains "  verdict  indeterminate: no-chain-checked (signer-chain, seal.maker-chain)"
contains "INDETERMINATE no check failed, but not everything could be established: no-chain-checked"
expect 4 "$ESEAL" pdf verify position.pdf --json
contains '"verdict": "indeterminate"'
contains '"finding": "no-chain-checked"'
tr -d ' \n' <<<"$out" | grep -q '"findings":\["no-chain-checked"\]' || fail "no findings list: $out"
# Another root: the chain cannot be established, which is indeterminate too.
"$ESEAL" ca init --dir other-ca >/dev/null 2>&1
expect 4 "$ESEAL" pdf verify position.pdf --ca other-ca/root.pem
contains "indeterminate signer-chain"
contains "unknown-root"

# poppler lists each signature and the ranges it covers, and parses the pkcs7 profile's
# SignedData (it cannot check SM2 itself). Poppler before 25 reads only signature fields whose
# single widget is merged with the field, so the multi-widget files are not given to it.
if command -v pdfsig >/dev/null; then
  expect 0 "${SIGN[@]}" --in doc.pdf --out pkcs7.pdf --page 2 --x 30 --y 30 --format pkcs7
  expect 0 pdfsig pkcs7.pdf
  contains "Signer Certificate Common Name: 合同章"
  contains "Total document signed"
  expect 0 pdfsig twice.pdf
  contains "Signature #2"
  contains "adbe.pkcs7.detached"
  contains "Total document signed"
fi

# Rendered by poppler at 25.4 dpi (one pixel per millimetre), the seal's red is where it was
# asked for: inside the 42 mm square at (120, 200) mm, none left of it. red_in X0 Y0 X1 Y1 counts
# red pixels in that rectangle of page.ppm.
red_in() {
  perl -e 'local $/; open(F, "<", "page.ppm") or die; binmode F; $_ = <F>;
    /^P6\s+(\d+)\s+(\d+)\s+255\s/s or die; my ($w, $o) = ($1, $+[0]); my $n = 0;
    for my $y ($ARGV[1] .. $ARGV[3] - 1) { for my $x ($ARGV[0] .. $ARGV[2] - 1) {
      my ($r, $g, $b) = unpack("C3", substr($_, $o + 3 * ($y * $w + $x), 3));
      $n++ if $r > 180 && $g < 100 && $b < 100; } } print $n' "$@"
}
if command -v pdftoppm >/dev/null; then
  pdftoppm -r 25.4 -f 1 -l 1 -singlefile position.pdf page
  checks=$((checks + 1))
  [ "$(red_in 120 200 162 242)" -gt 100 ] || fail "no seal at (120, 200) mm on the rendered page"
  checks=$((checks + 1))
  [ "$(red_in 60 200 118 242)" -eq 0 ] || fail "seal red left of (120, 200) mm"
  pdftoppm -r 25.4 -f 12 -l 12 -singlefile cross.pdf page
  checks=$((checks + 1))
  [ "$(red_in 190 100 210 200)" -gt 20 ] || fail "no cross-page slice at the right edge of page 12"
fi

# BouncyCastle's CMS verifies the pkcs7 profile's SignedData over the signed byte ranges.
JARS=/usr/share/java/bcprov.jar:/usr/share/java/bcpkix.jar:/usr/share/java/bcutil.jar
if command -v java >/dev/null && [ -f /usr/share/java/bcpkix.jar ] && [ -f /usr/share/java/bcutil.jar ]; then
  expect 0 "$ESEAL" pdf sign --seal contract.esl --key signer.key --cert signer.pem --in doc.pdf \
    --out bc.pdf --page 1 --x 30 --y 30 --format pkcs7
  expect 0 "$ESEAL" pdf verify bc.pdf --ca ca/root.pem --json
  read -r r0 r1 r2 r3 < <(tr -d '\n ' <<<"$out" | sed -E 's/.*"byteRange":\[([0-9]+),([0-9]+),([0-9]+),([0-9]+)\].*/\1 \2 \3 \4/')
  { head -c "$r1" bc.pdf; tail -c "$r3" bc.pdf; } > signed-ranges.bin
  head -c $((r2 - 1)) bc.pdf | tail -c $((r2 - r1 - 2)) | perl -ne 'print pack("H*", $_)' > contents.bin
  expect 0 java -cp "$JARS" "$INTEROP/CmsCheck.java" verify contents.bin signed-ranges.bin
  contains "OK"
else
  echo "note: java or BouncyCastle missing; the BouncyCastle check of a signed PDF is skipped"
fi

# Two phases: prepare, sign the to-be-signed bytes elsewhere, complete.
expect 0 "$ESEAL" pdf prepare --in doc.pdf --out prepared.pdf --seal contract.esl --cert signer.pem \
  --page 3 --x 20 --y 20 --digest-out digest.bin --tbs-out tbs.bin
contains "document digest"
expect 0 "$ESEAL" sign-data --key signer.key --in tbs.bin --out tbs.sig
expect 0 "$ESEAL" pdf complete --in prepared.pdf --signature tbs.sig --out completed.pdf
expect 0 "$ESEAL" pdf verify completed.pdf --ca ca/root.pem
checks=$((checks + 1))
[ "$(stat -c %s prepared.pdf)" = "$(stat -c %s completed.pdf)" ] || fail "complete changed the length"
expect 1 "$ESEAL" pdf verify prepared.pdf
expect 2 "$ESEAL" pdf complete --in doc.pdf --signature tbs.sig --out nothing.pdf

# Tampering: one byte in a signed range, and content appended after signing.
cp position.pdf flipped.pdf
printf 'X' | dd of=flipped.pdf bs=1 seek=200 conv=notrunc 2>/dev/null
expect 1 "$ESEAL" pdf verify flipped.pdf --ca ca/root.pem
contains "failed   digest"
contains "FAILED the document's signatures do not all hold: digest"
cp position.pdf appended.pdf
printf '\n%% appended\n' >> appended.pdf
expect 1 "$ESEAL" pdf verify appended.pdf --ca ca/root.pem
contains "changed after its last signature"
contains "FAILED the document's signatures do not all hold: unsigned-changes"
expect 1 "$ESEAL" pdf verify doc.pdf
contains "no signatures"
contains "no-signature"

# Bad input.
expect 2 "${SIGN[@]}" --in doc.pdf --out x.pdf --keyword 不存在的词
contains "不存在的词"
expect 2 "${SIGN[@]}" --in doc.pdf --out x.pdf --page 9 --x 10 --y 10
expect 2 "${SIGN[@]}" --in doc.pdf --out x.pdf --page 1 --x 10 --y 10 --keyword 甲方
expect 2 "${SIGN[@]}" --in doc.pdf --out x.pdf --page 1 --x 10 --y 10 --format cms
expect 2 "${SIGN[@]}" --in contract.esl --out x.pdf --page 1 --x 10 --y 10
expect 2 "${SIGN[@]}" --in doc.pdf --out position.pdf --page 1 --x 10 --y 10
contains "already exists"
qpdf --encrypt user owner 256 -- doc.pdf locked.pdf
expect 2 "${SIGN[@]}" --in locked.pdf --out x.pdf --page 1 --x 10 --y 10
contains "encrypted"
checks=$((checks + 1))
[ ! -e x.pdf ] || fail "a failed signing left x.pdf behind"

done_checks
