"""The README and docs/*.md: every relative link and image resolves (file
and heading), every config and tool they name exists, and the README's
test command is the one .ci/run extracts and runs."""

import re
import subprocess
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / 'README.md', *sorted((ROOT / 'docs').glob('*.md'))]
FENCE = re.compile(r'^```.*?^```', re.M | re.S)
LINK = re.compile(r'!?\[[^\]]*\]\(([^)\s]+)\)')
# A path into configs/ or tools/ that starts a word (not ".../tools/x").
NAMED_PATH = re.compile(r'(?<![\w./-])((?:configs|tools)/[\w./{},*<>…-]*)')
# Leaf configs named relative to configs/, as in the README's table.
LEAF_CONFIG = re.compile(
    r'(?<![\w./-])((?:%s)/[\w.-]+\.py)'
    % '|'.join(d.name for d in (ROOT / 'configs').iterdir() if d.is_dir())
)
PATTERN_CHARS = set('{}*<>…')
MARKER = '<!-- ci:test-command -->'


def page_id(page: Path) -> str:
    return str(page.relative_to(ROOT))


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped,
    spaces to hyphens."""
    text = re.sub(r'[^\w\- ]', '', heading.strip().lower())
    return text.replace(' ', '-')


def anchors(page: Path) -> List[str]:
    text = FENCE.sub('', page.read_text())
    return [slug(h) for h in re.findall(r'^#+ (.+)$', text, re.M)]


def relative_links(page: Path) -> Iterator[Tuple[str, Path, str]]:
    """(link as written, the file it names, its #fragment) of every link and
    image outside code blocks that is not a URL."""
    for target in LINK.findall(FENCE.sub('', page.read_text())):
        if re.match(r'[a-z]+:', target):
            continue
        path, _, fragment = target.partition('#')
        yield target, (page.parent / path) if path else page, fragment


@pytest.mark.parametrize('page', PAGES, ids=page_id)
def test_relative_links_and_images_resolve(page):
    broken = []
    for target, path, fragment in relative_links(page):
        if not path.exists():
            broken.append(f'{target}: no such file')
        elif fragment and fragment not in anchors(path):
            broken.append(f'{target}: no heading #{fragment} in {path.name}')
    assert not broken, f'{page_id(page)}: {broken}'


@pytest.mark.parametrize('page', PAGES, ids=page_id)
def test_named_configs_and_tools_exist(page):
    text = page.read_text()
    named = {
        p.rstrip('.,:;')
        for p in NAMED_PATH.findall(text)
        + ['configs/' + p for p in LEAF_CONFIG.findall(text)]
        if not PATTERN_CHARS & set(p)
    }
    missing = sorted(p for p in named if not (ROOT / p).exists())
    assert not missing, f'{page_id(page)} names missing paths: {missing}'


def test_pages_name_configs_and_tools():
    """The path check above has something to check: the README's commands
    are found by its pattern."""
    named = set(NAMED_PATH.findall((ROOT / 'README.md').read_text()))
    assert 'tools/train.py' in named
    assert 'configs/demo/pfr-adv_deeplabv2-r18gn_1xb2-600_synthetic.py' in (
        named
    )


def readme_test_command() -> str:
    """The one line of the code block right after the CI marker."""
    lines = (ROOT / 'README.md').read_text().splitlines()
    at = lines.index(MARKER)
    assert lines[at + 1] == '```bash', 'a bash block must follow the marker'
    assert lines[at + 3] == '```', 'the test command must be one line'
    return lines[at + 2]


def test_readme_test_command_is_what_ci_runs():
    ci = (ROOT / '.ci/run').read_text()
    program = re.search(r"awk '([^']+)' README\.md", ci).group(1)
    extracted = subprocess.run(
        ['awk', program, 'README.md'],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert extracted == readme_test_command()
    assert extracted.startswith('pip install torch==2.13.0 -e ".[tests]"')
    assert extracted.endswith('&& python -m pytest -q')


# A block that shows a shipped config, and a command the docs promise runs.
CONFIG_BLOCK = re.compile(
    r'^<!-- docs:config (\S+) -->\n```python\n(.*?)^```', re.M | re.S
)
RUN_BLOCK = re.compile(r'^<!-- docs:run -->\n```bash\n(.*?)^```', re.M | re.S)


def code_of(config: Path) -> str:
    """A config file's text without its comment lines."""
    lines = config.read_text().splitlines()
    return '\n'.join(x for x in lines if not x.startswith('#')).strip()


@pytest.mark.parametrize('page', PAGES, ids=page_id)
def test_config_blocks_are_the_shipped_configs(page):
    for path, block in CONFIG_BLOCK.findall(page.read_text()):
        assert block.strip() == code_of(ROOT / path), path


def run_blocks() -> List[Tuple[str, str]]:
    return [
        (page_id(page), command.strip())
        for page in PAGES
        for command in RUN_BLOCK.findall(page.read_text())
    ]


def test_pages_mark_blocks_to_check():
    text = (ROOT / 'docs/own_backbone.md').read_text()
    assert len(CONFIG_BLOCK.findall(text)) == 2
    assert len(RUN_BLOCK.findall(text)) == 1


@pytest.mark.parametrize('page, command', run_blocks())
def test_run_blocks_run(page, command):
    result = subprocess.run(
        command, shell=True, cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, f'{page}: {command}\n{result.stderr}'
