"""Plain-text articles in the seed's shape: title, body, date, Source:, By, blog footer."""

from datetime import date

from newsbot.ingest.readers.text import parse
from newsbot.ingest.sources import iter_articles

BLOG_ARTICLE = """Town opens new library

The town of Elmfield opened its new library on Saturday after two years of building.

The library holds 40,000 books and a maker space, the mayor said.

June 2, 2023

Source: Elmfield Echo

By Editor

Related Post

Leave a Reply

Your email address will not be published. Required fields are marked *"""


def test_title_body_and_metadata_lines_are_separated():
    article = parse(BLOG_ARTICLE, "library.txt", path="/x/library.txt")
    assert article.title == "Town opens new library"
    assert article.published_at == date(2023, 6, 2)
    assert article.source == "Elmfield Echo"
    assert article.author == "Editor"
    assert article.text.startswith("The town of Elmfield opened")
    assert article.text.endswith("the mayor said.")


def test_blog_footer_never_reaches_the_text():
    article = parse(BLOG_ARTICLE, "library.txt")
    for junk in ("Related Post", "Leave a Reply", "email address", "Required fields", "Source:"):
        assert junk not in article.text


def test_date_under_the_title_and_missing_metadata():
    article = parse("Headline\n\n14 May 2024\n\nBody sentence here.", "x.txt")
    assert article.published_at == date(2024, 5, 14)
    assert article.source is None and article.author is None
    assert article.text == "Body sentence here."


def test_missing_date_stays_missing():
    article = parse("Headline\n\nJust a body.\n\nSource: Somewhere", "x.txt")
    assert article.published_at is None
    assert article.source == "Somewhere"


def test_bad_files_are_reported_and_good_ones_kept(tmp_path):
    (tmp_path / "good.txt").write_text(BLOG_ARTICLE, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02garbage")
    french = (
        "Café news\n\nLe café du coin a rouvert à Paris après des mois de travaux. "
        "Les habitués étaient ravis de retrouver leur terrasse préférée, déjà très animée "
        "dès l'ouverture, et le propriétaire a remercié le quartier pour sa fidélité."
    )
    (tmp_path / "latin1.txt").write_bytes(french.encode("cp1252"))
    results = list(iter_articles([str(tmp_path)]))
    errors = sorted(str(r) for r in results if not isinstance(r, tuple))
    articles = {r[0].title: r[0] for r in results if isinstance(r, tuple)}
    assert set(articles) == {"Town opens new library", "Café news"}
    assert "à Paris" in articles["Café news"].text
    assert len(errors) == 2
    assert any("binary.txt" in e and "binary" in e for e in errors)
    assert any("empty.txt" in e and "empty" in e for e in errors)


def test_scraped_page_furniture_is_cut_and_the_news_around_it_kept():
    from newsbot.ingest.clean import normalise

    scraped = "\n\n".join(
        [
            "Volvo is recalling 5,351 XC40 vehicles. Water may enter the cable harness. Read more",
            "1. How relevant is this ad to you?",
            "We use cookies to improve your experience. Accept all cookies",
            "SPORTS NEWSLETTER:Sign up now for daily updates sent to your inbox",
            "Follow USA TODAY reporter Kelly Tyko on Twitter: @KellyTyko",
            "Contact Greg Gardner: 313-222-8848 or ggardner99@freepress.com.",
            "Share this: Facebook",
            "Leave a Reply",
            "Support local journalism. Subscribe to azcentral.com today.",
            "Not a subscriber? You can sign up right here.",
        ]
    )
    assert normalise(scraped) == (
        "Volvo is recalling 5,351 XC40 vehicles. Water may enter the cable harness."
    )
    # The same words in news sentences are news.
    news = [
        "The government launched a website to sign up for free Covid-19 tests.",
        "Lopez confirmed the wedding in her newsletter on Sunday.",
        "Trump has 80 million followers on Twitter, and he said he would follow the rules.",
        "Residents need to sign up for FlexVal and fill out a form.",
        "To stream the show you can subscribe to HBO Max today, starting at $9.99 a month "
        "or $99.99 a year for a plan with ads, or more for the ad-free version.",
        "The bakery said the price of cookies rose faster than the price of flour.",
        "Not a subscriber of the magazine, he read it at the library every week.",
    ]
    assert normalise("\n\n".join(news)).split("\n\n") == news
