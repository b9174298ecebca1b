"""Queries and mutations declared, not written: each calls one domain function as the caller.

Most operations of the schema do the same three things: take their arguments, call one
function of the domain as the caller (``fn(session, principal, *arguments)``), and answer
what it returns as a GraphQL type. For those, the resolver is made from a declaration: a
signature that fixes the GraphQL arguments and type, a docstring that describes it, and the
domain function and the answer in the decorator::

    @query_of(pair_service.read_pair, pair_from_model)
    def pair(self, id: uuid.UUID) -> PairType | None:
        \"\"\"One pair you may see (its people, managers, admins).\"\"\"

The arguments reach the domain function in the order declared, by the rules its signatures
follow: ``version`` goes last; an input made by ``input_from`` goes as its model, validated
(the model with its defaults when the input is null); for a connection, ``first`` and
``after`` go as the keywords ``limit`` and ``cursor`` (elsewhere ``first`` is an argument like
the others). With ``fields=Model``, the arguments named like ``Model``'s fields reach the
domain as one ``Model`` made of them.

The answer is ``answer(result)``; for a ``list[X]``, ``answer`` of each item; for a
``Connection[X]``, ``answer`` of each node of the page the domain returned. A mutation runs
in a savepoint of its own (``Context.mutation``), and ``then(session, result)`` reads back
inside it; ``echo`` answers one of the arguments instead (the id of what was deleted, say).
With ``caller``, the answer is ``answer(principal, result)``: what it shows depends on who
asks (an employee's personal data, whether a post is one's own). A description is the
docstring, its lines joined. An operation that does more than this keeps a resolver written
by hand. A declaration whose arguments cannot call its domain function (a parameter added or
moved there) fails when the schema is built, not on a request.
"""

import inspect
import types
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, Union, get_args, get_origin

import strawberry
from pydantic import BaseModel

from app.api.graphql.context import Info
from app.api.graphql.inputs import model_of, parsed
from app.api.graphql.relay import Connection, connection_from_page

Domain = Callable[..., Awaitable[Any]]
Answer = Callable[..., Any]
ReadBack = Callable[[Any, Any], Awaitable[Any]]
Declaration = Callable[..., Any]


def _without_null(kind: Any) -> Any:
    if get_origin(kind) not in (Union, types.UnionType):
        return kind
    rest = [a for a in get_args(kind) if a is not type(None)]
    return rest[0] if len(rest) == 1 else kind


def _converter(kind: Any) -> Callable[[Any], Any]:
    """How a GraphQL value becomes the domain's: an input as its model, the rest as is."""
    model = model_of(_without_null(kind))
    if model is None:
        return lambda value: value
    return lambda value: parsed(value) if value is not None else model.model_validate({})


def _packer(model: type[BaseModel], names: tuple[str, ...]) -> Callable[..., Any]:
    return lambda *values: model(**dict(zip(names, values, strict=True)))


class _Call:
    """The domain call a declaration's arguments make, by the rules of the module docstring."""

    def __init__(
        self, parameters: list[inspect.Parameter], *, paged: bool, fields: type[BaseModel] | None
    ) -> None:
        packed = tuple(
            p.name for p in parameters if fields is not None and p.name in fields.model_fields
        )
        # (the GraphQL names, how they make one domain argument), in the domain's order.
        self.positional: list[tuple[tuple[str, ...], Callable[..., Any]]] = []
        self.keywords: dict[str, str] = {}
        last: list[tuple[tuple[str, ...], Callable[..., Any]]] = []
        for parameter in parameters:
            name = parameter.name
            if name in packed:
                if fields is not None and name == packed[0]:
                    self.positional.append((packed, _packer(fields, packed)))
            elif paged and name in ("first", "after"):
                self.keywords[name] = "limit" if name == "first" else "cursor"
            elif name == "version":
                last.append(((name,), lambda value: value))
            else:
                self.positional.append(((name,), _converter(parameter.annotation)))
        self.positional += last

    def arguments(self, given: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
        args = [make(*(given[n] for n in names)) for names, make in self.positional]
        return args, {domain: given[name] for name, domain in self.keywords.items()}


def _answering(returns: Any, answer: Answer, caller: bool) -> Callable[[Info, Any], Any]:
    """How the domain's result becomes the answer, given the request (whose caller some
    answers depend on: ``answer(principal, item)`` then)."""
    kind = _without_null(returns)

    def each(info: Info) -> Answer:
        return partial(answer, info.context.principal) if caller else answer

    if get_origin(kind) is Connection:
        return lambda info, page: connection_from_page(page, each(info))
    if get_origin(kind) is list:
        return lambda info, items: [each(info)(item) for item in items]
    return lambda info, found: each(info)(found)


def _description(declaration: Declaration) -> str | None:
    doc = inspect.getdoc(declaration)
    return " ".join(doc.split()) if doc else None


def _returns(declaration: Declaration) -> Any:
    return inspect.signature(declaration).return_annotation


def _check(
    declaration: Declaration,
    fn: Domain,
    call: _Call,
    parameters: list[inspect.Parameter],
    fields: type[BaseModel] | None,
    echo: str | None,
) -> None:
    """A declaration that cannot call its domain function fails when the schema is built."""
    where = f"{declaration.__qualname__} -> {fn.__qualname__}"
    try:
        # session, principal, then the arguments as the rules pass them.
        inspect.signature(fn).bind(
            None, None, *[None] * len(call.positional), **dict.fromkeys(call.keywords.values())
        )
    except TypeError as exc:
        raise TypeError(f"{where}: the arguments do not fit ({exc})") from exc
    names = {p.name for p in parameters}
    if fields is not None and not names & set(fields.model_fields):
        raise TypeError(f"{where}: no argument is a field of {fields.__name__}")
    if echo is not None and echo not in names:
        raise TypeError(f"{where}: no argument {echo!r} to answer")


def _resolver(
    declaration: Declaration,
    fn: Domain,
    run: Callable[[Info, list[Any], dict[str, Any], dict[str, Any]], Awaitable[Any]],
    *,
    fields: type[BaseModel] | None,
    echo: str | None = None,
) -> Callable[..., Awaitable[Any]]:
    """A resolver with the declaration's signature (and ``info``) running ``run``."""
    signature = inspect.signature(declaration)
    self_parameter, *parameters = signature.parameters.values()
    paged = get_origin(_without_null(signature.return_annotation)) is Connection
    call = _Call(parameters, paged=paged, fields=fields)
    _check(declaration, fn, call, parameters, fields, echo)

    async def resolve(self: Any, info: Info, **given: Any) -> Any:
        return await run(info, *call.arguments(given), given)

    resolve.__name__ = declaration.__name__
    resolve.__qualname__ = declaration.__qualname__
    resolve.__module__ = declaration.__module__
    info = inspect.Parameter("info", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Info)
    resolve.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[self_parameter, info, *parameters]
    )
    return resolve


def query_of(
    fn: Domain, answer: Answer, *, fields: type[BaseModel] | None = None, caller: bool = False
) -> Callable[[Declaration], Any]:
    """The declared query field: ``answer`` of ``fn(session, principal, *arguments)``;
    ``answer(principal, result)`` with ``caller``."""

    def declare(declaration: Declaration) -> Any:
        convert = _answering(_returns(declaration), answer, caller)

        async def run(info: Info, args: list[Any], keywords: dict[str, Any], _: Any) -> Any:
            ctx = info.context
            return convert(info, await fn(ctx.session, ctx.principal, *args, **keywords))

        resolver = _resolver(declaration, fn, run, fields=fields)
        return strawberry.field(resolver=resolver, description=_description(declaration))

    return declare


def mutation_of(
    fn: Domain,
    answer: Answer | None = None,
    *,
    fields: type[BaseModel] | None = None,
    then: ReadBack | None = None,
    echo: str | None = None,
    caller: bool = False,
) -> Callable[[Declaration], Any]:
    """The declared mutation: ``answer`` of ``fn(session, principal, *arguments)``, in a
    savepoint of its own, ``then(session, result)`` inside it; or the argument ``echo``;
    ``answer(principal, result)`` with ``caller``."""

    def declare(declaration: Declaration) -> Any:
        convert = _answering(_returns(declaration), answer or (lambda same: same), caller)

        async def run(
            info: Info, args: list[Any], keywords: dict[str, Any], given: dict[str, Any]
        ) -> Any:
            ctx = info.context
            async with ctx.mutation() as session:
                found = await fn(session, ctx.principal, *args, **keywords)
                if then is not None:
                    found = await then(session, found)
            return given[echo] if echo is not None else convert(info, found)

        resolver = _resolver(declaration, fn, run, fields=fields, echo=echo)
        return strawberry.mutation(resolver=resolver, description=_description(declaration))

    return declare
