"""gunicorn's settings for the web process: the Dockerfile, docker-compose.yml and tests use it.

`gunicorn -c config/gunicorn.conf.py config.wsgi`; command-line options override it
(the tests bind another port), WEB_CONCURRENCY sets the number of workers.

Preloaded: the master imports Django and the whole URLconf once (config/wsgi.py) and
forks ready workers. Without it, HUP starts new workers that each import the app for
seconds while the old ones are already shutting down, and every response stalls
(~7 s measured in the image). With it, HUP is a graceful rotation: fresh workers at
once, the old ones finish their requests and leave. It does not load new code: a
deploy is a new image (`docker compose up -d web` recreates the container), or USR2
(a new master with the new code) and then TERM to the old master.
"""

preload_app = True
bind = "0.0.0.0:8000"
# A request past the timeout has its worker killed and restarted; graceful_timeout is
# how long a rotated or stopping worker may take to finish what it is doing.
timeout = 60
graceful_timeout = 30

accesslog = "-"
# The path without its query string, and no referrer: searches carry candidates' names
# (?q=…), and the logs must carry ids only. %(M)s is the response time in ms.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'
