#!/usr/bin/env bash
# Builds the rpcws-client wheel and sdist (python -m build), installs the wheel into a fresh virtualenv as a
# user would, and checks what a PyPI user gets: the metadata, the typed marker, both clients importable, and
# neither the test agent nor the tests shipped. Output in clients-python/dist/.
set -euo pipefail
cd "$(dirname "$0")/../clients-python"

rm -rf dist
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
.venv/bin/python -m build --outdir dist . >"$fresh/build.log" 2>&1 || { cat "$fresh/build.log"; exit 1; }
python3 -m venv "$fresh/venv"
"$fresh/venv/bin/pip" install --quiet --disable-pip-version-check dist/*.whl

# From another directory, so that nothing is imported from this checkout.
(cd "$fresh" && venv/bin/python - "$OLDPWD/dist" <<'PY'
import importlib.metadata as md
import importlib.util
import pathlib
import sys
import tarfile

import rpcws_client
import rpcws_client.sync

meta = md.metadata("rpcws-client")
wanted = {
    "License-Expression": "Apache-2.0",
    "Requires-Python": ">=3.10",
    "Description-Content-Type": "text/markdown",
}
for field, value in wanted.items():
    assert meta[field] == value, f"{field}: {meta[field]!r}, expected {value!r}"
assert meta["Summary"] and "rpcws-client" in meta["Description"], "summary and README description"
assert "Typing :: Typed" in meta.get_all("Classifier"), "the Typing :: Typed classifier"
assert meta.get_all("Project-URL"), "project URLs"
assert any(r.startswith("websockets") for r in md.requires("rpcws-client")), "the websockets dependency"

files = {str(f) for f in md.files("rpcws-client")}
assert "rpcws_client/py.typed" in files, "the py.typed marker"
assert any(f.endswith("licenses/LICENSE") for f in files), "the license file"
assert not any(f.startswith(("agent/", "tests/")) for f in files), sorted(files)
assert importlib.util.find_spec("agent") is None, "no agent module installed"
assert pathlib.Path(rpcws_client.__file__).is_relative_to(pathlib.Path(sys.prefix)), rpcws_client.__file__
assert rpcws_client.sync.Client and rpcws_client.Client

dist = pathlib.Path(sys.argv[1])
(sdist,) = dist.glob("*.tar.gz")
names = tarfile.open(sdist).getnames()
root = names[0].split("/")[0]
for needed in ("LICENSE", "README.md", "pyproject.toml", "src/rpcws_client/py.typed", "src/rpcws_client/sync.py"):
    assert f"{root}/{needed}" in names, f"sdist lacks {needed}"
assert not any("/tests/" in n or "/agent/" in n for n in names), "sdist ships tests or the agent"
print(f"wheel and sdist checked: {len(files)} files installed, {len(names)} entries in the sdist")
PY
)
ls dist
