"""The catalog's second language: the Chinese fields beside the English ones, and which a
reader gets."""

from django.utils.translation import get_language


def in_chinese() -> bool:
    """Whether the active language is Chinese: the catalog keeps a second field for it."""
    return (get_language() or "").startswith("zh")


def localized(english: str, chinese: str) -> str:
    """The Chinese text for Chinese readers when the data has it, else the English."""
    return chinese if chinese and in_chinese() else english
