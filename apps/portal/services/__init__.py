"""Writes of the portal, one module per area: sign-in, cases, account (preferences, exports), lookup."""
