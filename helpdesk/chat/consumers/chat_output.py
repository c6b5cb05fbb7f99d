"""How a chat socket writes: frames sent at once when the server takes them without waiting,
else queued behind the send in progress, and the socket's background tasks.

The hub calls a socket's ``on_event`` for many sockets in a row, so nothing here ever waits for
a slow client: one client that stops reading cannot stall the hub (decision 0016). A client
whose backlog reaches ``MAX_BACKLOG`` frames is given up; it resumes from its cursors when it
reconnects.
"""

import asyncio
import json
import logging
from collections import deque

logger = logging.getLogger("helpdesk.chat.consumers.chat")

MAX_BACKLOG = 1000          # frames (or queued events) held for one socket before it is given up


class SocketOutput:
    """The output half of ``ChatConsumer`` (its slots: ``_send``, ``backlog``, ``closed``,
    ``tasks``, ``ident``)."""

    __slots__ = ()

    def push_json(self, content: dict) -> None:
        self.push_text(json.dumps(content, separators=(",", ":")))

    def push_text(self, text: str) -> None:
        self._out({"type": "websocket.send", "text": text})

    def _out(self, message: dict) -> None:
        """Send ``message`` now if the server takes it without waiting, else queue it behind
        the send in progress. Never waits: the hub calls this for many sockets in a row."""
        if self.closed:
            return
        if self.backlog is not None:
            if len(self.backlog) >= MAX_BACKLOG:
                # The client stopped reading. Give it up: it resumes from its cursors when
                # it reconnects; the server's keepalive ends the connection.
                logger.info("chat socket of user %s not reading; giving it up",
                            self.ident.user.pk if self.ident else None)
                self.closed = True
                self.backlog.clear()
                return
            self.backlog.append(message)
            return
        send = self._send(message)
        try:
            waiting = send.send(None)
        except StopIteration:
            return
        except (OSError, RuntimeError):
            # The client left (uvicorn raises ClientDisconnected, an OSError, or RuntimeError
            # once it has sent the close); the disconnect follows.
            logger.debug("chat socket gone before a send", exc_info=True)
            self.closed = True
            return
        self.backlog = deque()
        self.spawn(self._flush(send, waiting))

    async def _flush(self, send, waiting) -> None:
        try:
            await _finish(send, waiting)
            while self.backlog:
                await self._send(self.backlog.popleft())
        except (OSError, RuntimeError):
            logger.debug("chat socket gone during a send", exc_info=True)
            self.closed = True
        finally:
            self.backlog = None

    def _error(self, code: str, message: str = "", **extra) -> None:
        # ``type``, ``code`` and ``message`` last: no extra field may replace them.
        self.push_json({**{k: v for k, v in extra.items() if v is not None},
                        "type": "error", "code": code, "message": message})

    def _close(self, code: int) -> None:
        self._out({"type": "websocket.close", "code": code})
        self.closed = True

    def spawn(self, coro) -> None:
        """Run ``coro`` for this socket in the background; errors logged."""
        task = asyncio.get_running_loop().create_task(self._guarded(coro))
        if self.tasks is None:
            self.tasks = set()
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _guarded(self, coro) -> None:
        try:
            await coro
        except asyncio.CancelledError:
            pass
        except Exception:
            if not self.closed:  # else the client left while we were sending
                logger.exception("chat background work failed")


async def _finish(coro, waiting) -> None:
    """Drive ``coro``, which yielded ``waiting`` on its first step, to its end (as a Task
    would): used for the rare send that had to wait for a slow client."""
    while True:
        try:
            if waiting is None:
                await asyncio.sleep(0)
            else:
                await waiting
        except asyncio.CancelledError:
            coro.close()
            raise
        except Exception:  # noqa: S110 - the coroutine reads the outcome itself (below)
            pass
        try:
            waiting = coro.send(None)
        except StopIteration:
            return
