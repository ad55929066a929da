"""The web app: FastAPI pages and REST API over the bureau services.

``app.create_app(bureau)`` wires everything; ``auth`` says who is asking; ``pages`` and ``api`` hold the routes;
the services check roles (``domain.roles.require``)."""
