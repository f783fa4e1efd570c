from django.core.management.base import BaseCommand, CommandError

from hima_service.health import postgres_problem, redis_problem


class Command(BaseCommand):
    help = "Exit non-zero with a one-line hint when PostgreSQL or Redis is not reachable."

    def handle(self, *args, **options):
        problem = postgres_problem() or redis_problem()
        if problem:
            raise CommandError(problem)
        self.stdout.write("PostgreSQL and Redis are reachable.")
