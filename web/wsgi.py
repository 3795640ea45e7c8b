"""WSGI entry point for gunicorn (`gunicorn web.wsgi:application`) and Apache mod_wsgi (daemon
mode): the app with the settings of `.env` and the environment of the serving process, logging
in LOG_FORMAT (JSON lines in production) like every job."""

from hallofshame.logs import configure_logging
from hallofshame.settings import load_settings
from web import create_app

settings = load_settings()
configure_logging(settings)
application = create_app(settings)
