"""all-MiniLM-L6-v2 in numpy (bot.nlp.sentence_embeddings) gives what the reference implementation gives.

The strongest check is the similarity matrix the sentence-transformers documentation prints for this model
(three sentences, four decimals): reproducing it to 1e-3 needs the tokenizer, every layer, the mean pooling
and the normalisation to be right. The others: paraphrases close, unrelated sentences far, shapes, unit
length, determinism (alone or in a padded batch, serial or from threads), the build step skipped when
current, and the Rasa featurizer's feature shapes.
"""
from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from bot.nlp import sentence_embeddings as se

# sentence-transformers' quick-start output for all-MiniLM-L6-v2 (model.similarity of these three)
REFERENCE_SENTENCES = ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]
REFERENCE_SIMILARITY = np.array([[1.0000, 0.6660, 0.1046], [0.6660, 1.0000, 0.1411], [0.1046, 0.1411, 1.0000]])

RESET = "How do I reset my password?"
RESET_PARAPHRASE = "I forgot my password, how can I reset it?"
UNRELATED = "We keep three drums of motor oil in the back shop."


@pytest.fixture(scope="module")
def model() -> se.MiniLM:
    se.build(se.DEFAULT_DIR)  # no-op when scripts/bootstrap.sh built it already
    return se.get_model()


def test_reproduces_the_reference_similarity_matrix(model: se.MiniLM) -> None:
    e = model.embed(REFERENCE_SENTENCES)
    np.testing.assert_allclose(e @ e.T, REFERENCE_SIMILARITY, atol=1e-3)


def test_paraphrases_are_close_and_unrelated_sentences_far(model: se.MiniLM) -> None:
    e = se.embed([RESET, RESET_PARAPHRASE, UNRELATED])
    assert e[0] @ e[1] > 0.8
    assert e[0] @ e[2] < 0.3
    assert e[1] @ e[2] < 0.3


def test_shape_dtype_and_unit_length(model: se.MiniLM) -> None:
    e = model.embed([RESET, UNRELATED, "ok", ""])
    assert e.shape == (4, se.DIM) and e.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(e, axis=1), 1.0, atol=1e-5)
    assert model.embed([]).shape == (0, se.DIM)


def test_deterministic_alone_or_padded_in_a_batch(model: se.MiniLM) -> None:
    alone = model.embed([RESET])[0]
    assert np.array_equal(alone, model.embed([RESET])[0])
    long_text = " ".join([UNRELATED] * 8)
    batched = model.embed([long_text, RESET, "yes"])[1]  # padded to the long text's length
    np.testing.assert_allclose(batched, alone, atol=1e-5)


def test_long_text_is_truncated_not_rejected(model: se.MiniLM) -> None:
    e = model.embed([" ".join([UNRELATED] * 60)])  # ~700 word pieces, cut at 256
    assert e.shape == (1, se.DIM) and np.isfinite(e).all()


def test_one_model_per_process_and_threads_get_the_same_answers(model: se.MiniLM) -> None:
    assert se.get_model() is model and se.get_model(se.DEFAULT_DIR) is model
    texts = [RESET, RESET_PARAPHRASE, UNRELATED, *REFERENCE_SENTENCES]
    serial = model.embed(texts)
    results: list[np.ndarray] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(3):
                results.append(se.embed(texts))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 12
    for r in results:
        np.testing.assert_allclose(r, serial, atol=1e-5)


def test_word_piece_offsets_point_into_the_text(model: se.MiniLM) -> None:
    text = "Change the emergency phone to 559-555-0123"
    enc = model.encode([text])[0]
    assert enc.pieces.shape == (len(enc.offsets), se.DIM)
    assert [text[s:e].lower() for s, e in enc.offsets][:3] == ["change", "the", "emergency"]


def test_build_is_skipped_when_current(tmp_path: Path) -> None:
    out = tmp_path / "minilm"
    assert se.build(out) is True
    assert se.is_up_to_date(out)
    assert se.build(out) is False
    (out / se.STAMP_NAME).write_text("old\n")
    assert not se.is_up_to_date(out)
    assert se.build(out) is True


def test_rasa_featurizer_adds_sentence_and_token_features(model: se.MiniLM) -> None:
    pytest.importorskip("rasa")
    from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message

    from rasa_addons.minilm_featurizer import MiniLMFeaturizer

    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    message = Message(data={TEXT: "we keep 3 drums of motor-oil"})
    tokenizer.process([message])
    featurizer = MiniLMFeaturizer({**MiniLMFeaturizer.get_default_config(), "alias": None}, "minilm")
    featurizer.process([message])
    seq, sent = message.get_dense_features(TEXT)
    assert sent.features.shape == (1, se.DIM)
    np.testing.assert_allclose(sent.features[0], model.embed([message.get(TEXT)])[0], atol=1e-6)
    assert seq.features.shape == (6, se.DIM)  # one row per whitespace token
    assert np.abs(seq.features).sum(axis=1).min() > 0  # every token found its word pieces
