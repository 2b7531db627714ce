"""The message model: what a user sent, whatever the transport."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Incoming:
    """A message from a user, whatever the transport."""

    user_id: int
    text: str | None = None
    callback: str | None = None
    image: bytes | None = None
    location: tuple[float, float] | None = None
    language_code: str | None = None
    chat_id: int | None = None  # where daily tips go; the user's own chat when not given
    image_size: int | None = None  # declared size of a photo not downloaded yet
    document_size: int | None = None  # declared size of a file not downloaded yet
    photo_ref: str | None = None  # the transport's id for the photo (kept with a report)
    document: bytes | None = None  # a file that is not an image (an admin's catalog CSV)
    document_name: str = ""
    user_name: str = ""  # the sender's name as Telegram shows it (shown to officers on a report)
    username: str = ""  # the sender's @username, without the @
    photo_is_file: bool = False  # the photo came as a file (a document), not as a compressed photo
    admitted: bool = False  # the transport asked Core.admit (the flood guard) before downloading

    @property
    def chat(self) -> int:
        """The chat to answer in later (report notices, daily tips)."""
        return self.chat_id or self.user_id
