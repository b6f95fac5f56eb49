// eseal's HRSS SDK for business pages: the functions of LD/T 01.4 §5.3.2.1 through eseal's local
// agent (`eseal agent`), which signs with the person's USB key. Load it from the agent
// (<script src="http://127.0.0.1:17480/viewer/hrss.js">) or copy it into your page's scripts.
//
//   const hrss = await HRSS.connect({ name: '合同管理系统' });   // pairs once; the person allows
//   await hrss.HRSSOpenFileByPath('http://oa.example/contract.pdf', 1);
//   if (await hrss.HRSSInsertESeal() !== 1) alert(hrss.lastError.message);
//
// Every HRSS function is a method with the header's name and arguments, returning the function's
// result; when it failed, `lastError` holds {number, message} (HRSGetLastError's), else null.
// Functions that need the person (the PIN, placing the seal, a file to open) wait until the person
// has answered in the agent's viewer. The PIN is asked there, never by the page.
(function (global) {
  'use strict';

  const FUNCTIONS = [
    'HRSSOpenFile', 'HRSSOpenFileByPath', 'HRSSCloseFile', 'HRSSFileSaveAs', 'HRSSPrintFile',
    'HRSSFileZoomLarge', 'HRSSFileZoomSmall', 'HRSSFileRotateLeft', 'HRSSFileRotateRight',
    'HRSSGoToNextPage', 'HRSSGoToPrevPage', 'HRSSGoToFirstPage', 'HRSSGoToLastPage',
    'HRSSGoToPage', 'HRSSShowToolBarButton', 'HRSSInsertESeal', 'HRSSInsertPagingESeal',
    'HRSSBatchVerify', 'HRSSSysSet', 'HRSSCheckKey', 'HRSSGetKeyID', 'HRSSGetESealId',
    'HRSSIsFileSigned', 'HRSSIsPagingSigned', 'HRSSGetCurrentSignatureCount',
    'HRSSGetCurrentPageNum', 'HRSSGetSignInfo', 'HRSSGotoBookMarkByBookMarkName',
    'HRSSGotoPageByKeyWord', 'HRSSHttpInit', 'HRSSHttpAddPostString', 'HRSSHttpAddPostFile',
    'HRSSHttpAddPostCurrFile', 'HRSSHttpPost', 'HRSSSignByKeyword', 'HRSSSignByPos',
    'HRSOfdLockSign', 'HRSOfdDeleteLockSign', 'HRSGetLastError',
    'ESEAL_HRSSOpenFileFromMemory', 'ESEAL_HRSSSaveFileTo', 'ESEAL_HRSSSignPaging',
    'ESEAL_HRSSCurrentFile', 'ESEAL_HRSSPageCount', 'ESEAL_HRSSZoomPercent', 'ESEAL_HRSSRotation',
    'ESEAL_HRSSToolBarButtonShown', 'ESEAL_HRSSFileName', 'ESEAL_HRSSDocumentVersion',
    'ESEAL_HRSSGetCertificate', 'ESEAL_HRSSGetCertSerial', 'ESEAL_HRSSSignData',
  ];
  const DEFAULT_AGENT = 'http://127.0.0.1:17480';

  // The agent refused or could not be reached (not a function's own failure).
  class AgentError extends Error {
    constructor(code, message) {
      super(message);
      this.name = 'AgentError';
      this.code = code;
    }
  }

  async function request(url, options) {
    let response;
    try {
      response = await fetch(url, options);
    } catch (e) {
      throw new AgentError('unreachable', `eseal agent is not running at ${url}: ${e.message}`);
    }
    let body = {};
    try {
      body = await response.json();
    } catch (e) {
      body = {};
    }
    if (!response.ok) {
      throw Object.assign(
        new AgentError(body.error || String(response.status), body.message || response.statusText),
        { status: response.status });
    }
    return body;
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  class Hrss {
    constructor(agent, token) {
      this.agent = agent;
      this.token = token;
      this.lastError = null;
    }

    // Calls `name` with `args`: {result, error}.
    async call(name, ...args) {
      const body = await request(`${this.agent}/hrss/${name}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${this.token}` },
        body: JSON.stringify({ args }),
      });
      this.lastError = body.error || null;
      return body;
    }

    // Opens a File or Blob chosen in the page (as ESEAL_HRSSOpenFileFromMemory).
    async openBlob(blob, name) {
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let text = '';
      for (let i = 0; i < bytes.length; i += 0x8000) {
        text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
      }
      return this.ESEAL_HRSSOpenFileFromMemory(btoa(text), name || blob.name || 'document.pdf');
    }
  }
  for (const name of FUNCTIONS) {
    Hrss.prototype[name] = async function (...args) {
      return (await this.call(name, ...args)).result;
    };
  }

  // Pairs with the agent, once: the person allows this page in the agent's viewer, and the token
  // is kept in localStorage for later visits. Options: agent (its address), name (what the person
  // is shown), onWaiting (called while the person decides), timeoutMs.
  async function connect(options = {}) {
    const agent = (options.agent || DEFAULT_AGENT).replace(/\/$/, '');
    const slot = `eseal-agent-token:${agent}`;
    const kept = global.localStorage && global.localStorage.getItem(slot);
    if (kept) {
      const hrss = new Hrss(agent, kept);
      try {
        await hrss.call('HRSSGetCurrentPageNum');
        return hrss;
      } catch (e) {
        if (e.status !== 401) throw e;
        global.localStorage.removeItem(slot);
      }
    }
    const asked = await request(`${agent}/pair`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: options.name || document.title || location.origin }),
    });
    if (options.onWaiting) options.onWaiting();
    const deadline = Date.now() + (options.timeoutMs || 300000);
    while (Date.now() < deadline) {
      const state = await request(`${agent}/pair/${asked.request}`, { method: 'GET' });
      if (state.status === 'allowed') {
        if (global.localStorage) global.localStorage.setItem(slot, state.token);
        return new Hrss(agent, state.token);
      }
      if (state.status !== 'pending') {
        throw new AgentError(state.status, state.status === 'refused'
          ? '用户拒绝了本页面使用USB Key' : '用户没有及时确认');
      }
      await sleep(700);
    }
    throw new AgentError('expired', '用户没有及时确认');
  }

  global.HRSS = { connect, AgentError, FUNCTIONS };
})(typeof window !== 'undefined' ? window : globalThis);
