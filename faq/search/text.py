"""Text handling shared by both search backends: words, stems, Chinese bigrams, snippets.

Nothing here touches the database. Languages are the codes of ``settings.LANGUAGES``.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

import snowballstemmer
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# CJK Unified Ideographs (and extension A): the runs that are split into bigrams.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RUN = re.compile(f"[{_CJK}]+")
# A token is a run of CJK characters or a run of other letters/digits.
TOKEN = re.compile(f"[{_CJK}]+|[^\\W_{_CJK}]+")
WORD = re.compile(f"[^\\W_{_CJK}]+")  # the tokens that are not CJK runs
CYRILLIC = re.compile("[\u0400-\u04ff]")

MAX_QUERY_WORDS = 8
# Words that say nothing about the topic; dropped from a query that has other words (PostgreSQL
# drops its own stop words too; SQLite FTS5 has none).
STOP_WORDS = frozenset("""
a about am an and any are as at be by can could do does for from had has have how i if in
into is it its me my no not of on or our please so than that the their them then there these
they this to too was we were what when where which who why will with would you your
а без в во вы где да для до если же за и из или им их к как ко ли мне мой моя мои мы на не
но о об от по при с со так то ты у уже что чтобы это я
""".split())


@lru_cache(maxsize=2)
def _stemmer(name: str):
    return snowballstemmer.stemmer(name)


def is_cjk(token: str) -> bool:
    return bool(CJK_RUN.fullmatch(token))


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The Snowball stem of a lower-case word: Russian for Cyrillic, English otherwise."""
    if is_cjk(word):
        return word
    return _stemmer("russian" if CYRILLIC.search(word) else "english").stemWord(word)


def bigrams(run: str) -> list[str]:
    """Overlapping two-character pieces of a CJK run ("退货政策" -> 退货 货政 政策)."""
    if len(run) < 2:
        return [run]
    return [run[i:i + 2] for i in range(len(run) - 1)]


def word_pairs(run: str) -> list[str]:
    """A CJK run cut into side-by-side pairs (most Chinese words have two characters):
    "跟踪物流" -> 跟踪 物流. A last odd character is dropped unless it is the whole run."""
    if len(run) < 2:
        return [run]
    return [run[i:i + 2] for i in range(0, len(run) - 1, 2)]


def tokens(text: str) -> list[str]:
    return [t.lower() for t in TOKEN.findall(text)]


def segment_cjk(text: str) -> str:
    """Text as the tokenizer should read it: CJK runs replaced by their space-separated
    bigrams, everything else kept. Used to index Chinese in both backends."""
    return CJK_RUN.sub(lambda m: " " + " ".join(bigrams(m.group())) + " ", text)


def stemmed_text(text: str) -> str:
    """Space-separated stems (and CJK bigrams): the content of the SQLite FTS5 index."""
    out: list[str] = []
    for token in tokens(text):
        if is_cjk(token):
            out.extend(bigrams(token))
        else:
            out.append(stem(token))
    return " ".join(out)


def lexicon_words(text: str) -> set[str]:
    """The non-CJK words worth remembering for typo correction (3 to 40 letters)."""
    return {t for t in tokens(text) if not is_cjk(t) and 3 <= len(t) <= 40 and not t.isdigit()}


@dataclass
class ParsedQuery:
    """A query split into words; ``alternatives[i]`` are spellings tried for ``words[i]``."""

    words: list[str]
    alternatives: list[list[str]] = field(default_factory=list)

    def __post_init__(self):
        if not self.alternatives:
            self.alternatives = [[w] for w in self.words]

    @property
    def is_empty(self) -> bool:
        return not self.words

    def highlight_stems(self) -> set[str]:
        return {stem(w) for alts in self.alternatives for w in alts if not is_cjk(w)}

    def cjk_runs(self) -> set[str]:
        return {w for alts in self.alternatives for w in alts if is_cjk(w)}


def parse_query(query: str) -> ParsedQuery:
    words: list[str] = []
    for token in tokens(query):
        if token not in words:
            words.append(token)
    meaningful = [w for w in words if w not in STOP_WORDS]
    return ParsedQuery(words=(meaningful or words)[:MAX_QUERY_WORDS])


def damerau_levenshtein(a: str, b: str, limit: int = 3) -> int:
    """Optimal-string-alignment distance (a swap of neighbours costs 1), capped at ``limit``."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return min(prev[-1], limit)


def max_typo_distance(word: str) -> int:
    return 0 if len(word) < 4 else 1 if len(word) <= 5 else 2


def best_corrections(word: str, candidates: list[str], n: int = 3) -> list[str]:
    """The closest known words to a (misspelt) word, nearest first, at most ``n``."""
    limit = max_typo_distance(word)
    if not limit:
        return []
    scored = []
    for cand in candidates:
        if cand == word:
            continue
        distance = damerau_levenshtein(word, cand, limit + 1)
        if distance <= limit:
            scored.append((distance, abs(len(cand) - len(word)), cand))
    return [c for _, _, c in sorted(scored)[:n]]


# --- snippets ---------------------------------------------------------------------------------

def _match_spans(text: str, query: ParsedQuery) -> list[tuple[int, int]]:
    stems = query.highlight_stems()
    # A Snowball stem keeps the first two letters of its word (the Russian one spells ё as е),
    # so a word can only match when it starts like one of the stems: the others are never
    # stemmed (most of a long text).
    heads = {q[:2] for q in stems}
    spans: list[tuple[int, int]] = []
    for m in WORD.finditer(text) if stems else ():
        token = m.group().lower()
        if token[:2].replace("ё", "е") not in heads:
            continue
        s = stem(token)
        if any(s == q or (len(q) >= 2 and (s.startswith(q) or token.startswith(q))) for q in stems):
            spans.append(m.span())
    for run in query.cjk_runs():
        start = text.find(run)
        while start != -1:
            spans.append((start, start + len(run)))
            start = text.find(run, start + len(run))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _window(text: str, spans: list[tuple[int, int]], width: int | None) -> tuple[int, int]:
    """About ``width`` characters of ``text`` around its first match (all of it without)."""
    if width is None or len(text) <= width:
        return 0, len(text)
    first = spans[0][0] if spans else 0
    start = max(0, first - width // 4)
    # Start on a word boundary when the text has spaces.
    if start > 0:
        space = text.rfind(" ", 0, start)
        start = space + 1 if space != -1 and start - space < 20 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.find(" ", end)
        end = space if space != -1 and space - end < 20 else end
    return start, end


def snippet(text: str, query: ParsedQuery, *, width: int | None = None) -> tuple[SafeString, str]:
    """(escaped HTML with the words that match ``query`` in <mark>, the same window as plain
    text). With ``width``, the window is about that many characters around the first match."""
    spans = _match_spans(text, query)
    start, end = _window(text, spans, width)
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    parts: list[str] = [prefix]
    cursor = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        parts.append(escape(text[cursor:s]))
        parts.append(f"<mark>{escape(text[s:e])}</mark>")
        cursor = e
    parts.append(escape(text[cursor:end]))
    parts.append(suffix)
    marked = mark_safe("".join(parts))  # noqa: S308 - every piece of text above is escaped
    return marked, prefix + text[start:end] + suffix


def highlight(text: str, query: ParsedQuery, *, width: int | None = None) -> SafeString:
    """Escape ``text`` and wrap the words that match ``query`` in <mark>.

    With ``width``, cut a window of about that many characters around the first match.
    """
    return snippet(text, query, width=width)[0]

