from django.contrib import admin

from .models import Attempt, AttemptQuestion, BankQuestion


@admin.register(BankQuestion)
class BankQuestionAdmin(admin.ModelAdmin):
    list_display = ["stem", "kind", "exam", "domain", "retired_at"]
    list_filter = ["kind", "exam", "domain"]
    search_fields = ["stem", "key"]


class AttemptQuestionInline(admin.TabularInline):
    model = AttemptQuestion
    fields = ["position", "stem", "chosen", "flagged", "answered_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["user", "exam", "preset", "started_at", "finished_at", "correct", "total", "scaled_score"]
    list_filter = ["preset", "exam"]
    list_select_related = ["user", "exam"]
    inlines = [AttemptQuestionInline]
