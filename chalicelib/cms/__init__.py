"""CMS pages, page categories and their types, Editor.js uploads (contract 1.9)."""
