"""Debian's apache2 with the project's own virtual host, and gunicorn, on loopback ports.

One place for the Apache tests and the web benchmark: both run the production file
deploy/apache/hallofshame.conf unchanged, its Defines set for a scratch directory.
"""

from __future__ import annotations

import getpass
import grp
import http.client
import os
import pwd
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VHOST = ROOT / "deploy" / "apache" / "hallofshame.conf"
GUNICORN_CONF = ROOT / "deploy" / "systemd" / "gunicorn.conf.py"
MODULES = Path("/usr/lib/apache2/modules")
MODULES_NEEDED = ["mpm_event", "authz_core", "mime", "dir", "env", "rewrite", "headers", "proxy"]
MODULES_NEEDED += ["proxy_http", "filter", "deflate", "alias", "autoindex"]  # Debian enables both


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, what: str) -> None:
    for _ in range(400):
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with status {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on port {port}")


@contextmanager
def running(command: list[str], port: int, what: str, **popen: Any) -> Iterator[int]:
    """A server process for the duration of the block; yields its port once it listens."""
    proc = subprocess.Popen(command, **popen)
    try:
        wait_for_port(port, proc, what)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def gunicorn_command(port: int, workers: int = 1) -> list[str]:
    """gunicorn serving web.wsgi with the production settings file, on a loopback port."""
    command = [sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONF)]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    return [*command, "web.wsgi:application"]


def run_as() -> tuple[str, str]:
    """Apache's workers drop root: to `nobody` when we are root, else they stay us."""
    if os.geteuid() == 0:
        return "nobody", grp.getgrgid(pwd.getpwnam("nobody").pw_gid).gr_name
    return getpass.getuser(), grp.getgrgid(os.getegid()).gr_name


def httpd_conf(site: Path, port: int, backend: int, shops: str, extra: str = "") -> str:
    """A minimal server config around the production vhost, rooted in `site` (its docroot is
    `site/docroot`); `extra` lines go before the vhost."""
    user, group = run_as()
    loads = "\n".join(f"LoadModule {m}_module {MODULES}/mod_{m}.so" for m in MODULES_NEEDED)
    return f"""
ServerRoot {site}
PidFile {site}/httpd.pid
DefaultRuntimeDir {site}
Mutex file:{site}
Listen 127.0.0.1:{port}
ServerName 127.0.0.1
User {user}
Group {group}
ErrorLog {site}/error.log
LogLevel warn
{loads}
TypesConfig /etc/mime.types
{extra}
<Directory />
    Options None
    AllowOverride None
    Require all denied
</Directory>
Define HOS_PORT {port}
Define HOS_SERVER_NAME 127.0.0.1
Define HOS_DOCROOT {site}/docroot
Define HOS_GUNICORN http://127.0.0.1:{backend}
Define HOS_SHOP_ORIGINS "{shops}"
Define HOS_APP {ROOT}
Include {VHOST}
"""


def apache(site: Path, port: int, backend: int, shops: str, extra: str = "") -> Any:
    """Debian's apache2 with the production vhost in front of `backend`, once its config passes
    `apache2 -t`: a context manager yielding the port."""
    conf = site / "httpd.conf"
    conf.write_text(httpd_conf(site, port, backend, shops, extra))
    check = subprocess.run(["apache2", "-f", str(conf), "-t"], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"apache2 refuses the configuration: {check.stderr.strip()}")
    return running(["apache2", "-f", str(conf), "-DFOREGROUND"], port, "apache2")


class Response:
    """An HTTP answer: status, headers (case-insensitive) and the raw body."""

    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


def get(port: int, path: str, *, timeout: float = 10, **headers: str) -> Response:
    """One GET on loopback, the path sent exactly as given (no Accept-Encoding unless asked:
    `Accept_Encoding="gzip"`), the body exactly as received."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        for name, value in headers.items():
            conn.putheader(name.replace("_", "-"), value)
        conn.endheaders()
        response = conn.getresponse()
        return Response(response.status, response.headers, response.read())
    finally:
        conn.close()
