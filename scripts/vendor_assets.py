#!/usr/bin/env python3
"""Vendor the browser assets the maps need under ``static/vendor/``.

Leaflet and Leaflet.markercluster are fetched from the npm registry with
``npm pack`` (checked by SHA-256) and their ``dist/`` files copied. The result
is committed: at run time Streamlit serves them from ``/app/static/vendor/``
(``[server] enableStaticServing = true``), so maps draw with no Internet.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEST = ROOT / "static" / "vendor"

PACKAGES = {
    # name, version, sha256 of the npm tarball, files kept from dist/
    "leaflet": ("1.9.4", "84c65a256e50657896f54c33bd857b6849ebe94c817803be818bf32a3dde0b77",
                ["leaflet.js", "leaflet.css", "images/layers.png", "images/layers-2x.png",
                 "images/marker-icon.png", "images/marker-icon-2x.png",
                 "images/marker-shadow.png"]),
    "leaflet.markercluster": ("1.5.3",
                              "fc6b0b1d00b6c708ae54e43ee4a11ac345e41660e19f0a570190bb35babb1a1c",
                              ["leaflet.markercluster.js", "MarkerCluster.css",
                               "MarkerCluster.Default.css"]),
}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name, (version, digest, files) in PACKAGES.items():
            subprocess.run(["npm", "pack", f"{name}@{version}", "--silent"], cwd=tmp, check=True,
                           stdout=subprocess.DEVNULL)
            tgz = Path(tmp) / f"{name}-{version}.tgz"
            got = hashlib.sha256(tgz.read_bytes()).hexdigest()
            if got != digest:
                raise SystemExit(f"{tgz.name}: sha256 {got} != {digest}")
            target = DEST / name
            shutil.rmtree(target, ignore_errors=True)
            with tarfile.open(tgz) as tar:
                for rel in files:
                    data = tar.extractfile(f"package/dist/{rel}").read()
                    out = target / rel
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_bytes(data)
                for member in tar.getnames():
                    if "LICEN" in Path(member).name.upper() and member.count("/") == 1:
                        (target / "LICENSE").write_bytes(tar.extractfile(member).read())
            print(f"{name}@{version} -> {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
