"""Tiny ACDC and Dark Zurich folders in their official layouts, and what a
test server reads of an archive, for tests.

Layouts (the datasets' zips, as the ACDC and Dark Zurich pages ship them):
ACDC ``rgb_anon/{fog,night,rain,snow}/{train,val,test}/<sequence>/`` with
``..._ref`` twins holding ``*_rgb_ref_anon.png``; Dark Zurich
``rgb_anon/{train,val,test}/{day,twilight,night}/<sequence>/`` and
``rgb_anon/{val,test}_ref/day/<sequence>_ref/``. Each layout also holds
images that a test-server run must leave out.
"""

import io
import struct
import zipfile
from pathlib import Path
from typing import Dict, List, Tuple

from PIL import Image
from test_datasets.dataset_layouts import write_image

# (width, height): 16:9, as the real 1920x1080.
SIZE = (64, 36)

ACDC_TEST = [
    'fog/test/GOPR0475/GOPR0475_frame_000247_rgb_anon.png',
    'night/test/GOPR0355/GOPR0355_frame_000138_rgb_anon.png',
    'rain/test/GOPR0572/GOPR0572_frame_000145_rgb_anon.png',
    'snow/test/GOPR0122/GOPR0122_frame_000651_rgb_anon.png',
]
ACDC_OTHERS = [
    'fog/train/GOPR0476/GOPR0476_frame_000001_rgb_anon.png',
    'fog/val/GOPR0478/GOPR0478_frame_000451_rgb_anon.png',
    'fog/test_ref/GOPR0475/GOPR0475_frame_000247_rgb_ref_anon.png',
]
DARK_ZURICH_TEST = [
    'test/night/GOPR0364/GOPR0364_frame_000001_rgb_anon.png',
    'test/night/GP010364/GP010364_frame_000009_rgb_anon.png',
]
DARK_ZURICH_OTHERS = [
    'test_ref/day/GOPR0364_ref/GOPR0364_frame_000001_ref_rgb_anon.png',
    'val/night/GOPR0356/GOPR0356_frame_000321_rgb_anon.png',
    'train/night/GOPR0348/GOPR0348_frame_000003_rgb_anon.png',
]


def write_layout(root: Path, test: List[str], others: List[str]) -> Path:
    """Random RGB images at ``root/rgb_anon/<path>``; returns ``root``."""
    for seed, relative in enumerate(test + others):
        write_image(root / 'rgb_anon' / relative, SIZE, seed)
    return root


def make_acdc(root: Path) -> Path:
    """One test image per condition, plus train, val and reference
    images."""
    return write_layout(root, ACDC_TEST, ACDC_OTHERS)


def make_dark_zurich(root: Path) -> Path:
    """Two night test images in two sequences, plus a reference, a val and
    a train image."""
    return write_layout(root, DARK_ZURICH_TEST, DARK_ZURICH_OTHERS)


def names(relatives: List[str]) -> List[str]:
    """The file names of layout paths."""
    return [Path(relative).name for relative in relatives]


def read_archive(path: Path) -> Dict[str, bytes]:
    """Every member of a zip, by name."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def png_header(data: bytes) -> Tuple[int, int, int, int]:
    """(width, height, bit depth, colour type) from a PNG's IHDR chunk,
    what any reader of the file sees (colour type 0: greyscale)."""
    assert data[:8] == b'\x89PNG\r\n\x1a\n' and data[12:16] == b'IHDR'
    width, height, depth, colour = struct.unpack('>IIBB', data[16:26])
    return width, height, depth, colour


def open_png(data: bytes) -> Image.Image:
    """A PNG member of an archive, decoded."""
    image = Image.open(io.BytesIO(data))
    image.load()
    return image
