"""Which modules of the package a book page depends on, found by reading code, not by running it.

The book's execution cache must re-execute a page when code that it runs
changes, and only then (see :mod:`mltheory.sphinxext`). A page depends on

- every ``mltheory`` module that its code cells import, and, transitively,
  every module those import (relative imports and imports inside functions
  included) together with the ``__init__`` of each package on the way, since
  Python runs those too;
- for each claim label that the page names as a string (``show("eq-…")``), the
  modules whose source names that label, and what they import. Looking a claim
  up imports every claims module, but only to find the label: the page's output
  comes from the claim's own module;
- every module that registers claims, when the page asks for all of them
  (``all_claims``) or names a claim with an expression rather than a string.

A page whose code cannot be parsed depends on the whole package. The analysis
over-approximates: depending on a module that the page does not really use only
costs an execution.

Examples
--------
>>> index = PackageIndex.of_installed()
>>> deps = index.page_dependencies(["from mltheory.symmetry.degree_seven import features"])
>>> {"symmetry/degree_seven.py", "symmetry/__init__.py", "__init__.py"} <= deps
True
>>> "information/tsne.py" in deps
False
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

PACKAGE = "mltheory"
#: Functions that look a claim up by its label (their first argument).
CLAIM_LOOKUPS = frozenset({"show", "get"})
#: Functions that need every registered claim.
ALL_CLAIMS = frozenset({"all_claims"})


def file_digest(path: Path) -> str:
    """SHA-256 of a file's bytes, as hex."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _python_source(cell: str) -> str:
    """A code cell as plain Python: IPython magics and shell escapes become calls."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(cell)


def _magic_code(tree: ast.AST) -> list[ast.AST]:
    """The code that magics such as ``%time import x`` or ``%%timeit`` run, parsed where it is Python."""
    trees = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("run_line_magic", "run_cell_magic") and node.args):
            last = node.args[-1]
            if isinstance(last, ast.Constant) and isinstance(last.value, str):
                try:
                    trees.append(ast.parse(_python_source(last.value)))
                except SyntaxError:
                    continue
    return trees


def _called_name(call: ast.Call) -> str | None:
    """``f`` for a call ``f(...)`` or ``module.f(...)``."""
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


@dataclass
class PackageIndex:
    """The package's modules, read from ``root`` (the folder of ``mltheory/__init__.py``)."""

    root: Path
    _imports: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def of_installed(cls) -> PackageIndex:
        """The index of the ``mltheory`` that Python imports."""
        import mltheory

        return cls(Path(mltheory.__file__).resolve().parent)

    # ------------------------------------------------------------------ modules and files

    @cached_property
    def files(self) -> dict[str, Path]:
        """Module name -> source file, for every module of the package."""
        modules = {}
        for path in sorted(self.root.rglob("*.py")):
            parts = path.relative_to(self.root).with_suffix("").parts
            if "__pycache__" in parts:
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join((PACKAGE, *parts))] = path
        return modules

    def relative(self, module: str) -> str:
        """The module's file, relative to the package root (``"symmetry/degree_seven.py"``)."""
        return self.files[module].relative_to(self.root).as_posix()

    def digests(self, relative_paths: Iterable[str]) -> dict[str, str | None]:
        """SHA-256 of each file (``None`` for a file that no longer exists)."""
        out = {}
        for rel in relative_paths:
            path = self.root / rel
            out[rel] = file_digest(path) if path.is_file() else None
        return out

    @cached_property
    def source(self) -> dict[str, str]:
        return {name: path.read_text(encoding="utf8") for name, path in self.files.items()}

    def _is_package(self, module: str) -> bool:
        return self.files[module].name == "__init__.py"

    # ------------------------------------------------------------------ imports

    def _resolve(self, node: ast.ImportFrom, importer: str | None) -> str | None:
        if not node.level:
            return node.module
        if importer is None:
            return None
        package = importer if self._is_package(importer) else importer.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        return f"{package}.{node.module}" if node.module else package

    def imports_in(self, tree: ast.AST, importer: str | None = None) -> set[str]:
        """The package's modules that the code in ``tree`` imports (``importer``: its module, for relative imports)."""
        found = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = self._resolve(node, importer)
                if base is None:
                    continue
                names = [base] + [f"{base}.{alias.name}" for alias in node.names if alias.name != "*"]
            else:
                continue
            found.update(name for name in names if name in self.files)
        return found

    def _direct_imports(self, module: str) -> frozenset[str]:
        if module not in self._imports:
            tree = ast.parse(self.source[module], filename=str(self.files[module]))
            self._imports[module] = frozenset(self.imports_in(tree, module))
        return self._imports[module]

    def closure(self, modules: Iterable[str]) -> set[str]:
        """``modules``, the packages that contain them, and everything they import, transitively."""
        seen: set[str] = set()
        todo = list(modules)
        while todo:
            module = todo.pop()
            if module in seen or module not in self.files:
                continue
            seen.add(module)
            parent = module.rpartition(".")[0]
            if parent:
                todo.append(parent)
            todo.extend(self._direct_imports(module))
        return seen

    # ------------------------------------------------------------------ claims

    @cached_property
    def claim_modules(self) -> set[str]:
        """Modules that register claims (that call a function named ``register``)."""
        return {name for name, text in self.source.items() if "register" in text and any(
            isinstance(node, ast.Call) and _called_name(node) == "register" for node in ast.walk(ast.parse(text)))}

    def modules_naming(self, label: str) -> set[str]:
        """Modules whose source holds ``label`` as a string literal."""
        quoted = (f'"{label}"', f"'{label}'")
        return {name for name, text in self.source.items() if any(q in text for q in quoted)}

    def _claim_dependencies(self, tree: ast.AST) -> set[str]:
        modules: set[str] = set()
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _called_name(node)
            if name in ALL_CLAIMS:
                modules |= self.claim_modules
            elif name in CLAIM_LOOKUPS and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    modules |= self.modules_naming(first.value)
                else:
                    modules |= self.claim_modules
        return modules

    # ------------------------------------------------------------------ pages

    def page_dependencies(self, cells: Iterable[str]) -> set[str]:
        """Files (relative to the package root) that a page with these code cells depends on."""
        try:
            tree = ast.parse("\n".join(_python_source(cell) for cell in cells))
        except SyntaxError:
            return {self.relative(module) for module in self.files}
        trees = [tree, *_magic_code(tree)]
        direct = set().union(*(self.imports_in(t) for t in trees))
        if direct:
            direct |= set().union(*(self._claim_dependencies(t) for t in trees))
        return {self.relative(module) for module in self.closure(direct)}


def package_hash() -> str:
    """SHA-256 of the package's Python sources (paths and contents), as hex.

    Examples
    --------
    >>> len(package_hash())
    64
    """
    index = PackageIndex.of_installed()
    digest = hashlib.sha256()
    for path in sorted(index.files.values()):
        digest.update(path.relative_to(index.root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()
