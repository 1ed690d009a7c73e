"""The files of one Etalab *decoupage-administratif* release: a ``.tgz`` npm package, or a folder
(flat, ``data/`` or ``package/data/``), each JSON file plain or gzipped (TER-1)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rsgm_core.errors import SourceDataError

_FILES = ("communes", "epci", "departements")
_PACKAGE = "@etalab/decoupage-administratif"
ARCHIVES = (".tgz", ".tar.gz")


class Files:
    """The data files of one release: a ``.tgz`` package, or a folder (flat, ``data/`` or
    ``package/data/``), each file plain or gzipped."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.members: dict[str, tuple[str, bytes]] | None = None  # archive: stem -> (name, bytes)
        self.folder = path
        if path.is_dir():
            for sub in (path / "package" / "data", path / "data"):
                if sub.is_dir():
                    self.folder = sub
                    break

    def looks_like_release(self) -> bool:
        return self.package_file() is not None or any(
            self.find(stem) for stem in (*_FILES, "metadata")
        )

    def check(self) -> None:
        """TER-1: an archive must be an Etalab package; every release holds the three files."""
        if self.path.is_file():
            self.members = self._open()
        package = self.package()
        if package is not None and package.get("name") != _PACKAGE:
            raise SourceDataError(
                f"ce n'est pas un paquet {_PACKAGE} (nom : {package.get('name')!r})",
                source=str(self.package_file()),
                rule="TER-1",
                value=package.get("name"),
            )
        if self.members is not None and package is None:
            raise SourceDataError(
                f"ce n'est pas un paquet {_PACKAGE} : package/package.json manque",
                source=str(self.path),
                rule="TER-1",
                value=self.path.name,
            )
        for stem in _FILES:
            if self.find(stem) is None:
                raise SourceDataError(
                    f"fichier manquant : {stem}.json (une publication contient communes.json, "
                    "epci.json et departements.json, éventuellement compressés en .gz)",
                    source=self.name(stem),
                    rule="TER-1",
                    value=f"{stem}.json",
                )

    def _open(self) -> dict[str, tuple[str, bytes]]:
        import tarfile  # with its compressors, when an archive is read only (start-up)

        wanted = {
            f"{stem}.json{gz}" for stem in (*_FILES, "arrondissements", "ept") for gz in ("", ".gz")
        }
        members: dict[str, tuple[str, bytes]] = {}
        try:
            with tarfile.open(self.path, "r:*") as archive:
                for info in archive:
                    parts = info.name.split("/")
                    if not info.isfile():
                        continue
                    if parts[-2:] == ["package", "package.json"] and len(parts) == 2:
                        key = "package"
                    elif (
                        len(parts) == 3 and parts[:2] == ["package", "data"] and parts[2] in wanted
                    ):
                        key = parts[2].split(".")[0]
                    else:
                        continue
                    handle = archive.extractfile(info)
                    if handle is not None:
                        members[key] = (f"{self.path} ({info.name})", handle.read())
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise SourceDataError(
                f"ce n'est pas un paquet {_PACKAGE} lisible ({exc})",
                source=str(self.path),
                rule="TER-1",
                value=self.path.name,
            ) from exc
        return members

    def package_file(self) -> Path | str | None:
        if self.members is not None:
            return self.members["package"][0] if "package" in self.members else None
        for candidate in (self.path / "package" / "package.json", self.path / "package.json"):
            if candidate.is_file():
                return candidate
        return None

    def package(self) -> dict[str, Any] | None:
        if self.members is not None:
            raw = self.members["package"][1] if "package" in self.members else None
        else:
            file = self.package_file()
            raw = Path(file).read_bytes() if file is not None else None
        if raw is None:
            return None
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise SourceDataError(
                f"package.json illisible ({exc})",
                source=str(self.package_file()),
                rule="TER-1",
                value="package.json",
            ) from exc
        return data if isinstance(data, dict) else {}

    def find(self, stem: str) -> str | None:
        if self.members is not None:
            return self.members[stem][0] if stem in self.members else None
        for candidate in (self.folder / f"{stem}.json", self.folder / f"{stem}.json.gz"):
            if candidate.is_file():
                return str(candidate)
        return None

    def name(self, stem: str) -> str:
        if self.members is not None:
            return self.find(stem) or f"{self.path} (package/data/{stem}.json)"
        return self.find(stem) or str(self.folder / f"{stem}.json")

    def load(self, stem: str) -> list[Any]:
        import gzip

        name = self.find(stem)
        if name is None:
            raise SourceDataError(
                "fichier introuvable", source=self.name(stem), rule="TER-1", value=f"{stem}.json"
            )
        try:
            if self.members is not None:
                raw = self.members[stem][1]
                data = json.loads(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)
            elif name.endswith(".gz"):
                with gzip.open(name, "rb") as handle:
                    data = json.loads(handle.read())
            else:
                data = json.loads(Path(name).read_bytes())
        except (OSError, EOFError, ValueError) as exc:  # gzip and json errors, truncation included
            raise SourceDataError(
                f"JSON illisible ou tronqué ({exc})", source=name, value=Path(name).name
            ) from exc
        if not isinstance(data, list):
            raise SourceDataError(
                "une liste JSON est attendue", source=name, value=type(data).__name__
            )
        return data

    def metadata(self) -> Path | None:
        for folder in (self.folder, self.path):
            if (folder / "metadata.json").is_file():
                return folder / "metadata.json"
        return None

    def version(self) -> str:
        """package.json's version, else the folder's (or package's) name."""
        package = self.package()
        if package is not None and isinstance(package.get("version"), str):
            return str(package["version"])
        name = self.path.name
        for suffix in ARCHIVES:
            name = name.removesuffix(suffix)
        return name.removeprefix("etalab-decoupage-administratif-")
