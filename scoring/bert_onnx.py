"""Write a BERT encoder as an ONNX graph, straight from safetensors weights.

The graph computes what transformers' ``BertModel`` computes (absolute positions, exact erf
GELU, post-layer-norm blocks), followed by either sentence-transformers' mean pooling

    input_ids, attention_mask: (batch, tokens) int64  ->  sentence_embedding: (batch, hidden)

or, for the dialogue-act encoder, the token states themselves, with token types (0: the turn
before, given as context; 1: the turn read) and low-rank adapter deltas added to the weights

    input_ids, attention_mask, token_type_ids: (batch, tokens) int64
        ->  token_states: (batch, tokens, hidden)

No torch is involved: weights are read with ``safetensors.numpy`` and the graph is built with
``onnx.helper``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

OPSET = 17


class _Graph:
    def __init__(self) -> None:
        self.nodes: list = []
        self.initializers: list = []
        self._count = 0

    def name(self, hint: str) -> str:
        self._count += 1
        return f"{hint}_{self._count}"

    def const(self, hint: str, value: np.ndarray) -> str:
        from onnx import numpy_helper

        name = self.name(hint)
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(self, kind: str, inputs: list[str], **attributes: Any) -> str:
        from onnx import helper

        output = self.name(kind.lower())
        self.nodes.append(helper.make_node(kind, inputs, [output], **attributes))
        return output

    def linear(self, x: str, weight: np.ndarray, bias: np.ndarray, hint: str) -> str:
        """x @ weight.T + bias, with torch's (out, in) weight layout."""
        product = self.op("MatMul", [x, self.const(f"{hint}_w", weight.T.astype(np.float32))])
        return self.op("Add", [product, self.const(f"{hint}_b", bias.astype(np.float32))])

    def layer_norm(self, x: str, gamma: np.ndarray, beta: np.ndarray, eps: float, hint: str):
        return self.op(
            "LayerNormalization",
            [x, self.const(f"{hint}_g", gamma), self.const(f"{hint}_b", beta)],
            axis=-1,
            epsilon=eps,
        )


def bert_graph(
    weights_path: Path,
    config: dict[str, Any],
    deltas: dict[str, np.ndarray] | None = None,
    token_states: bool = False,
) -> bytes:
    """Serialized ONNX model of the encoder in ``weights_path`` (a safetensors file).

    ``deltas`` are added to the named weights (``encoder.layer.0.attention.self.query.weight``,
    torch's (out, in) layout): a trained low-rank adapter, merged. ``token_states`` gives the
    act encoder's form (token types in, token states out) instead of mean pooling."""
    from onnx import TensorProto, helper
    from safetensors.numpy import load_file

    w = load_file(str(weights_path))
    prefix = "bert." if "bert.embeddings.word_embeddings.weight" in w else ""
    for name, delta in (deltas or {}).items():
        w[prefix + name] = (w[prefix + name] + delta).astype(np.float32)
    hidden = int(config["hidden_size"])
    heads = int(config["num_attention_heads"])
    head_size = hidden // heads
    eps = float(config.get("layer_norm_eps", 1e-12))
    g = _Graph()

    def p(name: str) -> np.ndarray:
        return w[prefix + name]

    # 1. embeddings: word + absolute position + token type 0, then layer norm -> (B, T, H)
    words = g.op("Gather", [g.const("word_emb", p("embeddings.word_embeddings.weight")), "input_ids"])
    length = g.op("Shape", ["input_ids"], start=1, end=2)  # (1,): T
    position_emb = g.op(
        "Slice",
        [
            g.const("pos_emb", p("embeddings.position_embeddings.weight")),
            g.const("start", np.array([0])),
            length,
            g.const("axis0", np.array([0])),
        ],
    )
    types = p("embeddings.token_type_embeddings.weight")
    if token_states:
        token_type = g.op("Gather", [g.const("type_emb", types), "token_type_ids"])
    else:
        token_type = g.const("type_emb", types[0])
    x = g.op("Add", [g.op("Add", [words, position_emb]), token_type])
    x = g.layer_norm(
        x, p("embeddings.LayerNorm.weight"), p("embeddings.LayerNorm.bias"), eps, "emb_ln"
    )

    # 2. attention bias from the mask: 0 for tokens, a large negative for padding -> (B, 1, 1, T)
    mask = g.op("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    blocked = g.op("Sub", [g.const("ones", np.array(1.0, dtype=np.float32)), mask])
    bias = g.op("Mul", [blocked, g.const("neg", np.array(-1e9, dtype=np.float32))])
    bias = g.op("Unsqueeze", [bias, g.const("axes12", np.array([1, 2]))])
    split_shape = g.const("split", np.array([0, 0, heads, head_size]))
    merge_shape = g.const("merge", np.array([0, 0, hidden]))
    scale = g.const("scale", np.array(1.0 / np.sqrt(head_size), dtype=np.float32))
    half = g.const("half", np.array(0.5, dtype=np.float32))
    root2 = g.const("root2", np.array(np.sqrt(2.0), dtype=np.float32))
    one = g.const("one_f", np.array(1.0, dtype=np.float32))

    # 3. encoder blocks (post-LN): self-attention, add & norm, GELU feed-forward, add & norm
    for layer in range(int(config["num_hidden_layers"])):
        at = f"encoder.layer.{layer}.attention."

        def heads_of(name: str, perm: list[int], at=at, x=x) -> str:
            projected = g.linear(x, p(f"{at}self.{name}.weight"), p(f"{at}self.{name}.bias"), name)
            return g.op("Transpose", [g.op("Reshape", [projected, split_shape])], perm=perm)

        query = heads_of("query", [0, 2, 1, 3])  # (B, heads, T, d)
        key = heads_of("key", [0, 2, 3, 1])  # (B, heads, d, T)
        value = heads_of("value", [0, 2, 1, 3])  # (B, heads, T, d)
        scores = g.op("Add", [g.op("Mul", [g.op("MatMul", [query, key]), scale]), bias])
        context = g.op("MatMul", [g.op("Softmax", [scores], axis=-1), value])
        context = g.op("Reshape", [g.op("Transpose", [context], perm=[0, 2, 1, 3]), merge_shape])
        attended = g.linear(context, p(f"{at}output.dense.weight"), p(f"{at}output.dense.bias"), "o")
        x = g.layer_norm(
            g.op("Add", [attended, x]),
            p(f"{at}output.LayerNorm.weight"),
            p(f"{at}output.LayerNorm.bias"),
            eps,
            "attn_ln",
        )
        block = f"encoder.layer.{layer}."
        inner = g.linear(
            x, p(f"{block}intermediate.dense.weight"), p(f"{block}intermediate.dense.bias"), "ff1"
        )
        gelu = g.op(
            "Mul",
            [g.op("Mul", [inner, half]), g.op("Add", [g.op("Erf", [g.op("Div", [inner, root2])]), one])],
        )
        out = g.linear(gelu, p(f"{block}output.dense.weight"), p(f"{block}output.dense.bias"), "ff2")
        x = g.layer_norm(
            g.op("Add", [out, x]),
            p(f"{block}output.LayerNorm.weight"),
            p(f"{block}output.LayerNorm.bias"),
            eps,
            "ff_ln",
        )

    inputs = [
        helper.make_tensor_value_info(name, TensorProto.INT64, ["batch", "tokens"])
        for name in ("input_ids", "attention_mask", "token_type_ids")[: 3 if token_states else 2]
    ]
    if token_states:
        g.nodes.append(helper.make_node("Identity", [x], ["token_states"]))
        output = helper.make_tensor_value_info(
            "token_states", TensorProto.FLOAT, ["batch", "tokens", hidden]
        )
        return _serialised(g, "bert_token_states", inputs, output)

    # 4. mean pooling over real tokens -> (B, H)
    token_mask = g.op("Unsqueeze", [mask, g.const("axis2", np.array([2]))])
    axis1 = g.const("axis1", np.array([1]))
    summed = g.op("ReduceSum", [g.op("Mul", [x, token_mask]), axis1], keepdims=0)
    counted = g.op("ReduceSum", [token_mask, axis1], keepdims=0)
    floor = g.const("floor", np.array(1e-9, dtype=np.float32))
    g.nodes.append(
        helper.make_node("Div", [summed, g.op("Max", [counted, floor])], ["sentence_embedding"])
    )

    output = helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT, ["batch", hidden])
    return _serialised(g, "bert_mean_pooling", inputs, output)


def _serialised(g: _Graph, name: str, inputs: list, output) -> bytes:
    from onnx import helper

    graph = helper.make_graph(g.nodes, name, inputs, [output], g.initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8
    return model.SerializeToString()
