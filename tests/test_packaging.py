"""mltheory installs as a library beside the user's own torch (issue 11).

The wheel declares compatible ranges, not the exact pins of ``constraints.txt``; installed offline
into a virtual environment that already has torch (and the rest), it installs nothing else and
leaves that torch in place, and ``pip check`` finds every requirement met.
"""

from __future__ import annotations

import email
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parent.parent
#: The ranges pyproject.toml declares: the oldest versions with the APIs the package uses.
RANGES = {"torch": ">=2.1", "numpy": ">=1.24", "sympy": ">=1.12", "matplotlib": ">=3.7", "scipy": ">=1.10",
          "scikit-learn": ">=1.2"}


def run(*command: str | Path, cwd: Path | None = None) -> str:
    done = subprocess.run([str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built offline from the working tree with the setuptools already installed."""
    source, out = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("wheel")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "mltheory", source / "mltheory", ignore=shutil.ignore_patterns("__pycache__"))
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-index", "--no-build-isolation", "--quiet",
        "--wheel-dir", out, source)
    (built,) = out.glob("mltheory-*.whl")
    return built


def test_wheel_metadata_declares_ranges_not_pins(wheel):
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = email.message_from_bytes(archive.read(name))
    core = {r.replace(" ", "") for r in metadata.get_all("Requires-Dist") if "extra" not in r}
    assert core == {package + spec for package, spec in RANGES.items()}
    assert not any("==" in r or "~=" in r for r in core)


def test_install_keeps_the_torch_already_there(wheel, tmp_path):
    """A fresh venv that sees this environment's packages (torch included) through a .pth file."""
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip())
    (site / "existing.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    before = run(python, "-c", "import torch; print(torch.__version__, torch.__file__)", cwd=tmp_path)
    log = run(python, "-m", "pip", "install", "--no-index", wheel)
    after = run(python, "-c", "import torch; print(torch.__version__, torch.__file__)", cwd=tmp_path)
    assert before == after and before.startswith(torch.__version__)
    installed = [line for line in log.splitlines() if line.startswith("Successfully installed")]
    assert installed and installed[0].split()[2:] == [f"mltheory-{wheel.name.split('-')[1]}"], log
    run(python, "-m", "pip", "check")
    where = run(python, "-c", "import mltheory.information; print(mltheory.__file__)", cwd=tmp_path)
    assert where.startswith(str(site)), where
