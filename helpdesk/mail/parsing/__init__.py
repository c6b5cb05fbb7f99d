"""Reading a raw message: what the help desk needs from it, whatever the bytes are.

Mail comes from anyone, so every step is bounded and every string comes out clean:

- The MIME structure is measured by a line scanner before the standard parser sees it
  (``mime_shape``): the parser recurses once per nesting level and meets a thousand nested
  parts with ``RecursionError``, so messages deeper than EMAIL_INBOUND_MAX_DEPTH, with more
  than EMAIL_INBOUND_MAX_PARTS parts or a header block over EMAIL_INBOUND_MAX_HEADER_BYTES
  raise ``Unreadable("too_complex")`` before parsing. Walking the parts is iterative and
  bounded again (the scanner and the parser may disagree on malformed input).
- Raw 8-bit header bytes are UTF-8 (RFC 6532) and come out of the parser as lone surrogates;
  ``text_clean`` turns them back into text (windows-1252 when they are not UTF-8), and
  removes NULs and any remaining lone surrogates, which no database column accepts.
- Charsets are read by their declared name with the usual supersets; codecs that are not
  text encodings of mail (``unicode_escape`` makes any code point, ``punycode`` is quadratic)
  are read as UTF-8.
- The sender is read by ``sender_parse``, one rule: the address in angle brackets, never a
  display name that looks like one; two addresses, or text after the brackets, is ambiguous.

The package, along its seams: ``parsed`` (what comes out), ``charsets`` (clean text from any
bytes), ``structure`` (the MIME shape, measured before the parser), ``headers`` (sender,
recipients, subject, auto-reply and bulk marks), ``body`` (the text and the attachments).
"""

from helpdesk.mail.parsing.body import email_parse
from helpdesk.mail.parsing.charsets import bytes_decode, text_clean
from helpdesk.mail.parsing.headers import Sender, header_text, headers_parse, sender_parse
from helpdesk.mail.parsing.parsed import ParsedAttachment, ParsedEmail, Unreadable
from helpdesk.mail.parsing.structure import MimeShape, mime_shape

__all__ = ["MimeShape", "ParsedAttachment", "ParsedEmail", "Sender", "Unreadable",
           "bytes_decode", "email_parse", "header_text", "headers_parse", "mime_shape",
           "sender_parse", "text_clean"]
