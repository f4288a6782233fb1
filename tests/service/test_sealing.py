"""Sealed originals: what goes in comes out, in chunks; a cut, altered or reordered file and the
wrong master key are refused, never returned as audio."""

from __future__ import annotations

import base64
import os

import pytest

from service.errors import CallqaError
from service.privacy import sealing


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(sealing, "CHUNK", 1000)


def test_round_trip_and_damage_is_refused(tmp_path, small_chunks):
    master = os.urandom(32)
    key = sealing.data_key(master, sealing.new_wrapped_data_key(master))
    for size in (0, 999, 1000, 4321):
        data = os.urandom(size)
        source, sealed = tmp_path / "in", tmp_path / "sealed"
        source.write_bytes(data)
        sealing.seal(source, sealed, key)
        assert data[:16] not in sealed.read_bytes() or size == 0
        assert b"".join(sealing.unseal(sealed, key)) == data
    raw = sealed.read_bytes()
    for damaged in (raw[:-1016],  # the last chunk cut off: the one before is not marked last
                    raw[:12],  # nothing but the header
                    raw[:100] + bytes([raw[100] ^ 1]) + raw[101:],  # one bit flipped
                    raw[:12] + raw[12 + 1016:2 * 1016 + 12] + raw[12:12 + 1016] + raw[12 + 2032:]):
        sealed.write_bytes(damaged)
        with pytest.raises(CallqaError, match="altered or cut short"):
            b"".join(sealing.unseal(sealed, key))


def test_master_key_is_required_and_checked():
    with pytest.raises(CallqaError, match="CALLQA_MASTER_KEY"):
        sealing.master_key("")
    with pytest.raises(CallqaError, match="32 bytes"):
        sealing.master_key("too-short")
    master = base64.urlsafe_b64encode(os.urandom(32)).decode()
    wrapped = sealing.new_wrapped_data_key(sealing.master_key(master))
    with pytest.raises(CallqaError, match="another master key"):
        sealing.data_key(os.urandom(32), wrapped)
