"""The learner's web app: pages, terminals, progress and auth.

Routes (every one needs the token: `?token=` once, then the HttpOnly SameSite=Strict cookie it sets):

- `GET /` the page: every page of the scenario, the learner's progress, terminal tabs;
- `WS /ws/N` terminal tab N of the learner's session (the `scenario_session` cookie), terminado's JSON
  messages plus `["snippet", page, index]`: the server looks the snippet up in the scenario it rendered
  (so a click types exactly what `build.py test` runs), then types it into tab T<n>, creating it;
- `POST /api/page`, `/api/verify`, `/api/editor`; `GET /api/progress`, `/api/file` (for `open`);
- `/port/N/...` a reverse proxy to port N of the learner's sandbox (port placeholders link there);
- `/scenario/...` the scenario's images, `/static/...` the page's script and style, `/vendor/...` xterm.js
  from node_modules.
"""
