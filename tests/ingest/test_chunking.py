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
