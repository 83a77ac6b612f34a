"""HTTP conventions shared by every route: errors, routing, validation, pagination, i18n."""
