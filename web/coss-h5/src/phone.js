// The phone that speaks the COSS mobile API (src/api/coss/mobile.h) from the page: the same
// calls, proofs, statements and checks as the command-line phone (src/mobile/phone.cpp).
// Activation from the QR payload or a typed code (key generation with proofs, the key confirmed,
// the certificate request signed together), the user's jobs, what a job will sign (the digest
// recomputed here and compared with the server's), signing and refusing. The token is renewed by
// a device-key login when the server says it has expired or does not know it. The page talks to
// its own origin only (the server's Content-Security-Policy allows nothing else).
import * as sm2 from './sm2.js';
import { getAccount, openShare, saveAccount, sealShare, MIN_PIN_LENGTH } from './wallet.js';

const SERVICE_INFO_PATH = '/coss/mobile/v1/getServiceInfo';
const TOKEN_EXPIRED = 89005009;
const TOKEN_INVALID = 89005030;

// A refusal by the server: its COSS status code and message.
export class CossError extends Error {
  constructor(status, message, operation) {
    super(message);
    this.status = status;
    this.operation = operation;
  }
}

// A check on this device that failed (a bad QR payload, a digest that is not the job's, …).
export class PhoneError extends Error {}

function decoded(data, name) {
  try {
    return sm2.fromBase64(data?.[name] ?? '');
  } catch {
    throw new PhoneError(`服务器返回的${name}不是base64`);
  }
}

// "2026-12-04T10:18:11Z", as base/time.h's format_utc writes it.
const utcNow = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

// A QR payload ({"id","sUrl","o","cv"}) as scanned, or as a JSON answer prints it with its
// quotes escaped; null when `text` is not one.
export function readQr(text) {
  const given = text.trim().replaceAll('\\"', '"');
  if (!given.startsWith('{')) return null;
  let payload;
  try {
    payload = JSON.parse(given);
  } catch {
    throw new PhoneError('这不是二维码内容（JSON格式有误）');
  }
  if (!payload || typeof payload !== 'object') throw new PhoneError('这不是二维码内容');
  const url = typeof payload.sUrl === 'string' ? payload.sUrl : '';
  const at = url.indexOf(SERVICE_INFO_PATH);
  let ticket;
  try {
    ticket = sm2.fromBase64(payload.o ?? '');
  } catch {
    ticket = new Uint8Array();
  }
  return {
    server: at >= 0 ? url.slice(0, at) : '',
    appId: typeof payload.id === 'string' ? payload.id : '',
    o: typeof payload.o === 'string' ? payload.o : '',
    ticket,
  };
}

// A sign job's QR ticket is 16 bytes; an activation ticket is the task id (16) and the code (4).
export const isJobQr = (qr) => qr.ticket.length === 16;

export class Phone {
  constructor(origin = location.origin) {
    this.origin = origin;
  }

  async post(account, operation, body, withToken) {
    for (let attempt = 0; attempt < 2; attempt++) {
      const headers = { 'Content-Type': 'application/json' };
      if (withToken) headers.Authorization = `Bearer ${account.token || ''}`;
      let answer;
      try {
        const response = await fetch(`${this.origin}/coss/mobile/v1/${operation}`, {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
          cache: 'no-store',
        });
        answer = await response.json();
      } catch {
        throw new PhoneError(`无法连接服务器，或服务器对${operation}的应答不是COSS报文`);
      }
      if (!answer || typeof answer.status !== 'number') {
        throw new PhoneError(`服务器对${operation}的应答不是COSS报文`);
      }
      if (answer.status === 200) return answer.data ?? {};
      // An expired or unknown token: log in with the device key and try once more.
      if (withToken && attempt === 0 && (answer.status === TOKEN_EXPIRED || answer.status === TOKEN_INVALID)) {
        await this.login(account);
        continue;
      }
      throw new CossError(answer.status, answer.message || '', operation);
    }
    throw new PhoneError('unreachable');
  }

  async login(account) {
    const time = utcNow();
    const nonce = sm2.toHex(crypto.getRandomValues(new Uint8Array(16)));
    const statement = sm2.loginStatement(account.keyId, time, nonce);
    const signature = sm2.signatureToDer(sm2.sign(sm2.scalarOf(account.deviceKey, 'the device key'), sm2.utf8(statement)));
    const data = await this.post(
      account,
      'login',
      { keyId: account.keyId, time, nonce, signature: sm2.toBase64(signature) },
      false,
    );
    account.token = data.token || '';
    await saveAccount(account);
  }

  // options: {qrOrCode, appId, mobile, deviceName, pin, findBack}; `progress` is told each step.
  async activate(options, progress = () => {}) {
    if (options.pin.length < MIN_PIN_LENGTH) throw new PhoneError(`PIN码至少${MIN_PIN_LENGTH}位`);
    const given = options.qrOrCode.trim();
    const qr = readQr(given);
    let appId;
    let code;
    let ticket = '';
    if (qr) {
      if (!qr.server) throw new PhoneError('二维码内容没有sUrl，不是激活二维码');
      if (qr.ticket.length < 4) throw new PhoneError('二维码内容的o不是激活票据');
      if (new URL(qr.server).origin !== this.origin) {
        throw new PhoneError(`二维码属于另一服务器（${qr.server}），本页面只能连接${this.origin}`);
      }
      appId = qr.appId;
      ticket = qr.o;
      code = sm2.toHex(qr.ticket.subarray(qr.ticket.length - 4));
    } else {
      code = given;
      appId = options.appId.trim();
      if (!code || !appId || !options.mobile.trim()) {
        throw new PhoneError('输入激活码时还需要手机号和应用标识（appId）');
      }
    }
    const account = { server: this.origin, appId, token: '' };
    progress('查询服务信息');
    const info = await this.post(account, 'getServiceInfo', { appId }, false);
    if (!Array.isArray(info.schemes) || !info.schemes.includes(sm2.SCHEME)) {
      throw new PhoneError(`服务器不支持协同签名方案${sm2.SCHEME}`);
    }
    progress('生成密钥');
    const deviceKey = sm2.randomScalar();
    const devicePoint = sm2.pointBytes(sm2.Point.BASE.multiply(deviceKey));
    const context = sm2.enrolmentContext(appId, code, devicePoint);
    const share = sm2.clientKeyShare(context);
    const fields = {
      appId,
      deviceName: options.deviceName,
      deviceKey: sm2.toBase64(devicePoint),
      p1: sm2.toBase64(share.p1),
      p1Proof: sm2.toBase64(share.proof),
    };
    if (ticket) {
      fields.o = ticket;
    } else {
      fields.code = code;
      fields.mobile = options.mobile.trim();
    }
    progress('激活');
    const d = await this.post(account, options.findBack ? 'findBack' : 'activate', fields, false);
    let joint;
    try {
      joint = sm2.clientConfirmKey(share.d1, decoded(d, 'p2'), decoded(d, 'p2Proof'), decoded(d, 'p'), context);
    } catch (e) {
      throw new PhoneError(`服务器的密钥份额未通过校验：${e.message}`);
    }
    Object.assign(account, {
      keyId: d.keyId || '',
      msspId: d.msspId || '',
      userName: d.userName || '',
      deviceId: d.deviceId || '',
      p: joint,
      certificate: null,
      deviceKey: sm2.bigToBytes(deviceKey),
      token: d.token || '',
      activated: new Date().toISOString(),
    });
    await sealShare(account, share.d1, options.pin);
    await saveAccount(account);
    // The certificate: its request signed together, like any job.
    progress('协同签署证书申请');
    const job = await this.fetch(account, d.certJobId || '');
    const signed = await this.runSigning(account, job, share.d1);
    account.certificate = signed.certificate;
    await saveAccount(account);
    return account;
  }

  async jobs(account) {
    const d = await this.post(account, 'listJobs', {}, true);
    return (Array.isArray(d.jobs) ? d.jobs : []).map((j) => ({
      id: j.signDataId || '',
      title: j.title || '',
      description: j.description || '',
      dataType: j.dataType || '',
      status: j.status || '',
      created: j.createTime || '',
      expires: j.expiryTime || '',
    }));
  }

  // A job by its id (SD_…) or by a scanned QR payload, with the digest checked here.
  async fetch(account, jobOrQr) {
    const given = jobOrQr.trim();
    let d;
    if (given.startsWith('{')) {
      const qr = readQr(given);
      if (!qr.o) throw new PhoneError('这不是任务二维码');
      d = await this.post(account, 'resolveQr', { o: qr.o }, true);
    } else {
      d = await this.post(account, 'getJob', { signDataId: given }, true);
    }
    const job = {
      id: d.signDataId || '',
      title: d.title || '',
      description: d.description || '',
      dataType: d.dataType || '',
      status: d.status || '',
      created: d.createTime || '',
      expires: d.expiryTime || '',
      data: decoded(d, 'data'),
      hash: decoded(d, 'hash'),
    };
    // What the page shows is what it signs: the digest is recomputed here from the data. (A
    // WEB_SEAL's digest exists once the server has laid out the seal; shown is the PDF's SM3.)
    let expected = job.data;
    if (job.dataType === 'WEB_SEAL' || job.dataType === 'DECRYPT') {
      expected = sm2.sm3(job.data);
    } else if (job.dataType !== 'HASH') {
      expected = sm2.signingDigest(account.p, job.data);
    }
    if (!sm2.equalBytes(expected, job.hash)) {
      throw new PhoneError('服务器给出的摘要与任务数据不符：拒绝签署');
    }
    return job;
  }

  async runSigning(account, job, d1) {
    const start = sm2.clientSignStart();
    const d = await this.post(account, 'signPrepare', { signDataId: job.id, q1: sm2.toBase64(start.q1) }, true);
    const partial = { r: decoded(d, 'r'), s2: decoded(d, 's2'), s3: decoded(d, 's3') };
    const e = decoded(d, 'hash');
    // The digest signed is the job's, except a WEB_SEAL's, which the server's layout made.
    if (job.dataType !== 'WEB_SEAL' && !sm2.equalBytes(e, job.hash)) {
      throw new PhoneError('服务器准备签署的摘要不是该任务的摘要：拒绝签署');
    }
    let signature;
    try {
      signature = sm2.clientSignFinish(d1, start, e, partial, account.p);
    } catch (err) {
      throw new PhoneError(`协同签名未通过校验：${err.message}`);
    } finally {
      start.k1 = 0n;
    }
    const done = await this.post(
      account,
      'signComplete',
      { sessionId: d.sessionId || '', signature: sm2.toBase64(signature) },
      true,
    );
    return {
      id: done.signDataId || '',
      status: done.status || '',
      signature: decoded(done, 'signResult'),
      certificate: decoded(done, 'signCert'),
    };
  }

  async sign(account, jobOrQr, pin) {
    const job = await this.fetch(account, jobOrQr);
    // A wrong PIN is counted here (and the share wiped at the fifth); the server never sees it.
    // The count is the stored one, which another tab of the page may have moved on.
    const stored = await getAccount(account.keyId);
    if (!stored) throw new PhoneError('本机已没有该账户（可能已在其他窗口清除）');
    Object.assign(account, stored);
    let d1;
    try {
      d1 = await openShare(account, pin);
    } finally {
      await saveAccount(account);
    }
    return this.runSigning(account, job, d1);
  }

  async refuse(account, jobOrQr, reason) {
    const job = await this.fetch(account, jobOrQr);
    await this.post(account, 'rejectJob', { signDataId: job.id, reason }, true);
  }
}
