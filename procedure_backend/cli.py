"""``procedure-backend``: serve the API, create station tokens, migrate the database."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from procedure_backend.db import Database, default_url
from procedure_backend.tokens import Scope, TokenStore

__all__ = ["build_parser", "main"]


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from procedure_backend.app import create_app
    from procedure_backend.limits import FailedAuthLimiter

    db = Database(args.db)
    db.upgrade()
    limits = {"max_body_bytes": args.max_body_bytes} if args.max_body_bytes is not None else {}
    app = create_app(
        db, auth_limiter=FailedAuthLimiter(max_failures=args.auth_failures_per_minute, window=60.0), **limits
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level.lower(), access_log=False)
    return 0


def _token_create(args: argparse.Namespace) -> int:
    db = Database(args.db)
    db.upgrade()
    token = TokenStore(db).create(args.station, Scope(args.scope))
    print(token)
    return 0


def _token_revoke(args: argparse.Namespace) -> int:
    db = Database(args.db)
    db.upgrade()
    count = TokenStore(db).revoke_station(args.station)
    print(f"revoked {count} token(s)", file=sys.stderr)
    return 0


def _db_upgrade(args: argparse.Namespace) -> int:
    Database(args.db).upgrade()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="procedure-backend", description="Reference procedure backend.")
    parser.add_argument("--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    sub = parser.add_subparsers(dest="command", required=True)

    def add_db(p: argparse.ArgumentParser) -> None:
        p.add_argument("--db", default=None, help=f"database URL (default: $PROCEDURE_BACKEND_DB or {default_url()})")

    serve = sub.add_parser("serve", help="run the HTTP API (migrates the database first)")
    add_db(serve)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--max-body-bytes", type=int, default=None, help="larger bodies get 413 (default: 1 MB)")
    serve.add_argument(
        "--auth-failures-per-minute", type=int, default=20, help="bad tokens per client address before 429"
    )
    serve.set_defaults(func=_serve)

    token = sub.add_parser("token", help="manage station API tokens").add_subparsers(dest="token_cmd", required=True)
    create = token.add_parser("create", help="create a token and print it (shown only once)")
    add_db(create)
    create.add_argument("--station", required=True)
    create.add_argument("--scope", default=Scope.STATION.value, choices=[s.value for s in Scope])
    create.set_defaults(func=_token_create)
    revoke = token.add_parser("revoke", help="revoke every token of a station")
    add_db(revoke)
    revoke.add_argument("--station", required=True)
    revoke.set_defaults(func=_token_revoke)

    db = sub.add_parser("db", help="database maintenance").add_subparsers(dest="db_cmd", required=True)
    upgrade = db.add_parser("upgrade", help="apply the migrations")
    add_db(upgrade)
    upgrade.set_defaults(func=_db_upgrade)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=getattr(logging, args.log_level), stream=sys.stderr)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
