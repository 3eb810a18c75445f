#!/usr/bin/env python3
"""The inbound security of the `simpul` binary, over real sockets.

Starts build/simpul with API-key auth on an http_server input and per-route
`allow:` lists, then checks the ACL matrix identity x route -> 2xx/401/403,
the WWW-Authenticate challenge, the auth-failure and rate-limit metrics,
429 + Retry-After, the admin bearer token (from ${env:...}) and that no
credential reaches the log. Prints 'N passed, N failed'; exit 1 on failure.
"""
import hashlib
import http.client
import http.server
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

BINARY = sys.argv[1] if len(sys.argv) > 1 else "build/simpul"
KEYS = {"app-a": "kunci-aplikasi-a-0123456789abcdef", "app-b": "kunci-aplikasi-b-0123456789abcdef"}
ADMIN_TOKEN = "admin-token-0123456789abcdef0123"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def request(port, method, path, body=b"", headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        c.close()


def wait_for(cond, timeout=10.0):
    end = time.time() + timeout
    while time.time() < end:
        try:
            if cond():
                return True
        except OSError:
            pass
        time.sleep(0.05)
    return False


def metric(admin, line_prefix):
    _, _, b = request(admin, "GET", "/metrics")
    for line in b.decode().splitlines():
        if line.startswith(line_prefix + " "):
            return float(line.split()[-1])
    return 0.0


def main():
    tmp = tempfile.mkdtemp(prefix="simpul-sec-e2e-")
    sink = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    api, limited, admin = free_port(), free_port(), free_port()
    keys = "\n".join(
        f'      - {{identity: {who}, hash: "sha256:{hashlib.sha256(k.encode()).hexdigest()}"}}'
        for who, k in KEYS.items())
    config = f"""
hub:
  name: sec-e2e
  data_dir: {tmp}/data
  shutdown_timeout: 2s
  admin:
    listen: "127.0.0.1:{admin}"
    token: "${{env:SIMPUL_TEST_ADMIN_TOKEN}}"
    open_health_from: loopback
connectors:
  api:
    type: http_server
    listen: "127.0.0.1:{api}"
    auth:
      api_keys:
{keys}
  limited:
    type: http_server
    listen: "127.0.0.1:{limited}"
    rate_limit: {{rate: 0.01, burst: 3}}
  out: {{type: http_client, url: "http://127.0.0.1:{sink.server_address[1]}/in", timeout: 2s}}
routes:
  only_a:
    from: {{connector: api, path: /only-a, allow: [app-a]}}
    to: [out]
  both:
    from: {{connector: api, path: /both, allow: [app-a, app-b]}}
    to: [out]
  anyone:
    from: {{connector: api, path: /anyone, allow: ["*"]}}
    to: [out]
  nobody:
    from: {{connector: api, path: /nobody}}
    to: [out]
  open:
    from: {{connector: limited, path: /open}}
    to: [out]
"""
    cfg = os.path.join(tmp, "simpul.yaml")
    with open(cfg, "w") as f:
        f.write(config)
    env = dict(os.environ, SIMPUL_TEST_ADMIN_TOKEN=ADMIN_TOKEN)
    log_path = os.path.join(tmp, "hub.log")
    log = open(log_path, "w")
    hub = subprocess.Popen([BINARY, "run", "-c", cfg], stdout=log, stderr=subprocess.STDOUT, env=env)
    results = []

    def check(name, cond, detail=""):
        results.append(cond)
        print(("PASS " if cond else "FAIL ") + name + ("" if cond else ": " + str(detail)))

    try:
        check("hub becomes ready", wait_for(lambda: request(admin, "GET", "/readyz")[0] == 200))
        matrix = {
            # identity -> route -> expected status
            None: {"/only-a": 401, "/both": 401, "/anyone": 401, "/nobody": 401},
            "app-a": {"/only-a": 202, "/both": 202, "/anyone": 202, "/nobody": 403},
            "app-b": {"/only-a": 403, "/both": 202, "/anyone": 202, "/nobody": 403},
            "wrong": {"/only-a": 401, "/both": 401, "/anyone": 401, "/nobody": 401},
        }
        for who, row in matrix.items():
            for path, want in row.items():
                headers = {"Content-Type": "application/json"}
                if who == "wrong":
                    headers["X-API-Key"] = "not-a-key-0123456789"
                elif who:
                    headers["X-API-Key"] = KEYS[who]
                s, h, b = request(api, "POST", path, b'{"nik":"3204015708900001"}', headers)
                check(f"ACL {who or 'anonymous'} x {path} -> {want}", s == want, (s, b))
                if want == 401:
                    check(f"401 carries WWW-Authenticate ({who}, {path})",
                          "ApiKey" in h.get("WWW-Authenticate", ""), h)
        check("forbidden counted by route and reason",
              metric(admin, 'simpul_auth_failures_total{reason="forbidden",route="nobody"}') == 2)
        check("missing credentials counted",
              metric(admin, 'simpul_auth_failures_total{reason="no_credentials",route="only_a"}') == 1)
        check("unknown key counted",
              metric(admin, 'simpul_auth_failures_total{reason="unknown_credentials",route="both"}') == 1)

        statuses = [request(limited, "POST", "/open", b"{}")[0] for _ in range(3)]
        s, h, _ = request(limited, "POST", "/open", b"{}")
        check("rate limit lets the burst through", statuses == [202, 202, 202], statuses)
        check("then answers 429 with Retry-After", s == 429 and int(h.get("Retry-After", "0")) >= 1,
              (s, h))
        check("rate limit counted", metric(admin, 'simpul_rate_limited_total{route="open"}') == 1)

        s, h, _ = request(admin, "GET", "/admin/routes")
        check("admin API needs the bearer token", s == 401 and h.get("WWW-Authenticate") == "Bearer",
              (s, h))
        s, _, _ = request(admin, "GET", "/admin/routes", headers={"Authorization": "Bearer " + ADMIN_TOKEN})
        check("admin API takes the token from ${env:...}", s == 200, s)
        s, _, _ = request(admin, "GET", "/admin/routes", headers={"Authorization": "Bearer wrong"})
        check("admin API refuses a wrong token", s == 401, s)
        s, _, _ = request(admin, "GET", "/healthz")
        check("healthz open on loopback", s == 200, s)
    finally:
        hub.send_signal(signal.SIGTERM)
        try:
            hub.wait(15)
        except subprocess.TimeoutExpired:
            hub.kill()
            hub.wait()
        log.close()
        sink.shutdown()
        text = open(log_path).read()
        check("the log never holds an API key or the admin token",
              all(k not in text for k in KEYS.values()) and ADMIN_TOKEN not in text
              and "not-a-key" not in text, text[-2000:])
        check("refusals are logged with their reason", "(forbidden)" in text, text[-2000:])
        shutil.rmtree(tmp, ignore_errors=True)
    failed = results.count(False)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
