"""Credit lines a body opens with (bylines, outlets, emails, photo credits) are not news."""

from __future__ import annotations

import json

import pytest

from newsbot.ingest.clean import is_credit_line, without_credit_lines
from newsbot.ingest.readers import article_id
from newsbot.ingest.readers.text import parse
from newsbot.ingest.sources import Problem, iter_articles

NEWS = "Stocks rallied on Wall Street on Wednesday after the Fed raised rates."


@pytest.mark.parametrize(
    "line",
    [
        "Damian J. Troise",
        "Damian J. Troise and Alex Veiga",
        "Naila Inayat, Siddhant Mohan and John Bacon",
        "Associated Press",
        "Special to USA TODAY",
        "Opinion contributors",
        "From USA TODAY Network and wire reports",
        "robert.king@indystar.com",
        "Pramod Thakur/Hindustan Times/Getty Images",
        "John Smith Jr.",
        "By Jane Doe",
    ],
)
def test_a_credit_line(line):
    assert is_credit_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Washington CNN —",  # a dateline: the display drops it, the place stays in the text
        "Sounds about right.",  # a sentence
        "Is this the end of Internet Explorer?",
        "Why restaurants closed",  # a subheading: lower-case words a credit never holds
        "1. Jerry Jones",  # a list's first item
        "July 8",  # a day's heading
        "The ferry service will carry 4,000 people a day from the harbor to the islands",
    ],
)
def test_not_a_credit_line(line):
    assert not is_credit_line(line)


def test_the_credits_a_body_opens_with_are_dropped_and_nothing_after_them():
    body = "\n\n".join(["Damian J. Troise", "Associated Press", NEWS, "Jane Roe", "More."])
    assert without_credit_lines(body) == f"{NEWS}\n\nJane Roe\n\nMore."


def test_a_body_of_credits_only_is_kept_whole():
    assert without_credit_lines("Jane Roe\n\nUSA TODAY") == "Jane Roe\n\nUSA TODAY"


def test_a_record_reads_without_its_byline_and_keeps_its_id(tmp_path):
    text = f"Damian J. Troise\n\nAssociated Press\n\nNEW YORK — {NEWS}"
    path = tmp_path / "wire.jsonl"
    path.write_text(json.dumps({"title": "Stocks rally", "text": text}) + "\n")
    path.write_text(path.read_text() + json.dumps({"text": text}) + "\n")
    results = list(iter_articles([str(path)]))
    assert not [r for r in results if isinstance(r, Problem)]
    titled, untitled = [r[0] for r in results if not isinstance(r, Problem)]
    assert titled.text == f"NEW YORK — {NEWS}"
    assert untitled.text == f"NEW YORK — {NEWS}"
    # An untitled record's id is made from its first line, as before: a store keeps it.
    assert untitled.id == article_id(None, f"{path.resolve()}#2", "Damian J. Troise")


def test_a_plain_text_article_reads_without_its_byline():
    article = parse(f"Stocks rally\n\nJane Roe\n\nUSA TODAY\n\n{NEWS}\n\nMay 14, 2024\n", "x")
    assert article.title == "Stocks rally"
    assert article.text == NEWS
