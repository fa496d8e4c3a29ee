"""Report lint: what a client must never see in a report.

:func:`lint_report` reads one generated HTML report and lists the problems a
demanding reviewer would mark: course words (the report is not a lesson),
code identifiers and file paths in prose, English runs in a Chinese report
outside data values, money columns without a currency, placeholder values
(``nan``, ``None``, ``0.000``), nbconvert's default alt text, "0.50% 个百分点"
and hyphens used as minus signs.

Data values (product names, customer ids) are exempt when they sit in a
table cell or in a ``<span class="pmkt-data">``. The check is pure: HTML text
in, a list of :class:`Problem` out; the test suite runs it on every report
that ``pmkt build`` writes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

__all__ = ["Problem", "lint_report", "LATIN_ALLOWED", "COURSE_WORDS_EN", "COURSE_WORDS_ZH"]

COURSE_WORDS_EN = re.compile(
    r"\b(lessons?|exercises?|textbooks?|syllab(?:us|i)|trainers?|classroom|students?|worked example)\b",
    re.I,
)
COURSE_WORDS_ZH = re.compile(r"本课|教材|练习|大纲|课堂|培训师|学员|课程|教科书|习题|讲师")

#: Latin words a Chinese report may use: names of methods, datasets, file types and units
LATIN_ALLOWED = frozenset(
    """
    RFM BG NBD CLV ROI AUC KPI CSV Excel PDF HTML ID SKU UCI Online Retail Hillstrom MineThatData
    Bank Marketing CDNOW Gamma Pareto Hughes Kevin Bullseye Logistic Logit SMS APP App WeChat CRM
    GBP USD EUR CNY JPY HKD DuckDB PostgreSQL SQL Excel YAML JSON UTF GBK ISO Python pandas numpy Parquet
    statsmodels seaborn matplotlib papermill nbconvert lifetimes scipy jingzhun pmkt SHA
    Ehrenberg Fader Hardie Moro Cortez Rita Chen Sargent Stone Jacobs
    """.split()
)

_PERCENT_POINTS = re.compile(r"%\s*(个百分点|percentage points?)")
_PLACEHOLDERS = re.compile(r"(?<![\w.])(nan|NaN|None|null|inf|NaT)(?![\w])|nan%")
_ZERO_P = re.compile(r"(?<![\d.])0\.000(?!\d*[1-9])")
_HYPHEN_MINUS = re.compile(r"(?:(?<=\s)|(?<=^)|(?<=[(（:：]))-(?=\d)")
_BACKTICK = re.compile(r"`[^`]+`")
_SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
_ASSIGN = re.compile(r"\b[a-z_]{3,}\s?=\s?[\"'\w]")
_PATH = re.compile(r"[\w./-]+\.(?:csv|ipynb|yaml|yml|json|py|parquet|xlsx|duckdb|gz)\b", re.I)
_ZH_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}|\d{1,2}月0\d日")
_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z'’.-]*[A-Za-z]")
_DEFAULT_ALT = "No description has been provided for this image"

_MONEY_EN = re.compile(
    r"\b(revenue|spend|spent|sales|profit|cost|monetary|price|amount|budget|clv|order value|customer value)\b",
    re.I,
)
_MONEY_ZH = re.compile(r"销售额|消费|利润|成本|金额|收入|单价|预算|客单价|客户价值|订单价值")
_NOT_MONEY = re.compile(
    r"share|%|rate|ratio|score|index|rank|count|number|customers|lines|rows|per cent|percent|"
    r"占比|份额|率|得分|评分|排名|指数|比例|人数|行数|客户数|分位|档",
    re.I,
)
_CURRENCY = re.compile(r"GBP|USD|EUR|CNY|RMB|JPY|HKD|£|\$|€|¥|￥|英镑|美元|欧元|人民币|元")

_SKIP_TAGS = {"style", "script", "head", "title"}
_BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "caption", "th", "td", "figcaption", "div", "dt", "dd"}


@dataclass(frozen=True)
class Problem:
    """One defect found in a report."""

    rule: str
    text: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.text[:160]}"


@dataclass
class _Run:
    text: str
    tag: str
    data: bool
    appendix: bool
    header: bool = False


class _Collector(HTMLParser):
    """Splits a report into text runs, each with the element it belongs to."""

    def __init__(self, lang: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lang = lang
        self.stack: list[tuple[str, bool, bool]] = []
        self.runs: list[_Run] = []
        self.alts: list[str] = []
        self.codes: list[str] = []
        self._buffer: list[str] = []

    def _context(self) -> tuple[str, bool, bool]:
        tag = next((t for t, _, _ in reversed(self.stack) if t in _BLOCK_TAGS), "")
        data = any(d for _, d, _ in self.stack)
        appendix = any(a for _, _, a in self.stack)
        return tag, data, appendix

    def _flush(self) -> None:
        text = "".join(self._buffer).strip()
        self._buffer = []
        if text and not any(t in _SKIP_TAGS for t, _, _ in self.stack):
            tag, data, appendix = self._context()
            names = [t for t, _, _ in self.stack]
            header = "thead" in names and "table.kv" not in names
            self.runs.append(_Run(" ".join(text.split()), tag, data, appendix, header))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._flush()
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "img":
            self.alts.append(attributes.get("alt") or "")
            return
        if tag in {"br", "meta", "link", "hr", "input"}:
            return
        if tag == "code":
            self.codes.append("")
        foreign = bool(attributes.get("lang")) and not str(attributes.get("lang")).startswith(self.lang)
        is_data = "pmkt-data" in classes or foreign or (tag == "td" and not self._in_kv())
        appendix = "pmkt-appendix" in classes or attributes.get("id") == "appendix"
        name = "table.kv" if tag == "table" and "pmkt-kv" in classes else tag
        self.stack.append((name, is_data, appendix))

    def _in_kv(self) -> bool:
        return any(t == "table.kv" for t, _, _ in self.stack)

    def handle_endtag(self, tag: str) -> None:
        self._flush()
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0].split(".")[0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if self.codes and any(t == "code" for t, _, _ in self.stack):
            self.codes[-1] += data
        self._buffer.append(data)


def _latin_problems(text: str) -> list[str]:
    bad = []
    for match in _LATIN_RUN.finditer(text):
        word = match.group(0)
        parts = [p for p in re.split(r"[-'’./]", word) if p]
        if all(p in LATIN_ALLOWED or (p.isupper() and len(p) <= 2) for p in parts):
            continue
        bad.append(word)
    return bad


def lint_report(page: str, lang: str) -> list[Problem]:
    """List the defects of one HTML report.

    Parameters
    ----------
    page : str
        The report's HTML.
    lang : {"en", "zh"}
        The report's language: Chinese reports are also checked for English.

    Returns
    -------
    list of Problem
        Empty for a clean report.
    """
    collector = _Collector(lang)
    collector.feed(page)
    collector.close()
    problems: list[Problem] = []

    def add(rule: str, text: str) -> None:
        problems.append(Problem(rule, text))

    # a report on data whose currency was not given says so once at the top, instead of a unit per column
    currency_unknown = "pmkt-no-currency" in page
    data_words = {w for run in collector.runs if run.data for w in _LATIN_RUN.findall(run.text)}
    for alt in collector.alts:
        if not alt.strip() or _DEFAULT_ALT in alt:
            add("default-alt-text", alt or "(empty alt)")
        elif lang == "zh" and [w for w in _latin_problems(alt) if w not in data_words]:
            # a product name in a chart title is a data value when the page shows it as data
            add("latin-in-zh", f"alt: {alt}")
    for code in collector.codes:
        add("code-in-prose", code)
    for run in collector.runs:
        text = run.text
        if _PLACEHOLDERS.search(text):
            add("placeholder", text)
        if _ZERO_P.search(text):
            add("zero-p-value", text)
        if _PERCENT_POINTS.search(text):
            add("percent-points", text)
        if run.tag == "th" and run.header:
            money = _MONEY_ZH.search(text) if lang == "zh" else _MONEY_EN.search(text)
            if money and not currency_unknown and not _NOT_MONEY.search(text) and not _CURRENCY.search(text):
                add("money-without-currency", text)
        if run.data:
            continue
        course = COURSE_WORDS_ZH.search(text) if lang == "zh" else COURSE_WORDS_EN.search(text)
        if course:
            add("course-word", text)
        if _BACKTICK.search(text) or _ASSIGN.search(text) or (_SNAKE.search(text) and not run.appendix):
            add("identifier-in-prose", text)
        if _PATH.search(text) and not run.appendix:
            add("path-in-prose", text)
        if _HYPHEN_MINUS.search(text):
            add("hyphen-minus", text)
        if lang == "zh":
            if _ZH_ISO_DATE.search(text):
                add("date-style", text)
            latin = _latin_problems(text)
            if latin:
                add("latin-in-zh", f"{', '.join(sorted(set(latin))[:6])} in: {text}")
    return problems


def main(argv: list[str] | None = None) -> int:
    """``python -m toolkit.report.lint REPORT.html ...``: print each report's problems."""
    import sys
    from pathlib import Path

    paths = sys.argv[1:] if argv is None else argv
    total = 0
    for name in paths:
        page = Path(name).read_text(encoding="utf-8")
        lang = "zh" if 'lang="zh' in page[:400] else "en"
        problems = lint_report(page, lang)
        total += len(problems)
        for problem in problems:
            print(f"{name}: {problem}")
        print(f"{name}: {len(problems)} problem(s) [{lang}]")
    return 1 if total else 0


if __name__ == "__main__":
    raise SystemExit(main())
