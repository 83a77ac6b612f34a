"""Countries, currencies, VAT groups, languages and the address book (contract 1.8)."""
