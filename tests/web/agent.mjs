// eseal's agent in headless Chromium (started by agent_test.sh, which passes everything in the
// environment): a page on another origin cannot pair; the business page pairs once the person
// allows it in the viewer, opens its contract through the agent, the person turns to page 2,
// places the seal with the mouse (a click, then a drag), gives a wrong PIN and then the right
// one, and the page posts the signed contract to its endpoint; a reload needs no new pairing;
// what a page may not do is refused; a login statement signed by the key (PIN in the viewer)
// verifies; a question the person cancels fails the function; a pairing revoked in the viewer
// ends the token. Screenshots of each step go to $SHOTS.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const env = process.env;
const { chromium } = createRequire(join(env.WEB_DIR, 'package.json'))('playwright-core');

let checks = 0;
function check(ok, what) {
  checks++;
  if (!ok) {
    console.error(`FAIL: ${what}`);
    process.exit(1);
  }
}
let shotNumber = 0;
async function shot(page, name) {
  shotNumber++;
  await page.screenshot({ path: join(env.SHOTS, `${String(shotNumber).padStart(2, '0')}-${name}.png`), fullPage: true });
}

rmSync(env.SHOTS, { recursive: true, force: true });
mkdirSync(env.SHOTS, { recursive: true });
const browser = await chromium.launch({ executablePath: env.CHROMIUM, headless: true, args: ['--no-sandbox'] });
const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'zh-CN' });
context.setDefaultTimeout(30000);

// The person opens the viewer with the address the agent printed.
const viewer = await context.newPage();
await viewer.goto(env.VIEWER);
await viewer.locator('#status', { hasText: '已连接' }).waitFor();
await viewer.locator('#seal-info', { hasText: '某某科技有限公司（ES-AGENT-1）' }).waitFor();
check(!viewer.url().includes('key='), 'the viewer key leaves the address bar');

// A page on an origin the agent does not allow gets no answer it can read.
const other = await context.newPage();
await other.goto(`${env.EVIL}/?agent=${env.AGENT}`);
const refused = await other.evaluate(async () => {
  await sdk;
  try {
    await HRSS.connect({ agent: AGENT, timeoutMs: 3000 });
    return 'connected';
  } catch (e) {
    return e.code;
  }
});
check(refused === 'unreachable', `another origin paired: ${refused}`);
check(await viewer.locator('#pairing-list li').count() === 0, 'another origin reached the person');

// The business page pairs; the person allows it.
const page = await context.newPage();
await page.goto(`${env.BIZ}/?agent=${env.AGENT}`);
const flow = page.evaluate(() => signFlow());
const asking = viewer.locator('#pairing-list li', { hasText: env.BIZ });
await asking.waitFor();
check((await asking.textContent()).includes('合同管理系统'), 'the request names the system');
await shot(viewer, 'pairing');
await asking.getByRole('button', { name: '允许' }).click();

// The contract is open; the person turns to page 2 and puts the seal there.
await viewer.locator('#prompt-title', { hasText: '放置印章' }).waitFor();
await viewer.locator('#page-label', { hasText: '第 1 / 3 页' }).waitFor();
await viewer.locator('#page-frame:not([hidden])').waitFor();
check(await viewer.locator('#place-confirm').isDisabled(), 'nothing to confirm before a place');
await viewer.click('#next');
await viewer.locator('#page-label', { hasText: '第 2 / 3 页' }).waitFor();
await viewer.locator('#page[data-page="2"]').waitFor();
const unsigned = await viewer.locator('#page').getAttribute('data-version');
const box = await viewer.locator('#page').boundingBox();
check(box && box.width > 300, `the page is drawn: ${JSON.stringify(box)}`);
await viewer.locator('#page').click({ position: { x: box.width * 0.6, y: box.height * 0.7 } });
check(await viewer.locator('#seal').isVisible(), 'the seal is shown where it goes');
check((await viewer.locator('#prompt-text').textContent()).includes('第 2 页'), 'the place names page 2');
// Dragged a little higher and to the left, the seal follows the pointer.
const clicked = await viewer.locator('#prompt-text').textContent();
const moved = await viewer.locator('#page').boundingBox();
await viewer.mouse.move(moved.x + moved.width * 0.6, moved.y + moved.height * 0.7);
await viewer.mouse.down();
await viewer.mouse.move(moved.x + moved.width * 0.55, moved.y + moved.height * 0.66, { steps: 4 });
await viewer.mouse.up();
const dragged = await viewer.locator('#prompt-text').textContent();
check(dragged !== clicked && dragged.includes('第 2 页'), `dragging moves the seal: ${clicked} -> ${dragged}`);
await shot(viewer, 'placed');
await viewer.click('#place-confirm');

// The PIN, in the viewer: a wrong one, then the right one.
await viewer.locator('#prompt-title', { hasText: 'PIN' }).waitFor();
await viewer.fill('#pin', '00000000');
await viewer.press('#pin', 'Enter');
await viewer.locator('#prompt-text', { hasText: '还可尝试 2 次' }).waitFor();
await shot(viewer, 'pin-again');
await viewer.fill('#pin', '12345678');
await viewer.press('#pin', 'Enter');

const r = await flow;
check(r.opened === 1 && r.pages === 3, `opened: ${JSON.stringify(r)}`);
check(r.inserted === 1 && r.insertError === null, `inserted: ${JSON.stringify(r)}`);
check(r.signed === 1 && r.info.length === 1, `signed: ${JSON.stringify(r.info)}`);
check(JSON.stringify(r.info[0].pages) === '[2]', `the seal is on page 2: ${JSON.stringify(r.info)}`);
check(r.info[0].result === 'valid', `the signature verifies: ${JSON.stringify(r.info)}`);
check(r.init === 1 && r.field === 1 && r.file === 1 && r.posted === 1, `posted: ${JSON.stringify(r)}`);
// The viewer shows the signed document (a new version of it).
await viewer.locator('#prompt').waitFor({ state: 'hidden' });
await viewer.locator(`#page[data-page="2"]:not([data-version="${unsigned}"])`).waitFor();
await shot(viewer, 'signed');

// A reload keeps the pairing: no new question for the person.
await page.reload();
const count = await page.evaluate(async () => {
  await sdk;
  const hrss = await HRSS.connect({ agent: AGENT, timeoutMs: 3000 });
  return hrss.HRSSGetCurrentSignatureCount();
});
check(count === 1, `after a reload: ${count}`);
check(await viewer.locator('#pairing-list li').count() === 0, 'a paired page asked again');

// A login statement signed by the key, the PIN given in the viewer, verified by eseal.
const statement = '登录确认：某某科技有限公司以USBKey登录合同管理系统';
const login = page.evaluate((b64) => loginFlow(b64), Buffer.from(statement).toString('base64'));
await viewer.locator('#prompt-title', { hasText: 'PIN' }).waitFor();
await viewer.fill('#pin', '12345678');
await viewer.press('#pin', 'Enter');
const l = await login;
check(l.error === null && /^[0-9A-F]+$/.test(l.serial), `login: ${JSON.stringify(l)}`);
writeFileSync('login.txt', statement);
writeFileSync('login.sig', l.signature);
writeFileSync('login-cert.der', Buffer.from(l.certificate, 'base64'));
try {
  execFileSync(env.ESEAL, ['verify-data', '--cert', 'login-cert.der', '--in', 'login.txt', '--sig', 'login.sig'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  check(true, 'the login signature verifies');
} catch (e) {
  check(false, `the login signature: ${e.stdout}${e.stderr}`);
}

// What a page may not make the agent do.
const o = await page.evaluate(() => overreach());
check(o.localFile.result === 0 && o.localFile.error.number === -11, `a local file: ${JSON.stringify(o)}`);
check(o.elsewhere.result === 0 && o.elsewhere.error.number === -11, `another origin: ${JSON.stringify(o)}`);
check(o.library === 404, `a page named a library: ${JSON.stringify(o)}`);
check(o.badArgs === 400, `bad arguments: ${JSON.stringify(o)}`);

// A question the person cancels fails the function, with the reason.
const cancelled = page.evaluate(async () => {
  const hrss = await HRSS.connect({ agent: AGENT, timeoutMs: 3000 });
  return { result: await hrss.HRSSInsertESeal(), error: hrss.lastError };
});
await viewer.locator('#prompt-title', { hasText: '放置印章' }).waitFor();
await viewer.click('#prompt-cancel');
const c = await cancelled;
check(c.result === 0 && c.error && c.error.number === -11, `cancelled: ${JSON.stringify(c)}`);

// Revoked in the viewer: the page's token is refused from then on.
await viewer.locator('#paired-list li', { hasText: env.BIZ }).getByRole('button', { name: '撤销' }).click();
await viewer.locator('#paired-list', { hasText: '（无）' }).waitFor();
const after = await page.evaluate(async () => {
  const token = localStorage.getItem(`eseal-agent-token:${AGENT}`);
  const response = await fetch(`${AGENT}/hrss/HRSSCheckKey`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: '{"args":[]}',
  });
  return response.status;
});
check(after === 401, `a revoked token: ${after}`);
await shot(viewer, 'revoked');

await browser.close();
writeFileSync('browser-checks', String(checks));
console.log(`browser: ${checks} checks passed, screenshots in ${env.SHOTS}`);
