"""The architecture stays visible: pure packages import no adapters, the domain imports no other room, and
every CLI command is documented (STYLE.md)."""

import ast
from pathlib import Path

import pytest
import typer.main

SRC = Path(__file__).resolve().parents[1] / "src" / "powbureau"
ADAPTERS = ("sqlalchemy", "alembic", "fastapi", "starlette", "typer", "uvicorn", "rich", "psycopg", "weasyprint")
ROOMS = ("store", "services", "web", "cli", "io")


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    pkg = path.relative_to(SRC.parent).with_suffix("").parts[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(pkg[: len(pkg) - node.level + 1])
                found.add(f"{base}.{node.module}" if node.module else base)
            else:
                found.add(node.module or "")
    return found


@pytest.mark.parametrize("room", ["domain", "names", "linkage"])
def test_pure_rooms_import_no_adapter_and_no_outer_room(room):
    bad = []
    for f in sorted((SRC / room).rglob("*.py")):
        for mod in imports_of(f):
            top = mod.split(".")[0]
            outer = mod.startswith("powbureau.") and mod.split(".")[1] in ROOMS
            if top in ADAPTERS or outer:
                bad.append(f"{f.relative_to(SRC)} imports {mod}")
    assert not bad, "\n".join(bad)


def test_domain_imports_nothing_from_the_other_rooms():
    bad = [f"{f.relative_to(SRC)} imports {m}" for f in (SRC / "domain").rglob("*.py") for m in imports_of(f)
           if m.startswith("powbureau.") and m.split(".")[1] != "domain"]
    assert not bad, "\n".join(bad)


def test_every_cli_command_is_documented():
    from powbureau.cli import app

    def walk(group, prefix=""):
        for name, cmd in getattr(group, "commands", {}).items():
            yield f"{prefix}{name}", cmd
            yield from walk(cmd, f"{prefix}{name} ")

    commands = list(walk(typer.main.get_command(app)))
    missing = [name for name, cmd in commands if not (cmd.help or "").strip()]
    assert len(commands) >= 15 and not missing, missing
    for required in ("init", "serve", "demo", "import", "search", "show", "audit verify", "user add",
                     "names compare", "reconcile", "dedupe", "review list"):
        assert required in dict(commands), required
