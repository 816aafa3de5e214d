"""Writing and reading .npz archives safely: the one place mlp_fn touches files.

Writing (``write_npz``) never loses what a user saved: the archive goes to a temporary file beside
the target, is flushed and fsynced, then renamed over the target in one step, and the folder is
fsynced so the rename itself survives a crash. A failed or interrupted write removes its temporary
file; one left by a killed process is removed by the next write to the same target. The file
follows the user's umask, a symlink is written through to its target, and anything that is not a
regular file (a device, a FIFO, a folder) is refused rather than replaced.

Reading (``read_npz``) trusts nothing in the file: only regular files are opened (a FIFO would
block), only plain ``.npy`` members of float32, float64 or unicode data are accepted, each
member's header must agree with its size before anything is allocated, the whole archive may not
unpack to more than ``MAX_READ_BYTES``, duplicated, encrypted or oddly compressed members are
refused, and nothing is ever unpickled. Every failure is a ValueError naming the path.
"""

from __future__ import annotations

import os
import stat
import struct
import threading
import zipfile
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any

import numpy as np

__all__ = ["MAX_READ_BYTES", "ModelFileNotFound", "ArchiveOfAnotherKind", "checked_path",
           "real_target", "append_bytes", "truncate_to", "write_npz", "write_bytes", "read_npz",
           "Expect"]

#: The most a file may unpack to: 4 GiB, beyond any network mlp_fn is meant for.
MAX_READ_BYTES = 2**32

_TMP_SUFFIX = ".mlp_fn-tmp"


class ModelFileNotFound(FileNotFoundError, ValueError):
    """The path names no file: both a FileNotFoundError (what Python code expects) and a
    ValueError (what mlp_fn promises for bad input)."""


class ArchiveOfAnotherKind(ValueError):
    """An archive of mlp_fn's of another kind than the one asked for: a file the user saved,
    which no message may offer to delete."""


def _describe(path: Any, name: str = "path") -> str:
    """The path as a message names it, led by the argument it came in (``name``)."""
    return f"{name}: {os.fspath(path)!r}"


def checked_path(path: Any, name: str = "path") -> Path:
    """``path`` as a Path, or TypeError; ``name`` is the argument it came in, as every
    function here takes it for its messages (``train``'s ``checkpoint``)."""
    if not isinstance(path, (str, os.PathLike)) or isinstance(path, bytes):
        raise TypeError(f"{name}: expected a str or os.PathLike, got {type(path).__name__}")
    p = Path(path)
    if not str(p) or str(p) == ".":
        raise ValueError(f"{name}: expected a file name, got {os.fspath(path)!r}")
    return p


# ----------------------------------------------------------------------------------------------
# Writing
# ----------------------------------------------------------------------------------------------

def _target(path: Path, name: str = "path") -> Path:
    """Where the bytes go: through symlinks to the real file; refused unless it is a regular file
    or does not exist yet."""
    real = Path(os.path.realpath(path))
    try:
        mode = os.stat(real).st_mode
    except FileNotFoundError:
        if not real.parent.is_dir():
            raise ValueError(f"{_describe(path, name)}: the folder {str(real.parent)!r} does not "
                             f"exist") from None
        return real
    if not stat.S_ISREG(mode):
        raise ValueError(f"{_describe(path, name)} is not a regular file (a folder, device or "
                         f"pipe); mlp_fn writes models only to regular files")
    return real


def real_target(path: Path, name: str = "path") -> Path:
    """Where a write to ``path`` goes: through symlinks to the real file, which must be a regular
    file or not exist yet (ValueError otherwise)."""
    return _target(path, name)


def append_bytes(path: Path, data: bytes, *, keep: int) -> None:
    """Append ``data`` to the regular file ``path`` after its first ``keep`` bytes (anything
    beyond them, left by an interrupted earlier write, is cut off first), flushed and fsynced."""
    target = _target(path)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT, 0o666)
    try:
        os.ftruncate(fd, keep)
        os.lseek(fd, keep, os.SEEK_SET)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def truncate_to(path: Path, size: int) -> None:
    """Cut the regular file ``path`` to ``size`` bytes, if it exists and is longer."""
    target = _target(path)
    if target.exists() and target.stat().st_size > size:
        os.truncate(target, size)


def _remove_stale(target: Path) -> None:
    """Remove temporary files of earlier writes to ``target`` whose process is gone."""
    for old in target.parent.glob(f".{target.name}.*{_TMP_SUFFIX}"):
        pid_text = old.name[len(target.name) + 2:-len(_TMP_SUFFIX)].split("-")[0]
        try:
            os.kill(int(pid_text), 0)
            continue  # that process still runs: perhaps it is writing right now
        except (ValueError, ProcessLookupError):
            pass
        except PermissionError:
            continue
        try:
            old.unlink()
        except OSError:
            pass


def write_npz(path: Any, arrays: Mapping[str, np.ndarray[Any, Any]], name: str = "path") -> None:
    """Write ``arrays`` as an .npz archive at ``path``, atomically (see the module docstring)."""
    _write(path, lambda f: np.savez(f, **dict(arrays)), name)  # type: ignore[arg-type]


def write_bytes(path: Any, data: bytes) -> None:
    """Write ``data`` at ``path``, atomically, as ``write_npz`` writes (an image, say)."""
    _write(path, lambda f: f.write(data))


def _write(path: Any, fill: Callable[[IO[bytes]], object], name: str = "path") -> None:
    target = _target(checked_path(path, name), name)
    _remove_stale(target)
    tmp = target.parent / f".{target.name}.{os.getpid()}-{threading.get_ident()}{_TMP_SUFFIX}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # 0o666 & ~umask
    try:
        with os.fdopen(fd, "wb") as f:
            fill(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_folder(target.parent)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # some systems cannot open a folder; the rename is done all the same
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ----------------------------------------------------------------------------------------------
# Reading
# ----------------------------------------------------------------------------------------------

_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError,
                NotImplementedError, RuntimeError, struct.error, SyntaxError, TypeError)


#: ``expect(name, shape, dtype)``: whether a member of that name may hold such an array; asked
#: after the header is read and before any data is, so a file is refused before it is unpacked.
Expect = Callable[[str, tuple[int, ...], np.dtype[Any]], bool]


def _member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, where: str,
            expect: Expect) -> np.ndarray[Any, Any]:
    """One .npy member, its header checked against its declared size and against ``expect``
    before reading the data."""
    name = info.filename
    if not name.endswith(".npy") or "/" in name or name.startswith("."):
        raise ValueError(f"{where}: member {name!r} is not a plain .npy array")
    if info.flag_bits & 0x1:
        raise ValueError(f"{where}: member {name!r} is encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ValueError(f"{where}: member {name!r} uses an unsupported compression "
                         f"({info.compress_type})")
    with zf.open(info) as member:
        version = np.lib.format.read_magic(member)
        read_header: Callable[[IO[bytes]], tuple[tuple[int, ...], bool, np.dtype[Any]]]
        if version == (1, 0):
            read_header = np.lib.format.read_array_header_1_0
        elif version == (2, 0):
            read_header = np.lib.format.read_array_header_2_0
        else:
            raise ValueError(f"{where}: member {name!r} has .npy version {version}")
        shape, fortran, dtype = read_header(member)
        if dtype.hasobject or not ((dtype.kind == "f" and dtype.itemsize in (4, 8))
                                   or dtype.kind == "U"):
            raise ValueError(f"{where}: member {name!r} holds {dtype} data; mlp_fn files hold "
                             f"only float32, float64 and text (nothing that needs pickle)")
        if not expect(name[:-4], shape, dtype):
            raise ValueError(f"{where}: member {name!r} has shape {shape} and dtype {dtype}, "
                             f"not what this kind of file holds")
        count = 1
        for n in shape:
            count *= int(n)
        nbytes = count * dtype.itemsize
        if nbytes != info.file_size - member.tell():
            raise ValueError(f"{where}: member {name!r} declares shape {shape} ({nbytes} bytes) "
                             f"but holds {info.file_size - member.tell()} bytes")
        data = member.read(nbytes)
    if len(data) != nbytes:
        raise ValueError(f"{where}: member {name!r} is truncated")
    flat = np.frombuffer(data, dtype=dtype)
    array = flat.reshape(shape[::-1]).T if fortran else flat.reshape(shape)
    return np.array(array, dtype=dtype.newbyteorder("="), order="C")  # an own, writeable copy


def read_npz(path: Any, expect: Expect, name: str = "path") -> dict[str, np.ndarray[Any, Any]]:
    """Every array of the .npz archive at ``path`` (names without '.npy'); ValueError for
    anything that is not a well-formed archive of plain arrays, or holds a member ``expect``
    refuses (see the module docstring)."""
    p = checked_path(path, name)
    where = _describe(path, name)
    try:
        mode = os.stat(p).st_mode
    except FileNotFoundError:
        raise ModelFileNotFound(2, "No such file", os.fspath(path)) from None
    except OSError as err:
        raise ValueError(f"{where} cannot be read ({err})") from None
    if not stat.S_ISREG(mode):
        raise ValueError(f"{where} is not a regular file (a folder, device or pipe)")
    try:
        with open(p, "rb") as f:
            magic = f.read(6)
            f.seek(0)
            if magic.startswith(b"\x93NUMPY"):
                raise ValueError(f"{where} is not an mlp_fn model: a single .npy array, not an "
                                 f".npz archive")
            if not magic.startswith(b"PK"):
                kind = "a pickle, which is never loaded" if magic[:1] == b"\x80" else "not a zip"
                raise ValueError(f"{where} is not an .npz archive ({kind})")
            with zipfile.ZipFile(f) as zf:
                infos = zf.infolist()
                names = [i.filename for i in infos]
                if len(set(names)) != len(names):
                    raise ValueError(f"{where}: a member appears twice; refusing to choose one")
                total = sum(i.file_size for i in infos)
                if total > MAX_READ_BYTES:
                    raise ValueError(f"{where} would unpack to {total:,} bytes, more than the "
                                     f"{MAX_READ_BYTES:,} mlp_fn reads")
                return {i.filename[:-4]: _member(zf, i, where, expect) for i in infos}
    except ValueError as err:
        if str(err).startswith(where):
            raise
        raise ValueError(f"{where} is not a readable .npz file ({err})") from None
    except _READ_ERRORS as err:
        raise ValueError(f"{where} is not a readable .npz file ({type(err).__name__}: "
                         f"{err})") from None
