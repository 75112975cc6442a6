"""Chunks follow sentence boundaries and fit the model's window, counted by its tokenizer."""

from newsbot.core.sentences import split_sentences
from newsbot.core.types import Article
from newsbot.ingest.chunking import chunk_article
from newsbot.store.embeddings import embedding_text


def test_sentences_split_but_abbreviations_kept():
    text = 'Dr. Smith met U.S. officials on Monday. "It went well," he said! Then J. Doe left.'
    assert split_sentences(text) == [
        "Dr. Smith met U.S. officials on Monday.",
        '"It went well," he said!',
        "Then J. Doe left.",
    ]


def test_chunks_fit_the_window_and_carry_the_title(embedder):
    sentences = [f"Sentence number {i} talks about the harbour ferry budget." for i in range(120)]
    one_giant = " ".join(["word"] * 700) + "."
    article = Article(
        id="a1", title="Ferry budget explained", text=" ".join([*sentences, one_giant])
    )
    chunks = chunk_article(article, embedder.count_tokens, max_tokens=embedder.max_tokens)
    assert len(chunks) > 3
    full = [embedding_text(article.title, c.text) for c in chunks]
    # +2 for the [CLS] and [SEP] the model adds: nothing may be silently truncated.
    assert max(embedder.count_tokens(full)) + 2 <= embedder.max_tokens
    assert [c.id for c in chunks] == [f"a1:{n}" for n in range(len(chunks))]
    assert all(c.metadata["n_chunks"] == len(chunks) for c in chunks)
    # Every word of the article survives chunking, in order.
    assert " ".join(c.text for c in chunks).split() == article.text.split()


def test_a_heading_stays_a_paragraph_of_its_own_in_its_chunk():
    text = "\n\n".join(
        [
            "Gull Bay CNN —",
            "The Osprey ferry carried 4,000 riders in its first week.",
            "Higher fares",
            "Fares rose by a fifth on Monday. Riders said they would still take the boat.",
            "TIMELINE: How the harbor got its ferries",
        ]
    )

    def words(texts):  # a word, a token
        return [len(t.split()) for t in texts]

    [chunk] = chunk_article(Article(id="a1", title="Ferry fares rise", text=text), words)
    assert chunk.text == (
        "Gull Bay CNN — The Osprey ferry carried 4,000 riders in its first week. Higher fares"
        "\n\nFares rose by a fifth on Monday. Riders said they would still take the boat. "
        "TIMELINE: How the harbor got its ferries"
    )
    assert split_sentences(chunk.text)[2] == "Fares rose by a fifth on Monday."


def test_a_heading_is_short_and_unpunctuated():
    from newsbot.core.sentences import is_heading

    headings = ["Higher fares", "TIMELINE: How the harbor got its ferries", "Alaska", "1. Ukraine"]
    sentences = [
        "Fares rose by a fifth.",
        "Gull Bay CNN —",  # a dateline: it opens the first sentence
        "Is the ferry worth it?",
        "The council said the ferry that crosses the bay twice an hour will keep running",
    ]
    assert [is_heading(h) for h in headings] == [True] * 4
    assert [is_heading(s) for s in sentences] == [False] * 4
