from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods

from studyapp.web import partial_template, vary_on_htmx

from .forms import UploadForm
from .models import (
    ComparisonTable,
    Domain,
    Exam,
    ImportRun,
    NoteSection,
    QuestionPattern,
    Service,
    SourceFile,
    task_statements,
)
from .search import SHOWN, run_search
from .uploads import apply_upload, start_upload


@require_GET
def home(request):
    exams = Exam.objects.prefetch_related(Prefetch("domains", queryset=Domain.objects.active()))
    counts = {
        "services": Service.objects.active().count(),
        "tables": ComparisonTable.objects.active().count(),
        "patterns": QuestionPattern.objects.active().count(),
        "sources": SourceFile.objects.count(),
    }
    latest = SourceFile.objects.order_by("-imported_at").only("imported_at").first()
    return TemplateResponse(request, "notes/home.html", {"exams": exams, "counts": counts, "latest": latest})


@require_GET
def notes_index(request):
    active_services = Service.objects.active().only("name", "slug", "category", "summary")
    domains = Domain.objects.active().select_related("exam").prefetch_related(
        Prefetch("services", queryset=active_services, to_attr="active_services")
    ).annotate(pattern_count=Count("patterns", filter=Q(patterns__retired_at__isnull=True)))
    # Services of no domain in use: none at all, or only domains an exam note has retired.
    unassigned = active_services.exclude(domains__in=Domain.objects.active())
    documents = SourceFile.objects.exclude(kind="service").only("title", "slug", "kind", "path")
    return TemplateResponse(request, "notes/index.html", {
        "domains": domains, "unassigned": unassigned, "documents": documents,
    })


@require_GET
def service_detail(request, slug):
    service = get_object_or_404(Service.objects.select_related("source"), slug=slug)
    sections = list(NoteSection.objects.active().filter(source_id=service.source_id)) if service.source_id else []
    for section in sections:
        section.source = service.source  # the note they were read by, not read again for each
    domains = list(Domain.objects.active().select_related("exam").filter(services=service))
    elsewhere = NoteSection.objects.active().exclude(source_id=service.source_id).select_related("source").only(
        "heading_path", "anchor", "source__title", "source__slug")
    return TemplateResponse(request, "notes/service.html", {
        "service": service,
        "contents": _contents(sections, service.name),
        "domains": domains,
        "tasks": task_statements(service.source.tasks, domains) if service.source_id else [],
        "sections": sections,
        "tables": ComparisonTable.objects.active().filter(services=service).select_related("source")
        .only("key", "title", "source__title"),
        "patterns": QuestionPattern.objects.active().filter(answer_services=service)
        .values_list(*SHOWN["patterns"], named=True),
        "backlinks": elsewhere.filter(links_to=service),
        "mentions": elsewhere.filter(services=service).exclude(links_to=service)[:30],
    })


@require_GET
def document_detail(request, slug):
    source = get_object_or_404(SourceFile, slug=slug)
    if source.kind == "service":
        service = Service.objects.filter(source=source).only("slug").first()
        if service:
            return redirect(service)
    sections = list(NoteSection.objects.active().filter(source=source).select_related("source"))
    return TemplateResponse(request, "notes/document.html", {
        "source": source,
        "contents": _contents(sections, source.title),
        "tasks": task_statements(source.tasks, source.domains.active()) if source.tasks else [],
        "sections": sections,
        "backlinks": NoteSection.objects.active().filter(links_to_notes=source).exclude(source=source)
        .select_related("source").only("heading_path", "anchor", "source__title", "source__slug"),
    })


# A note of more top-level sections than this opens with a table of contents.
CONTENTS_FROM = 4


def _contents(sections: list, title: str) -> list:
    """The note's top-level sections, for its table of contents; none for a short note."""
    top = [section for section in sections
           if len(section.heading_path) == 1 and section.heading_path[0] != title]
    return top if len(top) >= CONTENTS_FROM else []


@require_GET
def table_list(request):
    tables = ComparisonTable.objects.active().select_related("source").only(
        "key", "title", "columns", "line", "source__title", "source__slug", "source__path")
    return TemplateResponse(request, "notes/tables.html", {"tables": tables})


@require_GET
def table_detail(request, key):
    table = get_object_or_404(ComparisonTable.objects.select_related("source"), key=key)
    return TemplateResponse(request, "notes/table.html", {
        "table": table, "services": table.services.active().only("name", "slug"),
    })


@require_GET
def search(request):
    query = request.GET.get("q", "").strip()[:200]
    results = run_search(query)
    response = TemplateResponse(request, partial_template(request, "notes/search.html", "results"),
                                {"query": query, "results": results})
    return vary_on_htmx(response)


@staff_member_required
def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        run = start_upload(request.user, form.cleaned_data["files"])
        return redirect("notes:upload_status", pk=run.pk)
    runs = ImportRun.objects.all()[:10]
    for run in runs:
        run.fail_if_gone()
    return TemplateResponse(request, "notes/upload.html", {"form": form, "runs": runs})


@staff_member_required
@require_http_methods(["GET", "POST"])
def upload_status(request, pk):
    run = get_object_or_404(ImportRun, pk=pk)
    applied = request.method == "POST" and "apply" in request.POST and apply_upload(run)
    if request.method == "POST" and not request.htmx:
        return redirect("notes:upload_status", pk=run.pk)
    run.fail_if_gone()
    # Only a run at work carries the polling trigger, so swapping in a preview or a report stops
    # the polling; focus goes to what came in, or, once applied, to the import's progress.
    template = partial_template(request, "notes/upload_status.html", "progress")
    focus = request.htmx and (applied or not run.working)
    return vary_on_htmx(TemplateResponse(request, template, {"run": run, "focus": focus}))
