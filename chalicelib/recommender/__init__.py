"""The recommender feature: the storefront's events and recommendations, the dashboard's pass-throughs,
and category positions for `sort_by=recommended` (see routes.py, and positions.py for the catalog)."""

import logging

# Chalice sets its app logger ("ecoseller") to ERROR; the no-ops and fallbacks logged here are worth
# seeing in CloudWatch, as the notification flow's are.
logging.getLogger("ecoseller.recommender").setLevel(logging.INFO)
