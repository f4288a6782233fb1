"""Originals kept sealed: a tenant's recordings before masking, encrypted with the tenant's own
data key, which is stored only wrapped (encrypted) by the server's master key
(``CALLQA_MASTER_KEY``, 32 bytes as URL-safe base64; never in the database).

File format: b"CQA1" | 8-byte salt | chunks. Each chunk is AES-256-GCM over at most 1 MiB of
plaintext with nonce salt + 4-byte counter; its associated data marks the last chunk, so a
truncated or reordered file fails to open. A file streams through in chunks: a long recording
is never held whole."""

from __future__ import annotations

import base64
import binascii
import os
import struct
from collections.abc import Iterator
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from service.errors import CallqaError, Invalid

MAGIC = b"CQA1"
CHUNK = 1 << 20
TAG = 16
_MORE, _LAST = b"more", b"last"


class SealingUnavailable(CallqaError):
    status, code = 409, "no_master_key"


def master_key(text: str) -> bytes:
    """The master key from settings; refused with what to do when missing or malformed."""
    if not text:
        raise SealingUnavailable(
            "keeping originals needs a master key on the server: set CALLQA_MASTER_KEY to 32 "
            "random bytes as URL-safe base64 (python -c \"import os, base64; "
            "print(base64.urlsafe_b64encode(os.urandom(32)).decode())\")")
    try:
        key = base64.urlsafe_b64decode(text.encode())
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise Invalid("CALLQA_MASTER_KEY must be 32 bytes as URL-safe base64",
                      code="bad_master_key")
    return key


def new_wrapped_data_key(master: bytes) -> str:
    """A fresh tenant data key, wrapped by ``master`` (text to store on the tenant)."""
    nonce = os.urandom(12)
    wrapped = AESGCM(master).encrypt(nonce, os.urandom(32), b"callqa tenant key")
    return base64.urlsafe_b64encode(nonce + wrapped).decode()


def rewrapped(old_master: bytes, new_master: bytes, wrapped: str) -> str:
    """The same tenant data key, wrapped by ``new_master`` instead (its sealed files stay
    readable: only the wrapping changes)."""
    nonce = os.urandom(12)
    key = data_key(old_master, wrapped)
    return base64.urlsafe_b64encode(
        nonce + AESGCM(new_master).encrypt(nonce, key, b"callqa tenant key")).decode()


def data_key(master: bytes, wrapped: str) -> bytes:
    raw = base64.urlsafe_b64decode(wrapped.encode())
    try:
        return AESGCM(master).decrypt(raw[:12], raw[12:], b"callqa tenant key")
    except InvalidTag as error:
        raise Invalid("this tenant's originals were sealed under another master key",
                      code="wrong_master_key") from error


def seal(source: Path, target: Path, key: bytes) -> None:
    """Encrypt ``source`` into ``target`` chunk by chunk."""
    salt = os.urandom(8)
    cipher = AESGCM(key)
    with source.open("rb") as reader, target.open("wb") as writer:
        writer.write(MAGIC + salt)
        counter, block = 0, reader.read(CHUNK)
        while True:
            following = reader.read(CHUNK)
            last = not following
            nonce = salt + struct.pack(">I", counter)
            writer.write(cipher.encrypt(nonce, block, _LAST if last else _MORE))
            if last:
                return
            counter, block = counter + 1, following


def unseal(source: Path, key: bytes) -> Iterator[bytes]:
    """The plaintext of a sealed file, chunk by chunk; raises if it was altered or cut."""
    cipher = AESGCM(key)
    with source.open("rb") as reader:
        head = reader.read(len(MAGIC) + 8)
        if len(head) != len(MAGIC) + 8 or head[:len(MAGIC)] != MAGIC:
            raise Invalid("not a sealed callqa original", code="not_sealed")
        salt, counter = head[len(MAGIC):], 0
        block = reader.read(CHUNK + TAG)
        if not block:  # even an empty recording has one (last) chunk: this one was cut
            raise Invalid("the sealed original was altered or cut short",
                          code="sealed_original_damaged")
        while block:
            following = reader.read(CHUNK + TAG)
            nonce = salt + struct.pack(">I", counter)
            try:
                yield cipher.decrypt(nonce, block, _MORE if following else _LAST)
            except InvalidTag as error:
                raise Invalid("the sealed original was altered or cut short",
                              code="sealed_original_damaged") from error
            counter, block = counter + 1, following
