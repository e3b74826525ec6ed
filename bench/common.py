"""What the bench scripts share: a database of their own, emptied before each run."""


def empty_bench_database() -> None:
    """Migrate and empty the configured database, refusing one not named for benchmarks.

    Every bench script fills its own database from nothing; the name check keeps a
    mistyped DATABASE_URL from emptying real data.
    """
    from django.core.management import call_command
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        raise SystemExit(f"Refusing to empty database {name!r}: its name must contain 'bench'.")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
