"""Date and time formats per language (settings.FORMAT_MODULE_PATH): one style in each, on
every page, and the 24-hour clock in both; Django's own locale formats fill in the rest."""
