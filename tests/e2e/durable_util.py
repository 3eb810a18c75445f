"""Shared parts of the end-to-end tests of the binary (python3 stdlib only).

A quiet threading HTTP server and handler base for stand-ins, a recording
national-service stand-in, a restartable hub process, the hub/admin part of
a generated config, small HTTP helpers, a PASS/FAIL checker and the common
teardown. Used by every test in tests/e2e/ and by examples/harness.py.
"""
import http.client
import http.server
import os
import resource
import shutil
import signal
import socket
import subprocess
import threading
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def connects(port):
    """True when something accepts TCP connections on 127.0.0.1:`port`."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def start_mosquitto(tmp, port):
    """A mosquitto on 127.0.0.1:`port` (config in `tmp`), without persistence
    and with room for every queued message; the caller stops it."""
    conf = os.path.join(tmp, "mosquitto.conf")
    with open(conf, "w") as f:
        f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\n"
                "persistence false\nmax_queued_messages 1000000\n")
    return subprocess.Popen(["mosquitto", "-c", conf], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def mqtt_hub_input(port, client_id, max_pending):
    """The `broker` mqtt connector line of a generated config: a persistent
    session (what the hub did not acknowledge is redelivered), quick reconnects."""
    return (f'  broker: {{type: mqtt, url: "tcp://127.0.0.1:{port}", client_id: {client_id},\n'
            f'            clean_session: false, max_pending: {max_pending}, reconnect_min: 50ms,\n'
            f'            reconnect_max: 200ms}}\n')


def mqtt_forward_route(name, topic, path):
    """A `mode: forward` route of a generated config: QoS 1 from `topic` of
    the `broker` input to `path` of the `national` output."""
    return (f"  {name}:\n"
            f"    from: {{connector: broker, topics: [{{filter: {topic}, qos: 1}}]}}\n"
            "    mode: forward\n"
            f"    to: [{{connector: national, path: {path}}}]\n")


def wait_for(cond, timeout=10.0, step=0.02):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return True
        time.sleep(step)
    return cond()


class QuietHandler(http.server.BaseHTTPRequestHandler):
    """HTTP/1.1 keep-alive handler base that logs nothing; `body()` reads the
    request body, `reply()` answers (503 with Retry-After: 0 when asked)."""
    protocol_version = "HTTP/1.1"

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length", 0)))

    def reply(self, status, answer, retry_after=False):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if retry_after and status == 503:
            self.send_header("Retry-After", "0")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def handle_error(self, request, client_address):
        pass    # a hub killed mid-request or a refused TLS handshake: expected


def serve(handler, tls=None):
    """A threading HTTP server on 127.0.0.1:0, serving in a daemon thread
    (HTTPS with `tls`, a server ssl context)."""
    server = QuietServer(("127.0.0.1", 0), handler)
    if tls:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def stop_server(server):
    server.shutdown()
    server.server_close()


class StandIn:
    """A national service stand-in on 127.0.0.1: records every request's
    Idempotency-Key and body; `delay` seconds per request; `answer(path, n)`
    decides the status of the n-th request (from 0) on a path; `down` makes
    it refuse with 503 (a service that is up but unavailable). An answer may
    be a status or (status, seconds to wait before answering). Tracks the
    most requests in progress at once per path."""

    def __init__(self, delay=0.0):
        self.lock = threading.Lock()
        self.received = []          # (path, idempotency key, body, headers)
        self.per_path = {}          # path -> requests seen
        self.delay = delay
        self.answer = None          # (path, n, key) -> status, or None for 200
        self.down = False
        self.active = {}            # path -> requests in progress
        self.max_active = {}        # path -> most at once
        outer = self

        class Handler(QuietHandler):
            def do_POST(self):
                body = self.body()
                key = self.headers.get("Idempotency-Key", "")
                with outer.lock:
                    seen = outer.per_path.get(self.path, 0)
                    outer.per_path[self.path] = seen + 1
                    now = outer.active.get(self.path, 0) + 1
                    outer.active[self.path] = now
                    outer.max_active[self.path] = max(now, outer.max_active.get(self.path, 0))
                    status, wait = 503 if outer.down else 200, outer.delay
                    if not outer.down and outer.answer:
                        a = outer.answer(self.path, seen, key, body) or 200
                        status, wait = a if isinstance(a, tuple) else (a, wait)
                if wait:
                    time.sleep(wait)
                with outer.lock:
                    outer.active[self.path] -= 1
                    if status < 300:
                        outer.received.append((self.path, key, body, dict(self.headers)))
                self.reply(status, b"{}", retry_after=True)

        self.server = serve(Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def delivered(self, path=None):
        with self.lock:
            return [r for r in self.received if path is None or r[0] == path]

    def attempts(self, path):
        with self.lock:
            return self.per_path.get(path, 0)

    def stop(self):
        stop_server(self.server)


class ScriptedStandIn:
    """A national service stand-in whose answers are scripted per path:
    `script[path]` is a list of (status, body, delay); each request takes the
    first, the last one repeats (default 200 {"ok":true}). Records every
    request as (path, headers, body)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []
        self.script = {}
        outer = self

        class Handler(QuietHandler):
            def do_POST(self):
                body = self.body()
                with outer.lock:
                    outer.requests.append((self.path, dict(self.headers), body))
                    steps = outer.script.get(self.path, [(200, b'{"ok":true}', 0)])
                    status, answer, delay = steps[0] if len(steps) == 1 else steps.pop(0)
                if delay:
                    time.sleep(delay)
                self.reply(status, answer, retry_after=True)

        self.server = serve(Handler)
        self.port = self.server.server_address[1]

    def count(self, path):
        with self.lock:
            return sum(1 for r in self.requests if r[0] == path)

    def stop(self):
        stop_server(self.server)


class Hub:
    """build/simpul run -c CONFIG, restartable on the same data directory."""

    def __init__(self, binary, config_path, admin_port, log_path):
        self.binary = binary
        self.config = config_path
        self.admin = admin_port
        self.log = open(log_path, "a")
        self.proc = None

    def start(self, wait_ready=True, fsize=None):
        def limits():
            # A file-size limit fails write(2) like a full disk does (EFBIG);
            # its signal would kill the process, so it is ignored.
            if fsize is not None:
                signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
                resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, resource.RLIM_INFINITY))
        self.proc = subprocess.Popen([self.binary, "run", "-c", self.config],
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     preexec_fn=limits if fsize is not None else None)
        if wait_ready:
            return wait_for(lambda: self.readyz()[0] is not None, 20)
        return True

    def set_fsize(self, limit):
        resource.prlimit(self.proc.pid, resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self, timeout=20):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill9()
                return None
        return self.proc.returncode if self.proc else None

    def close(self):
        if self.proc and self.proc.poll() is None:
            self.kill9()
        self.log.close()

    def readyz(self):
        return readyz(self.admin)

    def metric(self, series):
        return metric(self.admin, series)


def request(port, method, path, body=b"", headers=None, timeout=10):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        c.close()


def readyz(admin):
    """(status, body) of the admin /readyz, (None, b"") while nothing listens."""
    try:
        s, _, b = request(admin, "GET", "/readyz", timeout=2)
        return s, b
    except OSError:
        return None, b""


def ready(admin):
    return readyz(admin)[0] == 200


def metric(admin, series):
    """Value of one exact series ('simpul_dlq_depth{route="x"}'): 0.0 when
    absent, None when the admin endpoint does not answer."""
    try:
        _, _, body = request(admin, "GET", "/metrics", timeout=2)
    except OSError:
        return None
    for line in body.decode().splitlines():
        if line.startswith(series + " "):
            return float(line.split()[-1])
    return 0.0


NL = "\n"


def hub_config(name, tmp, admin, connectors, routes, shutdown_timeout="5s", admin_extra="",
               extra=""):
    """A generated simpul.yaml: the hub block (data under `tmp`, admin on
    127.0.0.1:`admin`), then the given connectors and routes (YAML lines
    indented by two, without their headings)."""
    return f"""
hub:
  name: {name}
  data_dir: {tmp}/data
  shutdown_timeout: {shutdown_timeout}
  admin: {{listen: "127.0.0.1:{admin}"{admin_extra}}}
connectors:
{connectors.strip(NL)}
{extra}routes:
{routes.strip(NL)}
"""


def write_file(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


# The crash tests' retry: many quick attempts, so a restart resumes at once.
CRASH_RETRY = "retry: {max_attempts: 100, initial_backoff: 20ms, max_backoff: 200ms}"


def route(name, path, to, *lines, source="api"):
    """One route of a generated config: from `source` at `path` to `to` (the
    text inside the brackets), then further lines of the route."""
    out = [f"  {name}:", f"    from: {{connector: {source}, path: {path}}}", f"    to: [{to}]"]
    return "\n".join(out + ["    " + line for line in lines]) + "\n"


def api_input(port, extra=""):
    """The `api` http_server input line of a generated config."""
    return f'  api: {{type: http_server, listen: "127.0.0.1:{port}"{extra}}}\n'


def national(name, url, timeout="5s", max_connections=16):
    """An http_client output line of a generated config."""
    return (f'  {name}: {{type: http_client, url: "{url}", timeout: {timeout}, '
            f'max_connections: {max_connections}}}\n')


def http_outputs(base, *outputs):
    """http_client output lines of a generated config, one per (name, path
    under `base`, timeout)."""
    return "".join(f'  {name}: {{type: http_client, url: "{base}{path}", timeout: {timeout}}}\n'
                   for name, path, timeout in outputs)


def cleanup(check, tmp, *closers):
    """The end of every test: runs each closer (hub.close, standin.stop...),
    then removes `tmp` when every check passed, else keeps it and says where."""
    for close in closers:
        close()
    if check.ok():
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print("hub log and data kept in " + tmp)


class Checker:
    def __init__(self):
        self.results = []

    def __call__(self, name, cond, detail=""):
        self.results.append(bool(cond))
        print(("PASS " if cond else "FAIL ") + name + ("" if cond else ": " + str(detail)), flush=True)
        return cond

    def ok(self):
        return bool(self.results) and all(self.results)

    def summary(self):
        passed = sum(1 for r in self.results if r)
        print(f"{passed} passed, {len(self.results) - passed} failed")
        return 0 if self.ok() else 1


def segment_files(data_dir, route):
    d = os.path.join(data_dir, "spool", route)
    if not os.path.isdir(d):
        return []
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".seg"))
