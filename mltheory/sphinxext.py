"""Sphinx extension that keeps the book honest: fresh pages and a claims ledger.

Enable it in ``_config.yml`` under ``sphinx.extra_extensions``. It does four
things, and it also removes the hooks of sphinx-thebe (see ``_drop_thebe``).

1. **The execution cache is keyed on the package.** Jupyter-cache only hashes a
   notebook's own code cells, so after a change to ``mltheory`` it would serve
   outputs computed by the old code. This extension hashes every ``.py`` file
   of the package, points myst-nb's cache at ``_build/.jupyter_cache/mltheory-<hash>``
   (removing caches of other versions), and records the hash as a config value
   that invalidates the environment, so every page is re-read and re-executed
   when the package changes.
2. **A failed page is never served as passed; a slow page never fails a build.**
   Pages whose last execution failed are re-read on the next build, so the
   failure is reported again (``execute.raise_on_error`` stops the first
   failing build in any case). How fast the reader's machine is must not
   decide whether the book builds: a page whose execution took longer than
   ``mltheory_page_time_limit`` seconds (default 60) is logged as information
   only. The page budget is enforced by the benchmark, not by the build.
3. **The claims ledger.** :func:`mltheory.claims.show` records each
   verification in the page's glue data. This extension collects the records,
   checks that every ``eq-`` equation in the book has a registered claim
   verified on the same page (and every claim a page), warning otherwise, and
   renders the table of the ``claims-ledger`` directive. (Set
   ``mltheory_claims_coverage = False`` for a book that is not this one,
   such as the small books the test suite builds.)
4. **Pages are read, and so executed, in parallel.** ``jupyter-book build``
   has no ``-j`` option, so the extension sets Sphinx's number of reading
   processes to ``mltheory_build_jobs`` (default: the number of CPUs; 1 reads
   serially). Sphinx reads in parallel only when every extension declares
   itself safe for it; three that Jupyter Book loads do not declare it but keep
   no per-page state (section numbering runs after the merge, MathJax assets
   and LaTeX transforms do not touch the environment), and sphinx-proof's
   domain keeps its data outside the domain, so its merge is empty.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import SphinxParallelError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

import mltheory

logger = logging.getLogger(__name__)

CACHE_PREFIX = "mltheory-"
VERIFICATION_SUFFIX = ":verification"


def package_hash() -> str:
    """SHA-256 of the package's Python sources (paths and contents), as hex.

    Examples
    --------
    >>> len(package_hash())
    64
    """
    root = Path(mltheory.__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _key_cache_on_package(app: Sphinx, config) -> None:
    digest = package_hash()
    config.mltheory_package_hash = digest
    cache_root = Path(app.outdir).parent / ".jupyter_cache"
    current = cache_root / f"{CACHE_PREFIX}{digest[:16]}"
    if cache_root.is_dir():
        for old in cache_root.glob(f"{CACHE_PREFIX}*"):
            if old != current:
                shutil.rmtree(old, ignore_errors=True)
    config.nb_execution_cache_path = str(current)
    logger.info(f"mltheory: package hash {digest[:16]}, execution cache {current}")


def _execution_records(env) -> dict[str, dict]:
    """myst-nb's record of each executed page: ``{docname: {"succeeded": ..., "runtime": ...}}``."""
    from myst_nb.sphinx_ import NbMetadataCollector

    records = {}
    for docname, data in NbMetadataCollector.get_doc_data(env).items():
        if docname in env.found_docs and data.get("exec_data"):
            records[docname] = data["exec_data"]
    return records


def _drop_thebe(app: Sphinx, config) -> None:
    """Remove the script hooks of sphinx-thebe, which Jupyter Book always loads.

    The book has no live-code buttons. Under Sphinx 7 sphinx-thebe declares its
    configuration script twice on every page (a JavaScript error in the
    console), and that script points at a CDN. Its static path stays, so the
    stylesheet it registers is still served.
    """
    for listeners in app.events.listeners.values():
        for listener in list(listeners):
            handler = listener.handler
            if getattr(handler, "__module__", "") == "sphinx_thebe" and handler.__name__ != "st_static_path":
                app.disconnect(listener.id)


def _failed_pages(env) -> set[str]:
    return {docname for docname, record in _execution_records(env).items() if not record.get("succeeded", True)}


def _outdated(app: Sphinx, env, added, changed, removed) -> list[str]:
    extra = _failed_pages(env)
    if added or changed or removed or extra:
        extra |= set(getattr(env, "mltheory_ledger_docs", set())) & env.found_docs
    return sorted(extra)


# --------------------------------------------------------------------------- verification records

def _collect_verifications(app: Sphinx, doctree) -> None:
    env = app.env
    records = getattr(env, "mltheory_verified", None)
    if records is None:
        records = env.mltheory_verified = {}
    records.pop(env.docname, None)
    output_folder = Path(env.mystnb_config.output_folder)
    glue_file = output_folder.joinpath(*(env.docname + ".glue.json").split("/"))
    if not glue_file.is_file():
        return
    from myst_nb.sphinx_ import NbMetadataCollector

    keys = NbMetadataCollector.get_doc_data(env).get(env.docname, {}).get("glue", [])
    if not keys:
        return
    glue = json.loads(glue_file.read_text(encoding="utf8"))
    found = {}
    for key in keys:
        if key.endswith(VERIFICATION_SUFFIX) and key in glue:
            record = json.loads(glue[key]["data"]["text/plain"])
            found[record["label"]] = record
    if found:
        records[env.docname] = found


def _purge(app: Sphinx, env, docname: str) -> None:
    getattr(env, "mltheory_verified", {}).pop(docname, None)
    getattr(env, "mltheory_ledger_docs", set()).discard(docname)


def _merge(app: Sphinx, env, docnames, other) -> None:
    env.mltheory_verified = getattr(env, "mltheory_verified", {})
    env.mltheory_verified.update(
        {d: r for d, r in getattr(other, "mltheory_verified", {}).items() if d in docnames}
    )
    env.mltheory_ledger_docs = getattr(env, "mltheory_ledger_docs", set()) | (
        getattr(other, "mltheory_ledger_docs", set()) & set(docnames)
    )


def _equations(env) -> dict[str, tuple[str, int]]:
    """Every numbered equation in the book: label -> (docname, number)."""
    return dict(env.get_domain("math").equations)


def _ledger_rows(env):
    """Yield (label, claim, docname or None, record or None, problem or None)."""
    from mltheory.claims import all_claims

    claims = all_claims()
    equations = _equations(env)
    verified = getattr(env, "mltheory_verified", {})
    for label, claim in claims.items():
        docname = equations.get(label, (None, None))[0]
        record = verified.get(docname, {}).get(label) if docname else None
        problem = None
        if docname is None:
            problem = f"claim {label} is registered but no page displays an equation with this label"
        elif record is None:
            problem = f"claim {label} is displayed on {docname} but that page did not verify it (call show({label!r}))"
        elif not record["passed"]:
            problem = f"claim {label} failed on {docname}: {record['detail']}"
        yield label, claim, docname, record, problem


def _check_consistency(app: Sphinx, env) -> None:
    from mltheory.claims import all_claims

    limit = app.config.mltheory_page_time_limit
    for docname, record in _execution_records(env).items():
        runtime = record.get("runtime")
        if runtime is not None and runtime > limit:
            logger.info(f"mltheory: {docname} executed in {runtime:.1f} s, over the page budget of {limit} s "
                        "(reported by the benchmark; not a build error)")
    if not app.config.mltheory_claims_coverage:
        return

    claims = all_claims()
    for label, (docname, _) in _equations(env).items():
        if label.startswith("eq-") and label not in claims:
            logger.warning(f"equation {label} has no registered claim", location=docname,
                           type="mltheory", subtype="claims")
    for label, _, docname, record, problem in _ledger_rows(env):
        if problem:
            logger.warning(problem, location=docname, type="mltheory", subtype="claims")


# --------------------------------------------------------------------------- the ledger directive

class ledger_placeholder(nodes.General, nodes.Element):
    """Replaced by the ledger table once every page has been read."""


class ClaimsLedgerDirective(SphinxDirective):
    """``claims-ledger``: the table of every claim, its page, kind, source and status."""

    has_content = False

    def run(self):
        docs = getattr(self.env, "mltheory_ledger_docs", None)
        if docs is None:
            docs = self.env.mltheory_ledger_docs = set()
        docs.add(self.env.docname)
        return [ledger_placeholder()]


def _cell(*contents) -> nodes.entry:
    """A table cell with one paragraph per item (text or inline node)."""
    entry = nodes.entry()
    for content in contents:
        para = nodes.paragraph()
        para += nodes.Text(content) if isinstance(content, str) else content
        entry += para
    return entry


def _table(headers: list[str], rows: list[list], widths: list[int]) -> nodes.table:
    table = nodes.table(classes=["mltheory-ledger", "colwidths-given"])
    group = nodes.tgroup(cols=len(headers))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    head += nodes.row("", *[_cell(h) for h in headers])
    group += head
    body = nodes.tbody()
    for row in rows:
        body += nodes.row("", *[_cell(*c) if isinstance(c, tuple) else _cell(c) for c in row])
    group += body
    return table


def _render_ledger(app: Sphinx, doctree, fromdocname: str) -> None:
    placeholders = list(doctree.findall(ledger_placeholder))
    if not placeholders:
        return
    env = app.env
    equations = _equations(env)
    rows, counts = [], {}
    for label, claim, docname, record, problem in _ledger_rows(env):
        counts[claim.kind] = counts.get(claim.kind, 0) + 1
        if docname:
            number = equations[label][1]
            uri = app.builder.get_relative_uri(fromdocname, docname) + "#" + nodes.make_id(f"equation-{label}")
            title = env.titles[docname].astext()
            page = nodes.reference("", f"{title} ({number})", internal=True, refuri=uri)
        else:
            page = "—"
        if record and record["passed"]:
            status = f"✓ {record['method']}"
            if record["kind"] == "numeric":
                status += f": {record['detail']}"
        else:
            status = f"✗ {problem}"
        rows.append([(nodes.literal(text=label), page), claim.kind, claim.source, status])
    summary = nodes.paragraph(text=(
        f"{sum(counts.values())} claims: "
        + ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
        + f". Package hash {app.config.mltheory_package_hash[:16]}."
    ))
    table = _table(["Claim, and the page and equation that state it", "Kind", "Source", "Check on its page"],
                   rows, [30, 10, 22, 38])
    for placeholder in placeholders:
        placeholder.replace_self([summary, table])


#: Extensions loaded by Jupyter Book that keep no per-page state but do not declare parallel reading safe.
PARALLEL_SAFE_UNDECLARED = ("sphinx_multitoc_numbering", "sphinx-mathjax-offline", "sphinx_jupyterbook_latex")


def _read_in_parallel(app: Sphinx, config) -> None:
    jobs = config.mltheory_build_jobs or os.cpu_count() or 1
    if jobs <= 1:
        return
    app.parallel = jobs
    for name in PARALLEL_SAFE_UNDECLARED:
        extension = app.extensions.get(name)
        if extension is not None and extension.parallel_read_safe is None:
            extension.parallel_read_safe = True
    from sphinx_proof.domain import ProofDomain

    if "merge_domaindata" not in vars(ProofDomain):
        ProofDomain.merge_domaindata = lambda self, docnames, otherdata: None


def _report_parallel_failure(app: Sphinx, exception: BaseException | None) -> None:
    """Print why a page failed in a reading process.

    Sphinx drops a failed process's log and reports only the exception's first
    line (for a notebook, just its path); its traceback holds the failing cell
    and error, such as the label of a claim that did not hold.
    """
    if isinstance(exception, SphinxParallelError):
        logger.error(f"a page failed while reading in parallel:\n{exception.traceback}")


def setup(app: Sphinx) -> dict:
    app.add_config_value("mltheory_package_hash", "", "env")
    app.add_config_value("mltheory_page_time_limit", 60, "env")
    app.add_config_value("mltheory_claims_coverage", True, "env")
    app.add_config_value("mltheory_build_jobs", 0, "", int)
    app.connect("config-inited", _read_in_parallel)
    app.connect("build-finished", _report_parallel_failure)
    app.connect("config-inited", _key_cache_on_package)
    app.connect("config-inited", _drop_thebe)
    app.connect("env-get-outdated", _outdated)
    app.connect("doctree-read", _collect_verifications)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-check-consistency", _check_consistency)
    app.connect("doctree-resolved", _render_ledger)
    app.add_node(ledger_placeholder)
    app.add_directive("claims-ledger", ClaimsLedgerDirective)
    return {"version": mltheory.__version__, "parallel_read_safe": True, "parallel_write_safe": True}
