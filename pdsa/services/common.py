"""What every pdsa write shares: the stale-edit refusal, import errors and saving with history."""

from dataclasses import dataclass

from django.utils import timezone


class StaleEditError(Exception):
    """Someone else saved first: the caller shows their newer version and keeps this form."""

    def __init__(self, current):
        super().__init__("This was changed by someone else after you opened it.")
        self.current = current


@dataclass
class ImportResult:
    created: int
    replaced: int


class CsvImportError(Exception):
    """A CSV file with errors: nothing was imported. `errors` is [(row number, message)]."""

    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__(f"{len(errors)} error(s) in the file; nothing was imported.")
        self.errors = errors


def _saved(instance, *, user=None):
    instance.full_clean()
    if user is not None:
        # django-simple-history records who made the change without needing its middleware.
        instance._history_user = user
    instance.save()
    return instance


def _claim_version(instance, version: int) -> None:
    """Take the next version with a conditional update, or refuse a stale form."""
    model = type(instance)
    fields = {"version": version + 1}
    if hasattr(instance, "updated_at"):
        fields["updated_at"] = timezone.now()
    if not model.objects.filter(pk=instance.pk, version=version).update(**fields):
        raise StaleEditError(model.objects.get(pk=instance.pk))
    instance.version = version + 1
