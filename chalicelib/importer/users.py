"""Users with their Django password hashes, through `users.store.create_user`.

The hash is kept as it is (`pbkdf2_sha256$<iterations>$<salt>$<hash>`), so users log in with their old
passwords (and the hash is upgraded to this shop's cost at their first login). An e-mail that already
exists here is left alone. Group memberships (`user_user_groups` -> `auth_group`) are mapped by group
name onto this shop's groups (config/roles.json: Editor, Copywriter, UserManager); a group this shop
does not have is skipped and counted. The dump's own group definitions and permissions
(auth_group_permissions, roles_managergroup*, user_user_user_permissions) are not imported: this shop's
roles are its own.

Saved addresses (`country_billinginfo` / `country_shippinginfo` rows with a `user_id`: the storefront's
address book, L20-L25) become the user's address of that kind through `localization.save_address`, the
newest row (highest id) when a user has several; a user who already has one keeps it.
"""

from __future__ import annotations

from chalicelib.core.http.errors import ApiError
from chalicelib.core.http.validation import normalize_email
from chalicelib.core.store.write import ConditionFailed
from chalicelib.importer.source import Dump, Report
from chalicelib.importer.sqldump import flag
from chalicelib.localization import service as localization
from chalicelib.users import store

ADDRESS_FIELDS = {
    "billing": ("first_name", "surname", "street", "city", "postal_code", "company_name", "company_id",
                "vat_number"),
    "shipping": ("first_name", "surname", "street", "city", "postal_code", "email", "phone", "additional_info"),
}


def import_users(dump: Dump, report: Report) -> None:
    group_names = {row["id"]: row["name"] for row in dump.rows("auth_group")}
    memberships: dict[str, list[str]] = {}
    for row in sorted(dump.rows("user_user_groups"), key=lambda r: int(r["id"])):
        name = group_names.get(row["group_id"])
        if name is not None:
            memberships.setdefault(normalize_email(row["user_id"]), []).append(name)
    known_groups: dict[str, bool] = {}

    for row in dump.live("user_user", report, "users"):
        email = normalize_email(row["email"])
        if store.get_user(email, consistent=True) is not None:
            report.add("users", "existing")
            continue
        try:
            store.create_user(email, row.get("password") or "!", is_staff=flag(row.get("is_staff")),
                              is_admin=flag(row.get("is_admin")) or flag(row.get("is_superuser")),
                              first_name=row.get("first_name") or "", last_name=row.get("last_name") or "")
        except ConditionFailed:  # created meanwhile
            report.add("users", "existing")
            continue
        report.add("users", "created")
        changes: dict = {}
        if row.get("is_active") is not None and not flag(row["is_active"]):
            changes["is_active"] = False
        if row.get("birth_date"):
            changes["birth_date"] = str(row["birth_date"])
        groups = []
        for name in memberships.get(email, []):
            if name not in known_groups:
                known_groups[name] = store.get_group(name) is not None
            if known_groups[name]:
                groups.append(name)
                report.add("user_groups", "mapped")
            else:
                report.add("user_groups", "skipped_unknown_group")
                report.log(f"  user {email}: group {name!r} does not exist here; skipped")
        if groups:
            changes["groups"] = list(dict.fromkeys(groups))
        if changes:
            store.update_user(email, changes)


def import_addresses(dump: Dump, report: Report) -> None:
    users = {normalize_email(r["email"]) for r in dump.live("user_user")}
    for kind, fields in ADDRESS_FIELDS.items():
        entity = f"{kind}_addresses"
        newest: dict[str, dict] = {}
        for row in sorted(dump.live(f"country_{kind}info", report, entity), key=lambda r: int(r["id"])):
            if row.get("user_id"):
                newest[normalize_email(row["user_id"])] = row
        for email, row in sorted(newest.items()):
            if email not in users:
                report.add(entity, "skipped_user_not_imported")
                continue
            if localization.get_address(email, kind) is not None:
                report.add(entity, "existing")
                continue
            body = {name: row.get(name) or "" for name in fields}
            try:
                localization.save_address(email, kind, {**body, "country": row.get("country_id")})
            except ApiError as error:
                report.add(entity, "failed")
                report.log(f"  {kind} address {row['id']} of {email}: {error.body}")
                continue
            report.add(entity, "created")
