"""Markdown to sanitised HTML, bounded in time. No Django: the import calls it, requests never do.

Markdown renderers and HTML sanitisers have quadratic and worse corners (thousands of `[`, lists
nested a thousand deep, raw `<ul><li>` nested 25,000 deep), so rendering and sanitising run in a
worker process that is killed when it overruns. A section that overruns, or that is too deep or
too large to try, is shown as escaped text instead. Only the wikilinks are resolved in the
import's own process, by one linear pass over the sanitised HTML.
"""

import html
import multiprocessing
import re
import time
import unicodedata
from dataclasses import dataclass
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
URL_SCHEMES = {"http", "https", "mailto"}
# The parser writes wikilinks as [label](wikilink:target); the worker's sanitiser keeps them for
# _resolve_wikilinks, which leaves none on a page.
WORKER_URL_SCHEMES = URL_SCHEMES | {"wikilink"}
# Every anchor of sanitised HTML, whose anchors are well formed and never nested: each is read
# once, up to its own "</a>", and a stray "<a" inside one ends the match rather than nesting it.
# An attribute's quoted value is read whole: a sanitiser may leave ">" in one (title="x>"), and the
# tag must not be taken to end there.
ANCHOR = re.compile(r'<a\b((?:[^<>"]|"[^"]*")*+)>((?:[^<]|<(?!/?a\b))*+)</a>')
HREF = re.compile(r'\shref="([^"]*)"')
WIKILINK_HREF = re.compile(r'\shref="\s*wikilink:[^"]*"', re.I)


def _undisguised(tag: str, attribute: str, value: str) -> str | None:
    """Drop an address with invisible characters in it (`\u200bjavascript:`, `java\u200dscript:`).

    Browsers read such a link as a relative address, so it cannot run, but it is never a real
    link either: real addresses percent-encode what they need.
    """
    # A printable address holds neither (isprintable() is False for both categories, and more).
    # Most are, and a 10 MB import's addresses are 4 million characters to check one at a time.
    if attribute == "href" and not value.isprintable() and any(
            unicodedata.category(c) in {"Cc", "Cf"} for c in value):
        return None
    return value


def sanitise(markup: str, url_schemes=URL_SCHEMES) -> str:
    """Keep structure and links; drop scripts, handlers, styles, frames, forms and htmx hooks."""
    return nh3.clean(
        markup,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_undisguised,
        url_schemes=url_schemes,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def escaped(text: str) -> str:
    return f'<pre class="plain">{html.escape(text)}</pre>'


_converter = None


def _markdown_to_html(source: str) -> str:
    # One converter per worker, reset between sections: the same output as markdown.markdown()
    # without loading the extensions again for every section.
    global _converter
    if _converter is None:
        _converter = markdown.Markdown(extensions=EXTENSIONS, output_format="html")
    try:
        return _converter.reset().convert(source)
    except BaseException:
        _converter = None  # a failure may leave it half-way through; start the next one clean
        raise


NESTING_PREFIX = re.compile(r"[\s>*+\-\d.)]*")
NESTING_MARKER = re.compile(r">|[*+-]\s|(?<!\d)\d+[.)]\s")


def _too_deep(source: str) -> bool:
    for line in source.split("\n"):
        prefix = NESTING_PREFIX.match(line).group(0)
        # The length first: markers are counted only in a prefix short enough to be a real one,
        # and a number is read from its first digit, not again from each of a long run's digits.
        if len(prefix) > MAX_NESTING * 4 or len(NESTING_MARKER.findall(prefix)) > MAX_NESTING:
            return True
    return False


def _resolve_wikilinks(markup: str, urls: dict[str, str]) -> str:
    """Point each wikilink of sanitised HTML at its page, or leave its label alone when none matches."""
    if "wikilink:" not in markup.lower():
        return markup

    def link(match):
        attributes, label = match.group(1), match.group(2)
        href = HREF.search(attributes)
        if not href or not href.group(1).strip().lower().startswith("wikilink:"):
            return match.group(0)
        target = unquote(html.unescape(href.group(1).strip()[len("wikilink:") :]))
        url = urls.get(normalise_name(target))
        if not url:
            return label
        return f'<a{attributes[: href.start()]} href="{html.escape(url)}"{attributes[href.end() :]}>{label}</a>'

    resolved = ANCHOR.sub(link, markup)
    # Only HTML that is not well formed could leave one; a link that leads nowhere is better
    # than an address no browser can open.
    return WIKILINK_HREF.sub("", resolved)


def normalise_name(name: str) -> str:
    """How names are compared: case, punctuation and spacing do not matter."""
    return re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()


@dataclass
class Batch:
    """Sections sent to the workers, whose results are collected later (see Renderer.submit)."""

    sources: list[str]
    results: list
    pending: list[int]
    task: object = None
    generation: int = 0


class Renderer:
    """Renders many sections with a bounded time for each.

    Use as a context manager; it owns a pool of worker processes (two: the import parses and
    writes in the meantime) and replaces it after a timeout. Batches can be submitted ahead and
    collected in order: each batch's clock starts when it is collected, by which time every
    earlier batch is done, so it is running; a batch that overruns is retried section by
    section as before, and batches that the replaced pool held are sent again.
    """

    def __init__(self, seconds: float = 2.0, processes: int = 2):
        self.seconds = seconds
        self.processes = processes
        self._context = multiprocessing.get_context("spawn")
        self._pool = None
        self._generation = 0

    _shared = None

    @classmethod
    def shared(cls, seconds: float) -> "Renderer":
        """The process's renderer, whose workers outlive each import: a process that imports more
        than once (the benchmark, the tests) starts them once. They end with the process."""
        if cls._shared is None:
            cls._shared = cls(seconds)
        cls._shared.seconds = seconds
        return cls._shared

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
            self._generation += 1

    def _worker(self):
        if self._pool is None:
            self._pool = self._context.Pool(processes=self.processes)
            # Starting a process takes longer than the render budget; do it outside the clock.
            self._pool.map(_render_batch, [[""]] * self.processes, chunksize=1)
        return self._pool

    def render_many(self, sources: list[str], urls: dict[str, str]) -> list[tuple[str, str]]:
        """Render each source; returns (html, warning) pairs, warning empty when all went well."""
        return self.collect(self.submit(sources), urls)

    def submit(self, sources: list[str]) -> Batch:
        """Start rendering; collect() the batches in the order they were submitted."""
        results: list[tuple[str, str] | None] = [None] * len(sources)
        pending = []
        for index, source in enumerate(sources):
            if len(source) > MAX_SECTION_CHARS:
                results[index] = (escaped(source), f"section is over {MAX_SECTION_CHARS:,} characters; shown as plain text")
            elif _too_deep(source):
                results[index] = (escaped(source), f"section nests lists or quotes over {MAX_NESTING} deep; shown as plain text")
            else:
                pending.append(index)
        batch = Batch(sources, results, pending)
        self._send(batch)
        return batch

    def _send(self, batch: Batch):
        if batch.pending:
            # One task for the whole batch keeps the process round trips few; only when the
            # batch overruns are the sections retried one by one to find the culprit.
            batch.task = self._worker().apply_async(_render_batch, ([batch.sources[i] for i in batch.pending], self.seconds))
            batch.generation = self._generation

    def collect(self, batch: Batch, urls: dict[str, str]) -> list[tuple[str, str]]:
        sources, results, pending = batch.sources, batch.results, batch.pending
        if pending:
            if batch.generation != self._generation and not batch.task.ready():  # its pool was replaced
                self._send(batch)
            outputs = self._wait(batch.task, self.seconds + 0.02 * len(pending))
            if outputs is None:
                outputs = [self._run([sources[i]], self.seconds) for i in pending]
                outputs = [b[0] if b is not None else None for b in outputs]
            for index, output in zip(pending, outputs):
                if isinstance(output, str):
                    results[index] = (_resolve_wikilinks(output, urls), "")
                elif output is None:
                    results[index] = (escaped(sources[index]), f"Markdown took over {self.seconds:g} s to render; shown as plain text")
                else:
                    results[index] = (escaped(sources[index]), f"Markdown could not be rendered ({output[1]}); shown as plain text")
        return results

    def _run(self, sources, seconds):
        return self._wait(self._worker().apply_async(_render_batch, (sources, seconds)), seconds)

    def _wait(self, task, seconds):
        try:
            return task.get(seconds)
        except RenderTimeout:
            self.close()
            return None


def _render_batch(sources: list[str], seconds: float | None = None):
    out = []
    for source in sources:
        started = time.monotonic()
        try:
            html = sanitise(_markdown_to_html(source), WORKER_URL_SCHEMES)
        except Exception as exc:  # RecursionError and kin: a failure degrades one section only
            out.append(("error", type(exc).__name__))
            continue
        # The parent's wait bounds a batch, but its clock starts when the batch is collected, and
        # a batch submitted ahead may have run a while by then: the worker's own clock decides
        # which section took too long, so that the same note is shown the same way every time.
        out.append(None if seconds is not None and time.monotonic() - started > seconds else html)
    return out
