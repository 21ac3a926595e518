"""Pages of certificates and qualifications (证书/资质): the register with its filters (即将到期,
已过期…), per person and per contractor, and the form to register, renew or revoke. Thin: the
rules are ``services.certificates``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from wuye.base.pages import paginate, render_list
from wuye.core.choices import Role
from wuye.core.forms import add_service_errors
from wuye.core.models import Contractor, Staff
from wuye.core.scoping import Actor, actor_for
from wuye.workflow.attachments import attachment_store, attachment_url

from ..choices import CertificateHolder, CertificateKind
from ..selectors import certificates as selectors
from ..services import certificates as services

STATE_TABS = (
    ("", gettext_lazy("全部")),
    ("expiring", gettext_lazy("即将到期")),
    ("expired", gettext_lazy("已过期")),
    ("valid", gettext_lazy("有效")),
    ("revoked", gettext_lazy("已吊销")),
)


def _may_write(actor: Actor) -> bool:
    try:
        services.certificate_check_writer(actor)
    except PermissionDenied:
        return False
    return True


def _staff_choices(actor: Actor) -> list:
    qs = Staff.objects.filter(is_active=True)
    if not actor.is_superuser:
        qs = qs.filter(company_id=actor.company_id)
        if actor.role != Role.EXECUTIVE:
            qs = qs.filter(estates__in=list(actor.estate_ids))
    return [(s.pk, f"{s.name}（{s.employee_no}）") for s in qs.distinct().order_by("name")]


def _contractor_choices(actor: Actor) -> list:
    qs = Contractor.objects.all()
    if not actor.is_superuser:
        qs = qs.filter(company_id=actor.company_id)
        if actor.role != Role.EXECUTIVE:
            qs = qs.filter(estates__in=list(actor.estate_ids))
    return [(c.pk, c.name) for c in qs.distinct().order_by("name")]


class CertificateFilter(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("姓名、单位或编号"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    state = forms.ChoiceField(label=gettext_lazy("状态"), required=False, choices=STATE_TABS)
    kind = forms.ChoiceField(
        label=gettext_lazy("证书类别"),
        required=False,
        choices=[("", gettext_lazy("全部类别")), *CertificateKind.choices],
    )
    holder = forms.ChoiceField(
        label=gettext_lazy("持证方"),
        required=False,
        choices=[("", gettext_lazy("全部")), *CertificateHolder.choices],
    )
    staff = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1
    )
    contractor = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1
    )


@require_GET
@login_required
def certificate_list(request):
    """The register; ``?staff=`` is one person's certificates, ``?contractor=`` one contractor's."""
    actor = actor_for(request.user)
    if actor.staff is None and actor.contractor is None and not actor.is_superuser:
        raise PermissionDenied(_("此页面仅供员工和维保单位使用"))
    form = CertificateFilter(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    qs = selectors.certificate_list(
        actor,
        today=today,
        state=data.get("state", ""),
        kind=data.get("kind", ""),
        holder=data.get("holder", ""),
        staff=data.get("staff"),
        contractor=data.get("contractor"),
        q=data.get("q", ""),
    )
    page = paginate(request, qs)
    whose = None
    if data.get("staff"):
        whose = Staff.objects.filter(pk=data["staff"], company_id=actor.company_id).first()
    elif data.get("contractor"):
        whose = Contractor.objects.filter(
            pk=data["contractor"], company_id=actor.company_id
        ).first()
    context = {
        "form": form,
        "page": page,
        "today": today,
        "whose": whose,
        "can_write": _may_write(actor),
    }
    return render_list(
        request, "fieldwork/certificates/list.html", "fieldwork/certificates/results.html", context
    )


class CertificateForm(forms.Form):
    staff = forms.TypedChoiceField(
        label=gettext_lazy("持证员工"), required=False, coerce=int, empty_value=None
    )
    contractor = forms.TypedChoiceField(
        label=gettext_lazy("或维保单位"), required=False, coerce=int, empty_value=None
    )
    kind = forms.ChoiceField(label=gettext_lazy("证书类别"), choices=CertificateKind.choices)
    number = forms.CharField(label=gettext_lazy("证书编号"), max_length=50)
    issuer = forms.CharField(label=gettext_lazy("发证机关"), max_length=100)
    issued_on = forms.DateField(
        label=gettext_lazy("发证日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    expires_on = forms.DateField(
        label=gettext_lazy("有效期至"), widget=forms.DateInput(attrs={"type": "date"})
    )
    scan = forms.ImageField(
        label=gettext_lazy("证书扫描件"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )

    def __init__(self, *args, actor: Actor, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        none = [("", "—")]
        if editing:
            del self.fields["staff"], self.fields["contractor"]
        else:
            self.fields["staff"].choices = none + _staff_choices(actor)
            self.fields["contractor"].choices = none + _contractor_choices(actor)


def _form_page(request, certificate=None):
    actor = actor_for(request.user)
    services.certificate_check_writer(actor)
    editing = certificate is not None
    initial = {}
    if editing:
        initial = {
            f: getattr(certificate, f)
            for f in ("kind", "number", "issuer", "issued_on", "expires_on")
        }
    form = CertificateForm(
        request.POST or None, request.FILES or None, actor=actor, editing=editing, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("scan", None)
        try:
            with transaction.atomic():
                scan = attachment_store(upload=upload, by=request.user).pk if upload else None
                if editing:
                    certificate = services.certificate_update(
                        certificate=certificate, by=request.user, scan=scan, **data
                    )
                else:
                    holders = {"staff": None, "contractor": None}
                    if data.get("staff"):
                        holders["staff"] = Staff.objects.filter(pk=data["staff"]).first()
                    if data.get("contractor"):
                        holders["contractor"] = Contractor.objects.filter(
                            pk=data["contractor"]
                        ).first()
                    data.pop("staff"), data.pop("contractor")
                    certificate = services.certificate_create(
                        by=request.user, scan=scan, **holders, **data
                    )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已保存%(name)s") % {"name": certificate})
            return redirect("fieldwork:certificate_detail", certificate.pk)
    scan = certificate.scan if editing else None
    context = {
        "form": form,
        "certificate": certificate,
        "scan_url": attachment_url(scan) if scan else "",
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "fieldwork/certificates/form.html", context, status=status)


@login_required
def certificate_create(request):
    return _form_page(request)


@login_required
def certificate_detail(request, pk: int):
    """One certificate; those who may write correct or renew it here."""
    actor = actor_for(request.user)
    certificate = services.certificate_get_for_user(actor, pk)
    if request.method == "POST" or _may_write(actor):
        return _form_page(request, certificate)
    return render(
        request,
        "fieldwork/certificates/form.html",
        {
            "certificate": certificate,
            "form": None,
            "scan_url": attachment_url(certificate.scan) if certificate.scan else "",
        },
    )


@require_POST
@login_required
def certificate_revoke(request, pk: int):
    certificate = services.certificate_get_for_user(request.user, pk, for_write=True)
    services.certificate_revoke(certificate=certificate, by=request.user)
    messages.success(request, _("已吊销%(name)s") % {"name": certificate})
    return redirect("fieldwork:certificate_detail", certificate.pk)


urlpatterns = [
    path("certificates/", certificate_list, name="certificate_list"),
    path("certificates/new/", certificate_create, name="certificate_create"),
    path("certificates/<int:pk>/", certificate_detail, name="certificate_detail"),
    path("certificates/<int:pk>/revoke/", certificate_revoke, name="certificate_revoke"),
]
