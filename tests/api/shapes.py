"""Assertions about the API's response shapes, for any app's API tests."""


def error_of(response) -> dict:
    """The `error` object of a 4xx response, after checking the body has exactly the agreed shape:
    {"error": {"code": ..., "message": ..., "fields": {...}}}."""
    body = response.json() if hasattr(response, "json") else response.data  # test client or bare view
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    return body["error"]
