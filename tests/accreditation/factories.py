import factory

from accreditation.models import Centre


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centre

    name = factory.Sequence(lambda n: f"Training Centre {n}")
    number = factory.Sequence(lambda n: f"C{2000 + n}")
    status = Centre.Status.APPROVED
