from django.contrib import admin

from .models import (
    ComparisonTable,
    Domain,
    Exam,
    ImportRun,
    NoteSection,
    QuestionPattern,
    Scenario,
    Service,
    SourceFile,
)


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Exam)
class ExamAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "question_count", "minutes", "passing_score", "declared"]
    inlines = [DomainInline]


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["exam", "number", "name", "weight", "retired_at"]
    list_filter = ["exam", ("retired_at", admin.EmptyFieldListFilter)]


@admin.register(SourceFile)
class SourceFileAdmin(admin.ModelAdmin):
    list_display = ["path", "title", "kind", "imported_at"]
    list_filter = ["kind"]
    search_fields = ["path", "title"]
    readonly_fields = ["checksum", "link_context", "imported_at", "size"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "retired_at"]
    list_filter = ["category"]
    search_fields = ["name", "search_text"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["domains"]


class ImportedAdmin(admin.ModelAdmin):
    list_filter = ["source__kind", ("retired_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["key", "source", "line"]
    list_select_related = ["source"]


@admin.register(NoteSection)
class NoteSectionAdmin(ImportedAdmin):
    list_display = ["__str__", "source", "line", "retired_at"]
    search_fields = ["search_text"]
    filter_horizontal = ["services", "links_to", "links_to_notes", "domains"]


@admin.register(ComparisonTable)
class ComparisonTableAdmin(ImportedAdmin):
    list_display = ["title", "source", "line", "retired_at"]
    search_fields = ["search_text"]
    filter_horizontal = ["services"]


@admin.register(QuestionPattern)
class QuestionPatternAdmin(ImportedAdmin):
    list_display = ["prompt", "answer", "domain", "source", "line", "retired_at"]
    list_filter = ImportedAdmin.list_filter + ["domain", "origin"]
    search_fields = ["search_text"]
    filter_horizontal = ["answer_services"]
    list_select_related = ["source", "domain__exam"]


@admin.register(Scenario)
class ScenarioAdmin(ImportedAdmin):
    list_display = ["title", "domain", "source", "line", "retired_at"]
    list_select_related = ["source", "domain__exam"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["pk", "status", "started_by", "created_at", "files_total"]
    readonly_fields = ["report"]
