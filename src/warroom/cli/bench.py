"""`warroom bench ...`: runners for public benchmarks. They print tables; they are not tests."""

from __future__ import annotations

import typer

from warroom.bench.loghub import loghub_command
from warroom.bench.nezha import nezha_command

bench_app = typer.Typer(
    help="Benchmark runners (data paths are arguments; the data is never copied).",
    no_args_is_help=True,
)
bench_app.command("loghub")(loghub_command)
bench_app.command("nezha")(nezha_command)
