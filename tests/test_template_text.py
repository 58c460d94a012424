"""Article text is a value, never a template: Jinja-looking text reaches the model verbatim.

instructor renders every message as a Jinja template when it is handed a validation context; the
extractor never hands it one, so ``{{ 7*7 }}`` stays ``{{ 7*7 }}`` and ``{% raw %}`` cannot fail.
"""

from __future__ import annotations

import json
import re

import pytest

from extractor import Extractor, resolve_endpoint
from tests.servers import completion, json_reply, serve, stand_in_answer

TEMPLATE_LOOKING = [
    "The wiki page read {{ 7*7 }} and the city council met on Monday.",
    "A code sample {% raw %} was posted, and {% endraw %} officials said the strike hit a depot.",
    "Comment markers {# like this #} and an unclosed {# appeared in the leaked memo, police said.",
    "Mixed: {{ article }} {% if x %}yes{% endif %} {#- trimmed -#} the army said it shot down 12 drones.",
]


@pytest.mark.parametrize("text", TEMPLATE_LOOKING)
@pytest.mark.parametrize("mode", ["json", "tools"])
def test_every_request_holds_the_article_verbatim(text: str, mode: str) -> None:
    bodies: list[dict] = []

    def model(method: str, path: str, body: bytes):
        if method == "GET":
            return json_reply(200, {"object": "list", "data": [{"id": "m", "object": "model"}]})
        request = json.loads(body)
        bodies.append(request)
        if mode == "json":
            return json_reply(200, completion(request, stand_in_answer(request)))
        function = request["tools"][0]["function"]
        answer = {"events": {}} if "events" in function["parameters"]["properties"] else \
            {"actors": {}, "other": [], "quotes": [], "speakers": {}, "reported": []}
        reply = completion(request, answer)
        reply["choices"][0]["message"].update(content=None, tool_calls=[{
            "id": "c", "type": "function", "function": {"name": function["name"], "arguments": json.dumps(answer)}}])
        return json_reply(200, reply)

    with serve(model) as (url, _):
        endpoint = resolve_endpoint(backend="local", base_url=url + "/v1", mode=mode, model="m")
        with Extractor(endpoint) as extractor:
            result = extractor.extract(text)
    assert len(bodies) == len(extractor.plan(text).calls) >= 1
    for request in bodies:
        (user,) = [m["content"] for m in request["messages"] if m["role"] == "user"]
        assert f"(1) {text}" in re.sub(r"\[[QE]\d+\]", "", user)
    assert result.article.text == text
