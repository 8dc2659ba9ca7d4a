from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("review", "0014_expert_ratings"), ("bounty", "0030_termination_process")]

    operations = [
        migrations.RemoveConstraint(
            model_name="draw",
            name="draw_subject_matches_purpose",
        ),
        migrations.AlterField(
            model_name="draw",
            name="purpose",
            field=models.CharField(
                choices=[
                    ("bid_review", "Bid review"),
                    ("milestone", "Milestone assessment"),
                    ("acceptance", "Final acceptance"),
                    ("termination", "Diligent-failure assessment (termination)"),
                ],
                default="bid_review",
                max_length=30,
            ),
        ),
        migrations.AlterField(
            model_name="panelopinion",
            name="verdict",
            field=models.CharField(
                choices=[
                    ("met", "Met"),
                    ("not_met", "Not met"),
                    ("passed", "Passed"),
                    ("closed_without_pass", "Closed without full pass"),
                    ("failed", "Failed"),
                    ("diligent_failure", "Diligent: failure despite due diligence"),
                    ("not_diligent", "Not diligent: duties not fulfilled"),
                ],
                max_length=30,
                verbose_name="verdict",
            ),
        ),
        migrations.AddConstraint(
            model_name="draw",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("status__in", ["committing", "frozen"]), ("purpose", "termination")
                ),
                fields=("project",),
                name="one_open_termination_draw_per_project",
            ),
        ),
        migrations.AddConstraint(
            model_name="draw",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("milestone__isnull", True),
                        ("project__isnull", True),
                        ("purpose", "bid_review"),
                    ),
                    models.Q(
                        ("milestone__isnull", False),
                        ("project__isnull", False),
                        ("purpose", "milestone"),
                    ),
                    models.Q(
                        ("milestone__isnull", True),
                        ("project__isnull", False),
                        ("purpose", "acceptance"),
                    ),
                    models.Q(
                        ("milestone__isnull", True),
                        ("project__isnull", False),
                        ("purpose", "termination"),
                    ),
                    _connector="OR",
                ),
                name="draw_subject_matches_purpose",
            ),
        ),
    ]
