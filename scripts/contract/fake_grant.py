"""A stand-in for Deepgram's token endpoint (POST /v1/auth/grant) for the contract test: every
grant succeeds with a fixed short-lived token, so session creation never depends on the network.
Prints its base URL on the first line of stdout, then serves until killed."""

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GRANT = json.dumps({"access_token": "t", "expires_in": 300}).encode()


class Grant(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length") or 0))
        if self.path != "/v1/auth/grant":
            self.reply(404, b'{"err_msg": "Not Found"}')
        elif not (self.headers.get("authorization") or "").startswith("Token "):
            self.reply(401, b'{"err_code": "INVALID_AUTH", "err_msg": "Invalid credentials."}')
        else:
            self.reply(200, GRANT)

    def reply(self, status, body):
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", 0), Grant)
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()
