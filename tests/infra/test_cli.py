"""Operator commands: migrate and createsuperuser."""

from chalicelib import cli
from chalicelib.core.auth import passwords
from chalicelib.users import store


def test_migrate_command_is_idempotent(aws, capsys):
    assert cli.main(["migrate"]) == 0
    assert "nothing to migrate" in capsys.readouterr().out


def test_createsuperuser_noinput(aws, capsys):
    assert cli.main(["createsuperuser", "--email", "Root@EXAMPLE.com", "--password", "pw", "--noinput"]) == 0
    user = store.get_user("Root@example.com")
    assert user["is_admin"] and user["is_staff"] and passwords.check_password("pw", user["password"])
    assert cli.main(["createsuperuser", "--email", "Root@example.com", "--password", "other", "--noinput"]) == 0
    assert "already exists" in capsys.readouterr().out
    assert passwords.check_password("pw", store.get_user("Root@example.com")["password"])


def test_createsuperuser_refuses_bad_input(aws, capsys, monkeypatch):
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    assert cli.main(["createsuperuser", "--email", "a@example.com", "--noinput"]) == 2
    assert cli.main(["createsuperuser", "--email", "not-an-email", "--password", "pw", "--noinput"]) == 2
    assert "Enter a valid email address." in capsys.readouterr().err
    assert store.get_user("a@example.com") is None


def test_createsuperuser_prompts(aws, monkeypatch):
    answers = iter(["pw1", "pw1"])
    monkeypatch.setattr("builtins.input", lambda _prompt: "prompted@example.com")
    monkeypatch.setattr("getpass.getpass", lambda _prompt: next(answers))
    monkeypatch.delenv("ADMIN_EMAIL", raising=False)
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    assert cli.main(["createsuperuser"]) == 0
    assert store.get_user("prompted@example.com")["is_admin"]


def test_import_ecoseller_command(aws, tmp_path, capsys):
    dump = tmp_path / "dump.sql"
    dump.write_text('INSERT INTO "public"."country_currency" ("code", "symbol", "symbol_position", "create_at", '
                    '"update_at", "safe_deleted") VALUES\n(\'CZK\', \'Kč\', \'AFTER\', \'2023-01-01 00:00:00+00\', '
                    '\'2023-01-01 00:00:00+00\', \'f\');\n')
    assert cli.main(["import-ecoseller", str(dump)]) == 0
    from chalicelib.localization import service

    assert service.get_currency("CZK")["symbol"] == "Kč"
    assert cli.main(["import-ecoseller", str(tmp_path / "missing.sql")]) == 2
