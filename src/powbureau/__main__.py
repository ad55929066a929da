"""``python -m powbureau``: the same as the ``powbureau`` command.

Ctrl-C while the program is still loading (a second or more on a busy machine) ends it with one line and exit 130,
not a traceback from the import machinery; ``cli.main`` then installs its own handler (DESIGN §5)."""

import signal
import sys


def _interrupted_while_loading(signum, frame) -> None:  # noqa: ANN001
    sys.stderr.write("interrupted: nothing was done\n")
    raise SystemExit(130)


signal.signal(signal.SIGINT, _interrupted_while_loading)

from powbureau.cli import main  # noqa: E402

main()
