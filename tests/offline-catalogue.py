#!/usr/bin/env python3
"""Writes the shipped model catalogue with every download address moved to a closed
loopback port, so that no test ever reaches a real server (sizes, downloads): the tests
run on machines that must send no traffic beyond the loopback interface.
Usage: offline-catalogue.py data/catalogue.json OUT.json"""
import json
import sys
from urllib.parse import urlsplit

source, out = sys.argv[1], sys.argv[2]
catalogue = json.load(open(source, encoding="utf-8"))
for model in catalogue["models"]:
    path = urlsplit(model["url"]).path
    model["url"] = "http://127.0.0.1:9" + path  # port 9 (discard): nothing listens there
json.dump(catalogue, open(out, "w", encoding="utf-8"), indent=1)
