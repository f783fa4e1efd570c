from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import postgres_problem, redis_problem


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 only when PostgreSQL and Redis both answer; 503 naming the one that does not."""
    problems = {
        name: problem
        for name, problem in (("postgres", postgres_problem()), ("redis", redis_problem()))
        if problem
    }
    if problems:
        return JsonResponse(
            {
                "code": "unavailable",
                "detail": f"Not ready: {', '.join(problems)} not reachable.",
                "checks": {name: problems.get(name, "ok") for name in ("postgres", "redis")},
            },
            status=503,
        )
    return JsonResponse({"status": "ok", "checks": {"postgres": "ok", "redis": "ok"}})
