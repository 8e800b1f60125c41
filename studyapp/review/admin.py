from django.contrib import admin

from .models import Card, ReviewLog, ReviewState, StudySettings


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
    list_display = ["front", "answer", "kind", "exam", "retired_at"]
    list_filter = ["kind", "exam", "domains", ("retired_at", admin.EmptyFieldListFilter)]
    search_fields = ["front", "answer", "key"]
    readonly_fields = [f.name for f in Card._meta.fields]
    filter_horizontal = ["domains", "services"]


@admin.register(ReviewState)
class ReviewStateAdmin(admin.ModelAdmin):
    list_display = ["user", "card", "phase", "due", "reps", "lapses", "suspended", "leech"]
    list_filter = ["phase", "suspended", "leech"]
    list_select_related = ["user", "card"]
    raw_id_fields = ["card"]
    search_fields = ["user__username", "card__front"]


@admin.register(ReviewLog)
class ReviewLogAdmin(admin.ModelAdmin):
    """Read-only: the log is a record of what happened."""

    list_display = ["user", "card", "rating", "reviewed_at", "duration_ms", "mode"]
    list_filter = ["rating", "mode"]
    list_select_related = ["user", "card"]
    search_fields = ["user__username", "card__front"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StudySettings)
class StudySettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "new_per_day", "reviews_per_day", "desired_retention", "time_zone"]
    filter_horizontal = ["exams", "domains", "services"]
