"""How text is folded for search and sorting: one table, used by Python and by SQL.

German readers treat ä, ö, ü as a, o, u when they sort (DIN 5007, dictionary order) and
type them as ae, oe, ue when the keyboard has none; ß is ss. Folding maps every such
letter (and the common accented letters of European names) to plain lower-case ASCII,
so ``Bäckerei`` sorts between ``Backstube`` and ``Bauer`` and is found as ``backerei``.
The spelled-out forms (``baeckerei``) are found through query variants
(``query_variants``), not by storing a second copy of every text.

The same mapping is written as nested SQL ``replace()`` calls (``fold_sql``), so SQLite
computes the sort key of a customer and the text of the search index itself: no Python
function is registered on a connection, and every writer (local edit, sync, import,
migration) gets it the same.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator, Sequence

#: The kinds of record the search finds, in the order its results are shown.
SEARCH_KINDS = ("customer", "contact", "followup", "visit", "note")

#: Letter → folded form: German letters in both cases, the accented letters common in
#: European names in lower case (and the capitals a name starts with). Upper and lower
#: case both, since SQLite's ``lower()`` folds ASCII only. Kept short on purpose: SQLite
#: parses at most about 30 nested ``replace()`` calls.
FOLDS: dict[str, str] = {
    **dict.fromkeys("äÄáàâå", "a"),
    **dict.fromkeys("çčČ", "c"),
    **dict.fromkeys("éÉèê", "e"),
    "ł": "l",
    "ñ": "n",
    **dict.fromkeys("öÖóôø", "o"),
    **dict.fromkeys("šŠ", "s"),
    **dict.fromkeys("üÜú", "u"),
    **dict.fromkeys("žŽ", "z"),
    "ß": "ss",
}
_TABLE = str.maketrans(FOLDS)
_ASCII_LOWER = str.maketrans({chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)})


def fold(text: str | None) -> str:
    """``text`` as the index and the sort key hold it: umlauts and accents plain, lower case.

    Exactly what ``fold_sql`` computes in SQLite (letters outside ``FOLDS`` keep their
    case there too, since SQLite's ``lower()`` only knows ASCII).
    """
    return (text or "").translate(_TABLE).translate(_ASCII_LOWER)


def fold_bytes(text: str | None) -> bytes:
    """``fold(text)`` as the UTF-8 bytes SQLite compares: Python sorts these exactly as
    ``ORDER BY`` sorts the SQL fold (``bytes.lower`` folds ASCII only, as SQLite's
    ``lower()`` does), at a fraction of the cost of ``fold`` or of the SQL fold."""
    raw = text or ""
    return (raw if raw.isascii() else raw.translate(_TABLE)).encode().lower()


def fold_sql(expr: str) -> str:
    """An SQL expression computing ``fold(expr)``: ``fold_sql_second(fold_sql_first(expr))``.

    SQLite's parser refuses deep nesting inside ``ALTER TABLE`` and triggers, so there the
    two halves are used apart (a generated column on another, a subquery).
    """
    return fold_sql_second(fold_sql_first(expr))


_ITEMS = list(FOLDS.items())
_HALF = len(_ITEMS) // 2


def fold_sql_first(expr: str) -> str:
    """The first half of ``fold_sql``: ``coalesce`` and half of the letters."""
    sql = f"coalesce({expr}, '')"
    for letter, plain in _ITEMS[:_HALF]:
        sql = f"replace({sql}, '{letter}', '{plain}')"
    return sql


def fold_sql_second(expr: str) -> str:
    """The second half of ``fold_sql``: the other letters, then ``lower``."""
    sql = expr
    for letter, plain in _ITEMS[_HALF:]:
        sql = f"replace({sql}, '{letter}', '{plain}')"
    return f"lower({sql})"


def fold_subquery(expr: str) -> str:
    """``fold(expr)`` as a scalar subquery, for triggers (each half nests on its own)."""
    return f"(SELECT {fold_sql_second('s')} FROM (SELECT {fold_sql_first(expr)} AS s))"


def sort_key(text: str | None) -> tuple[str, str]:
    """How a list sorts a text the way people read it: German order, case ignored.

    The folded form first (``Bäckerei`` < ``Bauer`` < ``Baumarkt``), then the text itself
    so that ``Müller`` and ``Muller`` keep a fixed order. Letters beyond ``FOLDS`` are
    folded by Unicode decomposition here, which SQL cannot do; the two agree on every
    letter in ``FOLDS``.
    """
    raw = text or ""
    folded = fold(raw)
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return folded, raw


#: A word as typed: letters and digits (underscores are not typed in names).
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
#: Spelled-out umlauts as a German types them without the keys (ß folds to ss anyway).
_SPELLED = re.compile(r"ae|oe|ue")
_SPELLED_AS = {"ae": "a", "oe": "o", "ue": "u"}


def words(text: str) -> list[str]:
    """The words of what a person typed, folded."""
    return [fold(w) for w in _WORD.findall(text)]


def query_variants(word: str, limit: int = 8) -> list[str]:
    """The folded ``word`` and its readings with spelled-out umlauts taken as umlauts.

    ``baeckerei`` is also ``backerei`` (how ``Bäckerei`` is folded); ``michael`` is
    also ``michal``, which costs a rare extra hit, never a lost one. At most ``limit``
    variants (a word with many ``ae``/``oe``/``ue`` keeps its first combinations).
    """
    found = [word]
    for variant in _variants(word):
        if variant not in found:
            found.append(variant)
        if len(found) >= limit:
            break
    return found


def _variants(word: str) -> Iterator[str]:
    match = _SPELLED.search(word)
    if match is None:
        yield word
        return
    head, pair, tail = word[: match.start()], match.group(), word[match.end() :]
    for rest in _variants(tail):
        yield head + pair + rest
        yield head + _SPELLED_AS[pair] + rest


#: What may appear in a typed phone number besides digits.
_PHONE_TYPED = re.compile(r"[\d\s+\-/().]+")
_PHONE_SEPARATORS = (" ", "-", "/", "(", ")", ".", "+")
#: Country code taken for numbers written nationally (``040 …``): the product's home.
HOME_COUNTRY_CODE = "49"


def phone_digits(typed: str) -> str | None:
    """The digits of a typed phone number as the index holds them, or None.

    ``+49 40 123`` and ``0049 40 123`` become ``4940123``; ``040 123`` stays ``040123``
    (the index holds both forms of every stored number, see ``phone_forms_sql``).
    None when ``typed`` is not a phone number or has fewer than three digits.
    """
    text = typed.strip()
    if not _PHONE_TYPED.fullmatch(text):
        return None
    digits = re.sub(r"\D", "", text.replace("(0)", ""))
    if digits.startswith("00"):
        digits = digits[2:]
    return digits if len(digits) >= 3 else None


def phone_forms(stored: str | None) -> str:
    """Python twin of ``phone_forms_sql`` (for tests and highlighting)."""
    text = stored or ""
    digits = text.replace("(0)", "")
    for sep in _PHONE_SEPARATORS:
        digits = digits.replace(sep, "")
    cc, n = HOME_COUNTRY_CODE, len(HOME_COUNTRY_CODE)
    if digits.startswith("00"):
        return f"{digits[2:]} 0{digits[2 + n :]}"
    if text.lstrip().startswith("+") and digits.startswith(cc):
        return f"{digits} 0{digits[n:]}"
    if digits.startswith("0"):
        return f"{digits} {cc}{digits[1:]}"
    return digits


def phone_forms_sql(expr: str) -> str:
    """SQL: the digits of a stored phone number in national and international form.

    ``+49 40 123`` → ``4940123 040123``; ``040 123`` → ``040123 4940123``; so a number
    typed either way is a substring of one of them.
    """
    d = f"coalesce({expr}, '')"
    d = f"replace({d}, '(0)', '')"
    for sep in _PHONE_SEPARATORS:
        d = f"replace({d}, '{sep}', '')"
    cc = HOME_COUNTRY_CODE
    n = len(cc)
    return (
        f"(CASE WHEN {d} LIKE '00%' THEN substr({d}, 3) || ' 0' || substr({d}, {3 + n}) "
        f"WHEN ltrim(coalesce({expr}, '')) LIKE '+%' AND {d} LIKE '{cc}%' "
        f"THEN {d} || ' 0' || substr({d}, {1 + n}) "
        f"WHEN {d} LIKE '0%' THEN {d} || ' {cc}' || substr({d}, 2) "
        f"ELSE {d} END)"
    )


def fold_with_positions(text: str) -> tuple[str, Sequence[int]]:
    """``text`` folded for matching, with the position in ``text`` of each folded letter.

    Used to highlight a match in the text as it was written (folding may lengthen it:
    ß becomes ss). Letters beyond ``FOLDS`` lose their accents as the word index does.
    ASCII letters fold one to one, so only the others are looked at one by one.
    """
    folded = fold(text)
    if folded.isascii() and len(folded) == len(text):
        return folded, range(len(text))
    out: list[str] = []
    positions: list[int] = []
    last = 0
    for match in _NON_ASCII.finditer(text):
        at = match.start()
        if at > last:
            out.append(text[last:at].translate(_ASCII_LOWER))
            positions.extend(range(last, at))
        letter = _fold_letter(match.group())
        out.append(letter)
        positions.extend([at] * len(letter))
        last = at + 1
    out.append(text[last:].translate(_ASCII_LOWER))
    positions.extend(range(last, len(text)))
    return "".join(out), positions


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@functools.lru_cache(maxsize=4096)
def _fold_letter(ch: str) -> str:
    letter = fold(ch)
    if not letter.isascii():
        decomposed = unicodedata.normalize("NFKD", letter)
        letter = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return letter


def person_order_sql(alias: str = "") -> str:
    """SQL ``ORDER BY`` terms putting people in reading order: last name, then first."""
    prefix = f"{alias}." if alias else ""
    return f"{fold_subquery(prefix + 'last_name')}, {fold_subquery(prefix + 'first_name')}"
