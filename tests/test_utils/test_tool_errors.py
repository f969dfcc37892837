"""utils.tool_errors: a tool's user error is one line and exit status 2;
the module sits below the layers that share it."""

import ast
from pathlib import Path

import pytest

from mmseg_pfr.utils.tool_errors import fail, require_file

PACKAGE = Path(__file__).resolve().parents[2] / 'mmseg_pfr'


def test_fail_is_one_error_line_and_status_2(capsys):
    with pytest.raises(SystemExit) as info:
        fail('config a.py does not exist')
    assert info.value.code == 2
    assert capsys.readouterr() == ('', 'error: config a.py does not exist\n')


def test_require_file_names_what_is_missing(tmp_path, capsys):
    present = tmp_path / 'iter_8.pth'
    present.write_bytes(b'')
    require_file(str(present), 'checkpoint')  # no exit
    for path in (tmp_path / 'missing.pth', tmp_path):  # a folder is no file
        with pytest.raises(SystemExit):
            require_file(str(path), 'checkpoint')
        assert capsys.readouterr().err == (
            f'error: checkpoint {path} does not exist\n'
        )


def imported_modules(path: Path) -> set:
    """The absolute names of the package modules that ``path`` imports."""
    package = '.'.join(path.relative_to(PACKAGE.parent).parent.parts)
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.rsplit('.', node.level - 1)[0]
            names.add(f'{base}.{node.module}' if node.module else base)
        elif isinstance(node, ast.ImportFrom):
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize('layer', ['compat', 'datasets', 'utils'])
def test_lower_layers_import_nothing_of_the_tools_layer(layer):
    # datasets/checks.py took require_file from apis/cli.py: the data layer
    # reached up into the tools'.
    offenders = {
        str(path.relative_to(PACKAGE)): sorted(
            name
            for name in imported_modules(path)
            if name.startswith('mmseg_pfr.apis')
        )
        for path in (PACKAGE / layer).rglob('*.py')
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_tools_layer_still_offers_both():
    from mmseg_pfr.apis import cli

    assert (cli.fail, cli.require_file) == (fail, require_file)
