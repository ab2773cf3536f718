"""Package discovery for the folder-to-namespace mapping in pyproject.toml.

One rule: every top-level source folder `X/` is the package `replicost.X`; `replicost/` itself is the
small root (errors, config, paths, redaction) and the generated client in `generated/` is
`replicost_api`. setuptools' static `packages.find` cannot walk several mapped roots, so the package
list is computed here; everything else lives in pyproject.toml.
"""

from setuptools import find_packages, setup

ROOTS = {
    "replicost": "replicost",
    "replicost.analytics": "analytics",
    "replicost.billing": "billing",
    "replicost.cli": "cli",
    "replicost.client": "client",
    "replicost.codegen": "codegen",
    "replicost.simulator": "simulator",
    "replicost.store": "store",
    "replicost.sync": "sync",
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
