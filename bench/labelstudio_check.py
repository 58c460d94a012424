"""Check the Label Studio round trip against a real Label Studio: what its own frontend draws for
each exported region, and the scores after accepting every prediction.

Usage (Label Studio in a venv of its own; it runs locally on SQLite):
  python -m venv /tmp/ls && /tmp/ls/bin/pip install label-studio==1.23.2
  /tmp/ls/bin/label-studio start --no-browser --port 8089 --username tester@example.com --password testpass123
  python bench/labelstudio_check.py [--url http://127.0.0.1:8089] [--email ...] [--password ...]

It extracts an article holding 😀 and 🇺🇦 (rules only), creates a project with the exported
labelling interface, imports the task, opens it in Chromium (Playwright), prints the text under
each highlight next to the region's own text, submits the predictions as the annotation, exports
the project as JSON and prints the scores ``extractor eval --format labelstudio`` gives it (every
one 1.0 when offsets survive the trip).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from extractor import extract  # noqa: E402
from extractor.evaluation import score_documents  # noqa: E402
from extractor.evaluation.loaders import load_labelstudio  # noqa: E402
from extractor.output.labelstudio import label_config, task  # noqa: E402

ARTICLE = ('Kyiv 😀 🇺🇦 update. "We held the line," said Anna Petrova, a soldier, as Joe Biden met '
           "Emmanuel Macron in Paris.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8089")
    parser.add_argument("--email", default="tester@example.com")
    parser.add_argument("--password", default="testpass123")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    result = extract(ARTICLE, published="2025-01-07", article_id="emoji", steps="none")
    exported, _ = task(result)
    written = sorted(r["value"]["text"] for r in exported["predictions"][0]["result"] if r["type"] == "labels")
    chromium = os.environ.get("EXTRACTOR_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        context = browser.new_context()
        page = context.new_page()
        page.goto(args.url + "/user/login/")
        page.fill("input[name=email]", args.email)
        page.fill("input[name=password]", args.password)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        csrf = next(c["value"] for c in context.cookies() if c["name"] == "csrftoken")
        headers = {"X-CSRFToken": csrf, "Content-Type": "application/json", "Referer": args.url + "/"}
        version = page.request.get(args.url + "/api/version").json().get("release")
        project = page.request.post(args.url + "/api/projects", headers=headers, data=json.dumps(
            {"title": f"news-extractor check {time.time():.0f}", "label_config": label_config()})).json()["id"]
        page.request.post(f"{args.url}/api/projects/{project}/import", headers=headers, data=json.dumps([exported]))
        tasks = page.request.get(f"{args.url}/api/tasks?project={project}").json()
        task_id = (tasks.get("tasks") if isinstance(tasks, dict) else tasks)[0]["id"]
        page.goto(f"{args.url}/projects/{project}/data?tab=0&task={task_id}")
        page.wait_for_selector(".htx-highlight", timeout=90_000)
        time.sleep(2)
        shown = sorted(page.eval_on_selector_all(".htx-highlight", "els => els.map(e => e.textContent)"))
        page.click("button:has-text('Submit')")
        time.sleep(3)
        export = page.request.get(f"{args.url}/api/projects/{project}/export?exportType=JSON").text()
        browser.close()
    print(f"Label Studio {version}")
    print(f"{'region text':<20} drawn by Label Studio")
    for text in written:
        print(f"{text:<20} {'yes' if text in shown else 'NO'}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.json"
        path.write_text(export, encoding="utf-8")
        (gold,) = load_labelstudio(path)
    micro = score_documents([(gold, result)]).as_dict()["micro"]
    print("loader warnings:", gold.warnings or "none")
    for metric, counts in micro.items():
        print(f"{metric:<16} gold {counts['gold']:>3}  pred {counts['pred']:>3}  F1 {counts['f1']:.3f}")


if __name__ == "__main__":
    main()
