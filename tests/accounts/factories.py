import factory
from allauth.account.models import EmailAddress

from accounts.models import User
from accounts.roles import Role
from accounts.services import role_grant

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(user, create, extracted, **kwargs):
        # Like a real signed-up user: allauth knows the address and it is verified.
        if create and extracted is not False:
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)


def grant(user: User, role: Role) -> User:
    role_grant(user=user, role=role)
    # Django caches permissions on the instance: drop the cache so the new role shows.
    for attr in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(attr, None)
    return user
