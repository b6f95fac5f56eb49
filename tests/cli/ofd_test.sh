#!/usr/bin/env bash
# `eseal ofd verify` on OFD files made by other implementations (../shared/fixtures, skipped
# when absent), with the verdicts its README expects: the real tax e-invoices (one with a seal
# made before its maker's certificate was valid) and the locked package are indeterminate only
# for their unchecked chains, a legacy bare SM2 signature is indeterminate until given its
# certificate, and bad input exits 2.
FIXTURES=$(cd "$(dirname "$0")/../.." && pwd)/../shared/fixtures/ofd-interop
source "$(dirname "$0")/lib.sh" "$@"

if [ ! -d "$FIXTURES" ]; then
  echo "note: ../shared/fixtures missing; OFD checks skipped"
  done_checks
  exit 0
fi

# What ../shared/fixtures/ofd-interop/README.md expects, with no trust anchor for the bureaus'
# roots: every check passes and only the chain is left open (indeterminate, exit 4).
expect 4 "$ESEAL" ofd verify "$FIXTURES/v4signed.ofd"
contains "passed   references"
contains "passed   signer-signature"
contains "passed   data-hash"
contains "passed   seal.maker-signature"
contains "  verdict  indeterminate: no-chain-checked (signer-chain, seal.maker-chain)"
contains "INDETERMINATE no check failed, but not everything could be established: no-chain-checked"
expect 4 "$ESEAL" ofd verify "$FIXTURES/SESV4SignDoc.ofd"
contains "passed   signer-signature"
contains "passed   seal.maker-signature"
contains "indeterminate signer-certificate"
contains "cert-expired-no-timestamp"
expect 4 "$ESEAL" ofd verify "$FIXTURES/allprotected.ofd" --json
contains '"locked": true'
contains '"format": "ses"'
contains '"verdict": "indeterminate"'
# signedFile.ofd's seal was made five days before its maker's certificate became valid: a
# finding of a genuine invoice, not a failure.
expect 4 "$ESEAL" ofd verify "$FIXTURES/signedFile.ofd"
contains "indeterminate seal.maker-certificate"
contains "passed   signer-signature"
contains "seal-maker-cert-not-yet-valid-at-seal-making (seal.maker-certificate)"
expect 4 "$ESEAL" ofd verify "$FIXTURES/signedFile.ofd" --json
contains '"finding": "seal-maker-cert-not-yet-valid-at-seal-making"'

# DigitalSign.ofd is a bare SM2 signature without a certificate: nothing checks it, so it is
# indeterminate. ofdrw's test certificate, the signer of SESV4SignDoc.ofd, verifies it; then only
# the chain is left open.
expect 4 "$ESEAL" ofd verify "$FIXTURES/DigitalSign.ofd"
contains "skipped  signer-signature"
contains "signer-cert-missing"
expect 0 "$ESEAL" seal show "$FIXTURES/SignedValueV4.dat" --json
sed -n 's/.*"certificate": "\(.*\)".*/\1/p' <<<"$out" | head -n 1 | base64 -d > signer.der
"$OPENSSL" x509 -inform DER -in signer.der -out signer.pem || fail "cannot read the signer certificate"
expect 4 "$ESEAL" ofd verify "$FIXTURES/DigitalSign.ofd" --signer-cert signer.pem
contains "passed   signer-signature"
contains "established: no-chain-checked"
# Another certificate: the signature does not verify under it, which fails.
expect 0 "$ESEAL" ca init --dir ca
expect 0 "$ESEAL" cert issue --ca ca --profile seal --subject "C=CN,CN=别人" --out other
expect 1 "$ESEAL" ofd verify "$FIXTURES/DigitalSign.ofd" --signer-cert other.pem
contains "failed   signer-signature"
echo "not a zip" > bad.ofd
expect 2 "$ESEAL" ofd verify bad.ofd
expect 2 "$ESEAL" ofd verify missing.ofd

done_checks
