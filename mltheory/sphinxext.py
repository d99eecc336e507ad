"""Sphinx extension that keeps the book honest: fresh pages and a claims ledger.

Enable it in ``_config.yml`` under ``sphinx.extra_extensions``. It does four
things, and it also removes the hooks of sphinx-thebe (see ``_drop_thebe``).

1. **A page executes again when its code, or code it imports, changes.**
   Jupyter-cache (myst-nb's ``cache`` mode) keys a notebook on its own code
   cells only, so after a change to ``mltheory`` it would serve outputs computed
   by the old code. For every page it reads, this extension records the package
   modules the page depends on (found by :mod:`mltheory.page_dependencies`, with
   a SHA-256 of each file) in ``_build/.jupyter_cache/pages/``, tied to the
   cached notebook. Before reading, every cached notebook whose record is
   missing, belongs to other code, or names a module that changed is removed
   from the cache, and its page is read (and so executed) again. Editing one
   topic's module re-executes the pages that import it, not the whole book.
2. **A failed build leaves nothing that a retry would pass over; a slow page
   never fails a build.** Sphinx forgets its saved state after a build that
   raised (a failing cell or claim; jupyter-cache stores only notebooks that
   executed cleanly); after a build that failed on warnings (a cell writing to
   stderr, say) this extension forgets it too, so the retry reads every page
   again and raises the same warnings (from cached outputs, without executing).
   Pages whose last execution failed are read again in any case. How fast the
   reader's machine is must not decide whether the book builds: a page whose
   execution took longer than ``mltheory_page_time_limit`` seconds (default 60)
   is logged as information and marked in the execution report (the
   ``execution-report`` directive: each page's time, its share of the budget,
   when it last executed, whether this build executed it or took it from the
   cache, and the hashes of the code it ran under). The page budget is
   enforced by the benchmark (``make bench``), not by the build.
3. **The claims ledger.** :func:`mltheory.claims.show` records each
   verification in the page's glue data. This extension collects the records,
   checks that every ``eq-`` equation in the book has a registered claim
   verified on the same page (and every claim a page), warning otherwise, and
   renders the table of the ``claims-ledger`` directive: one row per claim with
   its statement, page, kind, source, the check in words and its status. (Set
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
import re
import shutil
import time
from datetime import datetime, timezone
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.application import ENV_PICKLE_FILENAME
from sphinx.errors import SphinxParallelError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

import mltheory
from mltheory.page_dependencies import PackageIndex, package_hash

logger = logging.getLogger(__name__)

VERIFICATION_SUFFIX = ":verification"
#: Execution caches of earlier versions of this extension, one per package hash; removed on sight.
LEGACY_CACHE_GLOB = "mltheory-*"




def modules_digest(modules: dict[str, str]) -> str:
    """One SHA-256 for a page's dependencies (``{relative path: file digest}``), as hex."""
    return hashlib.sha256(json.dumps(modules, sort_keys=True).encode()).hexdigest()


# --------------------------------------------------------------------------- per-page execution cache

def _cache_folders(app: Sphinx) -> tuple[Path, Path]:
    """myst-nb's execution cache, and the folder of this extension's record of each cached page."""
    root = Path(app.outdir).parent / ".jupyter_cache"
    return root / "notebooks", root / "pages"


def _page_record_path(folder: Path, docname: str) -> Path:
    return folder / (docname.replace("/", "__") + ".json")


def _configure_cache(app: Sphinx, config) -> None:
    digest = package_hash()
    config.mltheory_package_hash = digest
    notebooks, _ = _cache_folders(app)
    for legacy in notebooks.parent.glob(LEGACY_CACHE_GLOB) if notebooks.parent.is_dir() else ():
        shutil.rmtree(legacy, ignore_errors=True)
    config.nb_execution_cache_path = str(notebooks)
    _create_cache(notebooks)
    app.mltheory_build_started = time.time()
    logger.info(f"mltheory: package hash {digest[:16]}, execution cache {notebooks}")


def _create_cache(notebooks: Path) -> None:
    """Create the execution cache's database in the main process, before pages are read in parallel.

    Reading processes that each find no database race to create its tables
    (``sqlite3.OperationalError: table settings already exists``), which failed
    cold builds at random.
    """
    from jupyter_cache import get_cache

    notebooks.mkdir(parents=True, exist_ok=True)
    get_cache(str(notebooks)).list_cache_records()


def _invalidate_stale_cache(app: Sphinx, env) -> set[str]:
    """Remove each cached notebook whose page's recorded dependencies changed; return those pages.

    A cached notebook is kept only if this extension recorded the page it came
    from when that page last executed (same notebook hash) and every module in
    the record is unchanged. Anything else (a module edited or removed, a
    notebook cached by a build that failed before recording it, an older version
    of the page's code) is removed, so myst-nb executes the page again.
    """
    notebooks, pages = _cache_folders(app)
    if not (notebooks / "global.db").is_file():
        return set()
    from jupyter_cache import get_cache

    cache = get_cache(str(notebooks))
    index = PackageIndex.of_installed()
    stale = set()
    for cache_record in cache.list_cache_records():
        docname = env.path2doc(cache_record.uri)
        path = _page_record_path(pages, docname) if docname else None
        page = json.loads(path.read_text(encoding="utf8")) if path and path.is_file() else None
        if page is not None and page["hashkey"] == cache_record.hashkey:
            changed = [rel for rel, digest in index.digests(page["modules"]).items() if digest != page["modules"][rel]]
            if not changed:
                continue
            logger.info(f"mltheory: {docname} depends on changed {', '.join(sorted(changed))}; it will execute again")
            path.unlink()
        try:
            cache.remove_cache(cache_record.pk)
        except KeyError:
            pass
        if docname:
            stale.add(docname)
    return stale


def _notebook_code(env, docname: str) -> list[str] | None:
    """The code cells of a page that is a notebook, or None for a plain page."""
    path = Path(env.doc2path(docname))
    if path.suffix == ".ipynb":
        import nbformat

        notebook = nbformat.read(path, as_version=4)
    elif path.suffix == ".md":
        from myst_nb.core.read import read_myst_markdown_notebook

        text = path.read_text(encoding="utf8")
        if "format_name: myst" not in text:
            return None
        notebook = read_myst_markdown_notebook(text)
    else:
        return None
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


#: Dependencies of the pages this process is reading, taken before each page executes.
_READING: dict[str, dict[str, str | None]] = {}


def _note_dependencies(app: Sphinx, docname: str, source: list[str]) -> None:
    """Before a page is parsed (and so executed), hash the modules it depends on.

    Hashing before execution means that a module edited while the page runs
    leaves a record that no longer matches, so the page executes again next time.
    """
    _READING.pop(docname, None)
    cells = _notebook_code(app.env, docname)
    if cells:
        index = PackageIndex.of_installed()
        _READING[docname] = index.digests(sorted(index.page_dependencies(cells)))


def _record_page(app: Sphinx, doctree) -> None:
    """Note what the page just read depends on, and whether it executed in this build."""
    env = app.env
    pages = getattr(env, "mltheory_pages", None)
    if pages is None:
        pages = env.mltheory_pages = {}
    pages.pop(env.docname, None)
    record = _execution_records(env).get(env.docname)
    modules = _READING.pop(env.docname, None)
    if record is None or modules is None:
        return
    executed_now = record.get("mtime", 0) >= app.mltheory_build_started
    pages[env.docname] = {
        "modules": modules,
        "executed_at": record["mtime"] if executed_now else None,
        "runtime": record.get("runtime"),
    }


def _save_page_records(app: Sphinx, env) -> None:
    """Record, for each notebook cached in this build, the modules its page depends on.

    Runs once every page has been read (so only after a build whose reading
    succeeded). The records are what :func:`_invalidate_stale_cache` checks
    next time, and what the execution report shows.
    """
    notebooks, pages = _cache_folders(app)
    read = getattr(env, "mltheory_pages", {})
    if (notebooks / "global.db").is_file():
        from jupyter_cache import get_cache

        pages.mkdir(parents=True, exist_ok=True)
        for cache_record in get_cache(str(notebooks)).list_cache_records():
            docname = env.path2doc(cache_record.uri)
            path = _page_record_path(pages, docname) if docname else None
            if docname not in read or (path.is_file() and json.loads(path.read_text())["hashkey"] == cache_record.hashkey):
                continue
            page = read[docname]
            path.write_text(json.dumps({
                "hashkey": cache_record.hashkey,
                "modules": page["modules"],
                "package": app.config.mltheory_package_hash,
                "executed_at": page["executed_at"] or time.time(),
                "runtime": page["runtime"],
            }, indent=1, sort_keys=True), encoding="utf8")
    cached = getattr(env, "mltheory_cached_pages", {})
    for docname in read:
        path = _page_record_path(pages, docname)
        if path.is_file():
            cached[docname] = json.loads(path.read_text(encoding="utf8"))
        else:
            cached.pop(docname, None)
    env.mltheory_cached_pages = {docname: page for docname, page in cached.items() if docname in env.found_docs}


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
    """Pages to read again although their source did not change.

    Pages whose cached notebook is stale (:func:`_invalidate_stale_cache`), pages
    whose last execution failed, and, whenever any page is read, the pages that
    summarise the others (the claims ledger and the execution report).
    """
    extra = _invalidate_stale_cache(app, env) | _failed_pages(env)
    if added or changed or removed or extra:
        extra |= set(getattr(env, "mltheory_summary_docs", set())) & env.found_docs
    return sorted(extra)


def _forget_failed_build(app: Sphinx, exception: BaseException | None) -> None:
    """After a build that fails on warnings, drop the saved environment.

    Sphinx keeps the environment of a build that finished with warnings, so the
    next build would not read those pages again and would pass without the
    warning (a cell writing to stderr, say). Without the environment every page
    is read again; notebooks that executed cleanly come from the execution
    cache, and their warnings are raised again. (Sphinx itself drops the
    environment after a build that raised.)
    """
    if exception is None and app._warncount and (app.warningiserror or app.keep_going):
        Path(app.doctreedir, ENV_PICKLE_FILENAME).unlink(missing_ok=True)


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
    getattr(env, "mltheory_pages", {}).pop(docname, None)
    getattr(env, "mltheory_summary_docs", set()).discard(docname)


def _merge(app: Sphinx, env, docnames, other) -> None:
    for name in ("mltheory_verified", "mltheory_pages"):
        merged = getattr(env, name, {})
        merged.update({d: r for d, r in getattr(other, name, {}).items() if d in docnames})
        setattr(env, name, merged)
    env.mltheory_summary_docs = getattr(env, "mltheory_summary_docs", set()) | (
        getattr(other, "mltheory_summary_docs", set()) & set(docnames)
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


# --------------------------------------------------------------------------- generated tables

class ledger_placeholder(nodes.General, nodes.Element):
    """Replaced by the ledger table once every page has been read."""


class report_placeholder(nodes.General, nodes.Element):
    """Replaced by the execution report once every page has been read."""


class _SummaryDirective(SphinxDirective):
    """A table about the whole book, filled in after every page has been read."""

    has_content = False
    placeholder: type[nodes.Element]

    def run(self):
        docs = getattr(self.env, "mltheory_summary_docs", None)
        if docs is None:
            docs = self.env.mltheory_summary_docs = set()
        docs.add(self.env.docname)
        # The table's maths is made after reading; an empty formula now tells Sphinx the page needs MathJax.
        return [self.placeholder("", nodes.math("", ""))]


class ClaimsLedgerDirective(_SummaryDirective):
    """``claims-ledger``: one row per claim: its statement, page, kind, source, check and status."""

    placeholder = ledger_placeholder


class ExecutionReportDirective(_SummaryDirective):
    """``execution-report``: one row per executed page: time, budget, cache state, package hashes."""

    placeholder = report_placeholder


MATH = re.compile(r"\$([^$]+)\$")


def _with_math(text: str) -> list[nodes.Node]:
    """Text in which ``$…$`` becomes inline maths."""
    parts = MATH.split(text)
    return [nodes.math(part, part) if k % 2 else nodes.Text(part) for k, part in enumerate(parts) if part]


def _cell(*contents) -> nodes.entry:
    """A table cell with one paragraph per item: text (``$…$`` is maths), a node, or a list of nodes."""
    entry = nodes.entry()
    for content in contents:
        para = nodes.paragraph()
        if isinstance(content, str):
            para.extend(_with_math(content))
        elif isinstance(content, list):
            para.extend(content)
        else:
            para += content
        entry += para
    return entry


def _table(headers: list[str], rows: list[list], widths: list[int], kind: str) -> nodes.table:
    table = nodes.table(classes=["mltheory-table", f"mltheory-{kind}", "colwidths-given"])
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


def _page_link(app: Sphinx, fromdocname: str, docname: str, text: str, anchor: str = "") -> nodes.reference:
    uri = app.builder.get_relative_uri(fromdocname, docname) + (f"#{anchor}" if anchor else "")
    return nodes.reference("", text, internal=True, refuri=uri)


def _check_in_words(record: dict, audited: str) -> str:
    """How a claim was checked: the spine's words for it, and what the mutation audit found."""
    words = record.get("method", "")
    if record["kind"] == "numeric" and record.get("detail"):
        words += f": {record['detail']}"
    if record.get("mutants"):
        words += f"; {record['mutants']}"
    return words + "; audit: " + (audited or "not run on this version of the package (make audit)")


def _render_ledger(app: Sphinx, doctree, fromdocname: str) -> None:
    placeholders = list(doctree.findall(ledger_placeholder))
    if not placeholders:
        return
    from mltheory.claims.audit import read_record

    env = app.env
    equations = _equations(env)
    audited = read_record(Path(app.outdir).parent / "claims-audit.json")
    rows, counts = [], {}
    for label, claim, docname, record, problem in _ledger_rows(env):
        counts[claim.kind] = counts.get(claim.kind, 0) + 1
        statement = (record or {}).get("statement") or claim.latex()
        claim_cell = [nodes.math(statement, statement)]
        if docname:
            title = f"{env.titles[docname].astext()} ({equations[label][1]})"
            where = _page_link(app, fromdocname, docname, title, nodes.make_id(f"equation-{label}"))
        else:
            where = nodes.Text("no page")
        claim_cell = (claim_cell, where, nodes.literal(text=label))
        status = "✓" if record and record["passed"] else f"✗ {problem}"
        check = _check_in_words(record, audited.get(label, "")) if record else "not checked"
        rows.append([claim_cell, (claim.kind, claim.source), check, status])
    summary = nodes.paragraph(text=(
        f"{sum(counts.values())} claims: "
        + ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
        + f". Package hash {app.config.mltheory_package_hash[:16]}. "
        + (f"The mutation audit ran on this version: {len(audited)} claims audited." if audited else
           "The mutation audit has not run on this version of the package (make audit, then make book).")
    ))
    table = _table(["Claim: statement, page (equation) and label", "Kind, source", "Check", "Status"],
                   rows, [42, 14, 34, 10], "ledger")
    for placeholder in placeholders:
        placeholder.replace_self([summary, table])


def _when(timestamp: float | None) -> str:
    if not timestamp:
        return "—"
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _render_report(app: Sphinx, doctree, fromdocname: str) -> None:
    placeholders = list(doctree.findall(report_placeholder))
    if not placeholders:
        return
    env = app.env
    limit = app.config.mltheory_page_time_limit
    cached = getattr(env, "mltheory_cached_pages", {})
    read_now = getattr(env, "mltheory_pages", {})
    rows, over = [], 0
    for docname, record in sorted(_execution_records(env).items()):
        page = cached.get(docname, {})
        runtime = record.get("runtime")
        ratio = runtime / limit if runtime is not None else None
        budget = "—" if ratio is None else f"{ratio:.2f}"
        if ratio is not None and ratio > 1:
            over += 1
            budget = f"⚠ {budget}: over the {limit} s budget"
        executed = page.get("executed_at") or record.get("mtime")
        executed_now = ((read_now.get(docname) or {}).get("executed_at") or 0) >= app.mltheory_build_started
        state = "executed in this build" if executed_now else "from the cache"
        hashes = (f"modules {modules_digest(page['modules'])[:12]} ({len(page['modules'])} files), "
                  f"package {page['package'][:12]}") if page else "—"
        status = "✓ succeeded" if record.get("succeeded", True) else f"✗ {record.get('error') or 'failed'}"
        rows.append([_page_link(app, fromdocname, docname, env.titles[docname].astext()),
                     "—" if runtime is None else f"{runtime:.1f}", budget, (_when(executed), state), hashes, status])
    summary = nodes.paragraph(text=(
        f"{len(rows)} executed pages; {over} over the page budget of {limit} s. "
        f"Current package hash {app.config.mltheory_package_hash[:16]}."
    ))
    table = _table(["Page", "Run time (s)", "Share of budget", "Last executed", "Ran under (hashes)", "Status"],
                   rows, [24, 10, 14, 20, 22, 10], "report")
    for placeholder in placeholders:
        placeholder.replace_self([summary, table])


# --------------------------------------------------------------------------- page furniture

#: The book's few style rules: nothing may widen a page beyond its column.
STYLE = """\
/* mltheory: tables wrap their cells, and what cannot wrap scrolls inside its own box, never the page. */
.bd-article .pst-scrollable-table-container, .bd-article .table-wrapper { max-width: 100%; overflow-x: auto; }
table.mltheory-table { table-layout: fixed; width: 100%; }
table.mltheory-table td { overflow-wrap: anywhere; vertical-align: top; }
table.mltheory-table td p { margin-bottom: 0.3em; }
.bd-article mjx-container { max-width: 100%; overflow-x: auto; overflow-y: hidden; }
"""
STYLE_FILE = "mltheory.css"


def _write_style(app: Sphinx, exception: BaseException | None) -> None:
    if exception is None and app.builder.format == "html":
        Path(app.outdir, "_static", STYLE_FILE).write_text(STYLE, encoding="utf8")


def _offer_executed_notebook(app: Sphinx, pagename: str, templatename, context, doctree) -> None:
    """Let the download button offer the executed ``.ipynb`` of a notebook page, served from the build.

    sphinx-book-theme copies myst-nb's executed notebook next to the page's
    source only when a launch button (Binder, Colab, ...) is configured, and
    this book has none: it must not point readers at other hosts. So the copy
    is made here, before the theme builds its buttons. The outputs come from
    the execution cache: when a page is taken from the cache, myst-nb writes
    the notebook it read, without outputs, to ``jupyter_execute``.
    """
    written = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if pagename not in _execution_records(app.env) or not written.is_file():
        return
    import nbformat
    from jupyter_cache import get_cache

    notebook = nbformat.read(written, as_version=4)
    try:
        _, notebook = get_cache(str(_cache_folders(app)[0])).merge_match_into_notebook(notebook)
    except KeyError:  # not in the cache: the page failed, or its record was dropped; offer what was written
        pass
    target = Path(app.outdir, "_sources", f"{pagename}.ipynb")
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


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
    app.add_config_value("mltheory_package_hash", "", "")
    app.add_config_value("mltheory_page_time_limit", 60, "")
    app.add_config_value("mltheory_claims_coverage", True, "env")
    app.add_config_value("mltheory_build_jobs", 0, "", int)
    app.connect("config-inited", _read_in_parallel)
    app.connect("build-finished", _report_parallel_failure)
    app.connect("config-inited", _configure_cache)
    app.connect("config-inited", _drop_thebe)
    app.connect("env-get-outdated", _outdated)
    app.connect("doctree-read", _collect_verifications)
    app.connect("source-read", _note_dependencies)
    app.connect("doctree-read", _record_page)
    app.connect("env-updated", _save_page_records)
    app.connect("build-finished", _forget_failed_build)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-check-consistency", _check_consistency)
    app.connect("doctree-resolved", _render_ledger)
    app.connect("doctree-resolved", _render_report)
    app.connect("html-page-context", _offer_executed_notebook, priority=400)
    app.connect("build-finished", _write_style)
    app.add_css_file(STYLE_FILE)
    app.add_node(ledger_placeholder)
    app.add_node(report_placeholder)
    app.add_directive("claims-ledger", ClaimsLedgerDirective)
    app.add_directive("execution-report", ExecutionReportDirective)
    return {"version": mltheory.__version__, "parallel_read_safe": True, "parallel_write_safe": True}
