"""Nothing a user saved is ever lost, and no file can make load_params misbehave.

Every file here lives in a temporary folder; special files (FIFOs, folders, symlinks) are made
there too, never outside it.
"""

from __future__ import annotations

import io
import os
import re
import signal
import stat
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import mlp_fn as mf
from mlp_fn._internal import files as _files

P = mf.init_params([2, 3, 1], seed=0)
ACTS = ["tanh", "sigmoid"]


def good_archive(tmp: Path) -> bytes:
    mf.save_params(tmp / "good.npz", P, ACTS, "bce")
    return (tmp / "good.npz").read_bytes()


def npy_bytes(a: np.ndarray[Any, Any]) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, a)
    return buffer.getvalue()


def archive(members: list[tuple[str, bytes]], compression: int = zipfile.ZIP_STORED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as z:
        for name, data in members:
            z.writestr(name, data)
    return out.getvalue()


def with_header(shape: tuple[int, ...], descr: str = "<f8", data: bytes = bytes(8)) -> bytes:
    """A .npy member whose header declares ``shape`` and ``descr``, followed by ``data``."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": descr, "fortran_order": False,
                                                  "shape": shape})
    return header.getvalue() + data


def duplicated(tmp: Path) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good_archive(tmp))) as src, \
            zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        with pytest.warns(UserWarning, match="Duplicate name"):
            dst.writestr("params.W1.npy", npy_bytes(np.full((3, 2), 9.0)))
    return out.getvalue()


def encrypted_flag(tmp: Path) -> bytes:
    data = bytearray(good_archive(tmp))
    # Set bit 0 (encrypted) of the general-purpose flags in every local and central header.
    for sig, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = data.find(sig)
        while i >= 0:
            data[i + offset] |= 0x1
            i = data.find(sig, i + 4)
    return bytes(data)


BOMB_BYTES = 400 * 2**20  # a 400 MiB member of zeros: deflates to about 400 KB


@pytest.mark.parametrize("name, make, pattern", [
    ("header declares 1e7 x 1e7", lambda t: archive([("W1.npy", with_header((10**7, 10**7)))]),
     r"declares shape \(10000000, 10000000\)"),
    ("member is not .npy", lambda t: archive([("W1.txt", b"hello")]), r"not a plain \.npy"),
    ("member in a folder", lambda t: archive([("x/W1.npy", npy_bytes(np.ones(2)))]),
     r"not a plain \.npy"),
    ("bzip2 compression", lambda t: archive([("W1.npy", npy_bytes(np.ones(2)))],
                                            zipfile.ZIP_BZIP2), r"unsupported compression"),
    ("lzma compression", lambda t: archive([("W1.npy", npy_bytes(np.ones(2)))],
                                           zipfile.ZIP_LZMA), r"unsupported compression"),
    ("encrypted member", encrypted_flag, r"encrypted"),
    ("duplicated member", duplicated, r"appears twice"),
    ("integer data", lambda t: archive([("W1.npy", npy_bytes(np.ones(2, dtype=np.int64)))]),
     r"holds int64 data"),
    ("object data", lambda t: archive([("W1.npy", with_header((2,), "|O", bytes(16)))]),
     r"needs pickle"),
    ("zip bomb", lambda t: archive([("W1.npy", with_header((BOMB_BYTES // 8,), "<f8",
                                                           bytes(BOMB_BYTES)))],
                                   zipfile.ZIP_DEFLATED),
     r"member 'W1.npy' has shape \(52428800,\)"),
    ("empty file", lambda t: b"", r"not an \.npz archive"),
])
def test_load_refuses_hostile_archives(tmp_path: Path, name: str, make: Any,
                                       pattern: str) -> None:
    path = tmp_path / "bad.npz"
    path.write_bytes(make(tmp_path))
    with pytest.raises(ValueError, match=pattern) as err:
        mf.load_params(path)
    assert str(path) in str(err.value)


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    # A member declaring more than MAX_READ_BYTES is refused from the central directory alone.
    data = archive([("W1.npy", bytes(2**20))], zipfile.ZIP_DEFLATED)
    path = tmp_path / "bomb.npz"
    path.write_bytes(data)
    small = _files.MAX_READ_BYTES
    try:
        _files.MAX_READ_BYTES = 2**19
        with pytest.raises(ValueError, match=r"would unpack to 1,048,576 bytes"):
            mf.load_params(path)
    finally:
        _files.MAX_READ_BYTES = small


def test_special_files_are_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.npz"
    os.mkfifo(fifo)
    start = time.monotonic()
    with pytest.raises(ValueError, match="not a regular file"):
        mf.load_params(fifo)  # opening a FIFO for reading would block until a writer comes
    with pytest.raises(ValueError, match="not a regular file"):
        mf.load_params(tmp_path)
    with pytest.raises(ValueError, match="not a regular file"):
        mf.save_params(fifo, P, ACTS, "bce")
    with pytest.raises(ValueError, match="not a regular file"):
        mf.save_params(tmp_path, P, ACTS, "bce")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)  # the pipe is still a pipe
    assert time.monotonic() - start < 5


def test_a_checkpoint_path_is_named_as_train_takes_it(tmp_path: Path) -> None:
    # train has no argument "path": its file's messages name the one it has, once.
    X, Y = mf.data.xor()
    os.mkfifo(tmp_path / "pipe.npz")
    (tmp_path / "a_folder").mkdir()
    for given, says in [(tmp_path / "none" / "c.npz", r": the folder .* does not exist"),
                        (tmp_path / "a_folder", r" is not a regular file"),
                        (tmp_path / "pipe.npz", r" is not a regular file")]:
        with pytest.raises(ValueError, match=f"^checkpoint: {re.escape(repr(str(given)))}{says}"):
            mf.train(X, Y, P, ACTS, "bce", learning_rate=0.1, epochs=1, checkpoint=given)
    mf.save_params(tmp_path / "params.npz", P, ACTS, "bce")
    with pytest.raises(ValueError, match=r"^checkpoint: '[^']*params\.npz' holds params, not a "
                                         r"training checkpoint; .*Pass another path"):
        mf.train(X, Y, P, ACTS, "bce", learning_rate=0.1, epochs=1,
                 checkpoint=tmp_path / "params.npz")


def test_a_missing_file_is_both_kinds_of_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        mf.load_params(tmp_path / "nothing.npz")
    with pytest.raises(ValueError):
        mf.load_params(tmp_path / "nothing.npz")


# --- saving ---------------------------------------------------------------------------------------

def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".mlp_fn-tmp"))


def test_a_failed_save_leaves_the_old_file_and_no_temporary(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "m.npz"
    mf.save_params(path, P, ACTS, "bce")
    before = path.read_bytes()

    def fail(*a: Any, **k: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", fail)
    with pytest.raises(OSError, match="disk full"):
        mf.save_params(path, mf.init_params([2, 3, 1], seed=1), ACTS, "bce")
    assert path.read_bytes() == before and leftovers(tmp_path) == []


def test_a_save_replaces_only_mlp_fns_own_files(tmp_path: Path) -> None:
    """save_params and model.save wrote over any file they were pointed at (a CSV, a text, an
    archive of np.savez's): now such a file is left byte for byte and the refusal says so. An
    empty file (made to be written into) and every archive mlp_fn wrote, of any kind, are
    replaced as before; train refuses such a file as its checkpoint without offering to delete
    it."""
    from mlp_fn import model

    net = model.network(2, [[3, "tanh"], [1, "sigmoid"]], "bce")
    mine = {"notes.txt": b"my notes\n", "data.csv": b"x1,x2,label\n1,2,0\n"}
    buffer = io.BytesIO()
    np.savez(buffer, a=np.ones(3))
    mine["weights.npz"] = buffer.getvalue()
    for name, data in mine.items():
        (tmp_path / name).write_bytes(data)
        found = "an archive that mlp_fn did not write" if name.endswith(".npz") else \
            "a file that is not an .npz archive"
        saves: list[Callable[[Path], None]] = [lambda p: mf.save_params(p, P, ACTS, "bce"),
                                               lambda p: model.save(net, p)]
        for save in saves:
            with pytest.raises(ValueError, match=f"holds {found}; mlp_fn replaces only its own"):
                save(tmp_path / name)
        X, Y = mf.data.xor()
        with pytest.raises(ValueError) as err:
            mf.train(X, Y, P, ACTS, "bce", learning_rate=0.1, epochs=1,
                     checkpoint=tmp_path / name)
        assert str(err.value).startswith(f"checkpoint: {str(tmp_path / name)!r} holds {found}")
        assert "delete it or" not in str(err.value)
        assert (tmp_path / name).read_bytes() == data and leftovers(tmp_path) == []
    (tmp_path / "empty.npz").touch()
    mf.save_params(tmp_path / "empty.npz", P, ACTS, "bce")
    model.save(net, tmp_path / "empty.npz")  # a network over params: both mlp_fn's
    mf.save_params(tmp_path / "empty.npz", P, ACTS, "bce")  # and back
    assert mf.load_params(tmp_path / "empty.npz")[1] == ACTS

def test_a_stale_temporary_of_a_dead_process_is_removed(tmp_path: Path) -> None:
    path = tmp_path / "m.npz"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    stale = tmp_path / f".m.npz.{dead.stdout.strip()}-1.mlp_fn-tmp"
    stale.write_bytes(b"half a model")
    alive = tmp_path / f".m.npz.{os.getpid()}-999.mlp_fn-tmp"  # a live writer's: left alone
    alive.write_bytes(b"being written")
    mf.save_params(path, P, ACTS, "bce")
    assert leftovers(tmp_path) == [alive.name]


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_files_follow_the_umask(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        mf.save_params(tmp_path / "m.npz", P, ACTS, "bce")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "m.npz").st_mode) == 0o666 & ~umask


def test_saving_onto_a_symlink_writes_its_target(tmp_path: Path) -> None:
    real = tmp_path / "models" / "real.npz"
    real.parent.mkdir()
    link = tmp_path / "latest.npz"
    link.symlink_to(real)
    mf.save_params(link, P, ACTS, "bce")
    assert link.is_symlink() and real.is_file()
    loaded, _, _ = mf.load_params(real)
    assert all(np.array_equal(loaded[k], P[k]) for k in P)


SAVER = """
import sys, numpy as np, mlp_fn as mf
path, n = sys.argv[1], int(sys.argv[2])
acts = ["tanh", "sigmoid"]
i = 0
while True:
    i += 1
    p = {"W1": np.full((n, 2), float(i)), "b1": np.zeros((n, 1)), "W2": np.full((1, n), float(i)),
         "b2": np.zeros((1, 1))}
    mf.save_params(path, p, acts, "bce")
    if i == 1:
        print("saved", flush=True)
"""


def test_killing_a_save_never_loses_the_last_good_model(tmp_path: Path) -> None:
    # A process saves a 4 MB model over and over; SIGKILL it at random moments. Each time the
    # file must load as a complete model (every weight equal: one save, not a mix), and the next
    # save must clean up the temporary file the killed one left.
    path = tmp_path / "m.npz"
    rng = np.random.default_rng(0)
    kills = 8
    for _ in range(kills):
        with subprocess.Popen([sys.executable, "-c", SAVER, str(path), "250000"],
                              stdout=subprocess.PIPE, text=True) as proc:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "saved"
            time.sleep(float(rng.uniform(0.0, 0.3)))
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        params, _, _ = mf.load_params(path)
        assert len(np.unique(params["W1"])) == 1 and params["W1"][0, 0] == params["W2"][0, 0]
    mf.save_params(path, P, ACTS, "bce")
    assert leftovers(tmp_path) == []
