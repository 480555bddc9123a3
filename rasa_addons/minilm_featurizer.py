"""A Rasa 3.6 dense featurizer: all-MiniLM-L6-v2 sentence embeddings (bot/nlp/sentence_embeddings.py) as
features of the user's text, so DIET sees pretrained sentence understanding next to the count vectors.

config.yml:
    - name: rasa_addons.minilm_featurizer.MiniLMFeaturizer
      model_dir: build/minilm     # built by scripts/bootstrap.sh (python -m bot.nlp.sentence_embeddings)
      token_features: true       # also one vector per token (mean of its word pieces' last hidden states)

Features, in the format of Rasa's own dense featurizers (rasa/nlu/featurizers/dense_featurizer/): for TEXT,
a SENTENCE feature of shape [1, 384] (the mean-pooled, L2-normalised embedding, exactly what
sentence-transformers gives) and, with `token_features`, a SEQUENCE feature of shape [n_tokens, 384] aligned
with the tokenizer's tokens (word pieces overlapping a token's characters, averaged; zeros when none). Only
TEXT: intents and responses are labels whose features DIET learns itself, and the stories hold no user text.

The model is read once per process (`get_model`); training messages are embedded in length-sorted batches.
The build's stamp is the component's fingerprint add-on, so Rasa's training cache never reuses features of
other weights.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp.sentence_embeddings import DIM, STAMP_NAME, Encoded, get_model, resolve_dir

logger = logging.getLogger(__name__)

MODEL_DIR = "model_dir"
TOKEN_FEATURES = "token_features"
SENTENCE_SCALE = "sentence_scale"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class MiniLMFeaturizer(DenseFeaturizer, GraphComponent):
    """all-MiniLM-L6-v2 sentence (and token) features for the user's text, computed with numpy."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def required_packages() -> List[Text]:
        return ["tokenizers", "safetensors"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config(), MODEL_DIR: "build/minilm", TOKEN_FEATURES: True,
                SENTENCE_SCALE: 1.0}

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """The build's stamp (weights and inference code), so a cached training run is not reused across them."""
        stamp = resolve_dir(config.get(MODEL_DIR)) / STAMP_NAME
        return stamp.read_text().strip() if stamp.is_file() else None

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)
        self._model = get_model(self._config[MODEL_DIR])
        self._token_features = bool(self._config[TOKEN_FEATURES])
        self._sentence_scale = np.float32(self._config[SENTENCE_SCALE])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MiniLMFeaturizer:
        return cls(config, execution_context.node_name)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        todo = [m for m in messages if m.get(TEXT)]
        if not todo:
            return messages
        for message, encoded in zip(todo, self._model.encode([m.get(TEXT) for m in todo])):
            tokens = message.get(TOKENS_NAMES[TEXT]) or []
            sequence = self._sequence_features(tokens, encoded) if self._token_features and tokens else None
            self.add_features_to_message(
                sequence=sequence, sentence=encoded.sentence.reshape(1, DIM) * self._sentence_scale, attribute=TEXT, message=message
            )
        return messages

    @staticmethod
    def _sequence_features(tokens: List[Any], encoded: Encoded) -> np.ndarray:
        """One row per token: the mean of the word pieces overlapping the token's characters."""
        out = np.zeros((len(tokens), DIM), dtype=np.float32)
        if not encoded.offsets:
            return out
        starts = np.fromiter((o[0] for o in encoded.offsets), dtype=np.int64)
        ends = np.fromiter((o[1] for o in encoded.offsets), dtype=np.int64)
        for row, token in enumerate(tokens):
            start, end = int(token.start), int(token.end)
            hits = (starts < end) & (ends > start)
            if hits.any():
                out[row] = encoded.pieces[hits].mean(axis=0)
        return out
