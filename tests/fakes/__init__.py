"""Fake provider HTTP servers (Postmark-compatible ESP, Twilio) for tests, integration runs and benchmarks."""
