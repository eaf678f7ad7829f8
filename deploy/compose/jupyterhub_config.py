# JupyterHub configuration of the compose trial: dummy logins, and hubjwt
# registered as an external service with the role it needs.
import os

c = get_config()  # noqa: F821 (JupyterHub defines get_config)

# The hub API listens on every container interface so hubjwt reaches it at
# http://jupyterhub:8081/hub/api; only the proxy port 8000 is published.
c.JupyterHub.hub_bind_url = "http://0.0.0.0:8081"
c.JupyterHub.hub_connect_url = "http://jupyterhub:8081"
c.JupyterHub.db_url = "sqlite:////srv/jupyterhub/data/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "/srv/jupyterhub/data/jupyterhub_cookie_secret"

# Any name logs in with the password "trial"; never use this beyond a trial.
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = "trial"
c.Authenticator.allow_all = True
c.Authenticator.admin_users = {"admin"}

c.JupyterHub.services = [
    {
        # No url: clients reach hubjwt at its issuer, not through the proxy.
        "name": "hubjwt",
        "api_token": os.environ["HUBJWT_HUB_TOKEN"],
        "display": False,
    },
]
c.JupyterHub.load_roles = [
    {
        # tokens: resolve the inherit scope with the hub-token source;
        # read:users:name: tell an unknown user from a missing permission.
        "name": "hubjwt",
        "scopes": ["tokens", "read:users:name"],
        "services": ["hubjwt"],
    },
]
