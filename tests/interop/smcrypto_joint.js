// Verifies two-party (joint) SM2 signatures with npm's sm-crypto, which knows nothing of how
// they were made. Usage: node smcrypto_joint.js FILE, each line "PUB_HEX MESSAGE_HEX SIG_HEX"
// (r||s, standard user ID). Prints: valid=<count of signatures that verify>, total=<lines>.
const fs = require('fs');
const sm2 = require('sm-crypto').sm2;
const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter((l) => l.length > 0);
let valid = 0;
for (const line of lines) {
  const [pub, messageHex, sig] = line.split(' ');
  const message = Array.from(Buffer.from(messageHex, 'hex'));
  if (sm2.doVerifySignature(message, sig, pub, {hash: true})) valid++;
}
console.log('valid=' + valid);
console.log('total=' + lines.length);
