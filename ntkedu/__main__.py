"""``python -m ntkedu`` is the ``ntkedu`` command (see :mod:`ntkedu.cli`)."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
