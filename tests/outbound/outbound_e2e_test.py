#!/usr/bin/env python3
"""End-to-end tests of outbound security and the audit log on the real binary.

Stand-ins (real servers in this process, python3 stdlib only):
- an OAuth2 token endpoint (client credentials, HTTP Basic client auth) that
  counts token requests and issues short-lived tokens;
- a resource server that checks the bearer token, answers 401 for a revoked
  token, and verifies the HMAC request signature with Python's hmac/hashlib
  (an implementation independent of the hub's);
- an HTTPS server that requires a client certificate, with a CA, server and
  client certificates made at test time with the openssl CLI.

Then checks the audit log the hub wrote with `simpul audit verify`, and that
it detects a changed byte, a deleted record and swapped records.
Prints 'N passed, N failed'; exit status 1 on any failure.
"""
import base64
import hashlib
import hmac
import http.server
import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from durable_util import free_port, ready, request  # noqa: E402
from durable_util import wait_for as _wait_for  # noqa: E402

BINARY = sys.argv[1] if len(sys.argv) > 1 else "build/simpul"
CLIENT_ID = "pemkab-bandung"
CLIENT_SECRET = "s3cret/with:odd&chars"
SIGNING_SECRET = "signing-secret-0123456789abcdef"
AUDIT_SECRET = "audit-secret-0123456789abcdef-0123456789"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


def wait_for(cond, timeout=15.0):
    return _wait_for(cond, timeout)


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_pki(d):
    """CA, a server cert for DNS:pusat.test only (no IP SAN: pinning needed),
    a client cert CN=pemkab-bandung, and an unrelated 'rogue' CA."""
    for ca in ("ca", "rogue"):
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{ca}.key",
                "-out", f"{ca}.crt", "-days", "2", "-subj", f"/CN=simpul test {ca}", cwd=d)
    for name, cn, ext in (("server", "pusat.test", "subjectAltName=DNS:pusat.test\nextendedKeyUsage=serverAuth"),
                          ("client", CLIENT_ID, "extendedKeyUsage=clientAuth")):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out",
                f"{name}.csr", "-subj", f"/CN={cn}", cwd=d)
        with open(os.path.join(d, f"{name}.ext"), "w") as f:
            f.write(ext + "\n")
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", f"{name}.crt", "-days", "2", "-extfile",
                f"{name}.ext", cwd=d)


class StandIns:
    def __init__(self, pki):
        self.lock = threading.Lock()
        self.token_requests = []     # (authorization, form)
        self.issued = []
        self.revoked = set()
        self.lifetimes = [6]         # expires_in of each issued token; last repeats
        self.resource = []           # dicts: token, status, sig_ok, traceparent, body
        self.mtls = []               # (peer CN, body)
        outer = self

        class Token(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                form = dict(urllib.parse.parse_qsl(body))
                auth = self.headers.get("Authorization", "")
                expected = "Basic " + base64.b64encode(
                    (urllib.parse.quote_plus(CLIENT_ID) + ":" + urllib.parse.quote_plus(CLIENT_SECRET)).encode()).decode()
                with outer.lock:
                    outer.token_requests.append((auth, form))
                    if auth != expected or form.get("grant_type") != "client_credentials":
                        status, answer = 401, {"error": "invalid_client"}
                    else:
                        tok = f"tok-{len(outer.issued) + 1}"
                        life = outer.lifetimes[min(len(outer.issued), len(outer.lifetimes) - 1)]
                        outer.issued.append((tok, time.time()))
                        status, answer = 200, {"access_token": tok, "token_type": "Bearer",
                                               "expires_in": life}
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *a):
                pass

        class Resource(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                ts = self.headers.get("X-Sig-Time", "")
                sig = self.headers.get("X-Sig", "")
                canonical = "\n".join(["v1", self.command, self.path, ts,
                                       hashlib.sha256(body).hexdigest()])
                want = "v1=" + hmac.new(SIGNING_SECRET.encode(), canonical.encode(),
                                        hashlib.sha256).hexdigest()
                sig_ok = hmac.compare_digest(want, sig) and ts.isdigit() and abs(time.time() - int(ts)) < 300
                auth = self.headers.get("Authorization", "")
                token = auth[len("Bearer "):] if auth.startswith("Bearer ") else ""
                with outer.lock:
                    valid = token in [t for t, _ in outer.issued] and token not in outer.revoked
                    status = 200 if valid and sig_ok else 401
                    outer.resource.append({"token": token, "status": status, "sig_ok": sig_ok,
                                           "traceparent": self.headers.get("traceparent", ""),
                                           "body": body})
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *a):
                pass

        class Secure(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                cert = self.connection.getpeercert() or {}
                cn = ""
                for rdn in cert.get("subject", ()):
                    for k, v in rdn:
                        if k == "commonName":
                            cn = v
                with outer.lock:
                    outer.mtls.append((cn, body))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *a):
                pass

        self.servers = []
        self.token = self._serve(Token)
        self.resource_srv = self._serve(Resource)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(os.path.join(pki, "server.crt"), os.path.join(pki, "server.key"))
        ctx.load_verify_locations(os.path.join(pki, "ca.crt"))
        ctx.verify_mode = ssl.CERT_REQUIRED
        self.secure = self._serve(Secure, ctx)

    def _serve(self, handler, ctx=None):
        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        if ctx:
            srv.socket = ctx.wrap_socket(srv.socket, server_side=True, do_handshake_on_connect=True)
            # A failed handshake must not kill the serving thread.
            srv.handle_error = lambda *a: None
        self.servers.append(srv)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        return srv.server_address[1]

    def ok_deliveries(self):
        with self.lock:
            return [r for r in self.resource if r["status"] == 200]

    def stop(self):
        for s in self.servers:
            s.shutdown()


def post(port, path, body, headers=None):
    status, _, data = request(port, "POST", path, body, headers)
    return status, data


def verify(audit_file, key_file):
    p = subprocess.run([BINARY, "audit", "verify", audit_file, "--key", key_file],
                       capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def main():
    tmp = tempfile.mkdtemp(prefix="simpul-outbound-")
    pki = os.path.join(tmp, "pki")
    os.makedirs(pki)
    make_pki(pki)
    st = StandIns(pki)
    api, admin = free_port(), free_port()
    key_file = os.path.join(tmp, "audit.key")
    with open(key_file, "w") as f:
        f.write(AUDIT_SECRET + "\n")
    os.environ["OUTBOUND_CLIENT_SECRET"] = CLIENT_SECRET
    os.environ["OUTBOUND_SIGNING_SECRET"] = SIGNING_SECRET
    audit_file = os.path.join(tmp, "data", "audit", "audit.log")
    config = f"""
hub:
  name: outbound
  data_dir: {tmp}/data
  shutdown_timeout: 5s
  log_level: debug
  admin: {{listen: "127.0.0.1:{admin}"}}
  audit: {{key: "${{file:{key_file}}}"}}
connectors:
  api: {{type: http_server, listen: "127.0.0.1:{api}"}}
  splp:
    type: http_client
    url: "http://127.0.0.1:{st.resource_srv}/v1/laporan?kab=3204"
    timeout: 5s
    auth:
      type: oauth2
      token_url: "http://127.0.0.1:{st.token}/oauth2/token"
      client_id: {CLIENT_ID}
      client_secret: "${{env:OUTBOUND_CLIENT_SECRET}}"
      scope: laporan.write
      refresh_margin: 1s
    signing:
      secret: "${{env:OUTBOUND_SIGNING_SECRET}}"
      timestamp_header: X-Sig-Time
      signature_header: X-Sig
  secure:
    type: http_client
    url: "https://127.0.0.1:{st.secure}/terima"
    ca_file: {pki}/ca.crt
    tls_server_name: pusat.test
    tls_cert_file: {pki}/client.crt
    tls_key_file: {pki}/client.key
  rogue:
    type: http_client
    url: "https://127.0.0.1:{st.secure}/terima"
    ca_file: {pki}/rogue.crt
    tls_server_name: pusat.test
    tls_cert_file: {pki}/client.crt
    tls_key_file: {pki}/client.key
routes:
  oauth:
    from: {{connector: api, path: /oauth}}
    to: [splp]
    retry: {{max_attempts: 3, initial_backoff: 10ms, max_backoff: 50ms}}
  mtls:
    from: {{connector: api, path: /mtls}}
    to: [secure]
  badca:
    from: {{connector: api, path: /badca}}
    to: [rogue]
    retry: {{max_attempts: 2, initial_backoff: 10ms, max_backoff: 20ms}}
"""
    cfg = os.path.join(tmp, "simpul.yaml")
    with open(cfg, "w") as f:
        f.write(config)
    log_path = os.path.join(tmp, "hub.log")
    log = open(log_path, "w")
    hub = subprocess.Popen([BINARY, "run", "-c", cfg], stdout=log, stderr=subprocess.STDOUT)
    results = []

    def check(name, cond, detail=""):
        results.append(bool(cond))
        print(("PASS " if cond else "FAIL ") + name + ("" if cond else ": " + str(detail)))

    nik_body = b'{"pelapor":{"nik":"3204012501900001","nama":"Budi"},"isi":"jalan rusak"}'
    try:
        check("hub becomes ready", wait_for(lambda: ready(admin), 30))
        tp = f"00-{TRACE_ID}-00f067aa0ba902b7-01"
        s, _ = post(api, "/oauth", nik_body, {"traceparent": tp})
        check("first message accepted", s == 202, s)
        check("first delivery made with a fetched token",
              wait_for(lambda: len(st.ok_deliveries()) == 1), st.resource)
        with st.lock:
            auth, form = st.token_requests[0] if st.token_requests else ("", {})
        check("token request: client credentials grant, Basic client auth, scope",
              form.get("grant_type") == "client_credentials" and auth.startswith("Basic ")
              and form.get("scope") == "laporan.write", (auth[:6], form))
        first = st.ok_deliveries()[0]
        check("traceparent propagated with the same trace id",
              first["traceparent"].startswith(f"00-{TRACE_ID}-")
              and not first["traceparent"].endswith("00f067aa0ba902b7-01"), first["traceparent"])
        check("HMAC signature verified by Python hmac/hashlib",
              all(r["sig_ok"] for r in st.resource) and first["sig_ok"], st.resource)
        s, _ = post(api, "/oauth", b'{"n":2}')
        check("second delivery", wait_for(lambda: len(st.ok_deliveries()) == 2), st.resource)
        with st.lock:
            check("token reused across deliveries",
                  len(st.token_requests) == 1 and st.resource[-1]["token"] == "tok-1",
                  (len(st.token_requests), st.resource[-1]["token"]))
            issued_at = st.issued[0][1]
            st.lifetimes = [3600]
        # tok-1 lives 6 s and is refreshed 1 s before: wait out its validity.
        time.sleep(max(0.0, issued_at + 5.2 - time.time()))
        s, _ = post(api, "/oauth", b'{"n":3}')
        check("third delivery", wait_for(lambda: len(st.ok_deliveries()) == 3), st.resource)
        with st.lock:
            check("token refreshed on expiry",
                  len(st.token_requests) == 2 and st.resource[-1]["token"] == "tok-2",
                  (len(st.token_requests), st.resource[-1]["token"]))
            st.revoked.add("tok-2")
        s, _ = post(api, "/oauth", b'{"n":4}')
        check("fourth delivery after a 401", wait_for(lambda: len(st.ok_deliveries()) == 4),
              st.resource)
        with st.lock:
            tail = [(r["token"], r["status"]) for r in st.resource[-2:]]
            check("401 → token refreshed once and the attempt repeated",
                  len(st.token_requests) == 3 and tail == [("tok-2", 401), ("tok-3", 200)],
                  (len(st.token_requests), tail))
            check("every request carried a valid signature",
                  all(r["sig_ok"] for r in st.resource), st.resource)

        s, _ = post(api, "/oauth", b'{"broken":')
        check("malformed JSON rejected", s == 400, s)

        s, _ = post(api, "/mtls", b'{"m":1}')
        check("mTLS: delivered with the client certificate, server name pinned",
              wait_for(lambda: len(st.mtls) == 1) and st.mtls[0][0] == CLIENT_ID, st.mtls)
        s, _ = post(api, "/badca", b'{"b":1}')

        def dead_lettered_badca():
            with open(log_path) as f:
                return "tls: server certificate not accepted" in f.read() and "dead-lettered" in open(log_path).read()
        check("untrusted server: retried then dead-lettered with a clear TLS detail",
              wait_for(dead_lettered_badca), open(log_path).read()[-2000:])
        check("the wrong CA never reached the server", len(st.mtls) == 1, st.mtls)
        with open(log_path) as f:
            text = f.read()
        check("secrets never logged", CLIENT_SECRET not in text and SIGNING_SECRET not in text
              and AUDIT_SECRET not in text and "tok-1" not in text)
        check("per-message log line carries the trace id", TRACE_ID in text)
    finally:
        hub.send_signal(signal.SIGTERM)
        try:
            hub.wait(20)
        except subprocess.TimeoutExpired:
            hub.kill()
            hub.wait()
        st.stop()
    check("hub exits cleanly", hub.returncode == 0, hub.returncode)

    # --- the audit log the hub wrote ---
    rc, out = verify(audit_file, key_file)
    check("audit verify: intact log ok", rc == 0 and "ok (" in out, out)
    with open(audit_file, "rb") as f:
        raw = f.read()
    lines = raw.decode().splitlines()
    recs = [json.loads(x) for x in lines]
    events = {(r["route"], r["event"]) for r in recs}
    check("audit has accepted/delivered/rejected/dead_lettered records",
          {("oauth", "accepted"), ("oauth", "delivered"), ("oauth", "rejected"),
           ("oauth", "dead_lettered"), ("mtls", "delivered"),
           ("badca", "dead_lettered")} <= events, events)
    check("every message record has an id, trace id and outcome",
          all(r["msg_id"] and len(r["trace_id"]) == 32 and r["outcome"] for r in recs), recs[:3])
    traced = [r for r in recs if r.get("trace_id") == TRACE_ID]
    body_hash = hashlib.sha256(nik_body).hexdigest()
    check("audit records carry trace id and body hash",
          any(r["event"] == "accepted" and r.get("body_sha256") == body_hash for r in traced)
          and any(r["event"] == "delivered" for r in traced), traced)
    check("no personal data in the audit log", b"3204012501900001" not in raw and b"Budi" not in raw)
    check("wrong key fails verification", verify(audit_file, os.path.join(pki, "ca.key"))[0] != 0)

    def tampered(name, new_lines):
        path = os.path.join(tmp, name)
        with open(path, "w") as f:
            f.write("\n".join(new_lines) + "\n")
        return verify(path, key_file)

    changed = list(lines)
    i = 2
    pos = changed[i].index('"route":"') + len('"route":"')
    changed[i] = changed[i][:pos] + chr(ord(changed[i][pos]) ^ 1) + changed[i][pos + 1:]
    rc, out = tampered("changed.log", changed)
    check("audit verify: changed byte → altered at line 3", rc == 1 and "altered" in out and ":3:" in out, out)
    rc, out = tampered("deleted.log", lines[:3] + lines[4:])
    check("audit verify: deleted record → removed at line 4", rc == 1 and "removed" in out and ":4:" in out, out)
    swapped = list(lines)
    swapped[2], swapped[3] = swapped[3], swapped[2]
    rc, out = tampered("swapped.log", swapped)
    check("audit verify: swapped records → reordered", rc == 1 and "reordered" in out, out)

    passed = sum(results)
    failed = len(results) - passed
    print(f"{passed} passed, {failed} failed")
    if failed == 0:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print("kept " + tmp)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
