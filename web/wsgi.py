"""WSGI entry point for gunicorn (`gunicorn web.wsgi:application`) and Apache mod_wsgi (daemon
mode): the app with the settings of `.env` and the environment of the serving process."""

from web import create_app

application = create_app()
