"""gunicorn's settings for the API (`gunicorn -c deploy/systemd/gunicorn.conf.py
web.wsgi:application`): read by the systemd unit and by the tests that run the vhost, so both
run the same server. The unit adds the bind address.

Apache checks every request first (LimitRequestLine 8190, LimitRequestFields 100,
LimitRequestFieldSize 8190) and answers its own errors under /api/ in JSON. gunicorn's limits
are set above what Apache passes on (it adds X-Forwarded-For, -Host and -Server, may re-encode
the path), so that gunicorn's HTML 400 and 414 never reach a client. Reached without Apache
(never in production: it listens on loopback), it trusts Apache's limits it does not have.
"""

workers = 3
timeout = 30  # Apache's ProxyTimeout is 30 s too; the API's database timeouts are far below
graceful_timeout = 20
max_requests = 2000
max_requests_jitter = 200
errorlog = "-"
limit_request_line = 0  # unlimited: Apache's LimitRequestLine applies first
limit_request_fields = 200  # Apache's 100 and the headers it adds
limit_request_field_size = 0  # unlimited: Apache's LimitRequestFieldSize applies first
