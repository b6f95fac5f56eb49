"""A business system's endpoint for tests/hrss: answers every POST with 200 and keeps what it
received (the body and the Cookie header) in DIR. Prints its port, then serves until killed.
Usage: receiver.py DIR"""
import http.server
import pathlib
import sys

folder = pathlib.Path(sys.argv[1])


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        (folder / "body").write_bytes(body)
        (folder / "content-type").write_text(self.headers.get("Content-Type", ""))
        (folder / "cookie").write_text(self.headers.get("Cookie", ""))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
