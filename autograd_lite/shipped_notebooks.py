"""The notebooks that come with the package, and copying them somewhere a learner can open them."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import ChangedFilesError

__all__ = ["copy_notebooks", "notebook_folder"]


def notebook_folder() -> Path:
    """Where the notebooks are: package data in an installed copy (`autograd_lite/notebooks/`),
    the repository's `notebooks/` folder in a source checkout or an editable install."""
    package = Path(__file__).resolve().parent
    installed = package / "notebooks"
    return installed if installed.is_dir() else package.parent / "notebooks"


def copy_notebooks(directory: str | os.PathLike[str], force: bool = False) -> list[Path]:
    """Copy every shipped notebook into `directory` (made if missing); the paths written.

    A notebook already there with the same content is left alone. If any differs (the learner
    ran or edited it), nothing is copied and `ChangedFilesError` names them, unless `force`;
    the same error when `directory` is a file.
    """
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise ChangedFilesError(
            f"{directory} is a file, not a folder; nothing was copied. Give the name of a"
            " folder (it is made if missing)"
        )
    sources = sorted(notebook_folder().glob("*.ipynb"))
    targets = [directory / source.name for source in sources]
    changed = [
        target
        for source, target in zip(sources, targets)
        if target.exists() and target.read_bytes() != source.read_bytes()
    ]
    if changed and not force:
        names = ", ".join(target.name for target in changed)
        raise ChangedFilesError(
            f"{directory} already has changed copies of {names}; nothing was copied."
            " Pass --force (force=True) to overwrite them, or choose another directory"
        )
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for source, target in zip(sources, targets):
        if not target.exists() or target in changed:
            target.write_bytes(source.read_bytes())
            written.append(target)
    return written
