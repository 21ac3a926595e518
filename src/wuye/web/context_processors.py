"""What every page of the shell needs: site name, current estate and the estates to switch to.

Everything that costs a query is lazy, so an HTMX fragment that never shows the shell pays
nothing for it.
"""

from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from wuye.core.scoping import Actor, actor_for, visible_estates
from wuye.core.shortcuts import current_estate, is_staff
from wuye.notify.selectors import inbox_unread_count

from .navigation import more_menu, navigation_for


def display_name(actor: Actor) -> str:
    user = actor.user
    for record in (actor.staff, actor.resident):
        if record is not None:
            return record.name
    account = getattr(user, "contractor_account", None) if actor.contractor else None
    if account is not None:
        return account.name
    return user.get_full_name() or user.get_username()


def role_label(actor: Actor) -> str:
    if actor.role is not None:
        return str(actor.role.label)
    return _("系统管理员") if actor.is_superuser else _("未分配角色")


def shell(request):
    context = {"site_name": settings.WUYE["SITE_NAME"]}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    actor = actor_for(user)
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else None

    def nav():
        return navigation_for(actor, current_estate(request), view_name)

    def estates():
        return list(visible_estates(actor).order_by("name").only("id", "name"))

    nav_groups = SimpleLazyObject(nav)
    context.update(
        actor=actor,
        header_search=is_staff(actor),
        current_estate=SimpleLazyObject(lambda: current_estate(request)),
        nav_groups=nav_groups,
        nav_more=SimpleLazyObject(lambda: more_menu(list(nav_groups))),
        switch_estates=SimpleLazyObject(estates),
        user_display_name=SimpleLazyObject(lambda: display_name(actor)),
        user_role_label=SimpleLazyObject(lambda: role_label(actor)),
        inbox_unread=SimpleLazyObject(lambda: inbox_unread_count(user=user)),
    )
    return context
