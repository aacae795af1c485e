"""Moving through a page the way a keyboard user does: Tab until the wanted element has focus."""

from playwright.sync_api import Page

# More presses than any page needs to reach a control; a bound, so that a control the keyboard
# cannot reach fails the test instead of hanging it.
MAX_PRESSES = 120


def tab_to(page: Page, selector: str, *, backwards: bool = False) -> None:
    """Presses Tab (or Shift+Tab) until the focused element matches the CSS `selector`."""
    key = "Shift+Tab" if backwards else "Tab"
    seen = []
    for _ in range(MAX_PRESSES):
        page.keyboard.press(key)
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return
        seen.append(page.evaluate("() => document.activeElement?.outerHTML.slice(0, 80) ?? ''"))
    raise AssertionError(f"{selector} never got focus with {key} on {page.url}; focus went: {seen[:30]}")


def focused(page: Page, selector: str) -> bool:
    result: bool = page.evaluate("s => document.activeElement?.matches(s) ?? false", selector)
    return result
