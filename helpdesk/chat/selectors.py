"""Reads of the chat's own tables."""

from helpdesk.chat.models import ReadReceipt
from helpdesk.models import Conversation


def read_marks(*, conversation: Conversation) -> dict[str, int]:
    """How far each side has read: {"customer": seq, "agent": seq}."""
    marks = {"customer": 0, "agent": 0}
    for role, seq in ReadReceipt.objects.filter(conversation=conversation).values_list(
            "role", "seq"):
        marks[role] = max(marks.get(role, 0), seq)
    return marks
