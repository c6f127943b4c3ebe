from datetime import date

from django.core.management.base import BaseCommand, CommandError

from assistans.demo import DEMO_PASSWORD, create_demo
from assistans.models import Provider
from scheduling.demo import create_demo_shifts


class Command(BaseCommand):
    help = "Load deterministic demo data (one provider, clients, assistants, users of every role)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when providers already exist (for make run)."
        )

    def handle(self, *args, seed: int, if_empty: bool, **options):
        if Provider.objects.exists():
            if if_empty:
                self.stdout.write("Demo data already loaded.")
                self._print_logins_from_db()
                return
            raise CommandError("The database already has providers; demo data is only loaded into an empty one.")
        result = create_demo(seed=seed)
        shifts = 0
        for provider in {client.provider for client in result.clients}:
            shifts += create_demo_shifts(
                provider=provider, first=date(2026, 9, 1), last=date(2026, 12, 31), today=date(2026, 11, 24), seed=seed
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data: {result.provider}, {len(result.clients)} clients, {len(result.assistants)} assistants, "
                f"{shifts} shifts."
            )
        )
        self._print_logins([(u, r, d) for u, r, d in result.logins])

    def _print_logins_from_db(self):
        from assistans.models import Membership
        from assistans.navigation import ROLE_SUMMARIES, role_summary

        rank = {role: index for index, role in enumerate(ROLE_SUMMARIES)}
        memberships = sorted(
            Membership.objects.select_related("user").order_by("user__username"),
            key=lambda m: rank.get(m.role, len(rank)),
        )
        self._print_logins([(m.user.username, m.get_role_display(), role_summary(m)) for m in memberships])

    def _print_logins(self, rows):
        """The accounts with their roles, then the one password, as the last
        lines before `make run` starts the server."""
        self.stdout.write("\nDemo logins:")
        for username, role, description in rows:
            self.stdout.write(f"  {username:<14} {role:<26} {description}")
        self.stdout.write(self.style.SUCCESS(f"Password for every demo account: {DEMO_PASSWORD}"))
        self.stdout.write("")
