"""Thin Telegram adapters: turn an Update into a core call and render the reply model."""
