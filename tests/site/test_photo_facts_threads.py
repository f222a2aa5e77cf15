"""What the photos of items hold is found on several threads while the repository is read
(a cold `warta validate` of 1,000 items spent most of its first second decoding photos on
one core): the facts are the ones one thread finds, and a large photo that is not a JPEG is
still decoded by the thread that reads the repository, so the memory a decoding takes is
held once."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from PIL import Image

from warta.adapters import photos
from warta.repository import photo_facts, scan

FOLDER = "content/berita/2026/foto/"


def _png(size: tuple[int, int], colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def _jpeg(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.radial_gradient("L").resize(size).convert("RGB").save(out, "JPEG", quality=85)
    return out.getvalue()


def _newsroom(root: Path, photos_by_name: dict[str, bytes]) -> Path:
    folder = root / FOLDER
    (folder / "images").mkdir(parents=True)
    (folder / "index.md").write_text("---\ntitle: Foto\n---\nIsi.\n", encoding="utf-8")
    for name, data in photos_by_name.items():
        (folder / "images" / name).write_bytes(data)
    return root.resolve()


def _facts(root: Path, jobs: int) -> dict[str, photos.PhotoFacts | None]:
    tree = scan(root, None, None, photo_facts(root, None), jobs=jobs)
    (source,) = tree.items
    return {o.rel: o.photo for o in source.folder if o.kind == "file"}


def test_the_facts_found_on_threads_are_the_ones_one_thread_finds(tmp_path: Path) -> None:
    large = _png((2100, 2000), (200, 30, 30))  # (4.2 million pixels: not read ahead)
    root = _newsroom(
        tmp_path,
        {
            "a.jpg": _jpeg((1200, 800)),
            "b.png": _png((640, 480), (10, 120, 40)),
            "besar.png": large,
            "terpotong.jpg": _jpeg((1600, 1200))[:3000],
            "palsu.jpg": _png((64, 48), (1, 2, 3)),
            "c.jpg": _jpeg((300, 200)),
        },
    )
    one = _facts(root, 1)
    assert _facts(root, 2) == one == _facts(root, 4)
    assert one["images/besar.png"] == photos.PhotoFacts("PNG", 2100, 2000, len(large))
    assert one["images/a.jpg"] is not None and one["images/a.jpg"].width == 1200
    problems = {rel: f.problem for rel, f in one.items() if f is not None and f.problem}
    assert set(problems) == {"images/terpotong.jpg", "images/palsu.jpg"}


def test_a_large_photo_is_not_inspected_on_a_thread_reading_ahead() -> None:
    large = _png((2100, 2000), (200, 30, 30))
    small = _png((1000, 1000), (200, 30, 30))
    found: dict[str, object] = {}

    def inspect(name: str, data: bytes) -> None:
        try:
            found[name] = photos.inspect(data, ".png")
        except photos.LargePhoto as exc:
            found[name] = exc

    def ahead() -> None:
        photos.reading_ahead()
        inspect("large ahead", large)
        inspect("small ahead", small)

    for work in (ahead, lambda: inspect("large on another thread", large)):
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
    assert isinstance(found["large ahead"], photos.LargePhoto)
    assert found["small ahead"] == photos.PhotoFacts("PNG", 1000, 1000, len(small))
    facts = photos.PhotoFacts("PNG", 2100, 2000, len(large))
    assert found["large on another thread"] == facts
    assert photos.inspect(large, ".png") == facts


def _ahead(data: bytes, suffix: str) -> object:
    """What a thread reading ahead makes of ``data``: its facts, or LargePhoto."""
    found: list[object] = []

    def work() -> None:
        photos.reading_ahead()
        try:
            found.append(photos.inspect(data, suffix))
        except photos.LargePhoto as exc:
            found.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    return found[0]


def _jpeg_of(size: tuple[int, int], **options: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (120, 60, 30)).save(out, "JPEG", **options)
    return out.getvalue()


def test_a_progressive_jpeg_or_a_gif_is_not_read_ahead() -> None:
    """A progressive JPEG holds all its scans while it is decoded, even at an eighth of its
    size (10,000 x 10,000 pixels in 2.3 MB took 800 MB, on every thread at once: found by
    an independent attack), and Pillow holds a GIF's comments whole: neither is read
    ahead. A baseline JPEG of any size is."""
    baseline = _jpeg_of((2500, 2000))
    assert _ahead(baseline, ".jpg") == photos.inspect(baseline, ".jpg")
    assert isinstance(_ahead(_jpeg_of((2500, 2000), progressive=True), ".jpg"), photos.LargePhoto)
    small = _jpeg_of((1000, 800), progressive=True)
    assert _ahead(small, ".jpg") == photos.inspect(small, ".jpg")
    gif = io.BytesIO()
    Image.new("P", (40, 30)).save(gif, "GIF")
    assert isinstance(_ahead(gif.getvalue(), ".gif"), photos.LargePhoto)
    assert photos.inspect(gif.getvalue(), ".gif").problem == ""


def test_a_repository_read_on_another_thread_finds_the_same_facts(tmp_path: Path) -> None:
    """A server may read the repository on a thread of its own: a large photo is then
    inspected there, never refused (the first version of this raised on any thread but the
    main one)."""
    root = _newsroom(
        tmp_path,
        {"besar.png": _png((2100, 2000), (200, 30, 30)), "a.jpg": _jpeg((1200, 800))},
    )
    found: dict[int, object] = {}

    def read() -> None:
        try:
            found[2] = _facts(root, 2)
        except Exception as exc:  # (shown by the assertion below)
            found[2] = exc

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    assert found[2] == _facts(root, 1)


_PEAK = """
import json, sys
from pathlib import Path
from warta.repository import photo_facts, scan
root = Path(sys.argv[1])
tree = scan(root, None, None, photo_facts(root, None), jobs=int(sys.argv[2]))
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps([peak, [o.photo.width for s in tree.items for o in s.folder if o.photo]]))
"""


def test_large_photos_read_on_two_threads_take_the_memory_of_one(tmp_path: Path) -> None:
    """Four 17.6-million-pixel PNGs (70 MB each decoded, 60 KB each as files): decoded on
    two threads, the second thread's heap kept one more decoded photo (177 against 114 MB
    at the peak); they are decoded by the thread that reads the repository, as by one."""
    root = _newsroom(
        tmp_path, {f"{n}.png": _png((4200, 4200), (200, 30 + n, 30)) for n in range(4)}
    )
    env = {**os.environ, "PYTHONPATH": str(Path(photos.__file__).parents[2])}

    def peak(jobs: int) -> int:
        done = subprocess.run(
            [sys.executable, "-c", _PEAK, str(root), str(jobs)],
            capture_output=True, text=True, timeout=120, check=False, env=env,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        kib, widths = json.loads(done.stdout)
        assert widths == [4200] * 4
        return int(kib)

    one, two = peak(1), peak(2)
    assert two - one < 30 * 1024, (one, two)  # (one decoded photo is 70 MB)
