"""A per-provider counter of the rules engine's input: ``Provider.engine_input_version``.

The month-end report stores the engine's findings for a provider together
with the counter it read, and reuses them only while the counter is
unchanged. So every write to a row that ``scheduling.adapters`` builds a
provider's ``CheckInput`` from must bump the counter of every provider whose
input the row is part of, in the same transaction as the write.

Saves and deletes through the ORM are covered by the receivers below
(connected in ``SchedulingConfig.ready``), one per model in ``WATCHED_MODELS``.
Bulk writes that bypass signals (``bulk_create``, ``bulk_update``,
``QuerySet.update``, raw SQL) must call ``bump`` themselves.

How to read it: take ``current(provider_id)`` *before* reading the engine's
input, in the same transaction. A write that commits in between then shows
as a changed counter next time (the stored findings are recomputed once for
nothing), never the other way round. The bump comes after the write (in
``post_save``/``post_delete``) for the same reason: outside a transaction a
reader can see the new rows with the old counter, which only costs a
recomputation, but never the new counter with the old rows.

The counter is only ever changed by ``bump``'s single ``UPDATE``
(``Provider.save`` leaves the column out), so it never goes back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.db.models import F, Q
from django.db.models.signals import post_delete, post_save, pre_save

from assistans.models import Provider

#: "app_label.Model" -> ORM lookups from a row of that model to the ids of
#: the providers whose engine input the row is part of. Every model whose
#: table ``scheduling.adapters`` reads is listed (tests check this against
#: the adapter's source and the SQL it runs). Where the adapters read a row
#: through both the assistant and the client or employer, both paths are
#: listed: the registry keeps them at one provider, but the counter must not
#: rely on that.
PROVIDER_PATHS: dict[str, tuple[str, ...]] = {
    "scheduling.Shift": ("provider_id",),
    "scheduling.RuleException": ("shift__provider_id",),
    # kind (permit requirement); collective agreement (max period months),
    # which the employments of the provider's assistants are read through.
    "assistans.Provider": ("pk", "employments__assistant__provider_id"),
    "assistans.CollectiveAgreement": ("provider__id", "provider__employments__assistant__provider_id"),
    "assistans.Permit": ("provider_id",),
    "assistans.Client": ("provider_id",),
    "assistans.Decision": ("client__provider_id",),
    "assistans.Absence": ("client__provider_id",),
    "assistans.Assistant": ("provider_id",),
    "assistans.Employment": ("employer_id", "assistant__provider_id"),
    "assistans.ReferencePeriod": ("employment__employer_id", "employment__assistant__provider_id"),
    "assistans.ExternalHours": ("assistant__provider_id",),
    "assistans.Assignment": ("client__provider_id", "assistant__provider_id"),
}
WATCHED_MODELS: tuple[str, ...] = tuple(PROVIDER_PATHS)

#: Where ``pre_save`` leaves a changed row's earlier foreign keys.
_OLD = "_engine_input_old_keys"


def lock(provider_id: int) -> None:
    """Take the provider's row lock now, before any assistant's row lock.

    ``bump`` locks the provider's row until commit. A transaction that has
    bumped and then locks another assistant (copying a week, a sick call)
    would deadlock with one that holds that assistant and is about to bump;
    so everything that locks assistants to record shifts locks the provider
    first, and the order is always provider, then assistants."""
    Provider.objects.select_for_update().filter(pk=provider_id).values_list("pk").first()


def bump(provider_ids: Iterable[int | None]) -> None:
    """Add one to the counter of each provider in ``provider_ids`` (one
    ``UPDATE``: no signals, no audit entries). None and no ids do nothing."""
    ids = {pk for pk in provider_ids if pk is not None}
    if ids:
        _bump(Q(pk__in=ids))


def current(provider_id: int) -> int:
    """The provider's counter as the database has it now (not a cached instance)."""
    return Provider.objects.values_list("engine_input_version", flat=True).get(pk=provider_id)


def _bump(condition: Q) -> None:
    Provider.objects.filter(condition).update(engine_input_version=F("engine_input_version") + 1)


@dataclass(frozen=True)
class _Path:
    """One lookup of ``PROVIDER_PATHS``, split where a row's own columns end.

    ``key`` is the watched row's column the path starts from (a foreign key,
    or the primary key for a reverse path); ``model``/``rest`` look the
    provider ids up from that key's value (``model`` None: the value is a
    provider id). Only the rows the key points at are read, so a deleted row
    (its columns still on the instance) is followed like a saved one."""

    key: str
    model: type | None
    rest: str

    def condition(self, values: set) -> Q:
        if self.model is None:
            return Q(pk__in=values)
        return Q(pk__in=self.model._base_manager.filter(pk__in=values).values(self.rest))


def _compile(model, lookup: str) -> _Path:
    first, _sep, rest = lookup.partition("__")
    if first == "pk" or (not rest and first == model._meta.pk.attname):
        return _Path(model._meta.pk.attname, None, "")
    field = model._meta.get_field(first)
    if field.many_to_many or field.one_to_many or not field.concrete:
        # A reverse path (rows pointing at this one): follow it from the row's own key.
        return _Path(model._meta.pk.attname, model, lookup)
    if not rest:  # the foreign key to Provider itself
        return _Path(field.attname, None, "")
    return _Path(field.attname, field.related_model, rest)


_PATHS: dict[type, tuple[_Path, ...]] = {}


def _paths(model) -> tuple[_Path, ...]:
    paths = _PATHS.get(model)
    if paths is None:
        paths = _PATHS[model] = tuple(_compile(model, lookup) for lookup in PROVIDER_PATHS[model._meta.label])
    return paths


def _changeable_keys(model) -> set[str]:
    """The row's own columns a save can change that lead to a provider."""
    pk = model._meta.pk.attname
    return {path.key for path in _paths(model) if path.key != pk}


def _bump_for(model, instance, old_keys: dict | None = None) -> None:
    """Bump every provider the row leads to now, and through ``old_keys`` (the
    columns it had before this save) every provider it led to before."""
    by_path: dict[_Path, set] = {}
    for path in _paths(model):
        values = {getattr(instance, path.key)}
        if old_keys and path.key in old_keys:
            values.add(old_keys[path.key])
        values.discard(None)
        if values:
            by_path[path] = values
    if not by_path:
        return
    condition = Q()
    for path, values in by_path.items():
        condition |= path.condition(values)
    _bump(condition)


def _remember_old_keys(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Before a changed row is written, keep the keys that lead to its
    providers: a row moving to another provider changes both inputs."""
    keys = _changeable_keys(sender)
    if raw or instance._state.adding or instance.pk is None or not keys:
        return
    if update_fields is not None:
        names = {sender._meta.get_field(name).attname for name in update_fields}
        keys &= names
        if not keys:
            return
    keys = sorted(keys)
    row = sender._base_manager.filter(pk=instance.pk).values_list(*keys).first()
    if row is not None:
        setattr(instance, _OLD, dict(zip(keys, row, strict=True)))


def _saved(sender, instance, **kwargs) -> None:
    old_keys = instance.__dict__.pop(_OLD, None)
    _bump_for(sender, instance, old_keys)


def _deleted(sender, instance, **kwargs) -> None:
    _bump_for(sender, instance)


def connect() -> None:
    """Connect the receivers for every model in ``WATCHED_MODELS`` (once)."""
    for label in WATCHED_MODELS:
        model = apps.get_model(label)
        _paths(model)  # fail at start-up, not at the first save, on a bad path
        uid = f"scheduling.input_version.{label}"
        pre_save.connect(_remember_old_keys, sender=model, dispatch_uid=f"{uid}.pre_save")
        post_save.connect(_saved, sender=model, dispatch_uid=f"{uid}.post_save")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"{uid}.post_delete")
