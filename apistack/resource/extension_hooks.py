"""Running ``@extends`` hooks around a controller method, with nova Ocata's and cinder's rules.

A pre-processing extension is a generator function: its code up to ``yield`` runs before the
method, in registration order; if it yields (or raises) a response, that response ends the
request. After the method, each generator is sent the ``ResponseObject`` at its ``yield``.
A post-processing extension is a plain function called after the method as
``ext(req=req, resp_obj=resp_obj, **args)``; a versioned one whose range misses the request
is skipped. Post-processing runs in reverse registration order, and the first truthy value an
extension returns replaces the response. Nothing runs after the method when it returned a
response of its own (a ``webob.Response``) rather than a body.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Generator, Iterable
from typing import Any

import webob
import webob.exc

from apistack.resource.exceptions import VersionNotFoundForAPIMethod
from apistack.resource.results import ResponseObject

__all__ = ["PostHook", "run_post_hooks", "run_pre_hooks"]

#: a queued post-processing step: a started generator, or a plain extension function.
PostHook = Generator[Any, Any, Any] | Callable[..., Any]


def run_pre_hooks(
    extensions: Iterable[Callable[..., Any]], req: Any, args: dict[str, Any]
) -> tuple[Any, list[PostHook]]:
    """Run the pre-processing half of ``extensions``.

    :returns: ``(response, [])`` when an extension answered, else ``(None, post hooks)``
        with the hooks in the order they must run after the method.
    """
    post: list[PostHook] = []
    for ext in extensions:
        if not inspect.isgeneratorfunction(ext):
            post.append(ext)
            continue
        gen = ext(req=req, **args)
        try:
            early = next(gen)
        except StopIteration:
            continue  # finished before its yield: nothing to do afterwards
        except webob.exc.HTTPException as exc:  # a raised fault answers like a returned one
            early = exc
        if early:
            return early, []
        post.append(gen)
    post.reverse()
    return None, post


def run_post_hooks(
    hooks: Iterable[PostHook], req: Any, resp_obj: ResponseObject, args: dict[str, Any]
) -> Any:
    """Run the post-processing half.

    :returns: the first truthy response an extension gives, else None.
    """
    for hook in hooks:
        try:
            if isinstance(hook, Generator):
                answer = hook.send(resp_obj)
            else:
                answer = hook(req=req, resp_obj=resp_obj, **args)
        except StopIteration:
            continue
        except webob.exc.HTTPException as exc:
            answer = exc
        except Exception as exc:
            if _versioned_out(hook, exc):
                continue  # an extension versioned out of this request does not apply
            raise
        if answer:
            return answer
    return None


def _versioned_out(hook: PostHook, exc: Exception) -> bool:
    owner = getattr(hook, "__self__", None)
    errors = (
        VersionNotFoundForAPIMethod,
        getattr(owner, "version_error", VersionNotFoundForAPIMethod),
    )
    return isinstance(exc, errors)
