// Cross-check with npm's sm-crypto, a JavaScript SM2 written independently of OpenSSL.
// Usage: node smcrypto_check.js PRIV_HEX PUB_HEX MESSAGE_HEX OUR_SIG_HEX OUR_C1C3C2_HEX
// Prints: verify=<true|false>, decrypt=<hex>, sig=<r||s hex>, cipher=<C1C3C2 hex, 04 prefix>.
const sm2 = require('sm-crypto').sm2;
const [priv, pub, messageHex, ourSig, ourCipher] = process.argv.slice(2);
const message = Array.from(Buffer.from(messageHex, 'hex'));
// sm-crypto's defaults: user ID 1234567812345678, r||s signatures, C1 without the 04 prefix.
console.log('verify=' + sm2.doVerifySignature(message, ourSig, pub, {hash: true}));
const plain = sm2.doDecrypt(ourCipher.slice(2), priv, 1, {output: 'array'});
console.log('decrypt=' + Buffer.from(plain).toString('hex'));
console.log('sig=' + sm2.doSignature(message, priv, {hash: true}));
console.log('cipher=04' + sm2.doEncrypt(message, pub, 1));
