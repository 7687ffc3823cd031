"""SMS compliance keywords (CTIA / carrier rules) and the answers carriers require.

Only a message that *is* the keyword counts ("stop", " STOP ", "Stop."), not one that mentions it
("please don't stop my order"), as Twilio's own opt-out handling does.
"""

import re

from apps.notifications.models import SmsKeyword

KEYWORDS = {
    **dict.fromkeys(("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"), SmsKeyword.STOP),
    **dict.fromkeys(("START", "UNSTOP"), SmsKeyword.START),
    **dict.fromkeys(("HELP", "INFO"), SmsKeyword.HELP),
}


def sms_keyword(text: str) -> SmsKeyword | None:
    """The compliance keyword this SMS body is, or None for an ordinary message."""
    word = re.sub(r"[\s.!]+$", "", (text or "").strip()).upper()
    return KEYWORDS.get(word)


def keyword_reply(keyword: SmsKeyword | None, sender_name: str) -> str:
    """The text answered to a keyword ("" for none). Carriers require STOP and HELP to be answered."""
    if keyword == SmsKeyword.STOP:
        return (
            f"{sender_name}: you are unsubscribed and will receive no more text messages. "
            "Reply START to resubscribe."
        )
    if keyword == SmsKeyword.START:
        return (
            f"{sender_name}: you are subscribed to text messages again. "
            "Reply HELP for help, STOP to unsubscribe."
        )
    if keyword == SmsKeyword.HELP:
        return (
            f"{sender_name}: updates about your orders and support requests. "
            "Msg&data rates may apply. Reply STOP to unsubscribe."
        )
    return ""
