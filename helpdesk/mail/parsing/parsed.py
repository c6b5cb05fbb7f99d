"""What reading a message gives: ``ParsedEmail`` (and its attachments), or ``Unreadable``."""

from dataclasses import dataclass, field
from email.message import EmailMessage


class Unreadable(Exception):
    """The message cannot be read safely; ``reason`` is the quarantine reason."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class ParsedAttachment:
    name: str
    content_type: str
    data: bytes


@dataclass
class ParsedEmail:
    message_id: str = ""
    from_address: str = ""
    from_name: str = ""
    # "" (one clear sender), "no_sender" (none, or not a valid address) or "ambiguous_sender"
    sender_problem: str = "no_sender"
    subject: str = ""
    recipients: list[str] = field(default_factory=list)
    text: str = ""
    attachments: list[ParsedAttachment] = field(default_factory=list)
    auto_reply: bool = False
    bulk: bool = False
    language: str = "en"
    msg: EmailMessage | None = field(default=None, repr=False)
