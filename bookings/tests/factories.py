import datetime as dt
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone

from bookings.models import Booking, BookingService, Notification
from outlets.tests.factories import BayFactory, OutletFactory, ServiceTypeFactory
from vehicles.tests.factories import VehicleFactory


def next_local(hour: int, *, days: int = 1, tz: str = "Asia/Shanghai") -> dt.datetime:
    """An aware datetime `days` ahead at `hour`:00 in the zone (default: the outlets' zone)."""

    zone = ZoneInfo(tz)
    day = timezone.now().astimezone(zone).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=zone)


class BookingFactory(factory.django.DjangoModelFactory):
    """A confirmed one-hour booking tomorrow at 10:00 on a general bay; inserted directly,
    bypassing the reservation rules (tests of those rules call the services)."""

    class Meta:
        model = Booking
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"HS-T{n:05d}")
    vehicle = factory.SubFactory(VehicleFactory)
    owner = factory.SelfAttribute("vehicle.owner")
    outlet = factory.SubFactory(OutletFactory)
    bay = factory.SubFactory(BayFactory, outlet=factory.SelfAttribute("..outlet"))
    start = factory.LazyFunction(lambda: next_local(10))
    end = factory.LazyAttribute(lambda b: b.start + dt.timedelta(minutes=60))
    bay_released_at = factory.SelfAttribute("end")
    status = Booking.Status.CONFIRMED

    @factory.post_generation
    def services(obj, create, extracted, **kwargs):
        if not create:
            return
        for service in extracted or [ServiceTypeFactory(code="general-maintenance")]:
            BookingService.objects.create(
                booking=obj,
                service_type=service,
                labour_minutes=service.labour_minutes,
                price=service.price,
            )


def waiting_walk_in(outlet, *, arrived: dt.datetime) -> Booking:
    """A walk-in checked in at `arrived` and waiting for a bay: none is given it yet."""
    return BookingFactory(
        outlet=outlet,
        bay=None,
        status=Booking.Status.CHECKED_IN,
        channel=Booking.Channel.WALK_IN,
        start=arrived,
        checked_in_at=arrived,
        vehicle=VehicleFactory(),
    )


def sent_code(user, purpose: str | None = None) -> str:
    """The plain code of the newest one-time code recorded for `user` (of `purpose`, when
    given), read from its outbox row before it is sent, as the tests' owner reads the SMS."""
    notes = Notification.objects.filter(kind=Notification.Kind.ONE_TIME_CODE, recipient=user)
    if purpose is not None:
        notes = notes.filter(context__purpose=purpose)
    return notes.latest("pk").context["code"]
