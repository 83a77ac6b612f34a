"""Lambda handlers of the notification flow (registered on the app by `register`).

| function          | event source                                        | does (flow.py)        |
|-------------------|-----------------------------------------------------|-----------------------|
| `notify_outbox`   | the outbox table's stream (NEW_IMAGE), batch 100    | `forward_outbox`      |
| `notify_dispatch` | the events queue, batch 10                          | `dispatch`            |
| `notify_deliver`  | the deliveries queue, batch 10 (run concurrently)   | `deliver`             |
| `notify_sweep`    | every minute                                        | `sweep`               |

Every handler answers partial batch responses. The packaged template (infra/template.py) points the
event source mappings at the stack's own queues and stream and enables `ReportBatchItemFailures`;
locally the EventDriver drives the same functions (infra/local/stack.py maps the stream placeholder to
the outbox table). The stream ARN is only known once the table exists: `OUTBOX_STREAM_ARN` provides it
to `chalice deploy`; otherwise the placeholder below is used and the merged template replaces it.

This module is imported by every Lambda function (app.py), so it imports nothing heavy.
"""

from __future__ import annotations

import os

from chalice import Rate

from chalicelib.core import queues

OUTBOX_HANDLER = "notify_outbox"
DISPATCH_HANDLER = queues.EVENTS.consumer
DELIVER_HANDLER = queues.DELIVERIES.consumer
SWEEP_HANDLER = "notify_sweep"
OUTBOX_STREAM_PLACEHOLDER = "OUTBOX_STREAM_ARN"
OUTBOX_BATCH_SIZE = 100
QUEUE_BATCH_SIZE = 10


def _bind(event) -> None:
    """Log lines of this invocation carry the Lambda request id."""
    from chalicelib.core.observability import bind_request_id

    bind_request_id(getattr(getattr(event, "context", None), "aws_request_id", None))


def on_outbox_records(event):
    from chalicelib.notifications import flow

    _bind(event)
    return flow.forward_outbox(flow.iter_records(event))


def on_events(event):
    from chalicelib.notifications import flow

    _bind(event)
    return flow.dispatch(flow.iter_records(event))


def on_deliveries(event):
    from chalicelib.notifications import flow

    _bind(event)
    return flow.deliver(flow.iter_records(event))


def on_sweep(event):
    from chalicelib.notifications import flow

    _bind(event)
    return flow.sweep()


def stream_tables() -> dict[str, str]:
    """For the local EventDriver: which table's stream feeds the outbox handler."""
    from chalicelib.core.settings import get_settings

    return {OUTBOX_HANDLER: get_settings().table_name("outbox")}


def register(app) -> None:
    """Attach the stream, queue and schedule handlers (and the dashboard routes) to the Chalice app."""
    app.on_dynamodb_record(stream_arn=os.environ.get("OUTBOX_STREAM_ARN") or OUTBOX_STREAM_PLACEHOLDER,
                           batch_size=OUTBOX_BATCH_SIZE, starting_position="TRIM_HORIZON",
                           name=OUTBOX_HANDLER)(on_outbox_records)
    app.on_sqs_message(queue=queues.queue_name(queues.EVENTS.logical), batch_size=QUEUE_BATCH_SIZE,
                       name=DISPATCH_HANDLER)(on_events)
    app.on_sqs_message(queue=queues.queue_name(queues.DELIVERIES.logical), batch_size=QUEUE_BATCH_SIZE,
                       name=DELIVER_HANDLER)(on_deliveries)
    app.schedule(Rate(1, unit=Rate.MINUTES), name=SWEEP_HANDLER,
                 description="Put due notification retries and delayed actions back on the queue")(on_sweep)
    from chalicelib.notifications.routes import routes  # declared after every feature's routes, as always

    app.register_blueprint(routes.blueprint)
