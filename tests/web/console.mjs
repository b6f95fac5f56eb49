// The web console in headless Chromium against a running `eseal serve` (started by
// console_test.sh, which passes everything in the environment). Each role does its part through
// the pages, as a person would: the seal administrator makes a seal (after its live preview)
// and freezes it, revokes a phone user's waiting sign job and freezes and thaws the user; the operator opens a PDF, drags a seal onto page 1, signs and downloads, and
// stamps an OFD by keyword; a visitor verifies both on the public page (and `eseal pdf verify`
// agrees), sees a tampered copy rejected and a seal's status looked up; the auditor verifies the
// audit chain. A pixel test finds the seal's red where it was dropped; axe-core finds no serious
// violation on the public page. Screenshots of each step go to $SHOTS.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const env = process.env;
const requireWeb = createRequire(join(env.WEB_DIR, 'package.json'));
const { chromium } = requireWeb('playwright-core');
const axeSource = readFileSync(requireWeb.resolve('axe-core/axe.min.js'), 'utf8');
const base = `http://127.0.0.1:${env.PORT}/console/`;
const passwords = Object.fromEntries(
  readFileSync('var/demo/console.txt', 'utf8').trim().split('\n').map((line) => line.split(/\s+/)),
);

let checks = 0;
const problems = [];
function check(ok, what) {
  checks++;
  if (!ok) {
    console.error(`FAIL: ${what}${problems.length ? `\npage errors: ${problems.join('; ')}` : ''}`);
    process.exit(1);
  }
}

rmSync(env.SHOTS, { recursive: true, force: true });
mkdirSync(env.SHOTS, { recursive: true });
let shotNumber = 0;
async function shot(page, name) {
  shotNumber++;
  const path = join(env.SHOTS, `${String(shotNumber).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

const browser = await chromium.launch({ executablePath: env.CHROMIUM, headless: true, args: ['--no-sandbox'] });

async function signIn(role) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`${role}: ${e.message}`));
  // A 401 is how the page learns that no one is signed in yet; any other error is a problem.
  page.on('console', (m) => m.type() === 'error' && !m.text().includes('status of 401') &&
    problems.push(`${role}: ${m.text()}`));
  await page.goto(`${base}#/login`);
  await page.fill('#login', role);
  await page.fill('#password', passwords[role]);
  await page.click('button[type=submit]');
  await page.waitForSelector('nav a.current');
  return { context, page };
}

// --- the seal administrator makes a seal and freezes it ---
{
  const { context, page } = await signIn('seal-admin');
  await page.waitForSelector('article.seal');
  const before = await page.locator('article.seal').count();
  await page.fill('#seal-name', '浏览器测试专用章');
  await page.selectOption('#seal-type', '5');
  await page.waitForSelector('img.preview:not([hidden])');
  check((await page.locator('img.preview').getAttribute('src')).startsWith('blob:'), 'the live preview shows');
  await shot(page, 'seal-admin-preview');
  await page.click('form.make button[type=submit]');
  await page.waitForFunction((n) => document.querySelectorAll('article.seal').length === n + 1, before);
  const card = page.locator('article.seal', { hasText: '浏览器测试专用章' });
  check((await card.count()) === 1, 'the new seal is listed');
  page.once('dialog', (dialog) => dialog.accept('印章保管人变更'));
  await card.getByRole('button', { name: '冻结' }).click();
  await page.waitForFunction(() =>
    [...document.querySelectorAll('article.seal')].some((a) => a.textContent.includes('浏览器测试专用章') && a.querySelector('.status-frozen')));
  await shot(page, 'seal-admin-frozen');
  await card.getByRole('button', { name: '历史' }).click();
  await page.waitForSelector('article.seal ol.history:not([hidden]) li');
  check((await card.locator('ol.history').innerText()).includes('印章保管人变更'), 'the history shows the reason');
  await context.close();
}

// --- the seal administrator revokes a waiting sign job and freezes the phone user ---
{
  // The demo's business system asks 张三 to sign, through the COSS door.
  const app = 'var/demo/coss.toml';
  const userId = readFileSync(app, 'utf8').match(/^user_id = "(.*)"$/m)[1];
  const coss = (operation, fields) => {
    const args = ['call', 'coss', operation, '--app', app, '--url', `http://127.0.0.1:${env.PORT}`];
    for (const [k, v] of Object.entries(fields)) args.push('--set', `${k}=${v}`);
    try {
      return JSON.parse(execFileSync(env.ESEAL, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
    } catch (e) {
      return JSON.parse(e.stdout);
    }
  };
  const job = coss('addSignJob', { userId, title: '控制台撤销测试', dataType: 'DATA', algo: 'SM3withSM2', data: 'AAAA' });
  check(job.status === 200, `addSignJob: ${JSON.stringify(job)}`);
  const signDataId = job.data.signDataId;
  // A hundred later jobs (times are in seconds: a second later): the list shows the newest
  // hundred, the one to revoke after 更多.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  for (let i = 0; i < 100; i++) {
    check(coss('addSignJob', { userId, title: `填充任务 ${i}`, dataType: 'DATA', algo: 'SM3withSM2', data: 'AAAA' }).status === 200,
      'addSignJob');
  }

  const { context, page } = await signIn('seal-admin');
  await page.goto(`${base}#/jobs`);
  await page.waitForSelector('table tbody tr');
  check((await page.locator('table tbody tr').count()) === 100, 'the jobs list shows a hundred at a time');
  const row = page.locator(`tr[data-id="${signDataId}"]`);
  check((await row.count()) === 0, 'the oldest job is on the next page');
  await page.getByRole('button', { name: '更多' }).click();
  await row.waitFor();
  check(!(await page.getByRole('button', { name: '更多' }).isVisible()), 'the last page hides 更多');
  page.once('dialog', (dialog) => dialog.accept());
  await row.getByRole('button', { name: '撤销' }).click();
  await page.waitForFunction((id) => document.querySelector(`tr[data-id="${id}"]`)?.textContent.includes('已撤销'), signDataId);
  check((await row.getByRole('button').count()) === 0, 'a revoked job offers no action');
  check(coss('getSignResult', { signDataId }).data?.jobStatus === 'REVOKE', 'the business system sees the job revoked');
  await shot(page, 'seal-admin-job-revoked');

  await page.goto(`${base}#/users`);
  const user = page.locator(`tr[data-id="${userId}"]`);
  await user.waitFor();
  await user.getByRole('button', { name: '冻结' }).click();
  await page.waitForFunction((id) => document.querySelector(`tr[data-id="${id}"]`)?.textContent.includes('冻结') &&
    document.querySelector(`tr[data-id="${id}"] button[data-action=unfreeze]`), userId);
  check(coss('getAuthCode', { userId }).status !== 200, 'a frozen user gets no activation code');
  await shot(page, 'seal-admin-user-frozen');
  await user.getByRole('button', { name: '解冻' }).click();
  await page.waitForSelector(`tr[data-id="${userId}"] button[data-action=freeze]`);
  check(coss('getAuthCode', { userId }).status === 200, 'a thawed user gets an activation code again');
  await context.close();
}

// --- the operator stamps a PDF by dragging a seal, and an OFD by keyword ---
// `pdf` with an incremental update that replaces the first page's content stream (object 5 of
// the demo's sample), as someone editing a signed file would.
function changedLater(pdf) {
  const text = pdf.toString('latin1');
  const prev = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)[1]);
  const trailer = text.slice(text.lastIndexOf('trailer'));
  const size = /\/Size (\d+)/.exec(trailer)[1];
  const root = /\/Root (\d+ \d+ R)/.exec(trailer)[1];
  const content = 'BT /F1 14 Tf 72 720 Td (changed after signing) Tj ET';
  const object = `5 0 obj\n<< /Length ${content.length} >>\nstream\n${content}\nendstream\nendobj\n`;
  const at = pdf.length + 1;
  const update = `\n${object}xref\n5 1\n${String(at).padStart(10, '0')} 00000 n \n` +
    `trailer\n<< /Size ${size} /Root ${root} /Prev ${prev} >>\nstartxref\n${at + object.length}\n%%EOF\n`;
  return Buffer.concat([pdf, Buffer.from(update, 'latin1')]);
}

let signedPdf;
let signedOfd;
let verifyLink;
{
  const { context, page } = await signIn('operator');
  await page.goto(`${base}#/sign`);
  await page.waitForSelector('.palette-seal');
  const palette = page.locator('.palette-seal').first();
  check(!(await page.locator('.palette-seal[alt="浏览器测试专用章"]').count()), 'a frozen seal is not offered');
  await page.setInputFiles('#document', 'var/demo/sample.pdf');
  await page.waitForSelector('.page[data-page="1"] canvas');
  await page.waitForTimeout(300);
  const sheet = await page.locator('.page[data-page="1"]').boundingBox();
  const from = await palette.boundingBox();
  // Within the viewport (the page may be taller than it).
  const drop = { x: sheet.x + sheet.width * 0.6, y: Math.min(sheet.y + sheet.height * 0.45, 820) };
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(drop.x, drop.y, { steps: 12 });
  await page.mouse.up();
  await page.waitForSelector('.marker', { timeout: 10000 }).catch(() => {});
  check(await page.locator('.marker').count() === 1, 'the dragged seal is marked on the page');
  const placed = await page.locator('.placed').innerText();
  check(/第 1 页/.test(placed), `the seal is placed on page 1: ${placed}`);
  await shot(page, 'operator-placed');
  await page.check('#with-code');
  await page.click('#sign');
  await page.waitForSelector('#download');
  verifyLink = await page.locator('#verification-link').getAttribute('href').catch(() => null);
  check(/^#\/verify\/[0-9A-Z]{16}$/.test(verifyLink ?? ''), `the signed PDF carries a verification code: ${verifyLink}`);
  await page.waitForSelector('.page[data-page="1"] canvas');
  await page.waitForTimeout(500);
  const signedShot = await shot(page, 'operator-signed-pdf');
  // The seal's red where it was dropped: the signed page as pdf.js draws it.
  const pixels = await page.evaluate(({ x, y }) => {
    const canvas = document.querySelector('.page[data-page="1"] canvas');
    const box = canvas.getBoundingClientRect();
    const scale = canvas.width / box.width;
    const size = 40;
    const data = canvas.getContext('2d').getImageData((x - box.left) * scale - size / 2, (y - box.top) * scale - size / 2, size, size).data;
    let red = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] > 150 && data[i + 1] < 110 && data[i + 2] < 110) red++;
    return red / (size * size);
  }, drop);
  check(pixels > 0.02, `the seal's red shows where it was dropped (${(pixels * 100).toFixed(1)}% red; ${signedShot})`);
  const href = await page.locator('#download').getAttribute('href');
  const response = await context.request.get(`http://127.0.0.1:${env.PORT}${href}`);
  check(response.ok(), `download ${href}`);
  signedPdf = Buffer.from(await response.body());
  check(signedPdf.subarray(0, 5).toString() === '%PDF-', 'the download is a PDF');
  writeFileSync('signed.pdf', signedPdf);

  await page.goto(`${base}#/sign`);
  await page.waitForSelector('.palette-seal');
  await page.selectOption('#mode', 'keyword');
  await page.fill('#keyword', '科技有限公司（盖章）');
  await page.locator('.palette-seal').first().dispatchEvent('pointerdown');
  await page.waitForSelector('.palette-seal.chosen');
  await page.setInputFiles('#document', 'var/demo/sample.ofd');
  await page.waitForSelector('.page[data-page="1"] img');
  // The keyword's hit previewed on the page before signing.
  await page.click('#preview');
  await page.waitForSelector('.page .plan');
  check(/1/.test(await page.locator('.placed').innerText()), 'the preview counts one stamp');
  await shot(page, 'operator-keyword-preview');
  await page.click('#sign');
  await page.waitForSelector('#download');
  await shot(page, 'operator-signed-ofd');
  const ofd = await context.request.get(`http://127.0.0.1:${env.PORT}${await page.locator('#download').getAttribute('href')}`);
  signedOfd = Buffer.from(await ofd.body());
  writeFileSync('signed.ofd', signedOfd);
  check(signedOfd.subarray(0, 2).toString() === 'PK', 'the OFD download is a package');
  // The signed OFD locked from the documents page: a new version at the top.
  await page.goto(`${base}#/documents`);
  await page.waitForSelector('tbody tr');
  const rowsBefore = await page.locator('tbody tr').count();
  await page.locator('tbody tr').first().locator('button[data-action=lock]').click();
  await page.waitForFunction((n) => document.querySelectorAll('tbody tr').length > n, rowsBefore, { timeout: 10000 }).catch(() => {});
  check(await page.locator('tbody tr').count() === rowsBefore + 1, 'locking makes a new version');
  await shot(page, 'operator-documents');
  await context.close();
}

for (const [file, kind] of [['signed.pdf', 'pdf'], ['signed.ofd', 'ofd']]) {
  try {
    execFileSync(env.ESEAL, [kind, 'verify', file, '--ca', 'var/platform/ca.pem'], { stdio: 'pipe' });
    check(true, '');
  } catch (e) {
    check(false, `eseal ${kind} verify ${file}: ${e.stdout}${e.stderr}`);
  }
}

// --- a visitor verifies what they were given, without signing in ---
{
  // A phone's screen; CSP bypassed only so that the test can inject axe-core.
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', bypassCSP: true });
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`visitor: ${e.message}`));
  await page.goto(`${base}#/verify`);
  await page.waitForSelector('.dropzone');
  await page.addScriptTag({ content: axeSource });
  const axe = await page.evaluate(async () => (await window.axe.run()).violations.map((v) => ({ id: v.id, impact: v.impact })));
  const serious = axe.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(serious.length === 0, `axe-core: ${JSON.stringify(serious)}`);

  for (const file of ['signed.pdf', 'signed.ofd']) {
    await page.setInputFiles('#verify-file', file);
    await page.waitForSelector('#verdict');
    const verdict = await page.locator('#verdict').getAttribute('class');
    check(verdict.includes('verdict-valid'), `${file} verifies: ${await page.locator('#verdict').innerText()}`);
    check((await page.locator('.hashes').innerText()).includes('SM3'), 'the hashes are shown');
    await shot(page, `visitor-${file.replace('.', '-')}`);
    await page.evaluate(() => document.querySelector('.report').replaceChildren());
  }
  // Within the signed bytes: the page content's first digit changed.
  const tampered = Buffer.from(signedPdf);
  const at = tampered.indexOf('BT');
  tampered[at] = 'b'.charCodeAt(0);
  writeFileSync('tampered.pdf', tampered);
  await page.setInputFiles('#verify-file', 'tampered.pdf');
  await page.waitForSelector('#verdict');
  check((await page.locator('#verdict').getAttribute('class')).includes('verdict-failed'),
    `a tampered copy is rejected: ${await page.locator('#verdict').innerText()}`);
  check(await page.locator('.check-failed').count() > 0, 'the failed check is shown');
  await shot(page, 'visitor-tampered');
  // Changed after signing, in a revision of its own: rejected, with the changed page outlined.
  await page.evaluate(() => document.querySelector('.report').replaceChildren());
  writeFileSync('changed.pdf', changedLater(signedPdf));
  await page.setInputFiles('#verify-file', 'changed.pdf');
  await page.waitForSelector('#changes .change-box', { timeout: 15000 }).catch(() => {});
  check((await page.locator('#verdict').getAttribute('class')).includes('verdict-failed'),
    `a copy changed after signing is rejected: ${await page.locator('#verdict').innerText()}`);
  check(await page.locator('#changes .change-box.change-content').count() === 1,
    `the changed page is outlined: ${await page.locator('#changes').innerText().catch(() => 'no changes section')}`);
  await page.locator('#changes').scrollIntoViewIfNeeded();
  await shot(page, 'visitor-changed-later');
  // The verification code's page: the original the platform keeps, and whether a file is it.
  await page.goto(`${base}${verifyLink}`);
  await page.waitForSelector('#original dl');
  check((await page.locator('#original').innerText()).includes('SM3'), 'the original\'s hashes are shown');
  await page.setInputFiles('#verify-file', 'signed.pdf');
  await page.waitForSelector('#comparison');
  check((await page.locator('#comparison').getAttribute('class')).includes('verdict-valid'),
    `the signed PDF is the original: ${await page.locator('#comparison').innerText()}`);
  await shot(page, 'visitor-original');
  await page.setInputFiles('#verify-file', 'tampered.pdf');
  await page.waitForFunction(() => document.querySelector('#comparison')?.className.includes('verdict-failed'), null, { timeout: 10000 }).catch(() => {});
  check((await page.locator('#comparison').getAttribute('class')).includes('verdict-failed'),
    'a changed copy is not the original');
  const sealId = JSON.parse(readFileSync('var/demo/requests/keyWordSealSign.json', 'utf8')).signList[0].sealId;
  // A seal added after the first: the page shows where, outlined on the page drawn from the file.
  await page.evaluate(() => document.querySelector('.report').replaceChildren());
  execFileSync(env.ESEAL, ['pdf', 'sign', '--in', 'signed.pdf', '--out', 'twice.pdf', '--seal-id', sealId,
    '--data-dir', 'var', '--page', '1', '--x', '20', '--y', '20'], { stdio: 'pipe' });
  await page.setInputFiles('#verify-file', 'twice.pdf');
  await page.waitForSelector('#changes .change-box', { timeout: 15000 }).catch(() => {});
  check(await page.locator('#changes .change-box.change-signature').count() === 1,
    `the later seal is outlined on the page: ${await page.locator('#changes').innerText().catch(() => 'no changes section')}`);
  await page.locator('#changes').scrollIntoViewIfNeeded();
  await shot(page, 'visitor-changes');
  await page.fill('#seal-code', sealId);
  await page.click('form.card button[type=submit]');
  await page.waitForSelector('form.card .status');
  check((await page.locator('form.card').innerText()).includes('正常'), 'the seal lookup says valid');
  await context.close();
}

// --- the administrator adds an app and is shown its secrets once ---
{
  const { context, page } = await signIn('admin');
  await page.goto(`${base}#/apps`);
  await page.waitForSelector('#add-app');
  await page.fill('#app-name', '浏览器测试应用');
  await page.uncheck('#family-ldt');
  await page.check('#family-coss');
  await page.click('#add-app button[type=submit]');
  await page.waitForSelector('#secrets');
  const secureCode = await page.locator('#secrets [data-secret=secureCode]').innerText();
  check(/^[0-9a-f]{32}$/i.test(secureCode), `the COSS secureCode is shown once: ${secureCode}`);
  await page.waitForFunction(() => document.querySelector('tbody')?.textContent?.includes('浏览器测试应用'));
  check(!(await page.locator('tbody').innerText()).includes(secureCode), 'the list shows no secret');
  await shot(page, 'admin-app-secrets');
  await page.click('nav a[href="#/organizations"]');
  await page.waitForSelector('main h1');
  await page.click('nav a[href="#/time-stamps"]');
  await page.waitForSelector('main table thead');
  await context.close();
}

// --- the auditor verifies the chain ---
{
  const { context, page } = await signIn('auditor');
  await page.goto(`${base}#/audit`);
  await page.waitForSelector('tbody tr');
  await page.click('#verify-chain');
  await page.waitForSelector('#chain.ok');
  check((await page.locator('#chain').innerText()).includes('审计链完整'), 'the chain is intact');
  check((await page.locator('tbody').innerText()).includes('document.stamp'), 'the stamping is in the log');
  check(!(await page.locator('nav a[href="#/sign"]').count()), 'an auditor is not offered signing');
  for (const route of ['jobs', 'users', 'filing']) {
    await page.click(`nav a[href="#/${route}"]`);
    await page.waitForSelector('main table thead');
  }
  await shot(page, 'auditor-chain');
  await context.close();
}

await browser.close();
check(problems.length === 0, `no page errors: ${problems.join('; ')}`);
writeFileSync('browser-checks', String(checks));
console.log(`browser: ${checks} checks`);
