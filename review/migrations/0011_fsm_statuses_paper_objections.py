# Issue 16 (procedure integrity): seat, score-sheet and objection statuses become protected
# django-fsm fields; objections received on paper or by e-mail are entered by the bureau.

import django.db.models.deletion
import django_fsm
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ('review', '0010_project_panels'),
        ('bounty', '0021_bid_submitted_per_challenge'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='objection',
            name='channel',
            field=models.CharField(choices=[('platform', 'On the platform'), ('paper', 'On paper'), ('email', 'By e-mail')], default='platform', max_length=10, verbose_name='received'),
        ),
        migrations.AddField(
            model_name='objection',
            name='entered_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='objection',
            name='objector_contact',
            field=models.CharField(blank=True, max_length=200, verbose_name='contact'),
        ),
        migrations.AddField(
            model_name='objection',
            name='objector_identity',
            field=models.CharField(blank=True, max_length=200, verbose_name='ID number or organisation'),
        ),
        migrations.AddField(
            model_name='objection',
            name='objector_name',
            field=models.CharField(blank=True, max_length=100, verbose_name="objector's name"),
        ),
        migrations.AddField(
            model_name='objection',
            name='received_on',
            field=models.DateField(blank=True, null=True, verbose_name='received on'),
        ),
        migrations.AlterField(
            model_name='objection',
            name='author',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='objection',
            name='status',
            field=django_fsm.FSMField(choices=[('open', 'Open'), ('upheld', 'Upheld'), ('dismissed', 'Dismissed')], db_index=True, default='open', max_length=20, protected=True),
        ),
        migrations.AlterField(
            model_name='scoresheet',
            name='status',
            field=django_fsm.FSMField(choices=[('draft', 'Draft'), ('submitted', 'Submitted')], default='draft', max_length=20, protected=True),
        ),
        migrations.AlterField(
            model_name='seat',
            name='status',
            field=django_fsm.FSMField(choices=[('waiting', 'Alternate, not invited'), ('invited', 'Invited'), ('accepted', 'Accepted'), ('declined', 'Declined'), ('expired', 'No answer in time'), ('conflicted', 'Replaced after a declared conflict')], default='waiting', max_length=20, protected=True),
        ),
    ]
