import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

# Build the vector of every existing case (the same document as apps/cases/search.py, frozen here).
BACKFILL = """
SELECT set_config('app.rls_bypass', 'on', true);
INSERT INTO cases_casesearchvector (case_id, tenant_id, vector)
SELECT src.id, src.tenant_id,
    setweight(to_tsvector('simple', src.reference || ' ' || replace(src.reference, '-', ' ')), 'A')
    || setweight(to_tsvector('simple', src.subject), 'A')
    || setweight(to_tsvector('english', src.subject), 'A')
    || setweight(to_tsvector('simple',
        coalesce(o.order_number || ' ' || replace(o.order_number, '-', ' '), '')), 'B')
    || setweight(to_tsvector('simple', coalesce(cs.document, '')), 'B')
    || setweight(to_tsvector('simple', left(src.description || ' ' || coalesce(m.bodies, ''), 200000)), 'C')
    || setweight(to_tsvector('english', left(src.description || ' ' || coalesce(m.bodies, ''), 200000)), 'C')
    || array_to_tsvector(array_remove(ARRAY[lower(src.reference), lower(o.order_number)], NULL)
        || ARRAY(SELECT 'tag:' || tag FROM unnest(src.tags) AS tag))
FROM cases_case AS src
LEFT JOIN customers_order AS o ON o.id = src.order_id
LEFT JOIN customers_customersearchvector AS cs ON cs.customer_id = src.customer_id
LEFT JOIN LATERAL (
    SELECT string_agg(t.body, ' ' ORDER BY t.seq) AS bodies
    FROM cases_timelineentry AS t
    WHERE t.tenant_id = src.tenant_id AND t.case_id = src.id
      AND t.kind IN ('message_in', 'message_out', 'note')
) AS m ON true;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_row_level_security"),
        ("customers", "0003_search_vectors_outside_rls"),
        ("tenants", "0002_row_level_security"),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseSearchVector",
            fields=[
                (
                    "case",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_vector",
                        serialize=False,
                        to="cases.case",
                    ),
                ),
                ("vector", django.contrib.postgres.search.SearchVectorField()),
                (
                    "tenant",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="tenants.tenant"
                    ),
                ),
            ],
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.RemoveIndex(model_name="case", name="case_search"),
        migrations.RemoveIndex(model_name="case", name="case_tags"),
        migrations.RemoveField(model_name="case", name="search_vector"),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(
                    ("status__in", ["new", "acknowledged", "in_progress", "pending_customer", "reopened"])
                ),
                fields=["tenant", "last_activity_at", "id"],
                name="case_open_activity",
            ),
        ),
        migrations.AddIndex(
            model_name="casesearchvector",
            index=django.contrib.postgres.indexes.GinIndex(fields=["vector"], name="case_search_vector", fastupdate=False),
        ),
    ]
