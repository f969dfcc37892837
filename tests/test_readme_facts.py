"""The README says only what a user of the repository can check: no file
outside it, the suite's counts once, and the torch pin explained before
the first command that installs it."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / 'README.md').read_text()


def test_names_no_file_outside_the_repository():
    # The project's private notes and shared folders sit beside the clone
    # on our machines only.
    outside = re.findall(
        r'\.\./shared|shared/\w+|DESIGN|beside the clone', README
    )
    assert outside == []


def test_the_suites_counts_are_stated_once():
    assert len(re.findall(r'\d+ passed', README)) == 1
    assert len(re.findall(r'\d+ skipped', README)) == 1


def test_the_torch_pin_is_explained_before_its_first_command():
    first_command = README.index('pip install torch==2.13.0')
    explained = README.index('With an\nNVIDIA GPU, first install the torch')
    assert explained < first_command
    assert 'CPU-only' in README[:explained]
