#!/usr/bin/env python3
"""A deliberately injectable HTTP endpoint for the sqlmap drill's positive control.

GET /items?id=N concatenates id into SQL against an in-memory SQLite database, so sqlmap must
find the id parameter injectable. It listens only on 127.0.0.1 and exists only while the drill
runs. Usage: injectable-control.py PORT
"""
import http.server
import json
import sqlite3
import sys
import urllib.parse

database = sqlite3.connect(":memory:", check_same_thread=False)
database.executescript(
    "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);"
    "INSERT INTO items (name) VALUES ('cylinder 4 kg'), ('cylinder 20 kg'), ('cylinder 50 kg');"
    "CREATE TABLE secrets (value TEXT); INSERT INTO secrets VALUES ('control-secret');"
)


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        if url.path != "/items":
            self.send_error(404)
            return
        item_id = urllib.parse.parse_qs(url.query).get("id", ["1"])[0]
        try:
            # The injectable line: the parameter is pasted into the statement.
            rows = database.execute("SELECT id, name FROM items WHERE id = " + item_id).fetchall()
            status, body = 200, json.dumps([{"id": row[0], "name": row[1]} for row in rows])
        except sqlite3.Error as error:
            status, body = 500, json.dumps({"error": str(error)})
        encoded = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(encoded)))
        self.end_headers()
        self.wfile.write(encoded)

    def log_message(self, format, *args):
        pass


http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
