#!/usr/bin/python3
"""a11y-audit.py — reads the running Glance window through AT-SPI, as a screen reader
does, and fails if a control a person can reach (on any page, shown or not) has no accessible name.

Usage (run-ui-tests.sh does this): inside dbus-run-session and Xvfb, with `glance`
already showing its window:  a11y-audit.py [PAGE-NAME...]
"""
import sys
import time

import pyatspi

INTERACTIVE = {
    pyatspi.ROLE_PUSH_BUTTON, pyatspi.ROLE_TOGGLE_BUTTON, pyatspi.ROLE_CHECK_BOX,
    pyatspi.ROLE_RADIO_BUTTON, pyatspi.ROLE_ENTRY, pyatspi.ROLE_TEXT,
    pyatspi.ROLE_SPIN_BUTTON, pyatspi.ROLE_COMBO_BOX, pyatspi.ROLE_SLIDER,
    pyatspi.ROLE_LIST_BOX, pyatspi.ROLE_LIST, pyatspi.ROLE_TREE_TABLE,
    pyatspi.ROLE_MENU_ITEM, pyatspi.ROLE_PAGE_TAB, pyatspi.ROLE_LINK,
}


def find_app(name, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        desktop = pyatspi.Registry.getDesktop(0)
        for app in desktop:
            if app is not None and app.name == name:
                return app
        time.sleep(0.5)
    return None


def walk(node, depth=0):
    if node is None or depth > 60:
        return
    yield node
    for i in range(node.childCount):
        try:
            child = node.getChildAtIndex(i)
        except Exception:
            continue
        yield from walk(child, depth + 1)


def main():
    app = find_app("glance")
    if app is None:
        print("FAIL the glance application is not on the accessibility bus")
        return 1
    unnamed, named = [], 0
    for node in walk(app):
        try:
            states = node.getState()
            role = node.getRole()
        except Exception:
            continue
        # GTK 4.8 reports every realized widget as visible and none as showing, so
        # every control is checked, on the page in view or not.
        if role not in INTERACTIVE or not states.contains(pyatspi.STATE_VISIBLE):
            continue
        if node.name.strip():
            named += 1
        else:
            path, parent = [], node
            while parent is not None and len(path) < 4:
                path.append(parent.getRoleName())
                parent = parent.parent
            unnamed.append(" < ".join(path))
    for what in unnamed:
        print("FAIL unnamed control:", what)
    failed = bool(unnamed) or named == 0  # none found means the audit saw no window at all
    print(f"{'FAIL' if failed else 'ok  '} {named} controls have accessible names, {len(unnamed)} have none")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
