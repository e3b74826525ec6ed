"""What django-axes learns about a request: the client's address, and how logs name it.

Behind a TLS proxy every request arrives from the proxy's address, so a lockout per
address would lock everyone out at once. With TRUSTED_PROXY_COUNT = n, the n proxies
in front of Loopwright each append the address they received the request from to
TRUSTED_PROXY_HEADER (X-Forwarded-For): the client's address is the n-th entry from
the right. Entries further left were sent by the client and are never believed. With
no trusted proxy (the default) the header is ignored and REMOTE_ADDR counts.

django-ipware's `proxy_count` counts proxies listed inside the header and, outside
strict mode, answers with the left-most (client-written) entry; the rule above is
the one a proxy that appends `$remote_addr` actually follows, so it is spelled out
here rather than mapped onto ipware's options.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

from .models import User


def client_ip(request: HttpRequest) -> str:
    """The address lockouts count: REMOTE_ADDR, or the trusted proxies' client."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    header = request.META.get(settings.TRUSTED_PROXY_META_KEY, "")
    chain = [entry.strip() for entry in header.split(",") if entry.strip()]
    if len(chain) < proxies:
        # The request skipped a proxy (say, straight to the container's port): what the
        # header claims is the client's word, so the connection's address counts.
        return remote
    return normalised(chain[-proxies]) or remote


def normalised(entry: str) -> str:
    """An address as one canonical string, or "" for anything that is not an address.

    Proxies may write IPv6 in brackets and with a port ("[2001:db8::1]:443"), IPv4
    with a port ("198.51.100.7:51000"); the same client must count as one.
    """
    host = entry
    if host.startswith("["):
        host = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:
        host = host.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return ""


def client_str(username, ip_address, user_agent, path_info, request) -> str:
    """How axes names a client in its log lines: an account id, never what was typed.

    Usernames are made from email addresses, and a mistyped one may be an address
    itself; a log line must carry neither (logs travel further than the database).
    """
    person = User.objects.filter(username=username).only("pk").first() if username else None
    who = f"user {person.pk}" if person else "an unknown username"
    path = path_info[0] if isinstance(path_info, (list, tuple)) else path_info
    return f"{{{who}, path: {path}}}"
