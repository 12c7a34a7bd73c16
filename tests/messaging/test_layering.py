"""The outbox knows no app: messaging imports nothing from the product's other apps.

Each app registers its own reminders and digest sections with messaging; if messaging
imported them back, the two would be one tangle (an import cycle in all but name).
"""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings

MESSAGING = Path(settings.BASE_DIR) / "messaging"
# qiproject holds the project's shared helpers (settings, links, forms), which any app uses.
SHARED = {"qiproject", "messaging"}


def our_apps() -> set[str]:
    """The top-level packages of the apps that live in this repository."""
    base = Path(settings.BASE_DIR).resolve()
    return {
        config.name.split(".")[0]
        for config in apps.get_app_configs()
        # A top-level package of the repository itself (a virtualenv inside it holds others).
        if Path(config.path).resolve().parent == base
    }


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def test_our_apps_are_found():
    assert {"practices", "pdsa", "workshops", "evidence", "messaging"} <= our_apps()


def test_messaging_imports_no_other_app_of_ours():
    others = our_apps() - SHARED
    offending = {
        f"{path.relative_to(MESSAGING.parent)}: {module}"
        for path in MESSAGING.rglob("*.py")
        for module in imported_modules(path)
        if module.split(".")[0] in others
    }

    assert not offending


def test_a_function_level_import_is_caught(tmp_path):
    source = tmp_path / "example.py"
    source.write_text("def build():\n    from practices.models import FacilitatorAssignment\n")

    assert "practices.models" in imported_modules(source)
