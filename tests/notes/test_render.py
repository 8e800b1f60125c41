import time

import pytest

from studyapp.notes.render import Renderer, _resolve_wikilinks, escaped, sanitise
from tests.notes.markup import unsafe_markup

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//x></SCRIPT>",
    '<img src="x" onerror="alert(1)">',
    "[x](javascript:alert(1))",
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<iframe src="https://example.com"></iframe>',
    '<div style="color:red" hx-get="/admin/" data-hx-post="/x" hx-trigger="load">hx</div>',
    "<style>body{display:none}</style>",
    '<form action="/x"><button formaction="/y">go</button></form>',
    '<svg><script>alert(1)</script></svg>',
    '<object data="x"></object><embed src="x">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "[x](vbscript:msgbox(1)) [y](data:text/html;base64,PHNjcmlwdD4=) [z](&#106;avascript:alert(1))",
    '<a href="java\tscript:alert(1)">tab</a> <a href="&#8203;javascript:alert(1)">zero width</a>',
    '<base href="https://evil.example/"><link rel="stylesheet" href="https://evil.example/x.css">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "[ref][evil]\n\n[evil]: javascript:alert(1)",
]


@pytest.fixture(scope="module")
def renderer():
    with Renderer(seconds=2) as r:
        yield r


def test_it_renders_markdown_tables_and_code(renderer):
    [(html, warning)] = renderer.render_many(["| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nx = 1\n```"], {})
    assert "<table>" in html and "<td>1</td>" in html and "<pre><code>x = 1" in html
    assert warning == ""


@pytest.mark.parametrize("payload", HOSTILE)
def test_nothing_executable_survives(renderer, payload):
    [(html, _)] = renderer.render_many([payload], {})
    assert unsafe_markup(html) == []
    lowered = html.lower()
    for needle in ("<script", "onerror", "javascript:", "<iframe", "style=", "hx-", "<style", "<form",
                   "formaction", "<object", "<embed", "<svg"):
        assert needle not in lowered


def test_resolved_wikilinks_become_links_and_unresolved_ones_plain_text(renderer):
    source = "[S3](wikilink:Amazon%20S3) and [gone](wikilink:Nothing)"
    [(html, _)] = renderer.render_many([source], {"amazon s3": "/notes/services/amazon-s3/"})
    assert '<a href="/notes/services/amazon-s3/"' in html
    assert "gone" in html and "wikilink:" not in html


def test_pathological_markdown_degrades_to_escaped_text_in_bounded_time():
    brackets = "[" * 20_000 + "x" + "](" * 5_000
    deep = "\n".join("    " * i + "- item" for i in range(300))
    quotes = ">" * 1_000 + " deep"
    started = time.monotonic()
    with Renderer(seconds=0.5) as renderer:
        results = renderer.render_many([brackets, deep, quotes, "fine"], {})
    assert time.monotonic() - started < 30
    assert results[3][0] == "<p>fine</p>"
    for html, warning in results[1:3]:
        assert html.startswith('<pre class="plain">') and "plain text" in warning
    assert "<script" not in results[0][0]


def test_a_render_that_overruns_is_killed_and_the_rest_still_render():
    slow = "[" * 400_000
    with Renderer(seconds=0.05) as renderer:
        results = renderer.render_many(["*ok*", slow[:190_000]], {})
    assert results[0][0] == "<p><em>ok</em></p>"
    assert results[1][0].startswith('<pre class="plain">')


def test_sanitise_keeps_ordinary_links_safe():
    html = sanitise('<a href="https://aws.amazon.com/">docs</a>')
    assert 'href="https://aws.amazon.com/"' in html and 'rel="noopener noreferrer nofollow"' in html


def test_batches_submitted_behind_one_that_overruns_are_sent_again_and_render():
    slow = "[" * 190_000
    with Renderer(seconds=0.05) as renderer:
        batches = [renderer.submit([slow]), renderer.submit(["*after*"]), renderer.submit(["**later**"])]
        results = [renderer.collect(batch, {}) for batch in batches]
    assert results[0][0][0].startswith('<pre class="plain">') and "took over" in results[0][0][1]
    assert results[1] == [("<p><em>after</em></p>", "")]
    assert results[2] == [("<p><strong>later</strong></p>", "")]


def test_one_worker_renders_one_section_after_another_exactly_as_markdown_does(renderer):
    import markdown

    from studyapp.notes.render import EXTENSIONS

    sources = ["# A\n\n| a | b |\n|---|---|\n| 1 | 2 |", "*x*[^1]\n\n[^1]: note", "- a\n    - b", "```\ncode\n```"]
    expected = [sanitise(markdown.markdown(s, extensions=EXTENSIONS, output_format="html")) for s in sources]
    assert [html for html, _ in renderer.render_many(sources, {})] == expected


def test_sanitising_is_bounded_by_the_same_time_limit_as_rendering():
    # The sanitiser takes quadratic time over raw lists nested deep (over twice this
    # limit for these 96,000 characters); it ran in the import's own process, with no limit.
    nested = "<ul><li>" * 12_000
    started = time.monotonic()
    with Renderer(seconds=0.3) as renderer:
        results = renderer.render_many(["*fine*", nested], {})
    assert time.monotonic() - started < 30  # catches a hang, not a speed target
    assert results[0] == ("<p><em>fine</em></p>", "")
    html, warning = results[1]
    assert html.startswith('<pre class="plain">&lt;ul&gt;&lt;li&gt;')
    assert warning == "Markdown took over 0.3 s to render; shown as plain text"


def test_a_section_that_overran_is_plain_text_even_if_its_batch_had_a_head_start():
    # A batch submitted ahead runs while the import parses other notes; the parent's clock starts
    # only when it collects the batch, so the worker's own clock decides.
    nested = "<ul><li>" * 12_000  # about twice the limit to sanitise
    with Renderer(seconds=0.3) as renderer:
        renderer.render_many([""], {})  # the workers started
        batch = renderer.submit(["*fine*", nested])
        batch.task.wait()  # all of it done before it is collected
        results = renderer.collect(batch, {})
    assert results[0] == ("<p><em>fine</em></p>", "")
    assert results[1] == (escaped(nested), "Markdown took over 0.3 s to render; shown as plain text")


def test_wikilinks_are_resolved_after_sanitising_and_none_reaches_the_page(renderer):
    source = "\n\n".join([
        '[S3 *docs*](wikilink:Amazon%20S3 "The bucket service")',
        "[gone](wikilink:Nothing)",
        '<a href="WIKILINK:Amazon%20S3">shouting</a>',
        '<a title="t" href=" wikilink:Nothing">padded</a>',
        '<a href="wikilink:Amazon%20S3"><a href="https://aws.amazon.com/">nested</a></a>',
        '<a href="wikilink:Amazon%20S3">unclosed',
        "[quote](wikilink:Quote)",
    ])
    urls = {"amazon s3": "/notes/services/amazon-s3/", "quote": '/notes/docs/a"b/'}
    [(html, warning)] = renderer.render_many([source], urls)
    assert warning == ""
    assert "wikilink" not in html.lower()
    assert ('<a href="/notes/services/amazon-s3/" title="The bucket service" rel="noopener noreferrer nofollow">'
            "S3 <em>docs</em></a>") in html
    assert "<p>gone</p>" in html and "padded" in html and 'href=" ' not in html
    assert '<a href="/notes/services/amazon-s3/" rel="noopener noreferrer nofollow">shouting</a>' in html
    assert '<a href="https://aws.amazon.com/" rel="noopener noreferrer nofollow">nested</a>' in html
    assert '<a href="/notes/services/amazon-s3/" rel="noopener noreferrer nofollow">unclosed</a>' in html
    assert '<a href="/notes/docs/a&quot;b/" rel="noopener noreferrer nofollow">quote</a>' in html
    assert unsafe_markup(html) == []


def test_a_quoted_greater_than_sign_in_a_wikilinks_title_does_not_end_its_tag():
    """Older nh3 releases leave ">" and "<" raw in an attribute's value: the link is still read whole,
    so none of the title's text becomes markup."""
    markup = ('<p><a href="wikilink:Nope" title="x><img src=x onerror=alert(1)>" rel="noopener">label</a> '
              '<a href="wikilink:S3" title="a>b">S3</a></p>')
    resolved = _resolve_wikilinks(markup, {"s3": "/notes/services/amazon-s3/"})
    assert "<img" not in resolved and "wikilink:" not in resolved
    assert resolved == '<p>label <a href="/notes/services/amazon-s3/" title="a>b">S3</a></p>'
