from django.core.management.base import BaseCommand

from demo.network import DEMO_PASSWORD
from demo.seed import seed_demo


class Command(BaseCommand):
    help = "Load the demo network (brands, outlets, people, vehicles, bookings). Idempotent."

    def handle(self, *args, **options):
        logins = seed_demo()
        self.stdout.write(self.style.SUCCESS("Demo network loaded."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.username:<22} {login.role:<18} {login.note}")
