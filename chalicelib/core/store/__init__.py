"""DynamoDB access: table definitions, the key schema, and typed helpers over the low-level client."""
