"""environment.yml (conda users) and pyproject.toml (pip, CI) must ask for the same packages."""

import re
import tomllib

import yaml
from conftest import ROOT


def requirement_names(requirements):
    return {re.split(r"[<>=!~ \[]", r.strip(), maxsplit=1)[0].lower().replace("_", "-") for r in requirements}


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
    conda = [d for d in environment if isinstance(d, str) and not d.startswith(("python", "pip"))]
    pip = next(d["pip"] for d in environment if isinstance(d, dict))
    assert "-e ." in pip, "environment.yml must install the course package itself"
    aliases = {"pytorch": "torch"}  # conda-forge's name for torch
    declared = {aliases.get(n, n) for n in requirement_names(conda + [p for p in pip if p != "-e ."])}
    assert declared == requirement_names(project)


def test_constraints_pin_torch_and_nbval():
    pins = dict(line.split("==", 1) for line in (ROOT / "constraints.txt").read_text().splitlines()
                if "==" in line and not line.startswith("#"))
    assert pins["torch"] == "2.13.0"
    assert pins["nbval"] == "0.11.0"
