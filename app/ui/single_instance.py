"""One Recap window per user: a second launch (a double-click on another transcript, "Open with Recap") hands
its files to the running window over a local socket (QLocalServer/QLocalSocket) and exits.

The socket's name is derived from the user and Recap's settings folder, so two users (or a test with its own
settings folder) never talk to each other's window. The hand-off is one line of JSON and a one-line answer; the
sending side waits at most a second, then starts its own window (a hung or crashed first instance never blocks
the user).
"""

from __future__ import annotations

import getpass
import hashlib
import json

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from ..config import config_dir

TIMEOUT_MS = 1000


def server_name() -> str:
    key = f"{getpass.getuser()}|{config_dir().resolve()}"
    return "recap-" + hashlib.sha256(key.encode()).hexdigest()[:16]


def hand_off(files: list[str], name: str | None = None) -> bool:
    """Send the files to a running Recap; True if it took them (the caller then exits)."""
    sock = QLocalSocket()
    sock.connectToServer(name or server_name())
    if not sock.waitForConnected(TIMEOUT_MS):
        return False
    sock.write((json.dumps({"files": files}) + "\n").encode())
    if not sock.waitForBytesWritten(TIMEOUT_MS):
        return False
    ok = sock.waitForReadyRead(TIMEOUT_MS) and bytes(sock.readLine().data()).strip() == b"ok"
    sock.disconnectFromServer()
    return ok


class SingleInstance(QObject):
    """The running window's side: listens, and emits the files a second launch sends."""

    filesReceived = Signal(list)

    def __init__(self, name: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name or server_name()
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._connection)

    def listen(self) -> bool:
        if self.server.listen(self.name):
            return True
        QLocalServer.removeServer(self.name)  # a socket file left by a crashed instance
        return self.server.listen(self.name)

    def close(self) -> None:
        self.server.close()

    def _connection(self) -> None:
        while (sock := self.server.nextPendingConnection()) is not None:
            sock.readyRead.connect(lambda s=sock: self._read(s))
            sock.disconnected.connect(sock.deleteLater)
            if sock.canReadLine():
                self._read(sock)

    def _read(self, sock: QLocalSocket) -> None:
        while sock.canReadLine():
            line = bytes(sock.readLine().data())
            try:
                msg = json.loads(line)
                files = [f for f in msg.get("files", []) if isinstance(f, str)]
            except (ValueError, AttributeError):
                sock.write(b"error\n")
                continue
            sock.write(b"ok\n")
            sock.flush()
            self.filesReceived.emit(files)
