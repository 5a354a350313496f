"""The rehearsal's driver: production, used over HTTP as people and machines would.

Started by deploy/rehearsal/run.sh with the services up; every step prints what it saw
and any failure exits non-zero (run.sh then prints the services' logs and stops them).
Only the standard library, so a clean checkout's environment is enough.
"""

from __future__ import annotations

import datetime
import http.client
import json
import os
import re
import signal
import struct
import subprocess
import sys
import time
import urllib.parse
import zlib
from collections import Counter
from pathlib import Path

WORK = Path(os.environ["REHEARSAL_WORK"])
WEB = [os.environ["REHEARSAL_WEB1"], os.environ["REHEARSAL_WEB2"]]
WORKERS = {
    "worker1": int(os.environ["REHEARSAL_WORKER1_PID"]),
    "worker2": int(os.environ["REHEARSAL_WORKER2_PID"]),
}
MAILBOX = Path(os.environ["REHEARSAL_MAILBOX"])
PASSWORD = "Demo-2026!"
COMMUNITIES = ["990102001001", "990102001002", "990102001003", "990102001004", "990102001005"]
started = time.monotonic()


def say(message: str) -> None:
    print(f"    [{time.monotonic() - started:5.1f}s] {message}", flush=True)


def fail(message: str) -> None:
    print(f"\nREHEARSAL STEP FAILED: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def wait_for(what: str, condition, timeout: float = 60.0, every: float = 0.3):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    fail(f"timed out after {timeout:.0f}s waiting for {what}")


class Browser:
    """Cookies by hand: the session cookie is Secure (TLS ends at the proxy), which a
    client cookie jar would not send over this plain-HTTP hop."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(
        self,
        base: str,
        method: str,
        path: str,
        *,
        form=None,
        json_body=None,
        token=None,
        files=None,
        raw=False,
    ):
        url = urllib.parse.urlparse(base)
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        headers = {
            "Host": url.netloc,
            # What nginx sets: the portal then sees a secure request (no https redirect).
            "X-Forwarded-Proto": "https",
            "Accept-Language": "zh-hans",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None and files is None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if json_body is not None:
            body = json.dumps(json_body)
            headers["Content-Type"] = "application/json"
        if files is not None:
            body, headers["Content-Type"] = multipart(form or {}, files)
        if method == "POST":
            headers["Origin"] = f"https://{url.netloc}"
            headers["Referer"] = f"https://{url.netloc}{path}"
        if token:
            headers["Authorization"] = f"Token {token}"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        content = data if raw else data.decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        connection.close()
        return response.status, dict(response.getheaders()), content


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    """A multipart/form-data body (what a phone's upload form sends), standard library only."""
    boundary = f"rehearsal{os.urandom(8).hex()}"
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + str(value).encode()
            + b"\r\n"
        )
    for name, (filename, content_type, content) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), (
        f"multipart/form-data; boundary={boundary}"
    )


def png(width: int = 96, height: int = 64) -> bytes:
    """A real PNG (a colour gradient), made with zlib: the server decodes and re-encodes it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(
        b"\x00" + bytes(v for x in range(width) for v in (x * 2 % 256, y * 3 % 256, 120))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def sign_in(base: str, username: str) -> Browser:
    """A browser signed in through the login page of ``base``."""
    browser = Browser()
    status, _h, page = browser.request(base, "GET", "/accounts/login/")
    token_match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or not token_match:
        fail(f"login page: {status}")
    status, _h, _b = browser.request(
        base,
        "POST",
        "/accounts/login/",
        form={
            "csrfmiddlewaretoken": token_match.group(1),
            "username": username,
            "password": PASSWORD,
        },
    )
    if status != 302 or "sessionid" not in browser.cookies:
        fail(f"sign-in as {username} on {base} answered {status}")
    return browser


def log(name: str) -> str:
    return (WORK / f"{name}.log").read_text(encoding="utf-8", errors="replace")


def mailbox() -> list[dict]:
    if not MAILBOX.exists():
        return []
    return [json.loads(line) for line in MAILBOX.read_text("utf-8").splitlines() if line]


def psql(url: str, sql: str) -> str:
    done = subprocess.run(
        ["psql", "-qtA", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        fail(f"psql: {done.stderr}")
    return done.stdout.strip()


def task_ids(worker: str, task: str) -> list[str]:
    return re.findall(rf"Task {re.escape(task)}\[([0-9a-f-]+)\] received", log(worker))


def succeeded(worker: str, task_id: str) -> bool:
    return f"[{task_id}] succeeded" in log(worker)


def dispatch(browser: Browser, base: str, token: str, title: str) -> dict:
    # An admitted item of 市统计局 whose scope covers 朝阳街道, due in four weeks.
    status, _h, body = browser.request(
        base, "GET", "/api/v1/work-items/?status=active&page_size=100", token=token
    )
    if status != 200:
        fail(f"work items: {status} {body[:300]}")
    items = [i for i in json.loads(body)["results"] if i.get("admission_number")]
    due = (datetime.date.today() + datetime.timedelta(days=28)).isoformat()
    for item in items:
        status, _h, body = browser.request(
            base,
            "POST",
            "/api/v1/dispatches/",
            token=token,
            json_body={
                "work_item": item["admission_number"],
                "title": title,
                "communities": COMMUNITIES,
                "due_date": due,
                "hours_per_community": 1,
            },
        )
        if status == 201:
            return json.loads(body)
    fail(f"no admitted item could be dispatched: last answer {status} {body[:400]}")
    raise AssertionError


def main() -> None:
    print("--- 1. both web machines are healthy", flush=True)
    for base in WEB:
        probe = Browser()

        def healthy(base=base, probe=probe):
            try:
                answer = probe.request(base, "GET", "/healthz")
            except OSError:  # not listening yet
                return None
            return answer if answer[0] == 200 else None

        _status, _h, body = wait_for(f"{base}/healthz", healthy)
        checks = json.loads(body)["checks"]
        say(f"{base}/healthz 200: " + ", ".join(f"{k} ok={v['ok']}" for k, v in checks.items()))

    print("--- 2. sign in on web-1; the same session works on web-2", flush=True)
    browser = Browser()
    status, _h, page = browser.request(WEB[0], "GET", "/accounts/login/")
    token_match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or not token_match:
        fail(f"login page: {status}")
    status, headers, _b = browser.request(
        WEB[0],
        "POST",
        "/accounts/login/",
        form={
            "csrfmiddlewaretoken": token_match.group(1),
            "username": "dept",
            "password": PASSWORD,
        },
    )
    if status != 302 or "sessionid" not in browser.cookies:
        fail(f"sign-in on web-1 answered {status}")
    say(f"web-1: signed in as dept (302 to {headers.get('Location')})")
    status, headers, page = browser.request(WEB[1], "GET", "/dispatch/")
    if status != 200:
        fail(f"web-2 did not know web-1's session: {status} {headers.get('Location')}")
    say("web-2: /dispatch/ 200 with web-1's session cookie (sessions live in PostgreSQL)")

    print(
        "--- 3. dispatch a task; its notification job runs on exactly one worker, once", flush=True
    )
    status, _h, body = browser.request(
        WEB[0], "POST", "/api/v1/auth/token/", json_body={"username": "dept", "password": PASSWORD}
    )
    if status != 200:
        fail(f"token: {status} {body[:200]}")
    token = json.loads(body)["token"]
    first = dispatch(browser, WEB[1], token, "彩排任务一")
    say(f"web-2: dispatch {first.get('id')} created for {len(COMMUNITIES)} communities")
    subject = "新任务：彩排任务一"
    wait_for(
        "5 notification emails",
        lambda: len([m for m in mailbox() if m["subject"] == subject]) >= len(COMMUNITIES),
    )
    runs = {w: task_ids(w, "registry.tasks.notifications_email") for w in WORKERS}
    wait_for("the job to succeed", lambda: any(succeeded(w, t) for w in runs for t in runs[w]), 20)
    ran_on = [w for w, ids in runs.items() if ids]
    if sum(len(ids) for ids in runs.values()) != 1:
        fail(f"the notification job was received {runs} times")
    mails = Counter(json.dumps(m, sort_keys=True) for m in mailbox() if m["subject"] == subject)
    if len(mails) != len(COMMUNITIES) or max(mails.values()) != 1:
        fail(f"emails for the first dispatch: {mails}")
    say(f"job ran on {ran_on[0]} only; {len(mails)} emails, each delivered once")

    print("--- 4. beat fires its (shortened) schedule", flush=True)
    head_file = Path(os.environ["AUDIT_HEAD_FILE"])
    wait_for(
        "beat to send audit-chain-verify",
        lambda: "Sending due task audit-chain-verify" in log("beat"),
        30,
    )
    head = wait_for(
        "the nightly audit check to write the head",
        lambda: head_file.exists() and json.loads(head_file.read_text()),
        30,
    )
    say(f"beat sent audit-chain-verify; a worker verified {head['count']} entries, wrote the head")

    print(
        "--- 5. SIGKILL the worker holding a job; the other finishes it, nothing lost or doubled",
        flush=True,
    )
    before = {w: set(task_ids(w, "registry.tasks.notifications_email")) for w in WORKERS}
    second = dispatch(browser, WEB[0], token, "彩排任务二")
    say(f"web-1: dispatch {second.get('id')} created")

    def holder():
        for worker in WORKERS:
            new = set(task_ids(worker, "registry.tasks.notifications_email")) - before[worker]
            if new:
                return worker, new.pop()
        return None

    victim, job = wait_for("a worker to take the job", holder, 30, 0.1)
    time.sleep(0.7)  # mid-job: the SMTP server holds the first message for 1.5 s
    os.killpg(WORKERS[victim], signal.SIGKILL)
    survivor = next(w for w in WORKERS if w != victim)
    say(f"SIGKILL {victim} (pid {WORKERS[victim]}) while it ran job {job}")
    subject = "新任务：彩排任务二"
    wait_for(f"{survivor} to finish job {job}", lambda: succeeded(survivor, job), 90, 0.5)
    mails = Counter(json.dumps(m, sort_keys=True) for m in mailbox() if m["subject"] == subject)
    if len(mails) != len(COMMUNITIES) or max(mails.values()) != 1:
        fail(f"emails for the second dispatch: {mails}")
    unsent = psql(
        os.environ["DATABASE_URL"],
        # The second dispatch's notifications (to communities with an address) not emailed.
        "SELECT count(*) FROM registry_notification n WHERE n.emailed_at IS NULL"
        f" AND n.title = '{subject}' AND EXISTS (SELECT 1 FROM registry_membership m"
        " JOIN registry_user u ON u.id = m.user_id"
        " WHERE m.organisation_id = n.recipient_id AND u.email <> '')",
    )
    if unsent != "0":
        fail(f"{unsent} notifications were never emailed")
    say(
        f"{survivor} redelivered and finished job {job}: {len(mails)} emails, none lost, none twice"
    )

    print("--- 6. a sign's photo uploaded through web-1 is served by web-2", flush=True)
    status, _h, body = browser.request(
        WEB[0], "POST", "/api/v1/auth/token/", json_body={"username": "cadre", "password": PASSWORD}
    )
    if status != 200:
        fail(f"cadre's token: {status} {body[:200]}")
    cadre_token = json.loads(body)["token"]
    status, _h, body = browser.request(
        WEB[0],
        "POST",
        "/api/v1/plaques/",
        token=cadre_token,
        form={
            "community": COMMUNITIES[0],
            "text": "彩排挂牌",
            "kind": "other",
            "placement": "exterior",
            "location": "大门右侧",
            "installed_on": datetime.date.today().isoformat(),
        },
        files={"photo": ("plaque.png", "image/png", png())},
    )
    if status != 201:
        fail(f"web-1: the sign with a photo was not created: {status} {body[:300]}")
    created = json.loads(body)
    photo_path = urllib.parse.urlparse(created["photo_url"]).path
    say(f"web-1: sign {created['id']} created with a photo (re-encoded as JPEG)")
    cadre = sign_in(WEB[1], "cadre")
    served = {}
    for name, base in (("web-2", WEB[1]), ("web-1", WEB[0])):
        status, headers, photo = cadre.request(base, "GET", photo_path, raw=True)
        if status != 200 or not photo.startswith(b"\xff\xd8"):
            fail(f"{name} did not serve the photo uploaded through web-1: {status} {headers}")
        served[name] = photo
    if served["web-1"] != served["web-2"]:
        fail("the two web machines served different bytes for one photo")
    stored = [p for p in (WORK / "shared-media").rglob("*") if p.is_file()]
    if not any(p.read_bytes() == served["web-2"] for p in stored):
        fail("the photo web-2 served is not the file on the shared upload storage")
    say(
        f"web-2: {photo_path} 200, {len(served['web-2'])} bytes of JPEG, the same file web-1 "
        "wrote to the shared MEDIA_ROOT"
    )
    anonymous = Browser()
    status, _h, _b = anonymous.request(WEB[1], "GET", photo_path, raw=True)
    if status == 200:
        fail("web-2 served a community's photo to a visitor who is not signed in")
    say(f"web-2: the same photo without signing in: {status} (uploads are never public)")

    print("--- 7. a server error is logged with its traceback where an operator looks", flush=True)
    # A realistic fault: a table the app role may not read (a grant forgotten after a
    # migration). The owner revokes it for a moment; web-2 answers 500 and logs why.
    owner = os.environ["OWNER_DATABASE_URL"]
    app_role = urllib.parse.urlparse(os.environ["DATABASE_URL"]).username
    psql(owner, f'REVOKE SELECT ON registry_workitem FROM "{app_role}"')
    try:
        status, _h, body = browser.request(WEB[1], "GET", "/api/v1/work-items/", token=token)
    finally:
        psql(owner, f'GRANT SELECT ON registry_workitem TO "{app_role}"')
    if status != 500:
        fail(f"the revoked table gave {status}, not 500")
    if "Traceback" in body or "registry_workitem" in body:
        fail("the 500 answer shows the error's details to the client")
    wait_for(
        "the traceback in web-2's log",
        lambda: (
            "Traceback (most recent call last)" in log("web2")
            and "permission denied for table registry_workitem" in log("web2")
        ),
        10,
    )
    say("web-2 answered 500 without details; its log (the journal in production) has the traceback")
    status, _h, _b = browser.request(WEB[1], "GET", "/api/v1/work-items/", token=token)
    if status != 200:
        fail(f"after the grant was restored: {status}")
    say("grant restored: /api/v1/work-items/ 200 again")

    print(
        "--- 8. backup, restore into a new database, verify against the backup's head", flush=True
    )
    backups = WORK / "backups"
    run(["deploy/backup.sh", str(backups)])
    (backup,) = sorted(backups.iterdir())
    run(
        [
            "deploy/restore.sh",
            str(backup),
            os.environ["REHEARSAL_RESTORE_URL"],
            str(WORK / "restored-media"),
        ]
    )
    count = psql(os.environ["REHEARSAL_RESTORE_URL"], "SELECT count(*) FROM registry_auditentry")
    say(f"restored {count} audit entries; verify_audit: intact and reaching the signed head")
    restored_media = [p for p in (WORK / "restored-media").rglob("*") if p.is_file()]
    if not any(p.read_bytes() == served["web-2"] for p in restored_media):
        fail("the restored uploads do not hold the sign's photo")
    say(f"restored uploads: {len(restored_media)} files, the sign's photo among them")

    print("--- 9. entries cut off the end of a restored log are detected", flush=True)
    psql(
        os.environ["REHEARSAL_PGSUPER_URL"],
        "SET session_replication_role = replica; DELETE FROM registry_auditentry WHERE id IN "
        "(SELECT id FROM registry_auditentry ORDER BY id DESC LIMIT 2)",
    )
    env = {**os.environ, "DATABASE_URL": os.environ["REHEARSAL_RESTORE_URL"]}
    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "verify_audit",
            "--head-file",
            str(backup / "audit-head.json"),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode == 0 or "entries missing" not in done.stderr:
        fail(f"cutting two entries went unnoticed: {done.stdout} {done.stderr}")
    say("verify_audit: " + done.stderr.strip().splitlines()[-1])
    print("--- all steps passed", flush=True)


def run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    for line in (done.stdout + done.stderr).strip().splitlines():
        say(line)
    if done.returncode:
        fail(f"{' '.join(command)} exited {done.returncode}")


if __name__ == "__main__":
    main()
