// The page's views and what their buttons do: activation, the account and its open jobs, and
// one job (what will be signed; sign with the PIN or refuse). The protocol lives in phone.js,
// the kept state in wallet.js. The URL fragment may carry #qr=<payload> (an activation QR, or a
// sign job's QR once the page has an account), #job=SD_… and #app=<appId> (for a typed code).
import { describeCertificate } from './cert.js';
import { CossError, isJobQr, Phone, PhoneError, readQr } from './phone.js';
import { toBase64, toHex } from './sm2.js';
import * as wallet from './wallet.js';

const $ = (id) => document.getElementById(id);
const phone = new Phone();
const STATUS_TEXT = {
  UNSIGN: '待签署',
  FINISH: '已签署',
  REFUSE: '已拒绝',
  EXPIRE: '已过期',
  REVOKE: '已撤销',
};
const TYPE_TEXT = {
  DATA: '数据（DATA）',
  HASH: '摘要（HASH）',
  WEB_SEAL: 'PDF签章（WEB_SEAL）',
  CSR: '证书申请（CSR）',
  DECRYPT: '解密（DECRYPT）',
};

// The refusals that say a job has ended, and how.
const ENDED = { 89003008: 'EXPIRE', 89005025: 'REVOKE', 89003009: 'FINISH', 89005024: 'FINISH' };

let accounts = [];
let current = null; // the account in use
let job = null; // the job on view
let downloadUrl = null;

// --- messages and busy state --------------------------------------------------------------

function say(text, kind = 'ok', code = '') {
  const box = $('message');
  box.textContent = text;
  box.className = kind;
  box.dataset.code = code;
  box.hidden = false;
}

function sayError(error) {
  if (error instanceof CossError) {
    say(`服务器拒绝（${error.status}）：${error.message || '未知错误'}`, 'error', String(error.status));
  } else if (error instanceof wallet.PinError) {
    say(error.message, 'error', error.code);
  } else if (error instanceof PhoneError) {
    say(error.message, 'error', 'phone');
  } else {
    console.error(error);
    say(`出错了：${error?.message || error}`, 'error', 'error');
  }
}

function clearMessage() {
  $('message').hidden = true;
  $('message').dataset.code = '';
}

// Runs `work` with every button disabled and the busy line shown; its errors are shown.
async function busy(label, work) {
  const buttons = [...document.querySelectorAll('button, select')];
  buttons.forEach((b) => (b.disabled = true));
  $('busy').textContent = `${label}…`;
  $('busy').hidden = false;
  document.body.dataset.busy = '1';
  try {
    return await work((step) => ($('busy').textContent = `${label}：${step}…`));
  } catch (error) {
    sayError(error);
    return undefined;
  } finally {
    buttons.forEach((b) => (b.disabled = false));
    $('busy').hidden = true;
    delete document.body.dataset.busy;
  }
}

function show(view) {
  for (const id of ['view-activate', 'view-home', 'view-job']) $(id).hidden = id !== view;
  document.body.dataset.view = view;
}

// The account in use as stored now: another tab may have renewed its token, counted a wrong
// PIN or wiped its share.
async function syncCurrent() {
  const stored = await wallet.getAccount(current.keyId);
  if (!stored) throw new PhoneError('本机已没有该账户（可能已在其他窗口清除），请刷新页面');
  Object.assign(current, stored);
}

// --- activation ---------------------------------------------------------------------------

function showActivate(qr = '', appId = '') {
  $('act-qr').value = qr;
  if (appId) {
    $('act-app').value = appId;
    $('act-code-box').open = true;
  }
  $('act-pin').value = '';
  $('act-pin2').value = '';
  $('act-cancel').hidden = !current;
  show('view-activate');
}

async function activate(event) {
  event.preventDefault();
  clearMessage();
  const pin = $('act-pin').value;
  if (pin !== $('act-pin2').value) return say('两次输入的PIN码不一致', 'error', 'phone');
  if (pin.length < wallet.MIN_PIN_LENGTH) {
    return say(`PIN码至少${wallet.MIN_PIN_LENGTH}位`, 'error', 'phone');
  }
  const qr = $('act-qr').value.trim();
  const options = {
    qrOrCode: qr || $('act-code').value.trim(),
    appId: $('act-app').value,
    mobile: $('act-mobile').value,
    deviceName: $('act-name').value.trim() || '浏览器',
    pin,
    findBack: $('act-findback').checked,
  };
  if (!options.qrOrCode) return say('请粘贴激活二维码内容，或输入激活码', 'error', 'phone');
  const account = await busy('正在激活', async (progress) => {
    const activated = await phone.activate(options, progress);
    accounts = await wallet.accounts();
    return activated;
  });
  $('act-pin').value = '';
  $('act-pin2').value = '';
  if (!account) return;
  current = account;
  const subject = certificateOf(account)?.subject || '';
  say(`已激活：${account.userName}\n证书：${subject}`, 'ok');
  await showHome();
}

// --- the account and its jobs --------------------------------------------------------------

function certificateOf(account) {
  if (!account.certificate?.length) return null;
  try {
    return describeCertificate(account.certificate);
  } catch {
    return null;
  }
}

function renderAccount() {
  const cert = certificateOf(current);
  $('account-line').textContent = `${current.userName}（${current.msspId.slice(0, 12)}…）`;
  $('acc-name').textContent = current.userName;
  $('acc-mssp').textContent = current.msspId;
  $('cert-subject').textContent = cert ? cert.subject : '尚未签发';
  $('cert-serial').textContent = cert ? cert.serial : '';
  $('cert-until').textContent = cert ? cert.notAfter : '';
  $('acc-device').textContent = current.deviceId;
  $('acc-wiped').hidden = Boolean(current.sealedShare);
  const select = $('acc-select');
  select.replaceChildren(
    ...accounts.map((a) => {
      const option = new Option(`${a.userName}（${a.keyId}）`, a.keyId);
      option.selected = a.keyId === current.keyId;
      return option;
    }),
  );
  select.hidden = accounts.length < 2;
  $('acc-select-label').hidden = accounts.length < 2;
}

async function showHome() {
  job = null;
  renderAccount();
  show('view-home');
  await refreshJobs();
}

async function refreshJobs() {
  const list = await busy('正在获取待签任务', async () => {
    await syncCurrent();
    return phone.jobs(current);
  });
  if (!list) return;
  const items = list.map((j) => {
    const item = document.createElement('li');
    item.dataset.job = j.id;
    const button = document.createElement('button');
    button.type = 'button';
    const title = document.createElement('span');
    title.className = 'title';
    title.textContent = j.title || j.id;
    const meta = document.createElement('span');
    meta.className = 'meta';
    meta.textContent = `${TYPE_TEXT[j.dataType] || j.dataType} · 截止 ${j.expires} · ${j.id}`;
    button.append(title, meta);
    button.addEventListener('click', () => openJob(j.id));
    item.append(button);
    return item;
  });
  $('jobs').replaceChildren(...items);
  $('jobs-empty').hidden = items.length > 0;
}

// --- one job -------------------------------------------------------------------------------

// What the job asks to sign, as the command-line phone prints it: a DATA job's text when it is
// printable, else its size and the start of its base64.
function describeData(j) {
  if (j.dataType === 'WEB_SEAL') return `PDF文件，${j.data.length}字节（签章位置由服务器排版）`;
  if (j.dataType === 'HASH') return `业务系统计算的摘要：${toHex(j.data)}`;
  if (j.dataType === 'CSR') return `证书申请，${j.data.length}字节`;
  if (j.dataType === 'DATA') {
    try {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(j.data);
      if (j.data.length <= 4096 && !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text)) return text;
    } catch {
      // not UTF-8: shown as base64 below
    }
  }
  const head = toBase64(j.data.subarray(0, 48));
  return `${j.data.length}字节，base64 ${head}${j.data.length > 48 ? '…' : ''}`;
}

function renderJob() {
  $('job-title').textContent = job.title || job.id;
  $('job-id').textContent = job.id;
  $('job-desc').textContent = job.description || '—';
  $('job-type').textContent = TYPE_TEXT[job.dataType] || job.dataType;
  $('job-status').textContent = STATUS_TEXT[job.status] || job.status;
  $('job-expires').textContent = job.expires ? `${job.expires}（北京时间）` : '';
  $('job-data').textContent = describeData(job);
  $('job-digest').textContent = toHex(job.hash);
  if (downloadUrl) URL.revokeObjectURL(downloadUrl);
  downloadUrl = null;
  const link = $('job-download');
  link.hidden = job.dataType !== 'WEB_SEAL';
  if (!link.hidden) {
    downloadUrl = URL.createObjectURL(new Blob([job.data], { type: 'application/pdf' }));
    link.href = downloadUrl;
    link.download = `${job.id}.pdf`;
  }
  const open = job.status === 'UNSIGN' && job.dataType !== 'DECRYPT';
  $('sign-form').hidden = !open;
  $('refuse-form').hidden = job.status !== 'UNSIGN';
  $('sign-pin').value = '';
}

// Calls `work` on the job on view; a refusal that says the job has ended shows it ended.
function onJob(work) {
  return async () => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof CossError && ENDED[error.status]) {
        job.status = ENDED[error.status];
        renderJob();
      }
      throw error;
    }
  };
}

async function openJob(jobOrQr) {
  clearMessage();
  const found = await busy('正在获取任务', async () => {
    await syncCurrent();
    return phone.fetch(current, jobOrQr);
  });
  if (!found) return;
  $('open-input').value = '';
  job = found;
  renderJob();
  show('view-job');
  if (job.dataType === 'DECRYPT') say('本页面不处理解密任务，请使用手机客户端', 'error', 'phone');
}

async function signJob(event) {
  event.preventDefault();
  clearMessage();
  const pin = $('sign-pin').value;
  $('sign-pin').value = '';
  if (!pin) return say('请输入PIN码', 'error', 'phone');
  const done = await busy('正在签署', onJob(() => phone.sign(current, job.id, pin)));
  renderAccount();
  if (!done) return;
  job.status = done.status;
  renderJob();
  say(`已签署 ${done.id}：${STATUS_TEXT[done.status] || done.status}`, 'ok');
}

async function refuseJob(event) {
  event.preventDefault();
  clearMessage();
  const reason = $('refuse-reason').value.trim() || '不同意';
  const done = await busy(
    '正在拒绝',
    onJob(async () => {
      await syncCurrent();
      await phone.refuse(current, job.id, reason);
      return true;
    }),
  );
  if (!done) return;
  job.status = 'REFUSE';
  renderJob();
  say(`已拒绝 ${job.id}：${reason}`, 'ok');
}

// --- start ---------------------------------------------------------------------------------

// #key=value&… with each value percent-encoded (a QR payload's base64 may hold '+').
function fragment() {
  const out = {};
  for (const part of location.hash.replace(/^#/, '').split('&')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    try {
      out[part.slice(0, at)] = decodeURIComponent(part.slice(at + 1));
    } catch {
      // a malformed escape: ignored
    }
  }
  return out;
}

async function route() {
  const given = fragment();
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  accounts = await wallet.accounts();
  if (current) current = accounts.find((a) => a.keyId === current.keyId) || null;
  current = current || accounts[0] || null;
  let qr = null;
  try {
    qr = given.qr ? readQr(given.qr) : null;
  } catch (error) {
    sayError(error);
  }
  if (qr && isJobQr(qr) && !current) {
    showActivate('', given.app);
    return say('这是签名任务的二维码：请先激活本设备', 'error', 'phone');
  }
  if (given.qr && (!current || !qr || !isJobQr(qr))) return showActivate(given.qr, given.app);
  if (!current) return showActivate('', given.app);
  await showHome();
  if (given.qr || given.job) await openJob(given.qr || given.job);
}

function wire() {
  $('activate-form').addEventListener('submit', activate);
  $('act-cancel').addEventListener('click', () => {
    clearMessage();
    showHome();
  });
  $('acc-add').addEventListener('click', () => {
    clearMessage();
    showActivate();
  });
  $('acc-clear').addEventListener('click', async () => {
    if (!confirm(`从本机删除${current.userName}的密钥份额与证书？删除后需重新激活。`)) return;
    await wallet.removeAccount(current.keyId);
    say(`已从本机清除 ${current.userName}（${current.keyId}）`, 'ok');
    current = null;
    await route();
  });
  $('acc-select').addEventListener('change', async (event) => {
    current = accounts.find((a) => a.keyId === event.target.value) || current;
    clearMessage();
    await showHome();
  });
  $('jobs-refresh').addEventListener('click', () => {
    clearMessage();
    refreshJobs();
  });
  $('open-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const given = $('open-input').value.trim();
    if (!given) return say('请粘贴任务二维码内容或输入任务编号', 'error', 'phone');
    openJob(given);
  });
  $('sign-form').addEventListener('submit', signJob);
  $('refuse-form').addEventListener('submit', refuseJob);
  $('job-back').addEventListener('click', () => {
    clearMessage();
    showHome();
  });
  window.addEventListener('hashchange', () => {
    if (location.hash) route();
  });
}

wire();
if (!window.isSecureContext || !crypto.subtle) {
  say('本页面需要通过HTTPS（或本机地址）打开，浏览器才提供所需的加密功能', 'error', 'phone');
} else {
  route().catch(sayError);
}
