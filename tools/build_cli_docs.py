"""Regenerate docs/cli.md from the commands' own --help and the settings table.

`tests/test_docs.py` fails when docs/cli.md is out of date, so the reference cannot drift
from the code. Run: ``.venv/bin/python tools/build_cli_docs.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def render() -> str:
    from click.testing import CliRunner

    from detente.cli import cli
    from detente.registry import exporters
    from detente.settings import setting_table

    runner = CliRunner()
    parts = [
        "# Command-line reference",
        "",
        "Generated from `detente --help` by `tools/build_cli_docs.py`; a test keeps it current.",
        "",
        "```",
        runner.invoke(cli, ["--help"], prog_name="detente", terminal_width=100).output.rstrip(),
        "```",
    ]
    for name in sorted(cli.commands):
        result = runner.invoke(cli, [name, "--help"], prog_name="detente", terminal_width=100)
        parts += ["", f"## detente {name}", "", "```", result.output.rstrip(), "```"]
    parts += ["", "## Settings", "", "| name | default | what it does |", "|---|---|---|"]
    for s in setting_table().values():
        parts.append(f"| `{s.name}` | `{s.default!r}` | {s.help} |")
    parts += ["", "## Export formats", ""]
    for name in exporters().names():
        doc = (exporters().get(name).__doc__ or "").strip().splitlines()
        parts.append(f"- `{name}`: {doc[0] if doc else ''}")
    return "\n".join(parts) + "\n"


def main() -> None:
    text = render()
    if "--check" in sys.argv:
        sys.exit(0 if DOC.exists() and DOC.read_text(encoding="utf-8") == text else 1)
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
