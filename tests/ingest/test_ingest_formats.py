"""Every format ingest reads, from fixtures the tests write; feeds served from 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from newsbot.ingest.date_lines import parse_date
from newsbot.ingest.readers import ReadOptions, article_id
from newsbot.ingest.sources import Problem, iter_articles

BODY = (
    "The harbour authority said on Tuesday that fares on the Gull Bay ferry will fall by a "
    "fifth from June. The cut follows a year in which the electric ferries carried more "
    "passengers than expected, and running costs fell sharply as diesel bills disappeared. "
    "Commuters welcomed the news, saying the crossing is now cheaper than driving around the "
    "bay, and the authority said it would review fares again next spring."
)


def read_all(*roots: str, **options):
    results = list(iter_articles(list(roots), ReadOptions(**options)))
    articles = [r[0] for r in results if not isinstance(r, Problem)]
    problems = [r for r in results if isinstance(r, Problem)]
    return articles, problems


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("May 14, 2024", date(2024, 5, 14)),
        ("2024-05-14T10:00:00+05:00", date(2024, 5, 14)),
        ("14 May 2024", date(2024, 5, 14)),
        ("Tue, 14 May 2024 22:30:00 -0400", date(2024, 5, 14)),
        ("Sept. 3rd, 2023", date(2023, 9, 3)),
        ("", None),
        ("sometime last week", None),
    ],
)
def test_dates_news_uses(text, expected):
    assert parse_date(text) == expected


def test_markdown_with_front_matter(tmp_path):
    (tmp_path / "ferry.md").write_text(
        "---\ntitle: Ferry fares drop\ndate: 2024-05-14\nauthor: [Jane Roe, Sam Poe]\n"
        "source: Gull Bay Times\n---\n\n# Ignored heading\n\n"
        f"{BODY.replace('fifth', '**fifth**')}\n\n![a ferry](ferry.jpg)\n\n"
        "Read the [authority's statement](https://example.org/s).\n",
        encoding="utf-8",
    )
    (tmp_path / "plain.md").write_text(f"# Bridge vote passes\n\n{BODY}\n\n14 May 2024\n")
    articles, problems = read_all(str(tmp_path))
    assert problems == []
    by_title = {a.title: a for a in articles}
    ferry = by_title["Ferry fares drop"]
    assert ferry.published_at == date(2024, 5, 14)
    assert ferry.author == "Jane Roe, Sam Poe" and ferry.source == "Gull Bay Times"
    assert "by a fifth from June" in ferry.text and "**" not in ferry.text
    assert "authority's statement" in ferry.text and "https://" not in ferry.text
    assert "ferry.jpg" not in ferry.text
    plain = by_title["Bridge vote passes"]
    assert plain.published_at == date(2024, 5, 14) and "#" not in plain.text


PAGE = f"""<html><head><title>Ferry fares drop | Gull Bay Times</title>
<meta property="og:title" content="Ferry fares drop on Gull Bay route">
<meta name="author" content="Jane Roe">
<meta property="og:site_name" content="Gull Bay Times">
<meta property="article:published_time" content="2024-05-14T10:00:00+05:00">
<link rel="canonical" href="https://gullbay.example/ferry-fares">
</head><body>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies</div>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>Ferry fares drop on Gull Bay route</h1>
<p>{BODY}</p>
<div class="share">Share on Facebook</div>
<p>How relevant is this ad to you?</p>
<p>"It makes the crossing cheaper than driving," said one regular passenger.</p>
</article>
<aside>Sign up for our newsletter</aside>
<footer>Copyright 2024 Gull Bay Times. All rights reserved.</footer>
</body></html>"""


def test_html_main_text_and_metadata(tmp_path):
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "undated.htm").write_text(
        f"<html><head><title>Undated</title></head><body><article><h1>Undated</h1>"
        f"<p>{BODY} It happened on 3 March 2021.</p></article></body></html>"
    )
    articles, problems = read_all(str(tmp_path))
    assert problems == []
    page = next(a for a in articles if a.url)
    assert page.title == "Ferry fares drop on Gull Bay route"
    assert page.url == "https://gullbay.example/ferry-fares"
    assert page.author == "Jane Roe" and page.source == "Gull Bay Times"
    assert page.published_at == date(2024, 5, 14)
    assert "cheaper than driving" in page.text
    for junk in ("cookies", "Share on", "relevant is this ad", "newsletter", "Home", "Copyright"):
        assert junk not in page.text
    undated = next(a for a in articles if not a.url)
    # A date in the body is not the page's date: missing stays missing.
    assert undated.published_at is None


def test_json_and_jsonl_lenient_fields_and_clear_errors(tmp_path):
    (tmp_path / "one.json").write_text(
        json.dumps({"headline": "One", "body": BODY, "date": "May 14, 2024", "site": "S1"})
    )
    (tmp_path / "list.json").write_text(
        json.dumps(
            [
                {"title": "L1", "content": BODY, "publish_date": "14 May 2024", "authors": ["A"]},
                {"title": "L2", "text": BODY + " Two.", "source": {"name": "S2"}},
            ]
        )
    )
    lines = [
        json.dumps({"title": "J1", "text": BODY + " Three.", "published_at": "2024-05-14"}),
        "",
        "{not json",
        json.dumps({"title": "no text here", "summary": "x"}),
        json.dumps({"title": "J2", "text": BODY + " Four.", "url": "https://x.example/j2"}),
    ]
    (tmp_path / "many.jsonl").write_text("\n".join(lines) + "\n")
    articles, problems = read_all(str(tmp_path))
    titles = {a.title: a for a in articles}
    assert set(titles) == {"One", "L1", "L2", "J1", "J2"}
    assert titles["One"].published_at == date(2024, 5, 14) and titles["One"].source == "S1"
    assert titles["L1"].author == "A" and titles["L2"].source == "S2"
    assert titles["J2"].url == "https://x.example/j2"
    messages = sorted(str(p) for p in problems)
    assert len(messages) == 2
    assert any(m.startswith(f"{tmp_path / 'many.jsonl'}:3: not valid JSON") for m in messages)
    assert any(m.startswith(f"{tmp_path / 'many.jsonl'}:4: record has no text") for m in messages)


def test_a_record_without_a_title_is_titled_by_its_url_slug_or_first_real_line(tmp_path):
    records = [
        # A dateline names no story; the URL's slug does.
        {
            "text": "Gull Bay CNN —\n\n" + BODY,
            "url": "https://x.example/2024/05/14/ferry-fares-fall/index.html",
        },
        {"text": "Gull Bay CNN —\n\nFerry fares fall by a fifth.\n\n" + BODY + " Two."},
        {"text": BODY + " Three.", "url": "https://x.example/story?id=123"},
    ]
    (tmp_path / "untitled.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    articles, problems = read_all(str(tmp_path))
    assert not problems
    assert [a.title for a in articles] == [
        "Ferry fares fall",
        "Ferry fares fall by a fifth.",
        BODY.split("\n")[0][:120],
    ]
    # Ids are made as before titles were derived (from the first line), so stores keep them.
    where = f"{(tmp_path / 'untitled.jsonl').resolve()}#2"
    assert articles[1].id == article_id(None, where, "Gull Bay CNN —")


def rss(entries: str, title: str = "Gull Bay Times") -> bytes:
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>http://example/</link><description>d</description>{entries}</channel></rss>"
    ).encode()


FULL_ENTRY = f"""<item><title>Ferry fares drop</title><link>https://gullbay.example/fares</link>
<pubDate>Tue, 14 May 2024 22:30:00 -0400</pubDate><author>jane@example.org (Jane Roe)</author>
<content:encoded xmlns:content="http://purl.org/rss/1.0/modules/content/"><![CDATA[
<p>{BODY}</p><p>Work on a <b>third</b> ferry starts in June.</p>]]></content:encoded></item>"""


def test_rss_file_with_full_content(tmp_path):
    (tmp_path / "feed.rss").write_bytes(rss(FULL_ENTRY))
    articles, problems = read_all(str(tmp_path / "feed.rss"))
    assert problems == []
    (article,) = articles
    assert article.title == "Ferry fares drop" and article.url == "https://gullbay.example/fares"
    assert article.source == "Gull Bay Times"
    # The date the entry prints, in its own time zone (22:30 -04:00 is already the 15th in UTC).
    assert article.published_at == date(2024, 5, 14)
    assert "Work on a third ferry starts in June." in article.text


class Site:
    """A local web server with fixed pages; counts what was fetched."""

    def __init__(self, pages: dict[str, tuple[str, bytes]]):
        self.pages = pages
        self.hits: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                site.hits.append(self.path)
                if self.path not in site.pages:
                    self.send_error(404)
                    return
                kind, body = site.pages[self.path]
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site() -> Iterator[Site]:
    with Site({}) as running:
        yield running


def test_atom_feed_from_url_fetches_pages_behind_summaries(site):
    atom = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Harbor Wire</title><id>urn:x</id>
<updated>2024-05-14T10:00:00+05:00</updated>
<entry><title>Teaser only</title><id>urn:1</id><link href="{site.url}/story.html"/>
<published>2024-05-14T10:00:00+05:00</published><summary>Short teaser.</summary></entry>
<entry><title>Gone page</title><id>urn:2</id><link href="{site.url}/missing.html"/>
<updated>2024-05-15T10:00:00Z</updated><summary>Another teaser.</summary></entry>
</feed>"""
    site.pages["/feed.atom"] = ("application/atom+xml", atom.encode())
    site.pages["/story.html"] = ("text/html; charset=utf-8", PAGE.encode())
    articles, problems = read_all(f"{site.url}/feed.atom", fetch_timeout=5)
    (article,) = articles
    assert article.title == "Teaser only" and article.url == f"{site.url}/story.html"
    assert article.source == "Harbor Wire" and article.published_at == date(2024, 5, 14)
    assert "cheaper than driving" in article.text and "Short teaser" not in article.text
    (problem,) = problems
    assert "entry 2" in str(problem) and "HTTP 404" in str(problem)
    assert problem.origin == f"{site.url}/feed.atom"
    assert site.hits == ["/feed.atom", "/story.html", "/missing.html"]


def test_page_url_and_unreachable_url(site):
    site.pages["/page"] = ("text/html", PAGE.encode())
    articles, problems = read_all(f"{site.url}/page", f"{site.url}/nowhere")
    assert [a.title for a in articles] == ["Ferry fares drop on Gull Bay route"]
    assert len(problems) == 1 and "nowhere" in str(problems[0])
