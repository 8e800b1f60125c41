"""The browsing pages: content, fixed query counts, and htmx partials."""

import io

import pytest
from django.core.management import call_command

from studyapp.notes.models import ComparisonTable, SourceFile

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def imported(notes_dir):
    call_command("import_notes", str(notes_dir), "--json", stdout=io.StringIO())


def grow(tmp_path, copies):
    """Import many more notes, to show page query counts do not grow with content."""
    for n in range(copies):
        (tmp_path / f"extra-{n}.md").write_text(
            f"# Extra {n}\n\n[[Amazon Kinesis Data Streams]] and Amazon S3.\n\n"
            f"| Question pattern | Answer |\n|---|---|\n| Cue {n} for streams | [[Amazon Kinesis Data Streams]] |\n"
        )
    call_command("import_notes", str(tmp_path), "--json", stdout=io.StringIO())


def test_home_shows_exams_with_domain_weights(client, imported, django_assert_num_queries):
    # exams, their domains, four counts, the latest import
    with django_assert_num_queries(7):
        response = client.get("/")
    html = response.content.decode()
    assert "DEA-C01" in html and "Data Ingestion and Transformation" in html and "34%" in html
    assert "65 questions (50 scored)" in html and "pass at 720" in html


def test_notes_index_lists_domains_and_their_services(client, imported, tmp_path, django_assert_num_queries):
    grow(tmp_path, 5)
    # domains with exam and pattern counts, their services, unassigned services, documents
    with django_assert_num_queries(4):
        response = client.get("/notes/")
    html = response.content.decode()
    assert "Domain 1: Data Ingestion and Transformation" in html
    assert 'href="/notes/services/amazon-kinesis-data-streams/"' in html
    assert "Streaming cues" in html


def test_service_page_shows_notes_patterns_tables_and_backlinks(client, imported, tmp_path, django_assert_num_queries):
    grow(tmp_path, 3)
    # service with its note, its domains with their exams, own sections, patterns, tables,
    # backlinks, mentions, the cards its sections made
    with django_assert_num_queries(8):
        response = client.get("/notes/services/amazon-kinesis-data-streams/")
    html = response.content.decode()
    assert "<h1>Amazon Kinesis Data Streams</h1>" in html
    assert "Each shard takes 1 MB/s" in html
    assert "Replay data" in html
    assert "Linking note" in html and "Extra 2" in html
    assert "Also called Kinesis Data Streams, KDS" in html


def test_service_page_query_count_does_not_grow_with_content(client, imported, tmp_path, django_assert_max_num_queries):
    grow(tmp_path, 40)
    with django_assert_max_num_queries(9):
        client.get("/notes/services/amazon-kinesis-data-streams/")


def test_unknown_service_is_404(client, imported):
    assert client.get("/notes/services/nope/").status_code == 404


def test_document_page_renders_sanitised_sections(client, imported, django_assert_num_queries):
    slug = SourceFile.objects.get(path__endswith="hostile.md").slug
    with django_assert_num_queries(4):  # source, sections, backlinks, the cards its sections made
        response = client.get(f"/notes/docs/{slug}/")
    html = response.content.decode().lower()
    assert response.status_code == 200
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in html  # front matter title, escaped
    body = html.split('<main id="main"', 1)[1]
    for needle in ("<script", "onerror", "javascript:", "<iframe", "hx-get", "data-hx", "<style", "formaction"):
        assert needle not in body


def test_a_service_note_document_redirects_to_the_service_page(client, imported):
    slug = SourceFile.objects.get(path__endswith="amazon-s3.md").slug
    response = client.get(f"/notes/docs/{slug}/")
    assert response.status_code == 302 and response["Location"] == "/notes/services/amazon-s3/"


def test_table_pages_list_and_show_tables(client, imported, django_assert_num_queries):
    with django_assert_num_queries(1):
        listing = client.get("/notes/tables/")
    assert "Tables in the wild: Encryption Options" in listing.content.decode()
    table = ComparisonTable.objects.get(title="An HTML table")
    with django_assert_num_queries(2):  # the table with its source, its services
        response = client.get(f"/notes/tables/{table.key}/")
    html = response.content.decode()
    assert "<th scope=\"row\">Fault tolerance</th>" in html and "Retries &amp; bookmarks" in html
    assert 'href="/notes/services/amazon-kinesis-data-streams/"' in html


def test_search_full_page_finds_every_kind(client, imported, tmp_path, django_assert_num_queries):
    grow(tmp_path, 10)
    # services, sections, tables, patterns: each one query, its matches found through its trigram
    # index in a subquery, so the count stays at four whatever the size of the collection
    with django_assert_num_queries(4):
        response = client.get("/search/", {"q": "kinesis"})
    html = response.content.decode()
    assert "<html" in html and 'name="q"' in html
    assert 'href="/notes/services/amazon-kinesis-data-streams/"' in html
    assert "Replay data" in html and "An HTML table" in html
    assert response["Vary"].count("HX-Request") == 1


def test_search_partial_for_htmx_is_just_the_results(client, imported):
    response = client.get("/search/", {"q": "replay data"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert "<html" not in html and "Replay data" in html


def test_search_for_a_history_restore_gets_the_full_page(client, imported):
    response = client.get("/search/", {"q": "replay"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in response.content.decode()


def test_a_misspelt_search_offers_the_closest_words_as_a_link(client, imported, django_assert_num_queries):
    # the four kinds, then the words about as long as the terms
    with django_assert_num_queries(5):
        response = client.get("/search/", {"q": "Kinesiss <b>strems</b>"})
    html = response.content.decode()
    assert "0 results" in html and "<b>" not in html
    # A term that is not a word is kept as typed, and printed through escaping.
    assert ('Did you mean <a href="/search/?q=kinesis%20%3Cb%3Estrems%3C/b%3E">kinesis &lt;b&gt;strems&lt;/b&gt;</a>?'
            in html)
    response = client.get("/search/", {"q": "kinesiss strems"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert 'Did you mean <a href="/search/?q=kinesis%20streams">kinesis streams</a>?' in html


def test_empty_search_runs_no_queries(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/search/")
    assert "Type a service" in response.content.decode()


def test_where_a_note_came_from_is_for_staff_not_for_readers(client, imported, admin_user):
    table = ComparisonTable.objects.get(title="An HTML table")
    pages = ["/notes/services/amazon-kinesis-data-streams/", f"/notes/tables/{table.key}/"]
    for path in pages:
        html = client.get(path).content.decode()
        assert "source-ref" not in html and ", line " not in html, path
    client.force_login(admin_user)
    service_page, table_page = (client.get(path).content.decode() for path in pages)
    assert 'class="source-ref"' in service_page and " · line " in service_page
    assert f", line {table.line}" in table_page


def test_a_note_shows_its_title_once(client, imported):
    source = SourceFile.objects.get(path__endswith="tables.md")
    html = client.get(source.get_absolute_url()).content.decode()
    body = html.split('<main id="main"', 1)[1]
    assert source.title == "Tables in the wild" and body.count(">Tables in the wild<") == 1  # the page's heading
    assert "Tables in the wild ›" not in body  # not before each heading under it
    assert '<h2 id="ragged-and-headerless-h">Ragged and headerless</h2>' in body
    assert "Some intro text." in body and source.path not in body
