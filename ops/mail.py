"""Alert mails through SendGrid's own library. Without a key (or addresses) they are logged
instead; a mail that cannot be sent is logged and reported as not sent, never raised."""

from __future__ import annotations

import logging

from python_http_client.exceptions import HTTPError
from sendgrid import SendGridAPIClient
from sendgrid.helpers.mail import Mail

from hallofshame.logs import mask_text, secrets_of
from hallofshame.settings import Settings, alert_recipients

log = logging.getLogger(__name__)
MAIL_TIMEOUT_S = 15.0  # a hung mail service must not hold a job's lock


def mail_configured(settings: Settings) -> bool:
    return bool(settings.sendgrid_api_key and settings.alert_from and alert_recipients(settings))


def send_mail(settings: Settings, subject: str, body: str) -> bool:
    """Mail the operator; True when SendGrid accepted it. No secret goes out in it."""
    subject, body = (mask_text(text, secrets_of(settings)) for text in (subject, body))
    if not mail_configured(settings):
        log.warning(
            "no mail sent (SENDGRID_API_KEY, ALERT_FROM or ALERT_TO is not set): %s",
            subject,
            extra={"mail_subject": subject, "mail_body": body},
        )
        return False
    message = Mail(
        from_email=settings.alert_from,
        to_emails=alert_recipients(settings),
        subject=subject,
        plain_text_content=body,
    )
    client = SendGridAPIClient(settings.sendgrid_api_key, host=settings.sendgrid_host)
    client.client.timeout = MAIL_TIMEOUT_S
    try:
        response = client.send(message)
    except (HTTPError, OSError) as exc:  # SendGrid refused it, or could not be reached
        log.error("alert mail not sent: %s: %s", subject, exc, extra={"mail_subject": subject})
        return False
    log.info("alert mail sent: %s", subject, extra={"mail_status": response.status_code})
    return True
