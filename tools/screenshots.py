"""Screenshots of Leitai's pages in Chromium, in Chinese and English, at phone and desktop sizes.

    .venv/bin/python tools/screenshots.py --url http://127.0.0.1:8000 --user zuzhibu \
        --out test-artifacts/shots /orgs/ /orgs/units/370202/ ...

For looking at pages as a person would before calling them done (and for the README's picture).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from playwright.sync_api import sync_playwright

SIZES = {"phone": (390, 844), "desktop": (1366, 900), "projector": (1920, 1080)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="")
    parser.add_argument("--password", default="leitai-demo")
    parser.add_argument("--out", type=Path, default=Path("test-artifacts/shots"))
    parser.add_argument("--sizes", default="phone,desktop")
    parser.add_argument("--languages", default="zh-hans,en")
    parser.add_argument("--full-page", action="store_true")
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for language in args.languages.split(","):
            for size in args.sizes.split(","):
                width, height = SIZES[size]
                context = browser.new_context(
                    viewport={"width": width, "height": height},
                    locale="zh-CN",
                    timezone_id="Asia/Shanghai",
                )
                context.add_cookies(
                    [{"name": "leitai_language", "value": language, "url": args.url}]
                )
                page = context.new_page()
                if args.user:
                    page.goto(f"{args.url}/accounts/login/")
                    page.fill("#id_username", args.user)
                    page.fill("#id_password", args.password)
                    page.click(".auth-card button[type=submit]")
                    page.wait_for_load_state("networkidle")
                for path in args.paths:
                    page.goto(f"{args.url}{path}")
                    page.wait_for_timeout(600)
                    name = re.sub(r"[^a-zA-Z0-9]+", "-", path).strip("-") or "home"
                    target = args.out / f"{name}-{language}-{size}.png"
                    page.screenshot(path=str(target), full_page=args.full_page)
                    print(target)
                context.close()
        browser.close()


if __name__ == "__main__":
    main()
