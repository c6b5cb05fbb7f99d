"""A small IMAP4rev1 server on a free local port, in a thread of the test process.

It speaks the part of the protocol a mail client's poller uses (CAPABILITY, LOGIN, SELECT,
STATUS, UID SEARCH by UID range, UID FETCH of RFC822.SIZE and BODY.PEEK[] with a partial
range, NOOP, LOGOUT) over a real socket, so the poller is tested through imaplib and
imap_tools as against a real server. ``refuse`` holds UIDs whose FETCH is answered NO;
``drop`` UIDs on whose FETCH the connection is cut.
"""

import re
import socketserver
import threading

from tests.services import free_port

_LINE = re.compile(rb"^(\S+) (?:(UID) )?(\S+)(?: (.*))?$", re.IGNORECASE)


def _uid_set(text: str, uids: list[int]) -> list[int]:
    """The UIDs of a sequence set such as ``3:*``, ``4,7:9`` (RFC 3501: ``n:*`` with n past
    the last UID still means the last one)."""
    last = max(uids) if uids else 0
    wanted: set[int] = set()
    for piece in text.split(","):
        if ":" in piece:
            low, high = (last if p == "*" else int(p) for p in piece.split(":", 1))
            low, high = min(low, high), max(low, high)
            wanted |= {u for u in uids if low <= u <= high}
        else:
            value = last if piece == "*" else int(piece)
            wanted |= {u for u in uids if u == value}
    return sorted(wanted)


class _Handler(socketserver.StreamRequestHandler):
    def send(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()

    def handle(self):
        server: ImapServer = self.server.owner  # type: ignore[attr-defined]
        self.send(b"* OK [CAPABILITY IMAP4rev1] test IMAP server ready\r\n")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            match = _LINE.match(line.rstrip(b"\r\n"))
            if not match:
                self.send(b"* BAD unreadable command\r\n")
                continue
            tag, uid, command, args = match.groups()
            command = command.upper().decode()
            args = (args or b"").decode("utf-8", "replace")
            with server.lock:
                server.commands.append(f"{'UID ' if uid else ''}{command} {args}".strip())
            if not self.dispatch(server, tag, bool(uid), command, args):
                return

    def dispatch(self, server, tag: bytes, uid: bool, command: str, args: str) -> bool:
        ok = tag + b" OK " + command.encode() + b" completed\r\n"
        if command == "CAPABILITY":
            self.send(b"* CAPABILITY IMAP4rev1\r\n" + ok)
        elif command == "LOGIN":
            given = [a.strip('"') for a in args.split(" ", 1)]
            if given == [server.user, server.password]:
                self.send(ok)
            else:
                self.send(tag + b" NO [AUTHENTICATIONFAILED] invalid credentials\r\n")
        elif command in ("SELECT", "EXAMINE"):
            uids = server.uids()
            self.send(b"* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft)\r\n"
                      + f"* {len(uids)} EXISTS\r\n* 0 RECENT\r\n".encode()
                      + f"* OK [UIDVALIDITY {server.uidvalidity}] UIDs valid\r\n".encode()
                      + f"* OK [UIDNEXT {(max(uids) if uids else 0) + 1}] next\r\n".encode()
                      + tag + b" OK [READ-WRITE] SELECT completed\r\n")
        elif command == "STATUS":
            folder = args.split(" ", 1)[0]
            self.send(f"* STATUS {folder} (UIDVALIDITY {server.uidvalidity})\r\n".encode()
                      + ok)
        elif command == "SEARCH" and uid:
            uids = server.uids()
            found = re.search(r"UID (\S+?)\)?$", args)
            hits = _uid_set(found.group(1), uids) if found else uids
            self.send(f"* SEARCH {' '.join(map(str, hits))}\r\n".encode() + ok)
        elif command == "FETCH" and uid:
            return self.fetch(server, tag, args, ok)
        elif command == "LOGOUT":
            self.send(b"* BYE logging out\r\n" + ok)
            return False
        elif command in ("NOOP", "CLOSE", "UNSELECT"):
            self.send(ok)
        else:
            self.send(tag + b" BAD not supported here\r\n")
        return True

    def fetch(self, server, tag: bytes, args: str, ok: bytes) -> bool:
        which, items = args.split(" ", 1)
        uids = server.uids()
        out = b""
        for wanted in _uid_set(which, uids):
            if wanted in server.drop:
                return False  # the connection is cut mid-command
            if wanted in server.refuse:
                self.send(tag + b" NO [UNAVAILABLE] cannot read this message now\r\n")
                return True
            seq = uids.index(wanted) + 1
            raw = server.messages[wanted]
            if "BODY" in items.upper():
                partial = re.search(r"<0\.(\d+)>", items)
                data = raw[:int(partial.group(1))] if partial else raw
                name = "BODY[]<0>" if partial else "BODY[]"
                out += (f"* {seq} FETCH (UID {wanted} {name} {{{len(data)}}}\r\n".encode()
                        + data + b")\r\n")
                with server.lock:
                    server.fetched.append(wanted)
            else:
                out += f"* {seq} FETCH (UID {wanted} RFC822.SIZE {len(raw)})\r\n".encode()
        self.send(out + ok)
        return True


class _Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    allow_reuse_address = True
    daemon_threads = True


class ImapServer:
    def __init__(self, messages: dict[int, bytes] | None = None, uidvalidity: int = 7,
                 user: str = "desk", password: str = "secret"):  # noqa: S107 - a test server
        self.port = free_port()
        self.messages = dict(messages or {})
        self.uidvalidity = uidvalidity
        self.user, self.password = user, password
        self.refuse: set[int] = set()
        self.drop: set[int] = set()
        self.commands: list[str] = []
        self.fetched: list[int] = []  # UIDs whose bodies were sent
        self.lock = threading.Lock()
        self._server = _Server(("127.0.0.1", self.port), _Handler)
        self._server.owner = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def uids(self) -> list[int]:
        with self.lock:
            return sorted(self.messages)

    def start(self) -> "ImapServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        return f"imap://{self.user}:{self.password}@127.0.0.1:{self.port}/INBOX"
