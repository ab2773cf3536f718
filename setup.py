"""Package discovery for the folder-to-namespace mapping in pyproject.toml.

The design card keeps `analytics/`, `cli/`, `codegen/` and `generated/` at the top level, but installed
import names must be specific, so each folder is mapped under `replicost.*` (the generated client gets
`replicost_api`). setuptools' static `packages.find` cannot walk several mapped roots, so the package
list is computed here; everything else lives in pyproject.toml.
"""

from setuptools import find_packages, setup

ROOTS = {
    "replicost": "replicost",
    "replicost.analytics": "analytics",
    "replicost.cli": "cli",
    "replicost.codegen": "codegen",
    "replicost_api": "generated",
}

packages = []
package_dir = {}
for name, folder in ROOTS.items():
    packages.append(name)
    package_dir[name] = folder
    for sub in find_packages(folder):
        packages.append(f"{name}.{sub}")

setup(packages=packages, package_dir=package_dir)
