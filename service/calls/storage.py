"""Where recordings live: a local directory (default) or an S3-compatible bucket.

Audio is stored under generated names, never the uploader's file name."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from service.settings import Settings


class Storage(Protocol):
    def put(self, local_path: Path, suffix: str) -> str:
        """Move ``local_path`` into storage; returns its key."""

    def local_copy(self, key: str) -> Path:
        """A local file path to read the audio from (a temp download for remote storage)."""

    def release(self, key: str, path: Path) -> None:
        """Done with ``local_copy``'s path."""

    def open_path(self, key: str) -> Path | None:
        """A path servable directly (local storage) or None."""

    def delete(self, key: str) -> None: ...

    def keys_older_than(self, age_s: float) -> Iterator[str]:
        """Every stored key last written more than ``age_s`` seconds ago."""


def _generated_name(suffix: str) -> str:
    clean = "".join(ch for ch in suffix.lower() if ch.isalnum())[:8]
    return f"{uuid.uuid4().hex}.{clean or 'bin'}"


class LocalStorage:
    def __init__(self, root: Path):
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"bad storage key {key!r}")
        return path

    def put(self, local_path: Path, suffix: str) -> str:
        key = _generated_name(suffix)
        key = f"{key[:2]}/{key}"
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(local_path, target)
        return key

    def local_copy(self, key: str) -> Path:
        return self._path(key)

    def release(self, key: str, path: Path) -> None:
        pass

    def open_path(self, key: str) -> Path | None:
        path = self._path(key)
        return path if path.is_file() else None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys_older_than(self, age_s: float) -> Iterator[str]:
        cutoff = time.time() - age_s
        for path in self.root.rglob("*"):
            if path.is_file() and path.stat().st_mtime < cutoff:
                yield path.relative_to(self.root).as_posix()


class S3Storage:
    """Any S3-compatible store (AWS, MinIO, Ceph). Credentials come from boto3's usual chain."""

    def __init__(self, bucket: str, prefix: str, endpoint_url: str | None, scratch: Path):
        import boto3  # optional dependency: pip install callqa[s3]

        self.client = boto3.client("s3", endpoint_url=endpoint_url or None)
        self.bucket, self.prefix, self.scratch = bucket, prefix, scratch
        scratch.mkdir(parents=True, exist_ok=True)

    def put(self, local_path: Path, suffix: str) -> str:
        key = self.prefix + _generated_name(suffix)
        self.client.upload_file(str(local_path), self.bucket, key)
        local_path.unlink(missing_ok=True)
        return key

    def local_copy(self, key: str) -> Path:
        handle, name = tempfile.mkstemp(dir=self.scratch, suffix=Path(key).suffix)
        os.close(handle)
        self.client.download_file(self.bucket, key, name)
        return Path(name)

    def release(self, key: str, path: Path) -> None:
        path.unlink(missing_ok=True)

    def open_path(self, key: str) -> Path | None:
        return None

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=key)

    def keys_older_than(self, age_s: float) -> Iterator[str]:
        cutoff = time.time() - age_s
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        for page in pages:
            for item in page.get("Contents", []):
                if item["LastModified"].timestamp() < cutoff:
                    yield item["Key"]


def storage_for(settings: Settings) -> Storage:
    if settings.storage == "s3":
        return S3Storage(
            settings.s3_bucket,
            settings.s3_prefix,
            settings.s3_endpoint_url,
            settings.data_dir / "scratch",
        )
    if settings.storage != "local":
        raise ValueError(f"CALLQA_STORAGE must be local or s3, not {settings.storage!r}")
    return LocalStorage(settings.audio_dir)
