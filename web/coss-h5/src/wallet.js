// What the page keeps, as the command-line phone's wallet does (src/mobile/wallet.h): one
// account per enrolled key in IndexedDB, the client share d1 sealed under a key derived from the
// PIN — PBKDF2-SHA256 (600,000 iterations, a random salt) to an AES-256-GCM key, the key id as
// associated data — so a wrong PIN fails authentication here and never reaches the server. Five
// wrong PINs in a row wipe the share (the account must be activated again). The device key,
// which only logs the page in, is kept in the clear like a phone's keystore key.
import { bigToBytes, scalarOf, utf8 } from './sm2.js';

export const MAX_PIN_TRIES = 5;
export const MIN_PIN_LENGTH = 6;
const ITERATIONS = 600000;
const DB_NAME = 'eseal-coss-h5';
const STORE = 'accounts';

// A PIN refused on this device: code 'wrong-pin' (triesLeft > 0) or 'share-wiped'.
export class PinError extends Error {
  constructor(message, code, triesLeft = 0) {
    super(message);
    this.code = code;
    this.triesLeft = triesLeft;
  }
}

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'keyId' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function transact(mode, work) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

// The accounts on this device, the most recently activated first.
export async function accounts() {
  const all = await transact('readonly', (store) => store.getAll());
  return all.sort((a, b) => (b.activated || '').localeCompare(a.activated || ''));
}

// The stored account of `keyId`, or undefined.
export const getAccount = (keyId) => transact('readonly', (store) => store.get(keyId));
export const saveAccount = (account) => transact('readwrite', (store) => store.put(account));
export const removeAccount = (keyId) => transact('readwrite', (store) => store.delete(keyId));

async function pinKey(pin, salt, iterations) {
  const material = await crypto.subtle.importKey('raw', utf8(pin), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

// Seals d1 (a scalar) under `pin` into the account.
export async function sealShare(account, d1, pin) {
  if (pin.length < MIN_PIN_LENGTH) throw new Error(`PIN码至少${MIN_PIN_LENGTH}位`);
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await pinKey(pin, salt, ITERATIONS);
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: utf8(account.keyId) },
    key,
    bigToBytes(d1),
  );
  Object.assign(account, {
    salt,
    iv,
    iterations: ITERATIONS,
    sealedShare: new Uint8Array(sealed),
    pinFailures: 0,
  });
}

// d1, when `pin` is right; a wrong one counts, the fifth wipes the share. The caller saves the
// account after, either way.
export async function openShare(account, pin) {
  if (!account.sealedShare) {
    throw new PinError('PIN码错误次数过多，本机的密钥份额已清除，请重新激活', 'share-wiped');
  }
  const key = await pinKey(pin, account.salt, account.iterations);
  let plain;
  try {
    plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: account.iv, additionalData: utf8(account.keyId) },
      key,
      account.sealedShare,
    );
  } catch {
    account.pinFailures = (account.pinFailures || 0) + 1;
    if (account.pinFailures >= MAX_PIN_TRIES) {
      account.sealedShare = null;
      throw new PinError(
        `PIN码连续错误${MAX_PIN_TRIES}次，本机的密钥份额已清除，请重新激活`,
        'share-wiped',
      );
    }
    const left = MAX_PIN_TRIES - account.pinFailures;
    throw new PinError(`PIN码错误，还可尝试${left}次`, 'wrong-pin', left);
  }
  account.pinFailures = 0;
  return scalarOf(new Uint8Array(plain), 'the sealed share');
}
