"""``python -m powbureau``: the same as the ``powbureau`` command."""

from powbureau.cli import main

main()
