"""Views parse, call a selector or a service, and render: they run no queries of their own.

The queries a view writes itself are the access load the house style asks for,
`get_object_or_404(Model.objects.visible_to(user), pk=...)` (any access method, optionally
with `select_related`), and the access check `Model.objects.editable_by(user).filter(pk=pk)
.exists()` that turns a row the user may see but not change into a 403. Anything else on a
manager or a queryset, and any `.save()`, `.delete()` or `.create()`, belongs in
`<app>/selectors.py` or `<app>/services`.
"""

import ast
import inspect
from pathlib import Path

from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

# Queryset methods that scope rows to what a user may see or change (practices/access.py).
ACCESS_METHODS = {
    "visible_to",
    "editable_by",
    "commentable_by",
    "curated_by",
    "facilitated_by",
    "managed_by",
    "register_takers",
    "run_by",
    "team_managed_by",
}
# What may follow the access method inside the access load: it adds joins, not queries.
LOAD_REFINEMENTS = {"select_related"}
QUERY_METHODS = {
    "aggregate",
    "all",
    "annotate",
    "bulk_create",
    "count",
    "create",
    "defer",
    "delete",
    "distinct",
    "earliest",
    "exclude",
    "exists",
    "extra",
    "filter",
    "first",
    "get_or_create",
    "in_bulk",
    "iterator",
    "last",
    "latest",
    "none",
    "only",
    "order_by",
    "prefetch_related",
    "raw",
    "refresh_from_db",
    "save",
    "select_for_update",
    "select_related",
    "update",
    "update_or_create",
    "values",
    "values_list",
}
# (module, function): why this function may do what the rule forbids. Keep it short.
ALLOWED = {
    ("pdsa/views.py", "_editable"): (
        "the access load of edit pages: a row the user may see but not change is a 403, "
        "so it asks the access queryset once more whether the row is editable"
    ),
}

ROOT = Path(settings.BASE_DIR)


def view_modules() -> list[Path]:
    """Every project module that holds a view reached from the URL conf."""
    modules = set()

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern):
                callback = getattr(pattern.callback, "view_class", pattern.callback)
                path = Path(inspect.getsourcefile(inspect.unwrap(callback))).resolve()
                if path.is_relative_to(ROOT) and ".venv" not in path.parts:
                    modules.add(path)

    walk(get_resolver().url_patterns)
    return sorted(modules)


def _chain(node):
    """The calls of a method chain, outermost first, and the node it starts from."""
    calls = []
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        calls.append(node)
        node = node.func.value
    return calls, node


def _access_load(node) -> set[int]:
    """The ids of the nodes of `Model.objects.<access>(...)[.select_related(...)]`, if it is one."""
    calls, start = _chain(node)
    names = [call.func.attr for call in reversed(calls)]
    is_manager = isinstance(start, ast.Attribute) and start.attr == "objects"
    if not (is_manager and names and names[0] in ACCESS_METHODS):
        return set()
    if not set(names[1:]) <= LOAD_REFINEMENTS:
        return set()
    exempt = {id(start)}
    for call in calls:
        exempt |= {id(call), id(call.func)}
    return exempt


def _access_check(node) -> set[int]:
    """The ids of `Model.objects.<access>(user).filter(pk=...).exists()`, if it is one: asking
    whether the user may do more with a row already loaded (403 rather than 404)."""
    calls, start = _chain(node)
    names = [call.func.attr for call in reversed(calls)]
    is_manager = isinstance(start, ast.Attribute) and start.attr == "objects"
    if not (is_manager and len(names) == 3 and names[0] in ACCESS_METHODS):
        return set()
    pk_only = [k.arg for k in calls[1].keywords] == ["pk"] and not calls[1].args
    if names[1:] != ["filter", "exists"] or not pk_only:
        return set()
    return {id(start)} | {id(c) for c in calls} | {id(c.func) for c in calls}


def _calls(node, name: str) -> bool:
    return isinstance(node, ast.Call) and getattr(node.func, "id", None) == name


def _exempt_nodes(function) -> set[int]:
    exempt = set()
    for node in ast.walk(function):
        if _calls(node, "get_object_or_404") and node.args:
            exempt |= _access_load(node.args[0])
        exempt |= _access_check(node)
        if _calls(node, "_editable"):
            # _editable(Model.objects[.select_related(...)], user, pk) applies the access
            # methods itself.
            calls, start = _chain(node.args[0])
            names = {call.func.attr for call in calls}
            if getattr(start, "attr", None) == "objects" and names <= LOAD_REFINEMENTS:
                exempt |= {id(start)} | {id(c) for c in calls} | {id(c.func) for c in calls}
    return exempt


def _is_dict_update(call: ast.Call) -> bool:
    # QuerySet.update() takes keyword arguments only; dict.update(other) takes one positional.
    return call.func.attr == "update" and bool(call.args)


def violations(path: Path) -> list[str]:
    """What the view module at `path` does that belongs in a selector or a service."""
    relative = path.relative_to(ROOT).as_posix()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    # Module-level functions and methods; a nested function is checked with its parent.
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    for cls in (n for n in tree.body if isinstance(n, ast.ClassDef)):
        functions += [n for n in cls.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    for function in functions:
        if (relative, function.name) in ALLOWED:
            continue
        exempt = _exempt_nodes(function)
        for node in ast.walk(function):
            if id(node) in exempt:
                continue
            where = f"{relative}:{getattr(node, 'lineno', 0)} {function.name}"
            if isinstance(node, ast.Attribute) and node.attr == "objects":
                found.append(f"{where}: {ast.unparse(node)} outside an access load")
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in QUERY_METHODS
                and not _is_dict_update(node)
            ):
                found.append(f"{where}: .{node.func.attr}() on {ast.unparse(node.func.value)}")
    return found


def test_the_view_modules_are_found_from_the_url_conf():
    names = {path.relative_to(ROOT).as_posix() for path in view_modules()}
    assert {"pdsa/views.py", "pdsa/exchange.py", "practices/views.py"} <= names


def test_views_run_no_queries_or_writes_of_their_own():
    found = [line for path in view_modules() for line in violations(path)]
    assert found == [], "Move these into a selector or a service:\n" + "\n".join(found)


def test_every_allowed_exception_names_a_function_that_exists():
    for module, name in ALLOWED:
        tree = ast.parse((ROOT / module).read_text(encoding="utf-8"))
        assert name in {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}


def test_the_check_catches_a_query_a_save_and_a_bypassed_access_load(tmp_path):
    source = tmp_path / "views.py"
    source.write_text(
        "def view(request, pk):\n"
        "    item = get_object_or_404(Item.objects.visible_to(request.user), pk=pk)\n"
        "    other = get_object_or_404(Item.objects.select_related('x'), pk=pk)\n"
        "    may = Item.objects.editable_by(request.user).filter(pk=pk).exists()\n"
        "    mine = Item.objects.editable_by(request.user).filter(owner=1).exists()\n"
        "    n = item.children.filter(done=True).count()\n"
        "    item.save()\n"
        "    context = {}\n"
        "    context.update({'n': n})\n"
    )
    found = violations_in(source)
    assert sorted(line.split(": ", 1)[1] for line in found) == sorted(
        [
            "Item.objects outside an access load",
            ".select_related() on Item.objects",
            "Item.objects outside an access load",
            ".exists() on Item.objects.editable_by(request.user).filter(owner=1)",
            ".filter() on Item.objects.editable_by(request.user)",
            ".count() on item.children.filter(done=True)",
            ".filter() on item.children",
            ".save() on item",
        ]
    )


def violations_in(path: Path) -> list[str]:
    """violations() for a file outside the project (the check's own test)."""
    global ROOT
    saved, ROOT = ROOT, path.parent
    try:
        return violations(path)
    finally:
        ROOT = saved
