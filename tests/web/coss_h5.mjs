// The COSS phone page in headless Chromium against a running `eseal serve` (started by
// coss_h5_test.sh, which passes everything in the environment): activation from the QR of
// getAuthCode, a DATA job opened from its QR and signed (after a wrong PIN that signs nothing),
// the signature checked by OpenSSL under the certificate getSignResult returns, a refusal, a job
// revoked while on view, a WEB_SEAL job whose sealed PDF `eseal pdf verify` accepts, a HASH job,
// the token renewed by a device-key login, a job that expires while on view (the shortest expiry
// addSignJob allows, one minute, waited out), five wrong PINs wiping the share, and a new
// activation with the SMS code and the mobile number. Screenshots of each step go to $SHOTS.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const env = process.env;
const { chromium } = createRequire(join(env.WEB_DIR, 'package.json'))('playwright-core');
const base = `http://127.0.0.1:${env.PORT}`;
const app = 'var/demo/coss.toml';
const userId = readFileSync(app, 'utf8').match(/^user_id = "(.*)"$/m)[1];
const PIN = '135790';

let checks = 0;
function check(ok, what) {
  checks++;
  if (!ok) {
    console.error(`FAIL: ${what}`);
    process.exit(1);
  }
}

// `eseal call coss OPERATION` with key=value fields; the answer's JSON (any status).
function coss(operation, fields = {}, extra = []) {
  const args = ['call', 'coss', operation, '--app', app, '--url', base, ...extra];
  for (const [k, v] of Object.entries(fields)) args.push('--set', `${k}=${v}`);
  let out;
  try {
    out = execFileSync(env.ESEAL, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    out = e.stdout;
  }
  return JSON.parse(out);
}

function addJob(title, dataType, fields = {}, extra = []) {
  const answer = coss('addSignJob', { userId, title, dataType, algo: 'SM3withSM2', ...fields }, extra);
  check(answer.status === 200, `addSignJob ${title}: ${JSON.stringify(answer)}`);
  return answer.data;
}

const jobStatus = (id) => coss('getSignResult', { signDataId: id }).data?.jobStatus;
const b64 = (text) => Buffer.from(text).toString('base64');

function run(command, args) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    check(false, `${command} ${args.join(' ')}: ${e.stdout}${e.stderr}`);
  }
}

rmSync(env.SHOTS, { recursive: true, force: true });
mkdirSync(env.SHOTS, { recursive: true });
let shotNumber = 0;
async function shot(page, name) {
  shotNumber++;
  await page.screenshot({ path: join(env.SHOTS, `${String(shotNumber).padStart(2, '0')}-${name}.png`), fullPage: true });
}

// Waits until the page has no call in flight.
const idle = (page) => page.waitForFunction(() => !document.body.dataset.busy, null, { timeout: 30000 });
const text = (page, selector) => page.locator(selector).innerText();
// The message an action ended with (each action hides the last one when it starts).
async function message(page) {
  await page.waitForFunction(() => !document.body.dataset.busy && !document.getElementById('message').hidden, null,
    { timeout: 30000 });
  const box = page.locator('#message');
  return { text: (await box.isVisible()) ? await box.innerText() : '', code: await box.getAttribute('data-code') };
}
async function expectMessage(page, want, code, what) {
  const got = await message(page);
  check(got.text.includes(want) && (code === undefined || got.code === code),
    `${what}: message "${got.text}" (code ${got.code}), want "${want}"${code ? ` (code ${code})` : ''}`);
}
async function view(page, name) {
  await page.waitForFunction((v) => document.body.dataset.view === v && !document.body.dataset.busy, name, { timeout: 30000 });
}
async function openJob(page, id) {
  await page.fill('#open-input', id);
  await page.click('#open-submit');
  await view(page, 'view-job');
  check((await text(page, '#job-id')) === id, `job ${id} on view`);
}
async function sign(page, pin) {
  await page.fill('#sign-pin', pin);
  await page.click('#sign-submit');
  await idle(page);
}
const storedAccount = (page) =>
  page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('eseal-coss-h5');
        open.onsuccess = () => {
          const all = open.result.transaction('accounts').objectStore('accounts').getAll();
          all.onsuccess = () => resolve(all.result[0]);
          all.onerror = () => reject(all.error);
        };
      }),
  );

const browser = await chromium.launch({ executablePath: env.CHROMIUM, headless: true, args: ['--no-sandbox'] });
const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
const violations = [];
context.on('console', (m) => {
  if (m.type() === 'error') violations.push(m.text());
});
const page = await context.newPage();
try {
  // --- activation from getAuthCode's QR payload -------------------------------------------
  const auth = coss('getAuthCode', { userId });
  check(auth.status === 200, `getAuthCode: ${JSON.stringify(auth)}`);
  await page.goto(`${base}/coss/h5/#qr=${encodeURIComponent(auth.data.authCode)}`);
  await view(page, 'view-activate');
  check((await page.inputValue('#act-qr')) === auth.data.authCode, 'the QR payload is in the form');
  await page.fill('#act-name', '测试浏览器');
  await page.fill('#act-pin', PIN);
  await page.fill('#act-pin2', PIN);
  await shot(page, 'activate');
  await page.click('#act-submit');
  await expectMessage(page, '已激活：张三', undefined, 'activation');
  await view(page, 'view-home');
  check((await text(page, '#cert-subject')).includes('CN=张三'), 'the certificate subject is shown');
  check((await text(page, '#acc-mssp')) === userId, 'the msspId is the user id');
  const account = await storedAccount(page);
  check(account.sealedShare.length === 48 && account.certificate.length > 100, 'the sealed share and certificate are kept');
  check(!JSON.stringify(Object.keys(account)).includes('d1'), 'no clear share is kept');
  await shot(page, 'activated');
  console.log(`activated: ${await text(page, '#cert-subject')}`);

  // --- jobs -----------------------------------------------------------------------------------
  const expiring = addJob('即将过期', 'DATA', { data: b64('过期'), expiryDate: '1' });
  const expiresAt = Date.now() + 61000;
  const data = addJob('合同确认', 'DATA', { data: b64('同意'), description: '请确认合同内容' });
  const refused = addJob('拒签测试', 'DATA', { data: b64('不同意的内容') });
  const revoked = addJob('撤销测试', 'DATA', { data: b64('将被撤销') });
  const sealJob = addJob('合同盖章', 'WEB_SEAL', {
    coordOfRuleInfo: '{"pageNo":1,"left":100,"bottom":100,"right":200,"top":200}',
  }, ['--file', 'var/demo/sample.pdf']);
  const e = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff));
  writeFileSync('e.bin', e);
  const hashJob = addJob('摘要签名', 'HASH', {}, ['--file', 'e.bin']);

  // A second tab holds the expiring job on view until it has expired.
  const late = await context.newPage();
  await late.goto(`${base}/coss/h5/#job=${expiring.signDataId}`);
  await view(late, 'view-job');
  check((await text(late, '#job-title')) === '即将过期', 'the expiring job is on view');

  // The token renewed by a device-key login: the server does not know the one kept.
  await page.evaluate(
    () =>
      new Promise((resolve) => {
        const open = indexedDB.open('eseal-coss-h5');
        open.onsuccess = () => {
          const store = open.result.transaction('accounts', 'readwrite').objectStore('accounts');
          const all = store.getAll();
          all.onsuccess = () => {
            const a = all.result[0];
            a.token = 'no-such-token';
            store.put(a).onsuccess = resolve;
          };
        };
      }),
  );
  await page.reload();
  await view(page, 'view-home');
  const renewed = await storedAccount(page);
  check(renewed.token && renewed.token !== 'no-such-token' && renewed.token !== account.token, 'the token is renewed by login');
  for (const j of [data, refused, revoked, sealJob, hashJob]) {
    check(await page.locator(`#jobs li[data-job="${j.signDataId}"]`).isVisible(), `job ${j.signDataId} is listed`);
  }
  await shot(page, 'jobs');

  // --- the DATA job, opened from its QR: a wrong PIN, then the right one ------------------
  await page.goto(`${base}/coss/h5/#qr=${encodeURIComponent(data.qrCode)}`);
  await view(page, 'view-job');
  check((await text(page, '#job-title')) === '合同确认', 'the QR opens the DATA job');
  check((await text(page, '#job-data')) === '同意', 'the DATA job shows its text');
  check(/^[0-9a-f]{64}$/.test(await text(page, '#job-digest')), 'the digest is shown');
  await shot(page, 'job');
  await sign(page, '000000');
  await expectMessage(page, 'PIN码错误，还可尝试4次', 'wrong-pin', 'a wrong PIN');
  check(jobStatus(data.signDataId) === 'UNSIGN', 'a wrong PIN signs nothing');
  await shot(page, 'wrong-pin');
  await sign(page, PIN);
  await expectMessage(page, `已签署 ${data.signDataId}：已签署`, undefined, 'signing');
  await shot(page, 'signed');
  const result = coss('getSignResult', { signDataId: data.signDataId });
  check(result.data.jobStatus === 'FINISH', `getSignResult FINISH: ${JSON.stringify(result)}`);
  writeFileSync('sig.der', Buffer.from(result.data.signResult, 'base64'));
  writeFileSync('user.der', Buffer.from(result.data.signCert, 'base64'));
  writeFileSync('data.txt', '同意');
  run(env.OPENSSL, ['x509', '-inform', 'DER', '-in', 'user.der', '-out', 'user.pem']);
  run(env.OPENSSL, ['x509', '-in', 'user.pem', '-pubkey', '-noout', '-out', 'user.pub']);
  const verified = run(env.OPENSSL, ['pkeyutl', '-verify', '-pubin', '-inkey', 'user.pub', '-rawin', '-digest', 'sm3',
    '-pkeyopt', 'distid:1234567812345678', '-in', 'data.txt', '-sigfile', 'sig.der']);
  check(verified.includes('Signature Verified Successfully'), 'OpenSSL verifies the DATA signature');
  const subject = run(env.OPENSSL, ['x509', '-in', 'user.pem', '-noout', '-subject', '-nameopt', 'utf8']);
  check(subject.includes('张三'), `the certificate is 张三's: ${subject}`);

  // --- a refusal, from the list -------------------------------------------------------------
  await page.click('#job-back');
  await view(page, 'view-home');
  await page.click(`#jobs li[data-job="${refused.signDataId}"] button`);
  await view(page, 'view-job');
  await page.fill('#refuse-reason', '金额有误');
  await page.click('#refuse-submit');
  await expectMessage(page, `已拒绝 ${refused.signDataId}：金额有误`, undefined, 'refusing');
  check(jobStatus(refused.signDataId) === 'REFUSE', 'the job is REFUSE');
  await shot(page, 'refused');

  // --- a job revoked by the business system while on view -----------------------------------
  await page.click('#job-back');
  await view(page, 'view-home');
  await openJob(page, revoked.signDataId);
  check(coss('revokeSignJob', { signJobId: revoked.signDataId }).status === 200, 'revokeSignJob');
  await sign(page, PIN);
  await expectMessage(page, '服务器拒绝（89005025）', '89005025', 'signing a revoked job');
  check(jobStatus(revoked.signDataId) === 'REVOKE', 'the revoked job stays REVOKE');
  check((await text(page, '#job-status')) === '已撤销' && !(await page.locator('#sign-form').isVisible()),
    'the page shows the job revoked');
  await shot(page, 'revoked');

  // --- WEB_SEAL: the server lays out the seal; the sealed PDF verifies ----------------------
  await page.click('#job-back');
  await view(page, 'view-home');
  await page.click(`#jobs li[data-job="${sealJob.signDataId}"] button`);
  await view(page, 'view-job');
  check((await text(page, '#job-data')).startsWith('PDF文件'), 'the WEB_SEAL job shows a PDF');
  check(await page.locator('#job-download').isVisible(), 'the PDF can be downloaded');
  await sign(page, PIN);
  await expectMessage(page, `已签署 ${sealJob.signDataId}`, undefined, 'sealing');
  await shot(page, 'web-seal');
  const saved = coss('getSignResult', { signDataId: sealJob.signDataId }, ['--save', 'sealed.pdf']);
  check(saved.data.jobStatus === 'FINISH', 'the WEB_SEAL job is FINISH');
  const pdf = run(env.ESEAL, ['pdf', 'verify', 'sealed.pdf', '--ca', 'var/demo/ca/root.pem', '--chain', 'var/platform/user-ca.pem']);
  check(pdf.includes('OK every signature is valid'), `eseal pdf verify: ${pdf}`);

  // --- HASH: signed as given ----------------------------------------------------------------
  await page.click('#job-back');
  await view(page, 'view-home');
  await openJob(page, hashJob.signDataId);
  check((await text(page, '#job-digest')) === e.toString('hex'), 'the HASH job shows its digest');
  await sign(page, PIN);
  await expectMessage(page, `已签署 ${hashJob.signDataId}`, undefined, 'signing a HASH');
  writeFileSync('hash-sig.der', Buffer.from(coss('getSignResult', { signDataId: hashJob.signDataId }).data.signResult, 'base64'));
  const hashVerified = run(env.OPENSSL, ['pkeyutl', '-verify', '-pubin', '-inkey', 'user.pub', '-in', 'e.bin', '-sigfile', 'hash-sig.der']);
  check(hashVerified.includes('Signature Verified Successfully'), 'OpenSSL verifies the HASH signature');

  // --- the job that expired while on view ---------------------------------------------------
  const wait = expiresAt - Date.now();
  if (wait > 0) {
    console.log(`waiting ${Math.ceil(wait / 1000)} s for job ${expiring.signDataId} to expire`);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  await sign(late, PIN);
  await expectMessage(late, '服务器拒绝（89003008）', '89003008', 'signing an expired job');
  check(jobStatus(expiring.signDataId) === 'EXPIRE', 'the job is EXPIRE');
  check((await text(late, '#job-status')) === '已过期' && !(await late.locator('#sign-form').isVisible()),
    'the page shows the job expired');
  await shot(late, 'expired');
  await late.close();

  // --- five wrong PINs wipe the share -------------------------------------------------------
  const last = addJob('最后一项', 'DATA', { data: b64('最后') });
  await page.click('#job-back');
  await view(page, 'view-home');
  await openJob(page, last.signDataId);
  for (let left = 4; left >= 1; left--) {
    await sign(page, '000000');
    await expectMessage(page, `还可尝试${left}次`, 'wrong-pin', `wrong PIN, ${left} left`);
  }
  await sign(page, '000000');
  await expectMessage(page, 'PIN码连续错误5次，本机的密钥份额已清除', 'share-wiped', 'the fifth wrong PIN');
  await sign(page, PIN);
  await expectMessage(page, '密钥份额已清除', 'share-wiped', 'the right PIN after the wipe');
  check((await storedAccount(page)).sealedShare === null, 'the share is wiped');
  check(jobStatus(last.signDataId) === 'UNSIGN', 'nothing was signed');
  await page.click('#job-back');
  await view(page, 'view-home');
  check(await page.locator('#acc-wiped').isVisible(), 'the account says its share is wiped');
  await shot(page, 'wiped');

  // --- a new activation with the SMS code and the mobile number -----------------------------
  const mobile = coss('queryUserInfo', { userId }).data.mobilePhone;
  const sms = coss('getAuthCodeAndSendSMS', { userId });
  check(sms.status === 200 && /^[0-9a-f]{8}$/.test(sms.data.code), `getAuthCodeAndSendSMS: ${JSON.stringify(sms)}`);
  const appId = readFileSync(app, 'utf8').match(/^app_id = "(.*)"$/m)[1];
  const fresh = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
  fresh.on('console', (m) => {
    if (m.type() === 'error') violations.push(m.text());
  });
  const second = await fresh.newPage();
  await second.goto(`${base}/coss/h5/#app=${encodeURIComponent(appId)}`);
  await view(second, 'view-activate');
  await second.fill('#act-code', sms.data.code);
  await second.fill('#act-mobile', mobile);
  await second.fill('#act-pin', '246810');
  await second.fill('#act-pin2', '246810');
  await shot(second, 'activate-by-code');
  await second.click('#act-submit');
  await expectMessage(second, '已激活：张三', undefined, 'activation with a typed code');
  await view(second, 'view-home');
  await openJob(second, last.signDataId);
  await sign(second, '246810');
  await expectMessage(second, `已签署 ${last.signDataId}`, undefined, 'signing on the new device');
  check(jobStatus(last.signDataId) === 'FINISH', 'the new device signs');
  await shot(second, 'signed-by-new-device');
  await fresh.close();

  check(violations.filter((v) => /Content Security Policy|Refused to/.test(v)).length === 0,
    `no Content-Security-Policy violation: ${violations.join('\n')}`);
} catch (error) {
  await shot(page, 'failure').catch(() => {});
  console.error(`FAIL: ${error.stack || error}`);
  await browser.close();
  process.exit(1);
}
await browser.close();
writeFileSync('browser-checks', String(checks));
console.log(`browser: ${checks} checks passed, screenshots in ${env.SHOTS}`);
