"""Shared parts of the durable-delivery end-to-end tests (python3 stdlib only).

A recording national-service stand-in, a restartable hub process, small HTTP
helpers and a PASS/FAIL checker. Used by crash_test.py and
backpressure_test.py.
"""
import http.client
import http.server
import os
import resource
import signal
import socket
import subprocess
import threading
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(cond, timeout=10.0, step=0.02):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return True
        time.sleep(step)
    return cond()


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

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                n = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(n)
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
                answer = b"{}"
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                if status == 503:
                    self.send_header("Retry-After", "0")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 256

            def handle_error(self, request, client_address):
                pass    # the hub was killed mid-request: expected here

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def delivered(self, path=None):
        with self.lock:
            return [r for r in self.received if path is None or r[0] == path]

    def attempts(self, path):
        with self.lock:
            return self.per_path.get(path, 0)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


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
        try:
            s, _, b = request(self.admin, "GET", "/readyz", timeout=2)
            return s, b
        except OSError:
            return None, b""

    def metric(self, series):
        try:
            _, _, body = request(self.admin, "GET", "/metrics", timeout=2)
        except OSError:
            return None
        for line in body.decode().splitlines():
            if line.startswith(series + " "):
                return float(line.split()[-1])
        return 0.0


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


class Checker:
    def __init__(self):
        self.results = []

    def __call__(self, name, cond, detail=""):
        self.results.append(bool(cond))
        print(("PASS " if cond else "FAIL ") + name + ("" if cond else ": " + str(detail)), flush=True)
        return cond

    def ok(self):
        return all(self.results)

    def summary(self):
        passed = sum(1 for r in self.results if r)
        print(f"{passed} passed, {len(self.results) - passed} failed")
        return 0 if self.ok() else 1


def segment_files(data_dir, route):
    d = os.path.join(data_dir, "spool", route)
    if not os.path.isdir(d):
        return []
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(".seg"))
