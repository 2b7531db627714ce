"""The domain: catalog data, storage, search, barcodes, labels, stores and tips.

Nothing in this package knows about Telegram; the bot and the console both use it
through the conversation core in ``bot.core``.
"""
