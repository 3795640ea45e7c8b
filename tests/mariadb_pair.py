"""A throwaway MariaDB primary and a replica of it, each its own `mariadbd` on a loopback port
with a temporary data directory (the machine's own server is left as it is: it may run without
a binary log). About two seconds to start; both stop and their directories go at the end.
"""

from __future__ import annotations

import getpass
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.local_servers import free_port, running

SBIN = ("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin")


def program(name: str) -> str | None:
    """A MariaDB program, on PATH or where Debian puts it (sbin is not always on PATH)."""
    return shutil.which(name) or shutil.which(name, path=":".join(SBIN))


def available() -> str | None:
    """Why the pair cannot start here, or None."""
    missing = [p for p in ("mariadbd", "mariadb-install-db") if program(p) is None]
    return f"{', '.join(missing)} not installed" if missing else None


@dataclass(frozen=True)
class Pair:
    primary_port: int
    replica_port: int

    def url(self, port: int, database: str = "") -> str:
        return f"mysql+mysqldb://root@127.0.0.1:{port}/{database}?charset=utf8mb4"

    def primary(self, database: str = "") -> str:
        return self.url(self.primary_port, database)

    def replica(self, database: str = "") -> str:
        return self.url(self.replica_port, database)

    def wait_caught_up(self, timeout_s: float = 20) -> None:
        """Until the replica has applied everything the primary has written."""
        primary = create_engine(self.primary())
        replica = create_engine(self.replica())
        try:
            with primary.connect() as conn:
                target = conn.scalar(text("SELECT @@gtid_binlog_pos"))
            with replica.connect() as conn:
                done = conn.scalar(
                    text("SELECT MASTER_GTID_WAIT(:pos, :timeout)"),
                    {"pos": target, "timeout": timeout_s},
                )
            if done != 0:
                raise RuntimeError(f"the replica did not reach {target} in {timeout_s} s")
        finally:
            primary.dispose()
            replica.dispose()


def _install(datadir: Path) -> None:
    command = [program("mariadb-install-db") or "mariadb-install-db", "--no-defaults"]
    command += [f"--datadir={datadir}", f"--user={getpass.getuser()}", "--skip-test-db"]
    command += ["--auth-root-authentication-method=normal"]  # root, no password, over TCP
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"mariadb-install-db failed: {result.stderr.strip()[-500:]}")


def _server(base: Path, name: str, port: int, server_id: int, extra: list[str]) -> list[str]:
    datadir = base / name
    _install(datadir)
    command = [program("mariadbd") or "mariadbd", "--no-defaults", f"--user={getpass.getuser()}"]
    command += [f"--datadir={datadir}", f"--port={port}", "--bind-address=127.0.0.1"]
    command += [f"--socket={base / name}.sock", f"--pid-file={base / name}.pid"]
    command += [f"--log-error={base / name}.err", f"--server-id={server_id}"]
    command += ["--skip-name-resolve", "--innodb-buffer-pool-size=32M", "--gtid-strict-mode=1"]
    return command + extra


def _ready(url: str, timeout_s: float = 30) -> None:
    """Until the server accepts a query (the port listens before the grant tables are read)."""
    engine = create_engine(url)
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            try:
                with engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
                return
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
    finally:
        engine.dispose()


@contextmanager
def replicated_pair() -> Iterator[Pair]:
    """A primary with a binary log and a read-only replica following it by GTID."""
    base = Path(tempfile.mkdtemp(prefix="hos-replica-"))
    pair = Pair(free_port(), free_port())
    try:
        with ExitStack() as stack:
            binlog = f"--log-bin={base / 'primary' / 'binlog'}"
            for name, port, server_id, extra in (
                ("primary", pair.primary_port, 1, [binlog, "--binlog-format=ROW"]),
                ("replica", pair.replica_port, 2, ["--read-only"]),
            ):
                command = _server(base, name, port, server_id, extra)
                stack.enter_context(running(command, port, f"mariadbd ({name})"))
            _ready(pair.primary())
            _ready(pair.replica())
            _follow(pair)
            yield pair
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _follow(pair: Pair) -> None:
    engine = create_engine(pair.replica())
    try:
        with engine.connect() as conn:
            conn.execute(
                text(
                    "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=:port, "
                    "MASTER_USER='root', MASTER_PASSWORD='', MASTER_USE_GTID=slave_pos, "
                    "MASTER_CONNECT_RETRY=1"
                ),
                {"port": pair.primary_port},
            )
            conn.execute(text("START SLAVE"))
    finally:
        engine.dispose()
