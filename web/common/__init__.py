"""What the pages of every audience share: a domain error as form messages, catalog names in the
reader's language, the reads more than one audience shows."""
