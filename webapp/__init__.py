"""The live-scanning page (Telegram Mini App): its thin HTTP API and the static page.

The front-end lives in ``src/`` (built by npm into ``dist/``); the Python modules here
turn HTTP requests into catalog calls and JSON, nothing more.
"""
