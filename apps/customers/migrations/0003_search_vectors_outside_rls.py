import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

# Existing customers keep what they are found by: their search text moves to the new table.
COPY_SEARCH_TEXT = """
SELECT set_config('app.rls_bypass', 'on', true);
INSERT INTO customers_customersearchvector (customer_id, tenant_id, document)
SELECT id, tenant_id, search_text FROM customers_customer;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_row_level_security"),
        ("tenants", "0002_row_level_security"),
    ]

    operations = [
        migrations.CreateModel(
            name="CustomerSearchVector",
            fields=[
                (
                    "customer",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_vector",
                        serialize=False,
                        to="customers.customer",
                    ),
                ),
                ("document", models.TextField(blank=True)),
                (
                    "vector",
                    models.GeneratedField(
                        db_persist=True,
                        expression=django.contrib.postgres.search.SearchVector("document", config="simple"),
                        output_field=django.contrib.postgres.search.SearchVectorField(),
                    ),
                ),
                (
                    "tenant",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="tenants.tenant"
                    ),
                ),
            ],
        ),
        migrations.RunSQL(COPY_SEARCH_TEXT, migrations.RunSQL.noop),
        migrations.RemoveIndex(model_name="customer", name="customer_search"),
        migrations.RemoveField(model_name="customer", name="search_vector"),
        migrations.RemoveField(model_name="customer", name="search_text"),
        migrations.AddIndex(
            model_name="customersearchvector",
            index=django.contrib.postgres.indexes.GinIndex(fields=["vector"], name="customer_search_vector", fastupdate=False),
        ),
    ]
