"""Platform clients for the cockpit: httpx + pydantic only, no Textual, no SQLite, no cockpit imports."""
