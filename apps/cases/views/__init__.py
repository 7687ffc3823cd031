"""The agent workspace's case pages: the queue, the case page with its actions, the new-case form."""
