import factory
from django.utils import timezone

from accounts.models import User

PASSWORD = "Harmony-2026!"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    phone = factory.Sequence(lambda n: f"+86138{n:08d}")
    language = User.Language.EN
    # Proven by default: a person the tests act as receives their messages. UnverifiedUser-
    # Factory is a new account, as it is after sign-up.
    verified_phone = factory.LazyAttribute(lambda u: u.phone)
    phone_verified_at = factory.LazyFunction(timezone.now)
    verified_email = factory.LazyAttribute(lambda u: u.email)
    email_verified_at = factory.LazyFunction(timezone.now)
    # Hashed before the INSERT: one statement per user, not an INSERT and then an UPDATE.
    password = factory.django.Password(PASSWORD)


class UnverifiedUserFactory(UserFactory):
    verified_phone = ""
    phone_verified_at = None
    verified_email = ""
    email_verified_at = None


class AdminFactory(UserFactory):
    is_staff = True
    is_superuser = True
