"""The real HTTP stack: gunicorn started on a free loopback port, and a load generator in
a second process (wrk if installed, else ``python -m bench.loadgen``)."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)
WRK_SCRIPT = Path(__file__).with_name("wrk_report.lua")


def database_url() -> str:
    """The URL of the database this process uses (in the smoke test: the test database)."""
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{quote(s['NAME'], safe='')}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(db_url: str) -> dict[str, str]:
    env = os.environ.copy()
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=db_url,
        # Production-like: no debug (no query log, no browsable API), but plain HTTP on
        # loopback, so no TLS redirect or HSTS.
        DEBUG="false",
        # This process's key: the pages are measured with sessions it signs
        # (bench.targets.session_cookie).
        SECRET_KEY=settings.SECRET_KEY,
        AUDIT_KEY="bench-" + secrets.token_hex(24),
        AUDIT_HEAD_FILE="",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


@contextmanager
def gunicorn(*, workers: int, log_path: Path, probe_token: str) -> Iterator[str]:
    """Start gunicorn (sync workers) on 127.0.0.1:<free port>; yield its base URL; stop it."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--worker-class", "sync",
        "--timeout", "60", "--graceful-timeout", "10", "--preload", "--log-level", "warning",
        "--chdir", str(BASE_DIR),
    ]  # fmt: skip
    log = log_path.open("wb")
    process = subprocess.Popen(
        command,
        cwd=BASE_DIR,
        env=_server_env(database_url()),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopped as one below
    )
    try:
        _wait_ready(f"{base}/bench/ping/", probe_token, process, log_path)
        yield base
    finally:
        _stop(process)
        log.close()


def _wait_ready(url: str, token: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 90
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log_path.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer {url}: {log_path.read_text()[-2000:]}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # gunicorn: graceful stop of master and workers
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the group started above, nothing else
        process.wait(timeout=10)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a page that sends the bench user to sign in is a failure, not a 200


def get_json(url: str, token: str) -> tuple[int, dict]:
    """The status and (for the API) the JSON; a page answers {} with its status."""
    from bench.loadgen import credentials_header

    request = urllib.request.Request(url, headers=credentials_header(token))
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            body = response.read()
            if "json" not in response.headers.get("Content-Type", ""):
                return response.status, {}
            return response.status, json.loads(body)
    except urllib.error.HTTPError as exc:
        return exc.code, {}


@dataclass
class LoadResult:
    tool: str
    connections: int
    seconds: float
    requests: int
    rps: float
    p50_ms: float
    p90_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    errors: int

    def as_dict(self) -> dict:
        return asdict(self)


def loader_available(preferred: str = "auto") -> str:
    if preferred == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    if preferred == "wrk" and not shutil.which("wrk"):
        raise RuntimeError("wrk is not installed (apt-get install wrk), use --loader python")
    return preferred


def load(
    url: str, tokens: list[str], *, duration: float, connections: int, tool: str
) -> LoadResult:
    """Drive ``url`` for ``duration`` seconds from a second process; bounded in time."""
    if tool == "wrk":
        command = [
            "wrk", "-t1", f"-c{connections}", f"-d{max(1, round(duration))}s", "--timeout", "10s",
            "-s", str(WRK_SCRIPT), url, "--", *tokens,
        ]  # fmt: skip
        output = subprocess.run(
            command, capture_output=True, text=True, timeout=duration + 60, check=True
        ).stdout
    else:
        with tempfile.NamedTemporaryFile("w", suffix=".tokens", delete=False) as handle:
            handle.write("\n".join(tokens))
        try:
            command = [
                sys.executable, "-m", "bench.loadgen", url, "--duration", str(duration),
                "--connections", str(connections), "--tokens-file", handle.name,
            ]  # fmt: skip
            output = subprocess.run(
                command, capture_output=True, text=True, timeout=duration + 60, check=True,
                cwd=BASE_DIR,
            ).stdout  # fmt: skip
        finally:
            os.unlink(handle.name)
    line = next(x for x in output.splitlines() if x.startswith("BENCH_JSON "))
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    seconds = raw["duration_us"] / 1e6
    return LoadResult(
        tool=tool,
        connections=connections,
        seconds=round(seconds, 2),
        requests=raw["requests"],
        rps=round(raw["requests"] / seconds, 1) if seconds else 0.0,
        p50_ms=raw["p50_us"] / 1000,
        p90_ms=raw["p90_us"] / 1000,
        p95_ms=raw["p95_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        mean_ms=round(raw["mean_us"] / 1000, 3),
        errors=raw["socket_errors"] + raw["status_errors"] + raw["timeouts"],
    )
