"""Celery tasks: thin, they take ids and send one email."""

from celery import shared_task

from .emails import case_email_send


@shared_task(acks_late=True)
def send_case_email(case_id: int, template: str) -> None:
    case_email_send(case_id=case_id, template=template)
