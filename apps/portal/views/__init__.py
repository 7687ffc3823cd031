"""Portal views, by area: sign-in (auth), cases, account (orders, messages, preferences, data),
and pages that work without signing in (public)."""
