"""Storefront search (contract S1, section 7) on OpenSearch, with a DynamoDB fallback.

    GET search/storefront/product/<lang>/<query>/?limit=&country=&pricelist=
      -> service.search: the engine's best matches (engine.py), or the fallback's (fallback.py) when
         search is switched off, the engine errors or times out, or there is no index yet
      -> catalog.storefront.service.list_items, in score order (ProductStorefrontList; header X-Search-Backend)

    outbox stream --search_outbox--> live.py: reindex the products a change touches (engine down: the
                                     work is kept as pending items, retried by search_maintenance)
    nightly --search_rebuild--> rebuild.py: new versioned index, loaded page by page with checkpoints,
                                count check, atomic alias swap, previous index kept, older ones deleted
    every 5 min --search_maintenance--> resume a paused rebuild, retry pending live updates

Modules: `settings` (environment variables, listed there), `documents` (analyzers, mapping, the
document of a product), `engine` (the only user of opensearch-py: client, SigV4, query, bulk, aliases),
`source` (products from DynamoDB page by page), `rebuild`, `live`, `fallback`, `text` (folding rules
shared with the fallback), `keys` (this feature's items in the main table), `service`, `routes`,
`handlers`, `cli` (`python -m chalicelib.cli search-index --rebuild|--create|--populate|--delete|
--rollback|--status`).

For other packages: `service.search(language, query, limit=6, country=None, pricelist=None, origin="")
-> (items, backend)`, `service.matching_ids(language, query, size) -> (ids, backend)`,
`rebuild.rebuild(context=None, restart=False) -> Outcome`, `live.on_records(records) -> dict`.
"""
