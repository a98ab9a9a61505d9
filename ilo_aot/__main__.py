"""`python -m ilo_aot ...` runs the `ilo` command."""

import sys

from .cli import main

sys.exit(main())
