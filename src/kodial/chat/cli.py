"""`kodial chat ...`: inspect samples, train, evaluate, export and talk to character chat models.

Commands are defined next to the code they drive (``inspect_cli`` for samples and masks,
``train_cli`` for training, ``model_cli`` for evaluation, export and the terminal chat) and
registered here.
"""

import typer

from kodial.chat import inspect_cli, model_cli, train_cli

app = typer.Typer(
    rich_markup_mode="markdown",
    no_args_is_help=True,
    help="Character chat models: inspect training samples, train, evaluate, export, chat.",
)
inspect_cli.register(app)
train_cli.register(app)
model_cli.register(app)
