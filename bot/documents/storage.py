"""Uploaded files on disk, named by the SHA-256 of their content: the same file twice is stored once.

The path comes only from the hash (`ab/abcdef....pdf` under the documents directory), never from the name the
browser sent. A file is written to a temporary file in the same directory and renamed into place, so a reader
never sees half a file and two processes storing the same bytes at once both end with the one whole file.
Files are never deleted here: a document's history points at them (a file whose database row was rolled back
stays as an unreferenced file, harmless, and is reused if the same bytes come again).
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.config import get_settings


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    relative_path: str  # relative to the documents directory; what the database keeps
    created: bool  # False when the same content was already stored


def documents_dir() -> Path:
    return get_settings().documents_dir


def relative_path_for(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256}.pdf"


def store(data: bytes) -> StoredFile:
    """Store `data` under its content hash (once); return where it is."""
    digest = hashlib.sha256(data).hexdigest()
    relative = relative_path_for(digest)
    target = documents_dir() / relative
    if target.exists() and target.stat().st_size == len(data):
        return StoredFile(digest, relative, created=False)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".upload-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o640)
        os.replace(temp, target)
    except BaseException:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise
    return StoredFile(digest, relative, created=True)


def path_of(relative_path: str) -> Path:
    """The absolute path of a stored file, refusing anything that is not a hash path under the directory."""
    base = documents_dir().resolve()
    path = (base / relative_path).resolve()
    if base not in path.parents:
        raise ValueError("not a stored document path")
    return path


def read(relative_path: str) -> bytes:
    return path_of(relative_path).read_bytes()
