"""What the API reads and writes, as JSON: the OpenAPI schema is generated from these."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from audits.models import AuditRound
from pdsa.models import DataPoint, ImprovementPlan, Measure, PDSACycle
from practices.models import Practice
from qiproject.forms import PeriodField, parse_period, period_value

# The periods the API takes, for the OpenAPI schema: a month (2026-10) or an ISO week
# (2026-W43). The web's period fields read them (qiproject.forms.parse_period), and more.
PERIOD_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$|^[0-9]{4}-W(0[1-9]|[1-4][0-9]|5[0-3])$"

MAX_ID = 2**63 - 1  # the database's largest id: a larger number names nothing


class ListFilters(serializers.Serializer):
    """The query parameters every list accepts (each list uses those that apply to it)."""

    practice = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    plan = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    measure = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    period_from = serializers.DateField(required=False, help_text="On or after this day.")
    period_to = serializers.DateField(required=False, help_text="On or before this day.")


class PracticeSerializer(serializers.ModelSerializer):
    programme_name = serializers.CharField(source="programme.name")

    class Meta:
        model = Practice
        fields = ["id", "name", "ods_code", "programme", "programme_name"]


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImprovementPlan
        fields = [
            "id",
            "practice",
            "title",
            "status",
            "aim_what",
            "aim_for_whom",
            "aim_how_much",
            "aim_by_when",
            "start_date",
            "end_date",
            "progress_score",
        ]


class LatestSerializer(serializers.Serializer):
    """The measure's latest analysis, as its chart and the dashboards show it."""

    period = serializers.CharField(allow_null=True, help_text="2026-10, or 2026-W43 if weekly.")
    value = serializers.FloatField(
        allow_null=True, help_text="Proportions as a fraction between 0 and 1."
    )
    variation = serializers.CharField(allow_null=True, help_text="SPC variation icon code.")
    variation_label = serializers.CharField()
    assurance = serializers.CharField(allow_null=True, help_text="Assurance against the target.")
    assurance_label = serializers.CharField()
    point_count = serializers.IntegerField()


class MeasureSerializer(serializers.ModelSerializer):
    practice = serializers.IntegerField(source="plan.practice_id")
    latest = serializers.SerializerMethodField()

    class Meta:
        model = Measure
        fields = [
            "id",
            "plan",
            "practice",
            "name",
            "kind",
            "definition",
            "data_type",
            "numerator",
            "denominator",
            "frequency",
            "improvement",
            "target",
            "baseline_end",
            "rebased_from",
            "latest",
        ]

    @extend_schema_field(LatestSerializer)
    def get_latest(self, measure: Measure) -> dict:
        period = measure.latest_period
        return {
            "period": period_value(period, measure.frequency) if period else None,
            "value": measure.latest_value,
            "variation": measure.variation,
            "variation_label": measure.variation_label,
            "assurance": measure.assurance,
            "assurance_label": measure.assurance_label,
            "point_count": measure.point_count,
        }


class DataPointSerializer(serializers.ModelSerializer):
    period = serializers.SerializerMethodField(help_text="2026-10, or 2026-W43 if weekly.")
    period_start = serializers.DateField(source="period")

    class Meta:
        model = DataPoint
        fields = ["id", "measure", "period", "period_start", "numerator", "denominator", "value"]
        fields += ["note"]

    def get_period(self, point: DataPoint) -> str:
        return period_value(point.period, point.measure.frequency)


class CycleSerializer(serializers.ModelSerializer):
    practice = serializers.IntegerField(source="plan.practice_id")
    measures = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = PDSACycle
        fields = [
            "id",
            "plan",
            "practice",
            "change_idea",
            "previous",
            "number",
            "title",
            "stage",
            "start_date",
            "end_date",
            "objective",
            "learning",
            "decision",
            "measures",
            "updated_at",
        ]


class AuditRoundSerializer(serializers.ModelSerializer):
    template = serializers.CharField(source="template_version.template.name")
    template_version = serializers.IntegerField(source="template_version.number")
    case_count = serializers.IntegerField()
    cycles = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = AuditRound
        fields = [
            "id",
            "practice",
            "template",
            "template_version",
            "period_start",
            "period_end",
            "sample_size",
            "status",
            "case_count",
            "completed_at",
            "cycles",
        ]


# Writing data ----------------------------------------------------------------------------


class DataItemSerializer(serializers.Serializer):
    """One period's value. Its rules (caps, whole counts, numerator within denominator) are
    the data point's own, checked by the service as for the web form and the CSV import."""

    period = serializers.RegexField(
        PERIOD_PATTERN,
        help_text="2026-10 for a monthly measure, 2026-W43 for a weekly one.",
        error_messages={"invalid": "Write a month as 2026-10, or an ISO week as 2026-W43."},
    )
    numerator = serializers.IntegerField(required=False, help_text="Proportions only.")
    denominator = serializers.IntegerField(required=False, help_text="Proportions only.")
    value = serializers.FloatField(required=False, help_text="Counts and continuous values.")
    note = serializers.CharField(
        required=False, allow_blank=True, help_text="Optional; left as saved when absent."
    )
    replace = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Overwrite a different value already saved for this period.",
    )

    def validate_period(self, text):
        frequency = self.context["measure"].frequency
        try:
            return parse_period(text, frequency)
        except (ValueError, OverflowError):
            # The web form's own words for a period it cannot read.
            message = PeriodField.default_error_messages["invalid"][frequency]
            raise serializers.ValidationError(message) from None


def parse_batch(data, measure, max_items: int):
    """Each item parsed for `measure`: (items, errors); an item with errors is None, and
    errors are [(index or None for the body, {field: [messages]})]."""
    if not isinstance(data, list):
        return [], [(None, {"__all__": ["Send a JSON list of items."]})]
    if not data:
        return [], [(None, {"__all__": ["The list is empty: send at least one item."]})]
    if len(data) > max_items:
        return [], [(None, {"__all__": [f"Send at most {max_items:,} items at a time."]})]
    items, errors = [], []
    for index, raw in enumerate(data):
        item = DataItemSerializer(data=raw, context={"measure": measure})
        if item.is_valid():
            items.append(item.validated_data)
        else:
            items.append(None)
            errors.append((index, item.errors))
    return items, errors


class ItemErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField(allow_null=True, help_text="The item's place, from 0.")
    field = serializers.CharField(allow_null=True, help_text="None: the item (or body) as a whole.")
    message = serializers.CharField()


class DataErrorsSerializer(serializers.Serializer):
    errors = ItemErrorSerializer(many=True)


class DataResultSerializer(serializers.Serializer):
    created = serializers.ListField(child=serializers.CharField())
    updated = serializers.ListField(child=serializers.CharField())
    unchanged = serializers.ListField(child=serializers.CharField())


class ProblemSerializer(serializers.Serializer):
    detail = serializers.CharField()
