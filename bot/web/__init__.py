"""The product's web server: the chat page, account pages (password, activation, login, reset) and the
access-decision links. Starlette app built by `bot.web.app.create_app()`; run with `python -m bot.web`."""
