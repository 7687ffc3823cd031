"""Channels: one small class per way of reaching a customer, behind `base.Channel`.

Pick one with `apps.notifications.channels.registry.channel_for(name)`.
"""
