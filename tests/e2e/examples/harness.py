"""Shared parts of the end-to-end tests of the shipped examples (examples/<name>/).

Each test starts the real `simpul` binary with the example's own simpul.yaml,
rewritten only where a test must differ (ports, directories, the national
service's URL), feeds the example's sample inputs through the real connector
and compares what a national stand-in (a real HTTP server in the test
process) received with the example's expected outputs, field by field.

A stand-in can serve HTTPS (a test CA and server certificate made at test
time with the openssl CLI, `TestPKI`) and require an OAuth2 bearer token
issued by a token endpoint stand-in (`TokenEndpoint`).

python3 standard library plus PyYAML (Debian python3-yaml); the openssl CLI
for HTTPS stand-ins.
"""
import base64
import http.client
import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import urllib.parse

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from durable_util import QuietHandler, free_port, serve, stop_server  # noqa: E402
from durable_util import wait_for as _wait_for  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
EXAMPLES = os.path.join(REPO, "examples")
# Third-party region tables stay outside the repository (see examples/README.md).
REGION_TABLES = os.path.abspath(os.path.join(REPO, "..", "shared", "spbe", "data"))
if not os.path.isdir(REGION_TABLES):
    REGION_TABLES = os.path.abspath(os.path.join(REPO, "..", "..", "shared", "spbe", "data"))


def region_tables():
    """The full Kemendagri tables, or None (tests that need them then skip)."""
    return REGION_TABLES if os.path.isfile(os.path.join(REGION_TABLES, "kecamatan.csv")) else None


# The shared SPBE sample payloads (edge cases and normalised targets), next to the tables.
SHARED_SAMPLES = os.path.join(os.path.dirname(REGION_TABLES), "samples")
# Exit status of a test that has nothing to run here (CTest SKIP_RETURN_CODE).
SKIP = 77


def shared_sample(*parts):
    """Path of a file under the shared samples folder, or None when absent."""
    path = os.path.join(SHARED_SAMPLES, *parts)
    return path if os.path.isfile(path) else None


def shared_samples(test, what, *names):
    """Paths of the shared sample files `names` ((folder, file) pairs), or
    None after saying why `test` skips (`what` names the samples)."""
    paths = [shared_sample(*n) for n in names]
    if all(paths):
        return paths
    folder = os.path.join(SHARED_SAMPLES, names[0][0])
    print(f"SKIP {test}: the shared {what} samples are not in {folder}")
    return None


def wait_for(cond, timeout=20.0, step=0.05):
    """durable_util.wait_for with the examples' longer defaults."""
    return _wait_for(cond, timeout, step)


class Results:
    """Counts checks; prints one line per failure and a summary."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0
        self.skipped = 0

    def check(self, what, ok, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL {self.name}: {what}")
            if detail:
                for line in str(detail).splitlines():
                    print(f"    {line}")
        return ok

    def skip(self, what, why):
        self.skipped += 1
        print(f"SKIP {self.name}: {what}: {why}")

    def finish(self):
        print(f"{self.name}: {self.passed} passed, {self.failed} failed, {self.skipped} skipped")
        return 1 if self.failed else 0


def json_diff(expected, got, path="$"):
    """Every difference as 'path: expected X, got Y' (keys, order of arrays, types)."""
    out = []
    if isinstance(expected, dict) and isinstance(got, dict):
        for k in expected:
            if k not in got:
                out.append(f"{path}.{k}: missing (expected {json.dumps(expected[k], ensure_ascii=False)})")
            else:
                out += json_diff(expected[k], got[k], f"{path}.{k}")
        for k in got:
            if k not in expected:
                out.append(f"{path}.{k}: unexpected field {json.dumps(got[k], ensure_ascii=False)}")
        return out
    if isinstance(expected, list) and isinstance(got, list):
        if len(expected) != len(got):
            out.append(f"{path}: expected {len(expected)} elements, got {len(got)}")
        for i, (e, g) in enumerate(zip(expected, got)):
            out += json_diff(e, g, f"{path}[{i}]")
        return out
    same_type = type(expected) is type(got) or (
        isinstance(expected, (int, float)) and isinstance(got, (int, float))
        and not isinstance(expected, bool) and not isinstance(got, bool))
    if not same_type or expected != got:
        out.append(f"{path}: expected {json.dumps(expected, ensure_ascii=False)}, "
                   f"got {json.dumps(got, ensure_ascii=False)}")
    return out


def dotted(doc, path):
    """doc['a']['b'] for 'a.b'; a KeyError becomes a sentinel."""
    cur = doc
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return "<missing>"
        cur = cur[part]
    return cur


class TestPKI:
    """A throw-away CA and a server certificate it signed for 127.0.0.1 and
    localhost, made with the openssl CLI in a temp dir (removed by `cleanup`).
    `ca_file` is what the hub verifies against; `context()` is a server-side
    ssl context for a stand-in."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="simpul-pki-")
        try:
            self._openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
                          "-out", "ca.crt", "-days", "2", "-subj", "/CN=simpul test national CA")
            self._openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key",
                          "-out", "server.csr", "-subj", "/CN=national stand-in")
            with open(os.path.join(self.dir, "server.ext"), "w") as f:
                f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
            self._openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                          "-CAcreateserial", "-out", "server.crt", "-days", "2",
                          "-extfile", "server.ext")
        except Exception:
            self.cleanup()
            raise
        self.ca_file = os.path.join(self.dir, "ca.crt")

    def _openssl(self, *args):
        subprocess.run(["openssl", *args], cwd=self.dir, check=True, capture_output=True)

    def context(self):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(os.path.join(self.dir, "server.crt"), os.path.join(self.dir, "server.key"))
        return ctx

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class TokenEndpoint:
    """OAuth2 token endpoint (client credentials, RFC 6749 4.4): issues a
    token only for grant_type=client_credentials and the right client id and
    secret (HTTP Basic, form-encoded first, or in the form). `requests` lists
    every call as (ok, form without the secret); `valid(token)` says whether
    this endpoint issued it."""

    def __init__(self, client_id, client_secret, tls=None, expires_in=3600):
        self.lock = threading.Lock()
        self.requests = []
        self.issued = []
        outer = self

        class Handler(QuietHandler):
            def do_POST(self):
                body = self.body().decode()
                form = dict(urllib.parse.parse_qsl(body))
                cid, secret = form.get("client_id"), form.get("client_secret")
                auth = self.headers.get("Authorization", "")
                if auth.startswith("Basic "):
                    try:
                        pair = base64.b64decode(auth[6:]).decode()
                        cid, _, secret = pair.partition(":")
                        cid, secret = urllib.parse.unquote_plus(cid), urllib.parse.unquote_plus(secret)
                    except ValueError:
                        cid = secret = None
                ok = (form.get("grant_type") == "client_credentials"
                      and cid == client_id and secret == client_secret)
                with outer.lock:
                    form.pop("client_secret", None)
                    outer.requests.append((ok, form))
                    if ok:
                        token = f"lapor-token-{len(outer.issued) + 1}-{os.urandom(6).hex()}"
                        outer.issued.append(token)
                        status, answer = 200, {"access_token": token, "token_type": "Bearer",
                                               "expires_in": expires_in}
                    else:
                        status, answer = 401, {"error": "invalid_client"}
                self.reply(status, json.dumps(answer).encode())

        self.server = serve(Handler, tls)
        self.port = self.server.server_address[1]

    def valid(self, token):
        with self.lock:
            return token in self.issued

    def calls(self):
        with self.lock:
            return list(self.requests)

    def stop(self):
        stop_server(self.server)


class StandIn:
    """The national service: records every request; `answer(path, body)` may
    return (status, body bytes) to script replies (default 200 {"ok":true}).

    With `tls` (a server ssl context) it serves HTTPS; with `tokens` (a
    TokenEndpoint) a request without `Authorization: Bearer <a token it
    issued>` is answered 401 and not recorded in `requests`. `deliveries`
    lists every request seen as a dict: path, tls (bool), token, status."""

    def __init__(self, answer=None, tls=None, tokens=None):
        self.lock = threading.Lock()
        self.requests = []  # (method, path, headers, body bytes)
        self.deliveries = []
        self.answer = answer
        outer = self

        class Handler(QuietHandler):
            def do_POST(self):
                body = self.body()
                auth = self.headers.get("Authorization", "")
                token = auth[len("Bearer "):] if auth.startswith("Bearer ") else ""
                status, reply = 200, b'{"ok":true}'
                if tokens is not None and not tokens.valid(token):
                    status, reply = 401, b'{"error":"invalid_token"}'
                with outer.lock:
                    outer.deliveries.append({"path": self.path, "status": status, "token": token,
                                             "tls": isinstance(self.connection, ssl.SSLSocket)})
                    if status == 200:
                        outer.requests.append(("POST", self.path, dict(self.headers), body))
                if status == 200 and outer.answer:
                    status, reply = outer.answer(self.path, body)
                self.reply(status, reply)

        self.server = serve(Handler, tls)
        self.port = self.server.server_address[1]

    def bodies(self, path=None):
        with self.lock:
            return [json.loads(r[3]) for r in self.requests if path is None or r[1] == path]

    def seen(self):
        with self.lock:
            return [dict(d) for d in self.deliveries]

    def stop(self):
        stop_server(self.server)


class Hub:
    """`simpul run` on a copy of examples/<name>/simpul.yaml.

    `override(cfg, tmp)` edits the parsed config (a dict) before it is written
    to the temp dir; mapping paths are made absolute so the copy finds the
    example's mappings, and hub.data_dir and the admin port always move into
    the test's own temp dir / a free port."""

    def __init__(self, binary, example, override, env=None):
        self.tmp = tempfile.mkdtemp(prefix=f"simpul-{example}-")
        self.example_dir = os.path.join(EXAMPLES, example)
        with open(os.path.join(self.example_dir, "simpul.yaml"), encoding="utf-8") as f:
            cfg = yaml.safe_load(f)
        cfg.setdefault("hub", {})["data_dir"] = os.path.join(self.tmp, "data")
        self.admin_port = free_port()
        cfg["hub"].setdefault("admin", {})["listen"] = f"127.0.0.1:{self.admin_port}"
        cfg["hub"]["log_level"] = "debug"
        for name, path in (cfg.get("mappings") or {}).items():
            cfg["mappings"][name] = os.path.join(self.example_dir, path)
        override(cfg, self.tmp)
        self.config = cfg
        self.config_path = os.path.join(self.tmp, "simpul.yaml")
        with open(self.config_path, "w", encoding="utf-8") as f:
            yaml.safe_dump(cfg, f, sort_keys=False, allow_unicode=True)
        self.log_path = os.path.join(self.tmp, "hub.log")
        full_env = dict(os.environ)
        full_env.pop("SIMPUL_REGION_TABLES", None)
        full_env.update(env or {})
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([binary, "run", "-c", self.config_path], cwd=self.tmp,
                                     stdout=self.log, stderr=subprocess.STDOUT, env=full_env)
        if not wait_for(lambda: self.proc.poll() is not None or self.get("/readyz")[0] == 200, 30):
            raise RuntimeError("hub not ready in 30 s:\n" + self.log_text())
        if self.proc.poll() is not None:
            raise RuntimeError("hub exited:\n" + self.log_text())

    def get(self, path):
        try:
            c = http.client.HTTPConnection("127.0.0.1", self.admin_port, timeout=5)
            c.request("GET", path)
            r = c.getresponse()
            out = (r.status, r.read().decode())
            c.close()
            return out
        except OSError:
            return (0, "")

    def metric(self, name_and_labels):
        """Value of one exact series ('simpul_dlq_depth{route="x"}'), 0 when absent."""
        status, text = self.get("/metrics")
        for line in text.splitlines():
            if line.startswith(name_and_labels + " "):
                return float(line.split()[-1])
        return 0.0

    def dlq_text(self):
        """The raw bytes of the DLQ store (reason texts are stored verbatim):
        enough to check that a refused message is there with its reason."""
        out = []
        root = os.path.join(self.tmp, "data", "dlq")
        for base, _, names in os.walk(root):
            for n in sorted(names):
                with open(os.path.join(base, n), "rb") as f:
                    out.append(f.read().decode(errors="replace"))
        return "\n".join(out)

    def log_text(self):
        self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")[-6000:]

    def stop(self, keep=False):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        if not keep:
            shutil.rmtree(self.tmp, ignore_errors=True)


def post(port, path, body, content_type):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    c.request("POST", path, body=body, headers={"Content-Type": content_type})
    r = c.getresponse()
    out = (r.status, r.read().decode(errors="replace"))
    c.close()
    return out


def drop_file(src, directory, name=None):
    """Copies `src` into a watched folder the way a careful exporter does:
    a hidden temp name, then rename (the input never takes dot-files)."""
    os.makedirs(directory, exist_ok=True)
    name = name or os.path.basename(src)
    tmp = os.path.join(directory, "." + name + ".part")
    shutil.copyfile(src, tmp)
    os.rename(tmp, os.path.join(directory, name))


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def sidecars(directory):
    """Parsed *.error.json files in `directory` (processed/ or failed/)."""
    out = []
    if os.path.isdir(directory):
        for n in sorted(os.listdir(directory)):
            if n.endswith(".error.json"):
                out.append(load_json(os.path.join(directory, n)))
    return out


def teardown(res, hub, *closers):
    """The end of every example test: the hub's log when something failed,
    then the hub and the given stand-ins/brokers stopped."""
    if res.failed:
        print(hub.log_text())
    hub.stop()
    for close in closers:
        close()


def main(test_fn):
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "build", "simpul")
    binary = os.path.abspath(binary)
    if not os.access(binary, os.X_OK):
        print(f"no simpul binary at {binary}")
        sys.exit(2)
    sys.exit(test_fn(binary))
