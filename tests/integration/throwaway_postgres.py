"""A PostgreSQL cluster of the test's own, on a free port, that the test may stop at will."""

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


def _bin(name: str) -> str:
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if found is None:
        raise RuntimeError(f"{name} not found: install the PostgreSQL server binaries")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ThrowawayCluster:
    directory: Path
    port: int
    user: str | None  # the system user that owns the cluster when we run as root

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        command = list(args)
        if self.user is not None:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        self._run(
            _bin("pg_ctl"),
            "-D",
            str(self.directory / "data"),
            "-l",
            str(self.directory / "log"),
            "-o",
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} -c fsync=off",
            "-w",
            "start",
        )

    def stop(self) -> None:
        # Immediate: like a crash or a network cut, connections die without goodbye.
        self._run(
            _bin("pg_ctl"), "-D", str(self.directory / "data"), "-m", "immediate", "-w", "stop"
        )


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[ThrowawayCluster]:
    """initdb a new cluster in a temporary directory, start it, and remove it afterwards."""
    user = None
    directory = Path(tempfile.mkdtemp(prefix="mentorship-pg-"))
    if os.geteuid() == 0:
        user = "postgres"  # PostgreSQL refuses to run as root
        entry = pwd.getpwnam(user)
        os.chown(directory, entry.pw_uid, entry.pw_gid)
    cluster = ThrowawayCluster(directory=directory, port=_free_port(), user=user)
    try:
        cluster._run(
            _bin("initdb"),
            "-D",
            str(directory / "data"),
            "-A",
            "trust",
            "-U",
            "postgres",
            "--no-sync",
        )
        cluster.start()
        yield cluster
    finally:
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            cluster.stop()
        shutil.rmtree(directory, ignore_errors=True)
