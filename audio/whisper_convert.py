"""Convert a CTranslate2 Whisper model (``model.bin`` + ``config.json``) to an openai-whisper
checkpoint, so the openai-whisper backend runs offline on the weights we already ship.

CTranslate2 stores the same tensors under other names, with the q/k/v projections of each
self-attention fused into one matrix (and cross-attention k/v fused): those are split back.
Whisper's key projection has no bias; CTranslate2 stores zeros for it, which are dropped.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import re
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from audio.errors import ModelNotFoundError

# order of CTranslate2's DataType enum (include/ctranslate2/types.h)
_CT2_DTYPES = ("float32", "int8", "int16", "int32", "float16", "bfloat16")


@dataclass(frozen=True)
class Ct2Model:
    spec: str
    variables: dict[str, np.ndarray]  # name -> tensor as stored (float16/float32/int)
    config: dict


def read_ct2(directory: Path) -> Ct2Model:
    """Parse ``directory/model.bin`` (binary format version 6) and ``config.json``."""
    buffer = (directory / "model.bin").read_bytes()
    offset = 0

    def take(fmt: str):
        nonlocal offset
        (value,) = struct.unpack_from("<" + fmt, buffer, offset)
        offset += struct.calcsize(fmt)
        return value

    def take_string() -> str:
        nonlocal offset
        length = take("H")  # includes the trailing NUL
        text = buffer[offset : offset + length - 1].decode("utf-8")
        offset += length
        return text

    version = take("I")
    if version > 6:
        raise ModelNotFoundError(
            f"{directory}: CTranslate2 binary version {version} is newer than 6"
        )
    spec = take_string()
    take("I")  # spec revision
    variables: dict[str, np.ndarray] = {}
    for _ in range(take("I")):
        name = take_string()
        shape = tuple(take("I") for _ in range(take("B")))
        dtype = _CT2_DTYPES[take("B")]
        size = take("I")
        if dtype == "bfloat16":
            raw = np.frombuffer(buffer, np.uint16, size // 2, offset).astype(np.uint32) << 16
            array = raw.view(np.float32)
        else:
            array = np.frombuffer(buffer, dtype, size // np.dtype(dtype).itemsize, offset)
        variables[name] = array.reshape(shape)
        offset += size
    for _ in range(take("I")):
        alias, target = take_string(), take_string()
        variables[alias] = variables[target]
    config = json.loads((directory / "config.json").read_text())
    return Ct2Model(spec, variables, config)


def _attention(v: dict, source: str, target: str, fused: str) -> dict[str, np.ndarray]:
    """Split a fused projection: ``fused`` 'qkv' (self-attention) or 'q+kv' (cross)."""
    out: dict[str, np.ndarray] = {}
    if fused == "qkv":
        weights = np.split(v[f"{source}/linear_0/weight"], 3)
        biases = np.split(v[f"{source}/linear_0/bias"], 3)
        output = "linear_1"
    else:
        weights = [v[f"{source}/linear_0/weight"], *np.split(v[f"{source}/linear_1/weight"], 2)]
        biases = [v[f"{source}/linear_0/bias"], *np.split(v[f"{source}/linear_1/bias"], 2)]
        output = "linear_2"
    for name, weight, bias in zip(("query", "key", "value"), weights, biases, strict=True):
        out[f"{target}.{name}.weight"] = weight
        if name != "key":
            out[f"{target}.{name}.bias"] = bias
    out[f"{target}.out.weight"] = v[f"{source}/{output}/weight"]
    out[f"{target}.out.bias"] = v[f"{source}/{output}/bias"]
    return out


def _norm(v: dict, source: str, target: str) -> dict[str, np.ndarray]:
    return {f"{target}.weight": v[f"{source}/gamma"], f"{target}.bias": v[f"{source}/beta"]}


def _mlp(v: dict, source: str, target: str) -> dict[str, np.ndarray]:
    out = _norm(v, f"{source}/layer_norm", f"{target}.mlp_ln")
    for ct2_index, torch_index in ((0, 0), (1, 2)):
        for part in ("weight", "bias"):
            out[f"{target}.mlp.{torch_index}.{part}"] = v[f"{source}/linear_{ct2_index}/{part}"]
    return out


def _count_layers(v: dict, stack: str) -> int:
    return len({match[1] for name in v if (match := re.match(rf"{stack}/layer_(\d+)/", name))})


def to_openai_state(model: Ct2Model) -> tuple[dict, dict[str, np.ndarray]]:
    """(ModelDimensions as a dict, openai-whisper state dict of numpy arrays)."""
    if model.spec != "WhisperSpec":
        raise ModelNotFoundError(f"not a CTranslate2 Whisper model: {model.spec}")
    v = model.variables
    state: dict[str, np.ndarray] = {}
    for conv in ("conv1", "conv2"):
        state[f"encoder.{conv}.weight"] = v[f"encoder/{conv}/weight"]
        state[f"encoder.{conv}.bias"] = v[f"encoder/{conv}/bias"]
    state["encoder.positional_embedding"] = v["encoder/position_encodings/encodings"]
    encoder_layers, decoder_layers = _count_layers(v, "encoder"), _count_layers(v, "decoder")
    for i in range(encoder_layers):
        src, dst = f"encoder/layer_{i}", f"encoder.blocks.{i}"
        state |= _attention(v, f"{src}/self_attention", f"{dst}.attn", "qkv")
        state |= _norm(v, f"{src}/self_attention/layer_norm", f"{dst}.attn_ln")
        state |= _mlp(v, f"{src}/ffn", dst)
    state |= _norm(v, "encoder/layer_norm", "encoder.ln_post")
    state["decoder.token_embedding.weight"] = v["decoder/embeddings/weight"]
    state["decoder.positional_embedding"] = v["decoder/position_encodings/encodings"]
    for i in range(decoder_layers):
        src, dst = f"decoder/layer_{i}", f"decoder.blocks.{i}"
        state |= _attention(v, f"{src}/self_attention", f"{dst}.attn", "qkv")
        state |= _norm(v, f"{src}/self_attention/layer_norm", f"{dst}.attn_ln")
        state |= _attention(v, f"{src}/attention", f"{dst}.cross_attn", "q+kv")
        state |= _norm(v, f"{src}/attention/layer_norm", f"{dst}.cross_attn_ln")
        state |= _mlp(v, f"{src}/ffn", dst)
    state |= _norm(v, "decoder/layer_norm", "decoder.ln")
    dims = {
        "n_mels": int(v["encoder/conv1/weight"].shape[1]),
        "n_audio_ctx": int(v["encoder/position_encodings/encodings"].shape[0]),
        "n_audio_state": int(v["encoder/conv1/weight"].shape[0]),
        "n_audio_head": int(v["encoder/num_heads"]),
        "n_audio_layer": encoder_layers,
        "n_vocab": int(v["decoder/embeddings/weight"].shape[0]),
        "n_text_ctx": int(v["decoder/position_encodings/encodings"].shape[0]),
        "n_text_state": int(v["decoder/embeddings/weight"].shape[1]),
        "n_text_head": int(v["decoder/num_heads"]),
        "n_text_layer": decoder_layers,
    }
    return dims, state


def alignment_heads_dump(model: Ct2Model, dims: dict) -> bytes:
    """The config's (layer, head) alignment pairs in openai-whisper's base85(gzip(bool)) form."""
    mask = np.zeros((dims["n_text_layer"], dims["n_text_head"]), dtype=bool)
    for layer, head in model.config.get("alignment_heads", []):
        mask[layer, head] = True
    return base64.b85encode(gzip.compress(mask.tobytes()))


def convert(ct2_directory: Path, checkpoint: Path) -> Path:
    """Write an openai-whisper checkpoint (float16 tensors) to ``checkpoint``, atomically."""
    from audio.models import import_torch

    torch = import_torch()

    if not (ct2_directory / "model.bin").is_file():
        raise ModelNotFoundError(f"{ct2_directory} has no CTranslate2 model.bin")
    model = read_ct2(ct2_directory)
    dims, state = to_openai_state(model)
    tensors = {name: torch.from_numpy(np.array(array)) for name, array in state.items()}
    checkpoint.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=checkpoint.parent, suffix=".part", delete=False) as out:
        torch.save(
            {
                "dims": dims,
                "model_state_dict": tensors,
                "alignment_heads": alignment_heads_dump(model, dims),
            },
            out,
        )
    os.chmod(out.name, 0o644)
    os.replace(out.name, checkpoint)
    return checkpoint
