"""Writing output files so that a crash or a full disk never leaves one half-written."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

__all__ = ["atomic_write", "read_json", "writable_folder"]


def atomic_write(path, data) -> str:
    """Write ``data`` (str or bytes) to ``path`` via a temporary file in the same folder, then rename.

    Missing folders are created. The file gets the permissions of an ordinary new file (``mkstemp``
    alone would make it owner-only). A failure raises ``ValueError`` naming ``path`` (not the hidden
    temporary file) and the reason. Returns the path as a string.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as err:
        raise ValueError(f"cannot write {os.fspath(path)!r}: {err.strerror or err}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, path)
    except BaseException as err:
        if os.path.exists(tmp):
            os.remove(tmp)
        if isinstance(err, OSError):
            raise ValueError(f"cannot write {os.fspath(path)!r}: {err.strerror or err}") from None
        raise
    return str(path)


def writable_folder(folder) -> Path:
    """Create ``folder`` if needed and prove a file can be written there, before any work starts.

    Raises ``ValueError`` naming the folder and the reason otherwise.
    """
    path = Path(folder)
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=path, prefix=".write-test-")
        os.close(fd)
        os.remove(probe)
    except OSError as err:
        raise ValueError(f"cannot write to output folder {os.fspath(folder)!r}: {err.strerror or err}") from None
    return path


def read_json(path) -> dict:
    """Read a JSON object from ``path``; ``ValueError`` naming the file if it is missing, unreadable,
    not JSON, or not an object."""
    try:
        with open(path, encoding="utf-8") as fh:
            obj = json.load(fh)
    except OSError as err:
        raise ValueError(f"cannot read {os.fspath(path)!r}: {err.strerror or err}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ValueError(f"{os.fspath(path)!r} is not valid JSON: {err}") from None
    if not isinstance(obj, dict):
        raise ValueError(f"{os.fspath(path)!r} holds no saved result (expected a JSON object)")
    return obj
