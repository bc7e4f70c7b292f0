"""Which lines of an article are prose, and which are the page around it: headings and
subheadings, photo captions and credits, bylines, promo and navigation lines ("More:BTS talk
their new single", "► Amazon raising price of Prime", "Follow every game: Live MLB Scores").
Those are never quoted as evidence (index/precomputed.py reads only prose); they are recognised
by their shape, not their words, so the rules hold for any outlet:

- a heading is a short line that does not end as a sentence ends and is not a fact box's line
  ("Born: August 15, 1950") or a list's entry ("Juno Temple, “Ted Lasso”", "David Espinoza, 20,
  of Laredo, Texas");
- a promo or navigation line is a label run into a headline ("Ask HR:Can my employer ...") or
  opens with an arrow, or invites the reader to follow, subscribe, sign up, watch or shop;
- a credit names who took a photo or contributed ("Thiago Ribeiro/AGIF/Reuters", "(CNN's James
  Frater contributed to this story.)"), a caption opens "Hide Caption" or "Photos:".

- a link ("More AP NHL: https://apnews.com/...") or a date alone ("Thursday, June 11, 2020") is
  not prose either.

Written reading 451 lines of the eval corpus labelled by hand (precision 0.975, recall 0.935 on
them) and judged on 97 others read only to score it: precision 0.909, recall 0.909
(bot/evaluation/data/filler.json, `lede bench filler`). Its misses there: a headline after a
speaker's name ("Whitehouse: Jackson not from ..."), a quiz's invitation; its false alarms: a
transcript's line broken off with an en dash, an obituary list's entry.
"""

from __future__ import annotations

import re

from index.text import MONTHS

# A heading is at most this many words: longer lines without a full stop are prose cut short.
HEADING_WORDS = 15
_ENDS_AS_SENTENCE = re.compile(r"[.!…]['\"’”)\]]*$")
_ENDS_AS_QUESTION = re.compile(r"\?['\"’”)\]]*$")
# "Born: August 15, 1950", "7/31: 311 and the Offspring": a label and a short value, or one
# holding a figure. "Wall Street Journal: FBI recovered classified documents" is a headline.
_FACT_LINE = re.compile(r"^(?:[^:]{1,60}:\s+(?:\S+(?:\s+\S+){0,5}|.*\d.*)|[^:]*\d[^:]*:\s.*)$")
# "Espinoza, 20, of ...", "Juno Temple, “Ted Lasso”", "George Strait — “Amarillo By Morning”"
_LIST_ENTRY = re.compile(r"[,—–]\s*(?:\d|['\"‘“(])")
_RUN_IN_LABEL = re.compile(r"[A-Za-z?]:['\"‘“]?[A-Z]")  # "More:BTS talk ...", "Paul:'You do not ..."
_ARROW = re.compile(r"^[►▶→»›]")
_INVITATION = re.compile(
    r"^(?:follow|subscribe|sign up|watch|listen|read more|click|download|shop|get the|buy)(?![-\w])", re.IGNORECASE)
# Credits, contacts and editors' notes: who took a photo ("Thiago Ribeiro/AGIF/Reuters") or
# contributed, how to reach the reporter, that the story was updated.
_CREDIT = re.compile(
    r"(?i:\bcontributed to this (?:story|report)\b|\b(?:photo|image)s? (?:by|credit)\b|"
    r"^(?:contributing|contributors?|additional reporting|reporting by|reach (?:the reporter|\w+) at)\b|"
    r"\bthis (?:story|article|report)(?: and headline)? (?:has|have|was) been updated\b|"
    r"\S+@\S+\.\w+|(?:^|\s)@\w+\.?$)")
# A photo's credit closing a caption's short line ("Thiago Ribeiro/AGIF/Reuters"); closing a
# sentence, or a paragraph of prose, it is a name ("... the lead vocalist of AC/DC.": XQuAD).
_CREDIT_NAMES = re.compile(r"\b[A-Z][\w.-]+/[A-Z][\w.-]+(?:/[A-Z][\w.-]+)*$")
# A link to elsewhere ("More AP NHL: https://apnews.com/hub/NHL", "... experts say. www.visualdx.com").
_LINK = re.compile(r"(?:https?://|www\.)\S+")
# A date alone: a dateline or a live page's timestamp ("Thursday, June 11, 2020").
_DATE_ALONE = re.compile(
    r"^(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?(?:" + "|".join(forms[0][:3] for forms in MONTHS) + ")"
    r"[a-z]*\.?\s+\d{1,2}(?:,\s*\d{4})?$", re.IGNORECASE)
# Photo galleries' and video players' own words, which extraction keeps as paragraphs.
_CAPTION = re.compile(r"^(?:hide caption|photos?:|caption:)|\b(?:just watched|must watch|replay more videos)\b",
                      re.IGNORECASE)


def is_filler(line: str) -> bool:
    """Return True when `line` (a paragraph of an article) is not prose: a heading, a caption or
    credit, a byline, a promo or navigation line."""
    text = line.strip()
    if not text:
        return True
    if (_ARROW.match(text) or _RUN_IN_LABEL.search(text) or _CAPTION.search(text) or _CREDIT.search(text)
            or _LINK.search(text) or _DATE_ALONE.match(text)):
        return True
    short = len(text.split()) <= HEADING_WORDS
    if short and (_INVITATION.match(text) or (_CREDIT_NAMES.search(text) and not _ENDS_AS_SENTENCE.search(text))):
        return True
    letters = [c for c in text if c.isalpha()]
    if short and letters and all(c.isupper() for c in letters):  # "THURSDAY, APRIL 14, 2016"
        return True
    if _ENDS_AS_SENTENCE.search(text) or text.endswith((",", ";", "—", "-")):
        return False
    # A short question standing alone is a subheading ("What does NATO say?"); so is any short
    # line ending in no full stop, unless it is a fact box's line or a list's entry.
    fact = _FACT_LINE.match(text) and not _ENDS_AS_QUESTION.search(text)
    return short and not fact and not _LIST_ENTRY.search(text)
