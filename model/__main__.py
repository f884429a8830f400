"""``python -m model``: see :mod:`model.entry.cli`."""

import sys

from .entry.cli import main

sys.exit(main())
