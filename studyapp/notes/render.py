"""Markdown to sanitised HTML, bounded in time. No Django: the import calls it, requests never do.

Markdown renderers have quadratic and worse corners (thousands of `[`, lists nested a thousand
deep), so rendering runs in a worker process that is killed when it overruns. A section that
overruns, or that is too deep or too large to try, is shown as escaped text instead.
"""

import html
import multiprocessing
import re
import unicodedata
from multiprocessing import TimeoutError as RenderTimeout
from urllib.parse import unquote

import markdown
import nh3

MAX_SECTION_CHARS = 200_000
MAX_NESTING = 40

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "dd", "dl", "dt", "em", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "kbd", "li", "ol", "p", "pre", "s", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"colspan", "rowspan"},
                      "th": {"colspan", "rowspan"}}
EXTENSIONS = ["tables", "fenced_code", "sane_lists"]
WIKILINK_ANCHOR = re.compile(r'<a href="wikilink:([^"]*)"[^>]*>(.*?)</a>', re.S)


def _undisguised(tag: str, attribute: str, value: str) -> str | None:
    """Drop an address with invisible characters in it (`\u200bjavascript:`, `java\u200dscript:`).

    Browsers read such a link as a relative address, so it cannot run, but it is never a real
    link either: real addresses percent-encode what they need.
    """
    if attribute == "href" and any(unicodedata.category(c) in {"Cc", "Cf"} for c in value):
        return None
    return value


def sanitise(markup: str) -> str:
    """Keep structure and links; drop scripts, handlers, styles, frames, forms and htmx hooks."""
    return nh3.clean(
        markup,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_undisguised,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def escaped(text: str) -> str:
    return f'<pre class="plain">{html.escape(text)}</pre>'


def _markdown_to_html(source: str) -> str:
    return markdown.markdown(source, extensions=EXTENSIONS, output_format="html")


def _too_deep(source: str) -> bool:
    for line in source.split("\n"):
        prefix = re.match(r"^[\s>*+\-\d.)]*", line).group(0)
        if len(re.findall(r">|[*+-]\s|\d+[.)]\s", prefix)) > MAX_NESTING or len(prefix) > MAX_NESTING * 4:
            return True
    return False


def _resolve_wikilinks(markup: str, urls: dict[str, str]) -> str:
    def link(match):
        target, label = unquote(match.group(1)), match.group(2)
        url = urls.get(normalise_name(target))
        if url:
            return f'<a href="{html.escape(url)}">{label}</a>'
        return label

    return WIKILINK_ANCHOR.sub(link, markup)


def normalise_name(name: str) -> str:
    """How names are compared: case, punctuation and spacing do not matter."""
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


class Renderer:
    """Renders many sections with a bounded time for each.

    Use as a context manager; it owns one worker process and replaces it after a timeout.
    """

    def __init__(self, seconds: float = 2.0):
        self.seconds = seconds
        self._context = multiprocessing.get_context("spawn")
        self._pool = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def _worker(self):
        if self._pool is None:
            self._pool = self._context.Pool(processes=1)
            # Starting a process takes longer than the render budget; do it outside the clock.
            self._pool.apply(_render_batch, ([""],))
        return self._pool

    def render_many(self, sources: list[str], urls: dict[str, str]) -> list[tuple[str, str]]:
        """Render each source; returns (html, warning) pairs, warning empty when all went well."""
        results: list[tuple[str, str] | None] = [None] * len(sources)
        pending = []
        for index, source in enumerate(sources):
            if len(source) > MAX_SECTION_CHARS:
                results[index] = (escaped(source), f"section is over {MAX_SECTION_CHARS:,} characters; shown as plain text")
            elif _too_deep(source):
                results[index] = (escaped(source), f"section nests lists or quotes over {MAX_NESTING} deep; shown as plain text")
            else:
                pending.append(index)
        if pending:
            # One task for the whole batch keeps the process round trips few; only when the
            # batch overruns are the sections retried one by one to find the culprit.
            batch = self._run([sources[i] for i in pending], self.seconds + 0.02 * len(pending))
            if batch is None:
                batch = [self._run([sources[i]], self.seconds) for i in pending]
                batch = [b[0] if b is not None else None for b in batch]
            for index, output in zip(pending, batch):
                if isinstance(output, str):
                    results[index] = (sanitise(_resolve_wikilinks(output, urls)), "")
                elif output is None:
                    results[index] = (escaped(sources[index]), f"Markdown took over {self.seconds:g} s to render; shown as plain text")
                else:
                    results[index] = (escaped(sources[index]), f"Markdown could not be rendered ({output[1]}); shown as plain text")
        return results

    def _run(self, sources, seconds):
        try:
            return self._worker().apply_async(_render_batch, (sources,)).get(seconds)
        except RenderTimeout:
            self.close()
            return None


def _render_batch(sources: list[str]):
    out = []
    for source in sources:
        try:
            out.append(_markdown_to_html(source))
        except Exception as exc:  # RecursionError and kin: a failure degrades one section only
            out.append(("error", type(exc).__name__))
    return out
