from zoneinfo import ZoneInfo

from flask import current_app, redirect, request, url_for
from flask_login import current_user

from webapp.audit import bp, labels, presenters, services
from webapp.audit.forms import HistoryFilters
from webapp.core.domain import ValidationFailed
from webapp.core.htmx import render, render_partials, wants_partial
from webapp.identity.decorators import admin_required


@bp.get("")
@admin_required
def history():
    filters = HistoryFilters.from_args(request.args)
    errors: dict[str, str] = {}
    try:
        found = services.search_history(**filters.criteria(), page=request.args.get("page"))
    except ValidationFailed as exc:
        found, errors = None, exc.fields
    status = 422 if errors else 200
    if found is not None and found.page > 1 and wants_partial():
        # Infinite scroll: the next rows only (a page-2 link without JS gets the whole page).
        return render_partials(("audit/_rows.html", {"history": found, "filters": filters}))
    context = {"history": found, "filters": filters, "errors": errors}
    if not wants_partial():
        context |= {"tables": services.audited_tables(), "users": services.tenant_users()}
    return render("audit/history.html", "audit/_results.html", status, **context)


@bp.get("/records/<table_name>/<record_id>")
@admin_required
def record_history(table_name: str, record_id: str):
    """More entries for a record's history tab (htmx); browsers go to the filtered page."""
    if not wants_partial():
        return redirect(url_for(".history", table=table_name, record_id=record_id))
    found = services.history_for(table_name, record_id, page=request.args.get("page"))
    return render_partials(("audit/_record_rows.html", {"history": found}))


@bp.get("/errors")
@admin_required
def errors():
    search = request.args.get("q", "").strip()
    found = services.list_errors(current_user.tenant_id, search, page=request.args.get("page"))
    return render("audit/errors.html", "audit/_error_results.html", errors=found, q=search)


@bp.get("/errors/<error_id>")
@admin_required
def error_detail(error_id: str):
    # Another tenant's error (or an unknown id) raises NotFound: a plain 404 page.
    item = services.get_error(current_user.tenant_id, error_id)
    return render("audit/error_detail.html", "audit/error_detail.html", item=item)


@bp.app_template_global("audit_changes")
def audit_changes(entry) -> list[presenters.FieldChange]:
    return presenters.field_changes(entry, ZoneInfo(current_app.config["TIMEZONE"]))


bp.add_app_template_global(presenters.record_label, "audit_record")
bp.add_app_template_global(presenters.actor_label, "audit_actor")
bp.add_app_template_global(labels.action_label, "audit_action")
bp.add_app_template_global(labels.table_label, "audit_table_label")
bp.add_app_template_global(presenters.ACTION_STYLES, "AUDIT_ACTION_STYLES")
