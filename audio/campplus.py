"""CAM++ speaker embedding as a pyannote.audio ``Model``, so pyannote's diarization pipeline
uses it through its own embedding interface (``PyannoteAudioPretrainedSpeakerEmbedding``).

Network: CAM++ from 3D-Speaker (Apache-2.0, modelscope/3D-Speaker speakerlab/models/campplus),
re-expressed here with the same parameter names so the shipped state dict loads unchanged.
The pipeline passes per-frame speaker activations as ``weights`` and expects one embedding per
(chunk, speaker). CAM++ gates every frame with utterance-level context, so pooling weights
alone would let the other speaker's frames leak into that context: instead, only the frames
where the speaker is active are fed to the network (falling back to weighted pooling when a
speaker is active for too few frames to embed).
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import torch
import torch.nn.functional as F
import torchaudio.compliance.kaldi as kaldi
from pyannote.audio.core.model import Model
from pyannote.audio.models.blocks.pooling import StatsPool
from torch import nn

NUM_MEL_BINS = 80
EMBEDDING_DIM = 192
MIN_ACTIVE_FRAMES = 40  # 0.4 s of fbank frames


class _BasicResBlock(nn.Module):
    def __init__(self, in_planes: int, planes: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride=(stride, 1), padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_planes != planes:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_planes, planes, 1, stride=(stride, 1), bias=False),
                nn.BatchNorm2d(planes),
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(out)) + self.shortcut(x))


class _FCM(nn.Module):
    """2-D convolutional front end over (batch, mels, frames)."""

    def __init__(self, channels: int = 32, feat_dim: int = NUM_MEL_BINS) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, channels, 3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.layer1 = nn.Sequential(
            _BasicResBlock(channels, channels, 2), _BasicResBlock(channels, channels, 1)
        )
        self.layer2 = nn.Sequential(
            _BasicResBlock(channels, channels, 2), _BasicResBlock(channels, channels, 1)
        )
        self.conv2 = nn.Conv2d(channels, channels, 3, stride=(2, 1), padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)
        self.out_channels = channels * (feat_dim // 8)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x.unsqueeze(1))))
        out = self.layer2(self.layer1(out))
        out = F.relu(self.bn2(self.conv2(out)))
        batch, channels, mels, frames = out.shape
        return out.reshape(batch, channels * mels, frames)


def _bn_relu(channels: int, affine: bool = True) -> nn.Sequential:
    return nn.Sequential(
        OrderedDict(
            [
                ("batchnorm", nn.BatchNorm1d(channels, affine=affine)),
                ("relu", nn.ReLU(inplace=True)),
            ]
        )
    )


class _TDNNLayer(nn.Module):
    def __init__(self, in_ch: int, out_ch: int, kernel: int, stride: int = 1) -> None:
        super().__init__()
        self.linear = nn.Conv1d(
            in_ch, out_ch, kernel, stride=stride, padding=(kernel - 1) // 2, bias=False
        )
        self.nonlinear = _bn_relu(out_ch)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.nonlinear(self.linear(x))


class _CAMLayer(nn.Module):
    """Context-aware masking: a local conv gated by segment- and utterance-level context."""

    def __init__(self, bn_ch: int, out_ch: int, kernel: int, dilation: int) -> None:
        super().__init__()
        self.linear_local = nn.Conv1d(
            bn_ch,
            out_ch,
            kernel,
            padding=(kernel - 1) // 2 * dilation,
            dilation=dilation,
            bias=False,
        )
        self.linear1 = nn.Conv1d(bn_ch, bn_ch // 2, 1)
        self.relu = nn.ReLU(inplace=True)
        self.linear2 = nn.Conv1d(bn_ch // 2, out_ch, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        local = self.linear_local(x)
        context = x.mean(-1, keepdim=True) + self._segment_pool(x)
        return local * torch.sigmoid(self.linear2(self.relu(self.linear1(context))))

    @staticmethod
    def _segment_pool(x: torch.Tensor, seg_len: int = 100) -> torch.Tensor:
        pooled = F.avg_pool1d(x, kernel_size=seg_len, stride=seg_len, ceil_mode=True)
        expanded = pooled.unsqueeze(-1).expand(*pooled.shape, seg_len)
        return expanded.reshape(*pooled.shape[:-1], -1)[..., : x.shape[-1]]


class _CAMDenseTDNNLayer(nn.Module):
    def __init__(self, in_ch: int, out_ch: int, bn_ch: int, kernel: int, dilation: int) -> None:
        super().__init__()
        self.nonlinear1 = _bn_relu(in_ch)
        self.linear1 = nn.Conv1d(in_ch, bn_ch, 1, bias=False)
        self.nonlinear2 = _bn_relu(bn_ch)
        self.cam_layer = _CAMLayer(bn_ch, out_ch, kernel, dilation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.cam_layer(self.nonlinear2(self.linear1(self.nonlinear1(x))))


class _CAMDenseTDNNBlock(nn.ModuleList):
    def __init__(
        self, layers: int, in_ch: int, growth: int, bn_ch: int, kernel: int, dilation: int
    ) -> None:
        super().__init__()
        for index in range(layers):
            self.add_module(
                f"tdnnd{index + 1}",
                _CAMDenseTDNNLayer(in_ch + index * growth, growth, bn_ch, kernel, dilation),
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self:
            x = torch.cat([x, layer(x)], dim=1)
        return x


class _TransitLayer(nn.Module):
    def __init__(self, in_ch: int, out_ch: int) -> None:
        super().__init__()
        self.nonlinear = _bn_relu(in_ch)
        self.linear = nn.Conv1d(in_ch, out_ch, 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(self.nonlinear(x))


class _DenseLayer(nn.Module):
    def __init__(self, in_ch: int, out_ch: int) -> None:
        super().__init__()
        self.linear = nn.Conv1d(in_ch, out_ch, 1, bias=False)
        self.nonlinear = nn.Sequential(
            OrderedDict([("batchnorm", nn.BatchNorm1d(out_ch, affine=False))])
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.nonlinear(self.linear(x.unsqueeze(-1)).squeeze(-1))


class CamPlusPlus(Model):
    """CAM++ speaker embedding, 16 kHz mono in, 192-d embedding out.

    ``forward(waveforms (batch, 1, samples), weights (batch, frames) | None) -> (batch, 192)``.
    """

    def __init__(self, sample_rate: int = 16_000, num_channels: int = 1) -> None:
        super().__init__(sample_rate=sample_rate, num_channels=num_channels)
        self.head = _FCM()
        channels = self.head.out_channels
        self.xvector = nn.Sequential(OrderedDict([("tdnn", _TDNNLayer(channels, 128, 5, 2))]))
        channels = 128
        for index, (layers, kernel, dilation) in enumerate([(12, 3, 1), (24, 3, 2), (16, 3, 2)]):
            self.xvector.add_module(
                f"block{index + 1}", _CAMDenseTDNNBlock(layers, channels, 32, 128, kernel, dilation)
            )
            channels += layers * 32
            self.xvector.add_module(f"transit{index + 1}", _TransitLayer(channels, channels // 2))
            channels //= 2
        self.xvector.add_module("out_nonlinear", _bn_relu(channels))
        self.xvector.add_module("dense", _DenseLayer(channels * 2, EMBEDDING_DIM))
        self.pooling = StatsPool()

    @classmethod
    def from_state_dict(cls, path: str | Path) -> CamPlusPlus:
        model = cls()
        state = torch.load(str(path), map_location="cpu", weights_only=True)
        model.load_state_dict(state, strict=True)
        return model.eval()

    @property
    def dimension(self) -> int:
        return EMBEDDING_DIM

    def fbank(self, waveforms: torch.Tensor) -> torch.Tensor:
        """80-bin Kaldi fbank, (batch, 1, samples) -> (batch, frames, 80), not normalised."""
        return torch.stack(
            [
                kaldi.fbank(
                    waveform * (1 << 15),
                    num_mel_bins=NUM_MEL_BINS,
                    sample_frequency=self.hparams.sample_rate,
                    dither=0.0,
                )
                for waveform in waveforms
            ]
        )

    def embed_features(
        self, features: torch.Tensor, weights: torch.Tensor | None = None
    ) -> torch.Tensor:
        """(batch, frames, 80) mean-normalised fbank -> (batch, 192)."""
        frames = self.head(features.transpose(1, 2))
        for name, layer in self.xvector.named_children():
            if name != "dense":
                frames = layer(frames)
        return self.xvector.dense(self.pooling(frames, weights=weights))

    def forward(self, waveforms: torch.Tensor, weights: torch.Tensor | None = None) -> torch.Tensor:
        features = self.fbank(waveforms)
        if weights is None:
            return self.embed_features(features - features.mean(dim=1, keepdim=True))
        active = (
            F.interpolate(
                weights.unsqueeze(1).float(), size=features.shape[1], mode="nearest"
            ).squeeze(1)
            > 0.5
        )
        embeddings = []
        for item, keep, weight in zip(features, active, weights, strict=True):
            if not bool(weight.gt(0).any()):
                # a local speaker silent in this chunk: pyannote drops NaN embeddings before
                # clustering, so computing one (a third of all windows in a 2-party call) is waste
                embeddings.append(torch.full((1, EMBEDDING_DIM), float("nan")))
            elif int(keep.sum()) >= MIN_ACTIVE_FRAMES:
                selected = item[keep]
                embeddings.append(self.embed_features((selected - selected.mean(0))[None]))
            else:
                normalised = (item - item.mean(0))[None]
                embeddings.append(self.embed_features(normalised, weights=weight[None]))
        return torch.cat(embeddings)
