"""NotificationAPI: domain events from the outbox, fanned out to HTTP, e-mail and recommender actions.

The flow (design.md section 3, "Events are never lost and never fail a request"):

    write + outbox item (one transaction)
      -> outbox table stream --notify_outbox--> events queue
      -> notify_dispatch: one delivery per configured action (delivery log, conditional put)
      -> deliveries queue -> notify_deliver: one attempt (claimed with a conditional update)
      -> SUCCEEDED | RETRYING (notify_sweep requeues it when due) | FAILED (+ deliveries DLQ) | SKIPPED

Modules: `config` (the JSON config, validated), `triggers`, `flow` (the handlers' logic), `handlers`
(registration on the app), `store` and `keys` (the delivery log), `retry` (the schedule), `senders`
(HTTP webhooks with Standard Webhooks `signing`, SES e-mail, the recommender), `emails` (templates),
`routes` (dashboard endpoints of the delivery log), `clock` (time, replaceable in tests).

Environment variables (all read when used, none at import):

| variable | default | meaning |
|---|---|---|
| `NOTIFICATIONS_CONFIG_PATH` | `config/notifications.json` | the actions per trigger |
| `WEBHOOK_BASE_URL` | (unset) | base of the shipped config's webhook URLs; unset: those are no-ops |
| `WEBHOOK_SECRETS` (`WEBHOOK_SECRET`) | (unset) | signing secrets, `whsec_<base64>` or raw; two during a rotation |
| `RS_URL` / `RS_ENABLED` | `""` / `true` | the recommender; empty URL or false: no-op |
| `EMAIL_FROM` | (unset) | SES sender (verified identity); unset: e-mails are no-ops |
| `EMAIL_REPLY_TO`, `SES_CONFIGURATION_SET` | (unset) | optional SES settings |
| `STOREFRONT_URL` | `http://localhost:3031` | links in e-mails |
| `OUTBOX_STREAM_ARN` | placeholder | the outbox stream for `chalice deploy` (the packaged template sets it) |
"""
