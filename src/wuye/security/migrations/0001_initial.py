from django.db import migrations


class Migration(migrations.Migration):
    """The app's first migration: the topics' tables follow, one migration each."""

    initial = True
    dependencies: list = []
    operations: list = []
