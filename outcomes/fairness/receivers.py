"""Erasure reaches self-identification: the candidate's answers and links are deleted
(not anonymised: an answer without its application is no use to any figure)."""

from django.dispatch import receiver

from candidates.signals import candidate_erasing

from . import selfid


@receiver(candidate_erasing, dispatch_uid="outcomes-erase-self-identification")
def erase_self_identification(sender, candidate, **kwargs) -> None:
    selfid.erase_for(candidate)
