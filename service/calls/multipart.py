"""Stream a multipart upload straight to disk, hashing as it goes, and stop reading the
moment it is over the size limit (Starlette's form parser would read it all first)."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from python_multipart import MultipartParser
from python_multipart.multipart import parse_options_header

from service.errors import CallqaError

MAX_FIELD_BYTES = 64 * 1024


class UploadError(CallqaError):
    """A multipart body that cannot be taken (its ``status`` says why: 400, 413, 415, 422)."""

    code = "bad_upload"


@dataclass
class StreamedUpload:
    fields: dict[str, str] = field(default_factory=dict)
    file_path: Path | None = None
    filename: str = ""
    content_type: str = ""
    size: int = 0
    sha256: str = ""


def _disposition(headers: dict[bytes, bytes]) -> tuple[str, str | None]:
    _, options = parse_options_header(headers.get(b"content-disposition", b""))
    name = options.get(b"name", b"").decode("utf-8", "replace")
    filename = options.get(b"filename")
    return name, None if filename is None else filename.decode("utf-8", "replace")


async def receive(
    content_type: str,
    chunks: AsyncIterator[bytes],
    target: Path,
    max_bytes: int,
    file_field: str = "file",
) -> StreamedUpload:
    """Parse ``chunks`` (the request body); the ``file_field`` part is written to ``target``."""
    kind, options = parse_options_header(content_type)
    if kind != b"multipart/form-data" or b"boundary" not in options:
        raise UploadError(
            "send multipart/form-data with the recording in the field 'file'",
            status=415, code="not_multipart",
        )
    upload = StreamedUpload()
    digest = hashlib.sha256()
    state: dict = {"headers": {}, "name": "", "buffer": bytearray(), "out": None, "field": None}

    def on_header_field(data, start, end):
        state["header_name"] = state.get("header_name", b"") + data[start:end]

    def on_header_value(data, start, end):
        state["header_value"] = state.get("header_value", b"") + data[start:end]

    def on_header_end():
        state["headers"][state.pop("header_name", b"").lower()] = state.pop("header_value", b"")

    def on_headers_finished():
        name, filename = _disposition(state["headers"])
        state["name"] = name
        if name == file_field and filename is not None:
            if upload.file_path is not None:  # a second file would replace the first
                raise UploadError(f"send one file in {file_field!r}, not several",
                                  status=422, code="several_files")
            upload.filename = filename
            upload.content_type = state["headers"].get(b"content-type", b"").decode()
            state["out"] = target.open("wb")
            upload.file_path = target
        else:
            state["field"] = bytearray()

    def on_part_data(data, start, end):
        piece = data[start:end]
        if state["out"] is not None:
            upload.size += len(piece)
            if upload.size > max_bytes:
                raise UploadError(
                    f"the recording is over the {max_bytes // 2**20} MB limit",
                    status=413, code="too_large",
                )
            digest.update(piece)
            state["out"].write(piece)
        else:
            state["field"] += piece
            if len(state["field"]) > MAX_FIELD_BYTES:
                raise UploadError(f"form field {state['name']!r} is too long", status=422)

    def on_part_end():
        if state["out"] is not None:
            state["out"].close()
            state["out"] = None
        elif state["field"] is not None:
            upload.fields[state["name"]] = state["field"].decode("utf-8", "replace")
        state["headers"], state["field"] = {}, None

    parser = MultipartParser(
        options[b"boundary"],
        {
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
            "on_end": lambda: state.update(ended=True),
        },
    )
    try:
        async for chunk in chunks:
            parser.write(chunk)
        parser.finalize()
        if not state.get("ended"):
            raise UploadError(
                "the upload ended before its closing boundary: it was cut off in transit; "
                "send it again", status=400, code="truncated_upload",
            )
    except UploadError:
        raise
    except Exception as error:  # python-multipart's parse errors
        raise UploadError(f"malformed multipart body: {error}", status=400) from error
    finally:
        if state["out"] is not None:
            state["out"].close()
    if upload.file_path is None:
        raise UploadError(f"no file in the multipart field {file_field!r}", status=422, code="no_file")
    upload.sha256 = digest.hexdigest()
    return upload
