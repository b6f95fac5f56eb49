#!/usr/bin/env bash
# The CLI contract for the CA, certificates and CRLs, cross-checked with the OpenSSL command line.
source "$(dirname "$0")/lib.sh" "$@"

expect 0 "$ESEAL" ca init --dir ca --subject "C=CN,O=测试单位,CN=测试根CA"
contains "C=CN,O=测试单位,CN=测试根CA"
[ -f ca/root.pem ] && [ -f ca/root.key ] || fail "ca init did not write root.pem and root.key"
grep -q "BEGIN ENCRYPTED PRIVATE KEY" ca/root.key || fail "root.key is not encrypted"
[ "$(stat -c %a ca/root.key)" = 600 ] || fail "root.key is not 0600"
[ "$(stat -c %a var/kek)" = 600 ] || fail "the KEK file is not 0600"
expect 2 "$ESEAL" ca init --dir ca
contains "already exists"

for profile in seal-maker seal seal-enc user tsa; do
  expect 0 "$ESEAL" cert issue --ca ca --profile $profile --subject "C=CN,O=测试单位,CN=$profile 证书" --out $profile
  expect 0 "$OPENSSL" verify -vfyopt $DISTID -CAfile ca/root.pem $profile.pem
  expect 0 "$ESEAL" cert verify --cert $profile.pem --ca ca/root.pem
  contains "OK C=CN,O=测试单位,CN=$profile 证书"
done
expect 0 "$OPENSSL" x509 -noout -text -nameopt utf8 -in tsa.pem
contains "Time Stamping"
contains "SM2-with-SM3"
expect 0 "$ESEAL" cert show --cert seal-maker.pem
contains "digitalSignature,nonRepudiation"
contains "CN=seal-maker 证书"

# A sub-CA and a certificate below it: verify needs the chain.
expect 0 "$ESEAL" cert issue --ca ca --profile sub-ca --subject "C=CN,O=测试单位,CN=二级CA" --out sub
expect 0 "$ESEAL" cert issue --issuer sub --profile seal --subject "C=CN,O=某局,CN=公章" --out leaf
expect 0 "$ESEAL" cert verify --cert leaf.pem --ca ca/root.pem --chain sub.pem
expect 1 "$ESEAL" cert verify --cert leaf.pem --ca ca/root.pem
contains "FAILED"
expect 0 "$OPENSSL" verify -vfyopt $DISTID -partial_chain -CAfile sub.pem leaf.pem
expect 1 "$ESEAL" cert verify --cert seal.pem --ca ca/root.pem --at 2099-01-01T00:00:00Z
contains "expired"

# Another CA does not vouch for these certificates.
expect 0 "$ESEAL" ca init --dir other
expect 1 "$ESEAL" cert verify --cert seal.pem --ca other/root.pem

# Bad input is exit code 2 with a message.
expect 2 "$ESEAL" cert issue --ca ca --profile notary --subject "CN=x" --out x
contains "unknown certificate profile"
expect 2 "$ESEAL" cert issue --ca ca --profile seal --subject "CN" --out x
expect 2 "$ESEAL" cert issue --ca nowhere --profile seal --subject "CN=x" --out x
expect 2 "$ESEAL" cert issue --issuer seal --profile seal --subject "CN=x" --out x
contains "not a CA"
expect 2 "$ESEAL" cert verify --cert ca/root.key --ca ca/root.pem
expect 2 "$ESEAL" cert issue --ca ca --profile seal --subject "CN=x"
expect 2 "$ESEAL" cert issue --ca ca --profile seal --subject "C=China,CN=x" --out x
[ ! -e x.pem ] && [ ! -e x.key ] || fail "a failed issue left x.pem or x.key behind"
expect 2 "$ESEAL" ca init --dir huge --days 4000000
contains "cannot be encoded"

# Commands that use existing keys never invent a KEK.
expect 2 "$ESEAL" --kek-file var/missing-kek cert issue --ca ca --profile seal --subject "CN=z" --out z
contains "no key-encryption key"
[ ! -e var/missing-kek ] || fail "cert issue created a KEK"

# A wrong key-encryption key cannot open the CA key.
ESEAL_KEK=wrong-but-long-enough expect 2 "$ESEAL" cert issue --ca ca --profile seal --subject "CN=y" --out y
contains "key-encryption key"

# CRLs: revoke, accumulate, check, cross-check.
expect 0 "$ESEAL" crl issue --ca ca --revoke-cert seal.pem --reason keyCompromise
contains "CRL number 1"
expect 1 "$ESEAL" crl check --crl ca/crl.pem --cert seal.pem --ca ca/root.pem
contains "keyCompromise"
expect 0 "$ESEAL" crl check --crl ca/crl.pem --cert user.pem --ca ca/root.pem
contains "GOOD"
expect 1 "$ESEAL" cert verify --cert seal.pem --ca ca/root.pem --crl ca/crl.pem
contains "revoked"
expect 0 "$ESEAL" cert verify --cert user.pem --ca ca/root.pem --crl ca/crl.pem
serial=$("$OPENSSL" x509 -in user.pem -noout -serial | cut -d= -f2)
expect 0 "$ESEAL" crl issue --ca ca --revoke "$serial" --days 1
contains "CRL number 2, 2 revoked"
expect 1 "$ESEAL" crl check --crl ca/crl.pem --cert user.pem --ca ca/root.pem
expect 0 "$OPENSSL" crl -noout -text -in ca/crl.pem
contains "Key Compromise"
contains "$serial"
expect 1 "$ESEAL" crl check --crl ca/crl.pem --cert user.pem --ca ca/root.pem --at 2099-01-01T00:00:00Z
expect 2 "$ESEAL" crl check --crl ca/crl.pem --cert leaf.pem --ca ca/root.pem
contains "not issued by"
expect 2 "$ESEAL" crl issue --ca ca --revoke-cert leaf.pem
expect 0 "$ESEAL" crl issue --issuer sub --revoke-cert leaf.pem
[ -f sub.crl.pem ] || fail "crl issue --issuer sub did not default to sub.crl.pem"
expect 1 "$ESEAL" cert verify --cert leaf.pem --ca ca/root.pem --chain sub.pem --crl sub.crl.pem
contains "revoked"
# Checked at a time before the revocation, with today's CRL, the certificate was still good.
expect 0 "$ESEAL" cert verify --cert leaf.pem --ca ca/root.pem --chain sub.pem --crl sub.crl.pem \
  --at "$(date -u -d '-1 minute' +%Y-%m-%dT%H:%M:%SZ)"
expect 2 "$ESEAL" crl issue --ca ca --reason bored
expect 2 "$ESEAL" crl check --crl ca/crl.pem --cert user.pem

done_checks
