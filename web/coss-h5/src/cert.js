// Just enough DER (X.690) to show an X.509 certificate (RFC 5280 §4.1) to its holder: the
// subject as "C=CN,O=…,CN=…", the serial in hex and the validity. Nothing here is trusted: the
// server checked the certificate when it issued it, and the page only displays it.
import { toHex } from './sm2.js';

const NAMES = {
  '2.5.4.3': 'CN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '0.9.2342.19200300.100.1.1': 'UID',
};

// The TLV at `at`: {tag, start (of the content), end}.
function tlv(bytes, at) {
  const tag = bytes[at];
  let length = bytes[at + 1];
  let start = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count < 1 || count > 3) throw new Error('unsupported DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[start + i];
    start += count;
  }
  if (tag === undefined || start + length > bytes.length) throw new Error('truncated DER');
  return { tag, start, end: start + length };
}

function children(bytes, parent) {
  const out = [];
  for (let at = parent.start; at < parent.end; ) {
    const child = tlv(bytes, at);
    out.push(child);
    at = child.end;
  }
  return out;
}

function oid(bytes) {
  const parts = [Math.floor(bytes[0] / 40), bytes[0] % 40];
  let value = 0;
  for (const b of bytes.subarray(1)) {
    value = value * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

function text(bytes, node) {
  const content = bytes.subarray(node.start, node.end);
  if (node.tag === 0x1e) {
    // BMPString: UTF-16BE.
    let out = '';
    for (let i = 0; i + 1 < content.length; i += 2) out += String.fromCharCode((content[i] << 8) | content[i + 1]);
    return out;
  }
  return new TextDecoder().decode(content);
}

function name(bytes, node) {
  const parts = [];
  for (const set of children(bytes, node)) {
    for (const pair of children(bytes, set)) {
      const [type, value] = children(bytes, pair);
      const id = oid(bytes.subarray(type.start, type.end));
      parts.push(`${NAMES[id] || id}=${text(bytes, value)}`);
    }
  }
  return parts.join(',');
}

// UTCTime or GeneralizedTime as "YYYY-MM-DD HH:MM:SS UTC".
function time(bytes, node) {
  let t = text(bytes, node);
  if (node.tag === 0x17) t = (Number(t.slice(0, 2)) < 50 ? '20' : '19') + t;
  return `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)} ${t.slice(8, 10)}:${t.slice(10, 12)}:${t.slice(12, 14)} UTC`;
}

// {subject, issuer, serial, notBefore, notAfter} of a DER certificate; throws when it does not
// parse.
export function describeCertificate(der) {
  const certificate = tlv(der, 0);
  const [tbs] = children(der, certificate);
  const fields = children(der, tbs);
  const first = fields[0].tag === 0xa0 ? 1 : 0; // [0] version is optional
  const serial = fields[first];
  const validity = children(der, fields[first + 3]);
  return {
    serial: toHex(der.subarray(serial.start, serial.end)),
    issuer: name(der, fields[first + 2]),
    notBefore: time(der, validity[0]),
    notAfter: time(der, validity[1]),
    subject: name(der, fields[first + 4]),
  };
}
