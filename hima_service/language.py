"""The data's second language: models keep a Chinese text beside the English one (a name, an
address, a reason), and a reader gets the one of the active language."""

from django.utils.translation import get_language


def in_chinese() -> bool:
    """Whether the active language is Chinese: the catalog keeps a second field for it."""
    return (get_language() or "").startswith("zh")


def localized(english: str, chinese: str) -> str:
    """The Chinese text for Chinese readers when the data has it, else the English."""
    return chinese if chinese and in_chinese() else english
