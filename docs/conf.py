"""Sphinx configuration of the course website (built by ``python -m course_lib.site``).

The source folder is ``build/site/src`` (docs/ pages + executed notebooks); this file stays in
docs/. Nothing on a page may come from another host: require.js, the widget manager and
MathJax are served from ``_static/vendor`` (copied from node_modules/ by course_lib.site).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

# -- what the build recorded (course_lib.site writes it; defaults let `sphinx-build` run too)
_info_path = os.environ.get("COURSE_SITE_INFO")
_info = json.loads(Path(_info_path).read_text()) if _info_path else {}
TORCH = _info.get("torch", "?")
DEVICE = _info.get("device", "?")
STAMP = f"Last verified with torch {TORCH} on {DEVICE}"
if _info.get("fast"):
    STAMP += " (fast CI parameters)"

# Launch links (Colab, Binder) and the repository button point here; set it for a fork.
REPOSITORY_URL = os.environ.get("COURSE_REPOSITORY_URL", "https://github.com/pytorch-course/pytorch-course")
REPOSITORY_BRANCH = os.environ.get("COURSE_REPOSITORY_BRANCH", "main")

project = "Learn PyTorch"
author = "The course authors"
copyright = "the course authors"

extensions = ["myst_nb", "sphinx_copybutton", "sphinx.ext.mathjax"]
exclude_patterns = ["**/.ipynb_checkpoints", "_build"]
# exercise notebooks put "### Exercise" under the "#" title on purpose; broken links still fail
suppress_warnings = ["myst.header"]

# -- notebooks: rendered from the papermill-executed copies, never executed by Sphinx
nb_execution_mode = "off"
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "substitution"]
myst_heading_anchors = 3
myst_substitutions = {"torch_version": TORCH, "device": DEVICE, "stamp": STAMP}

# -- offline JavaScript (paths are relative to _static/)
html_static_path = ["_static"] + ([_info["static_dir"]] if "static_dir" in _info else [])
mathjax_path = "vendor/mathjax/tex-mml-chtml.js"
nb_ipywidgets_js = {  # loaded in this order, only on pages that have widgets
    "vendor/require.js": {},
    "course-widgets.js": {},
    "vendor/html-manager/embed-amd.js": {
        # a widget module not bundled with the manager is looked up here (same host), never on a CDN
        "data-jupyter-widgets-cdn": "/_static/vendor/widget-modules/",
        "data-jupyter-widgets-cdn-only": "",
    },
}

# -- theme
html_theme = "sphinx_book_theme"
html_title = "Learn PyTorch"
html_last_updated_fmt = None
html_sourcelink_suffix = ""  # the download button then serves the .ipynb itself
html_copy_source = True
html_theme_options = {
    "announcement": STAMP,
    "repository_url": REPOSITORY_URL,
    "repository_branch": REPOSITORY_BRANCH,
    "path_to_docs": "",  # the site's folders mirror the repository's (notebooks/, exercises/, ...)
    "use_repository_button": True,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "launch_buttons": {
        "colab_url": "https://colab.research.google.com",
        "binderhub_url": "https://mybinder.org",
        "notebook_interface": "jupyterlab",
    },
    "show_navbar_depth": 1,
    "show_toc_level": 2,
}
html_context = {"course_stamp": STAMP, "default_mode": "light"}
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
copybutton_exclude = ".linenos, .gp, .go"
