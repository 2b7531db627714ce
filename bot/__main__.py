"""``python -m bot`` is the ``ecolabel-bot`` command."""

from bot.cli import main

main()
