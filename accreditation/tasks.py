"""Celery tasks: thin, they take ids and send one email."""

from celery import shared_task

from .emails import candidate_email_send


@shared_task(acks_late=True)
def send_candidate_email(candidate_id: int, template: str) -> None:
    candidate_email_send(candidate_id=candidate_id, template=template)
