// The viewer of eseal's agent: shows the document the business page opened, lets the person allow
// or refuse pages that ask to pair, and answers what the agent asks while an HRSS function waits
// (the PIN, where the seal goes, a file to open, a name to save under, printing, the settings).
// Its key comes in the address's fragment once and stays in this tab's sessionStorage.
'use strict';

const params = new URLSearchParams(location.hash.slice(1));
if (params.get('key')) {
  sessionStorage.setItem('eseal-viewer-key', params.get('key'));
  history.replaceState(null, '', location.pathname);
}
const KEY = sessionStorage.getItem('eseal-viewer-key') || '';
const $ = (id) => document.getElementById(id);

async function api(path, options = {}) {
  const headers = Object.assign({ 'X-Eseal-Viewer': KEY }, options.headers || {});
  const response = await fetch(`/viewer/api/${path}`, Object.assign({}, options, { headers }));
  if (!response.ok) {
    let message = response.statusText;
    try {
      message = (await response.json()).message || message;
    } catch (e) { /* not JSON */ }
    throw new Error(message);
  }
  return response;
}
const post = (path, body) => api(path, {
  method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
});

const state = {
  version: 0,
  view: { open: false, version: 0, pages: 0, page: 0, zoom: 100, dpi: 120 },
  shown: { key: '', page: 0 },
  prompt: null,      // the question shown
  placing: null,     // {crossPage, page, x, y} while the person puts the seal
  seal: null,        // {present, widthMm, heightMm, url}
  pictures: new Map(),
  fit: 1,
};

function setStatus(text) { $('status').textContent = text; }

// --- the seal on the key ---------------------------------------------------------------------

async function loadSeal() {
  try {
    const seal = await (await api('seal')).json();
    if (seal.present) {
      const picture = await (await api('seal/picture')).blob();
      if (state.seal && state.seal.url) URL.revokeObjectURL(state.seal.url);
      seal.url = URL.createObjectURL(picture);
      $('seal').src = seal.url;
      $('seal-info').textContent = `USB Key中的印章：${seal.name}（${seal.esId}）`;
    } else {
      $('seal-info').textContent = `未读到USB Key中的印章：${seal.message}`;
    }
    state.seal = seal;
  } catch (e) {
    $('seal-info').textContent = `未读到USB Key：${e.message}`;
  }
}

// --- the document ----------------------------------------------------------------------------

async function pagePicture(version, page) {
  const key = `${version}/${page}`;
  if (!state.pictures.has(key)) {
    const blob = await (await api(`pages/${page}?v=${version}`)).blob();
    state.pictures.set(key, URL.createObjectURL(blob));
  }
  return state.pictures.get(key);
}

// Pages are drawn at the agent's dpi and shown fitted to the width, then at the view's zoom.
const scale = () => state.fit * ((state.view.zoom || 100) / 100);
const pxPerMm = () => (state.view.dpi / 25.4) * scale();

async function showPage(page) {
  const view = state.view;
  if (!view.open) {
    $('page-frame').hidden = true;
    $('pager').hidden = true;
    $('empty').hidden = false;
    state.shown = { key: '', page: 0 };
    return;
  }
  page = Math.min(Math.max(page, 1), view.pages);
  const key = `${view.version}/${page}/${view.zoom}/${view.rotation}`;
  state.shown.page = page;
  $('page-label').textContent = `${view.name}　第 ${page} / ${view.pages} 页`;
  $('pager').hidden = false;
  $('empty').hidden = true;
  if (state.shown.key === key) return;
  const url = await pagePicture(view.version, page);
  const img = $('page');
  await new Promise((resolve) => {
    img.onload = resolve;
    img.onerror = resolve;
    img.src = url;
  });
  const room = $('document').clientWidth - 32;
  state.fit = img.naturalWidth > 0 ? Math.min(1, room / img.naturalWidth) : 1;
  img.style.width = `${img.naturalWidth * scale()}px`;
  img.style.transform = !state.placing && view.rotation ? `rotate(${view.rotation * 90}deg)` : '';
  state.shown.key = key;
  img.dataset.page = String(page);
  img.dataset.version = String(view.version);
  $('page-frame').hidden = false;
  drawSeal();
}

function drawSeal() {
  const seal = $('seal');
  const p = state.placing;
  if (!p || p.y === undefined || p.page !== state.shown.page || !state.seal || !state.seal.present) {
    seal.hidden = true;
    return;
  }
  const w = state.seal.widthMm * pxPerMm();
  const h = state.seal.heightMm * pxPerMm();
  const x = p.crossPage ? $('page').clientWidth - w / 2 : p.x * pxPerMm();
  seal.style.width = `${w}px`;
  seal.style.height = `${h}px`;
  seal.style.left = `${x - w / 2}px`;
  seal.style.top = `${p.y * pxPerMm() - h / 2}px`;
  seal.hidden = false;
}

$('prev').addEventListener('click', () => showPage(state.shown.page - 1));
$('next').addEventListener('click', () => showPage(state.shown.page + 1));

// The person puts the seal by clicking where its centre goes, or by dragging it there.
function placeAt(event) {
  const p = state.placing;
  if (!p) return;
  const rect = $('page').getBoundingClientRect();
  p.page = state.shown.page;
  p.x = Math.round(((event.clientX - rect.left) / pxPerMm()) * 10) / 10;
  p.y = Math.round(((event.clientY - rect.top) / pxPerMm()) * 10) / 10;
  $('place-confirm').disabled = false;
  $('prompt-text').textContent = p.crossPage
    ? `骑缝章距页面顶端 ${p.y} 毫米`
    : `第 ${p.page} 页，印章中心距左边 ${p.x} 毫米、距顶端 ${p.y} 毫米`;
  drawSeal();
}
let dragging = false;
$('page').addEventListener('pointerdown', (event) => {
  if (!state.placing) return;
  dragging = true;
  event.preventDefault();
  placeAt(event);
});
$('page').addEventListener('pointermove', (event) => {
  if (dragging) placeAt(event);
});
window.addEventListener('pointerup', () => {
  dragging = false;
});
$('page').addEventListener('click', placeAt);

// --- pairings --------------------------------------------------------------------------------

function renderPairings(asking, paired) {
  const list = $('pairing-list');
  list.replaceChildren();
  for (const request of asking) {
    const li = document.createElement('li');
    li.dataset.origin = request.origin;
    const text = document.createElement('div');
    text.textContent = `「${request.name}」（${request.origin}）请求使用您的USB Key签章`;
    const allow = document.createElement('button');
    allow.className = 'primary';
    allow.textContent = '允许';
    allow.addEventListener('click', () => post(`pairings/${request.id}`, { allow: true }));
    const refuse = document.createElement('button');
    refuse.textContent = '拒绝';
    refuse.addEventListener('click', () => post(`pairings/${request.id}`, { allow: false }));
    li.append(text, allow, refuse);
    list.append(li);
  }
  $('pairings').hidden = asking.length === 0;

  const known = $('paired-list');
  known.replaceChildren();
  for (const page of paired) {
    const li = document.createElement('li');
    li.textContent = `${page.name}（${page.origin}）`;
    const revoke = document.createElement('button');
    revoke.textContent = '撤销';
    revoke.addEventListener('click', () => post('forget', { origin: page.origin }));
    li.append(' ', revoke);
    known.append(li);
  }
  if (paired.length === 0) known.textContent = '（无）';
}

// --- questions -------------------------------------------------------------------------------

const FORMS = ['pin-form', 'open-form', 'save-form', 'place-actions', 'prompt-done'];

function answer(body) {
  const prompt = state.prompt;
  if (!prompt) return;
  state.prompt = null;
  state.placing = null;
  $('prompt').hidden = true;
  $('page-frame').classList.remove('placing');
  drawSeal();
  post(`answer/${prompt.id}`, body).catch((e) => setStatus(`回答失败：${e.message}`));
}

async function ask(prompt) {
  state.prompt = prompt;
  const d = prompt.details;
  for (const id of FORMS) $(id).hidden = true;
  $('prompt').hidden = false;
  const show = (title, text, form) => {
    $('prompt-title').textContent = title;
    $('prompt-text').textContent = text;
    if (form) $(form).hidden = false;
  };
  switch (prompt.kind) {
    case 'pin':
      show('输入USB Key的PIN码', d.triesLeft ? `还可尝试 ${d.triesLeft} 次` : '', 'pin-form');
      $('pin').value = '';
      $('pin').focus();
      break;
    case 'place':
      show(d.crossPage ? '放置骑缝章' : '放置印章',
        d.crossPage ? '在页面上点击骑缝章的高度，然后点「在此盖章」'
          : '翻到要盖章的页面，点击印章中心的位置，然后点「在此盖章」', 'place-actions');
      $('place-confirm').disabled = true;
      state.placing = { crossPage: d.crossPage, page: d.page };
      $('page-frame').classList.add('placing');
      await loadSeal();
      state.shown.key = '';
      await showPage(d.page);
      break;
    case 'open':
      show('打开文件', '选择要打开的PDF或OFD文件', 'open-form');
      break;
    case 'save':
      show('另存为', `保存到 ${d.folder}`, 'save-form');
      $('save-name').value = d.name || 'document.pdf';
      break;
    case 'print':
      show('打印', '正在准备打印…', null);
      await printDocument();
      answer({});
      break;
    default:
      show('设置', '已允许使用USB Key的页面列在下方，可以撤销。', 'prompt-done');
  }
}

$('pin-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const pin = $('pin').value;
  $('pin').value = '';
  answer({ pin });
});
$('place-confirm').addEventListener('click', () => {
  const p = state.placing;
  if (p && p.y !== undefined) answer({ page: p.page, x: p.crossPage ? 0 : p.x, y: p.y });
});
$('open-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const file = $('open-file').files[0];
  if (!file) return;
  const uploaded = await (await api(`upload?name=${encodeURIComponent(file.name)}`, {
    method: 'POST', body: file,
  })).json();
  answer({ upload: uploaded.upload });
});
$('save-form').addEventListener('submit', (event) => {
  event.preventDefault();
  answer({ name: $('save-name').value });
});
$('download').addEventListener('click', async (event) => {
  event.preventDefault();
  const blob = await (await api('document')).blob();
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = $('save-name').value || 'document';
  link.click();
});
$('prompt-done').addEventListener('click', () => answer({}));
$('prompt-cancel').addEventListener('click', () => answer({ cancel: true }));

async function printDocument() {
  const area = $('print-area');
  area.replaceChildren();
  for (let page = 1; page <= state.view.pages; ++page) {
    const img = document.createElement('img');
    img.src = await pagePicture(state.view.version, page);
    area.append(img);
  }
  window.print();
}

// --- the agent's events ----------------------------------------------------------------------

async function update(events) {
  renderPairings(events.pairings, events.paired);
  const before = state.view;
  state.view = events.view;
  if (!state.placing && (before.version !== state.view.version || before.page !== state.view.page ||
      before.zoom !== state.view.zoom || before.rotation !== state.view.rotation ||
      before.open !== state.view.open)) {
    await showPage(state.view.page);
  }
  const waiting = events.prompts;
  if (state.prompt && !waiting.some((p) => p.id === state.prompt.id)) {
    // Answered, cancelled or timed out on the agent's side.
    state.prompt = null;
    state.placing = null;
    $('prompt').hidden = true;
    $('page-frame').classList.remove('placing');
    drawSeal();
  }
  if (!state.prompt && waiting.length > 0) await ask(waiting[0]);
}

async function listen() {
  if (!KEY) {
    setStatus('请使用 eseal agent 启动时给出的地址打开本页');
    return;
  }
  loadSeal();
  for (;;) {
    try {
      const events = await (await api(`events?since=${state.version}`)).json();
      state.version = events.version;
      setStatus('已连接');
      await update(events);
    } catch (e) {
      setStatus(`与签章助手的连接中断：${e.message}`);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

listen();
